//! Screenshots: a normal test run writes them under `$CARGO_TARGET_TMPDIR/screenshots/` and never
//! touches the tracked pictures; `ANTRI_UPDATE_SCREENSHOTS=1` also copies each into
//! `docs/screenshots/` (the README's). A test checks what a picture shows through [`Picture`]
//! (its pixels), not its file size.

use std::path::{Path, PathBuf};

/// `$CARGO_TARGET_TMPDIR/screenshots/<name>` of the calling test crate (the folder made).
#[macro_export]
macro_rules! screenshot_path {
    ($name:expr) => {
        $crate::shots::path(env!("CARGO_TARGET_TMPDIR"), $name)
    };
}

/// `<target_tmpdir>/screenshots/<name>`, the folder made; see [`screenshot_path!`].
pub fn path(target_tmpdir: &str, name: &str) -> PathBuf {
    let dir = Path::new(target_tmpdir).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    dir.join(name)
}

/// Whether this run rewrites docs/screenshots/ (`ANTRI_UPDATE_SCREENSHOTS=1`).
pub fn updating() -> bool {
    std::env::var_os("ANTRI_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1")
}

/// With `ANTRI_UPDATE_SCREENSHOTS=1`, copy the picture at `path` into docs/screenshots/ under its
/// own file name; otherwise nothing.
pub fn publish(path: &Path) {
    if updating() {
        let docs = crate::workspace().join("docs/screenshots");
        std::fs::create_dir_all(&docs).unwrap();
        let to = docs.join(path.file_name().expect("a file name"));
        std::fs::copy(path, &to)
            .unwrap_or_else(|e| panic!("copy {} to {}: {e}", path.display(), to.display()));
    }
}

/// Write 8-bit RGBA pixels as a PNG (the parent folder made).
pub fn save_png(path: &Path, w: u32, h: u32, rgba: &[u8]) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    let f = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(rgba).unwrap();
}

/// A picture's pixels, as RGB, for asserting what it shows.
pub struct Picture {
    pub width: u32,
    pub height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Picture {
    /// Decode a PNG (any colour type and depth).
    pub fn load(path: &Path) -> Picture {
        let file =
            std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
        let mut dec = png::Decoder::new(std::io::BufReader::new(file));
        dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = dec.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        let ch = info.color_type.samples();
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(ch)
            .map(|p| match ch {
                1 | 2 => [p[0], p[0], p[0]],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        Picture {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        self.rgb[(y * self.width + x) as usize]
    }

    /// The share (0.0–1.0) of the pixels in the rectangle `x0..x1` × `y0..y1` that are `colour`,
    /// each channel within `tolerance` (anti-aliasing, noise).
    pub fn share_in(
        &self,
        (x0, y0, x1, y1): (u32, u32, u32, u32),
        colour: [u8; 3],
        tolerance: u8,
    ) -> f64 {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        let mut hits = 0u64;
        let mut all = 0u64;
        for y in y0..y1 {
            for x in x0..x1 {
                all += 1;
                let p = self.pixel(x, y);
                if (0..3).all(|i| p[i].abs_diff(colour[i]) <= tolerance) {
                    hits += 1;
                }
            }
        }
        if all == 0 {
            0.0
        } else {
            hits as f64 / all as f64
        }
    }

    /// [`Picture::share_in`] over the whole picture.
    pub fn share(&self, colour: [u8; 3], tolerance: u8) -> f64 {
        self.share_in((0, 0, self.width, self.height), colour, tolerance)
    }

    /// The share of pixels darker than `level` on every channel (ink, text).
    pub fn dark_share(&self, level: u8) -> f64 {
        let dark = self
            .rgb
            .iter()
            .filter(|p| p.iter().all(|c| *c < level))
            .count();
        dark as f64 / self.rgb.len().max(1) as f64
    }
}
