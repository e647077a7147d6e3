//! The QR code drawn on screen when the printer failed, so the visitor can photograph the link
//! to their ticket's tracking page.

use qrcode::{Color, EcLevel, QrCode};
use slint::{Image, Rgb8Pixel, SharedPixelBuffer};

/// Modules of white border around the code (the QR standard asks for 4).
const QUIET: usize = 4;

/// The code as rows of dark (true) and light modules, with the quiet zone.
pub fn modules(data: &str) -> Option<(usize, Vec<bool>)> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).ok()?;
    let w = code.width();
    let size = w + 2 * QUIET;
    let mut out = vec![false; size * size];
    for (i, c) in code.to_colors().into_iter().enumerate() {
        out[(i / w + QUIET) * size + i % w + QUIET] = c == Color::Dark;
    }
    Some((size, out))
}

/// An image `scale` pixels per module; the UI scales it to its box without smoothing.
pub fn image(data: &str, scale: usize) -> Image {
    let Some((size, dark)) = modules(data) else {
        return Image::default();
    };
    let px = size * scale;
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(px as u32, px as u32);
    let pixels = buf.make_mut_slice();
    for y in 0..px {
        for x in 0..px {
            let v = if dark[(y / scale) * size + x / scale] {
                0
            } else {
                255
            };
            pixels[y * px + x] = Rgb8Pixel { r: v, g: v, b: v };
        }
    }
    Image::from_rgb8(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracking_url_becomes_a_code_with_a_quiet_zone() {
        let (size, dark) = modules("http://127.0.0.1:8080/t/abc123").unwrap();
        assert!(size >= 21 + 2 * QUIET);
        assert!(!dark[0], "the corner is quiet zone");
        // The top-left finder pattern starts right after the quiet zone.
        assert!(dark[QUIET * size + QUIET]);
    }
}
