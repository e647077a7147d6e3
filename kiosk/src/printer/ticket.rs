//! The printed ticket: an [`IssuedTicket`] and a [`Layout`] in, ESC/POS bytes out. Pure: no I/O,
//! no clock, so the exact bytes are tested here and what a printer makes of them is tested
//! against the emulator in `tests/`.
//!
//! Visitors read Bahasa Indonesia first, English second; both are on the paper because the visitor
//! keeps it and may hand it to someone who reads only one of them.

use std::cell::RefCell;
use std::rc::Rc;

use antri_wire::IssuedTicket;
use chrono::Datelike;
use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use serde::Deserialize;

/// Roll width. The dot counts are those of the common 203 dpi heads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum PaperWidth {
    #[serde(rename = "58")]
    Mm58,
    #[serde(rename = "80")]
    Mm80,
}

impl PaperWidth {
    pub fn dots(self) -> u32 {
        match self {
            PaperWidth::Mm58 => 384,
            PaperWidth::Mm80 => 576,
        }
    }

    /// Characters per line in font A (12 dots wide).
    pub fn columns(self) -> usize {
        self.dots() as usize / 12
    }

    fn qr_module(self) -> u8 {
        match self {
            PaperWidth::Mm58 => 6,
            PaperWidth::Mm80 => 8,
        }
    }
}

/// A 1-bit picture for `GS v 0`: rows of `width_bytes` bytes, most significant bit leftmost,
/// 1 = black.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logo {
    pub width_bytes: u16,
    pub height: u16,
    pub data: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogoError {
    #[error("logo is not a readable PNG: {0}")]
    Png(#[from] png::DecodingError),
    #[error("logo is {width} dots wide; the paper has {max}")]
    TooWide { width: u32, max: u32 },
    #[error("logo PNG colour type {0:?} is not supported; save it as grayscale or RGB(A)")]
    Colour(png::ColorType),
}

impl Logo {
    /// Threshold a PNG to black and white (dark and opaque pixels print).
    pub fn from_png(bytes: &[u8], paper: PaperWidth) -> Result<Logo, LogoError> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info()?;
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf)?;
        let (w, h) = (info.width, info.height);
        if w > paper.dots() {
            return Err(LogoError::TooWide {
                width: w,
                max: paper.dots(),
            });
        }
        let channels = match info.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => return Err(LogoError::Colour(other)),
        };
        let width_bytes = w.div_ceil(8) as usize;
        let mut data = vec![0u8; width_bytes * h as usize];
        for y in 0..h as usize {
            for x in 0..w as usize {
                let px = &buf[(y * w as usize + x) * channels..][..channels];
                let (luma, alpha) = match channels {
                    1 => (px[0] as u32, 255),
                    2 => (px[0] as u32, px[1] as u32),
                    3 => (
                        (px[0] as u32 * 3 + px[1] as u32 * 6 + px[2] as u32) / 10,
                        255,
                    ),
                    _ => (
                        (px[0] as u32 * 3 + px[1] as u32 * 6 + px[2] as u32) / 10,
                        px[3] as u32,
                    ),
                };
                if alpha >= 128 && luma < 128 {
                    data[y * width_bytes + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        Ok(Logo {
            width_bytes: width_bytes as u16,
            height: h as u16,
            data,
        })
    }

    /// `GS v 0 m xL xH yL yH d…` (normal density).
    fn raster_command(&self) -> Vec<u8> {
        let mut cmd = vec![0x1d, b'v', b'0', 0];
        cmd.extend_from_slice(&self.width_bytes.to_le_bytes());
        cmd.extend_from_slice(&self.height.to_le_bytes());
        cmd.extend_from_slice(&self.data);
        cmd
    }
}

/// Everything about the paper that does not come from the ticket.
#[derive(Clone, Debug)]
pub struct Layout {
    pub paper: PaperWidth,
    pub building: String,
    /// WIB, WITA or WIT, printed after the time.
    pub timezone_abbrev: String,
    pub logo: Option<Logo>,
    /// Lines from the kiosk's config, e.g. opening hours or a hotline.
    pub footer: Vec<String>,
}

/// What a ticket issued at a booking's check-in carries besides the ticket: its session
/// ("09:00–10:00") and the masked NIK the officer compares with the KTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booked {
    pub session: String,
    pub nik_masked: String,
}

/// Collects what `escpos` would send, so the ticket can be built without a printer.
#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<u8>>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "capture".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// `Selasa, 24-11-2026 09.05 WIB` (the time as everywhere else: [`antri_wire::calendar::clock`]).
pub fn format_issued(t: &antri_wire::Timestamp, tz: &str) -> String {
    format!(
        "{}, {:02}-{:02}-{} {}",
        antri_wire::calendar::hari(t),
        t.day(),
        t.month(),
        t.year(),
        antri_wire::calendar::clock_in_zone(t, tz)
    )
}

/// Largest character magnification (1-8) at which `text` fits the paper on one line.
pub fn magnification_for(text: &str, paper: PaperWidth) -> u8 {
    let chars = text.chars().count().max(1) as u32;
    (1..=8u8)
        .rev()
        .find(|m| chars * 12 * *m as u32 <= paper.dots())
        .unwrap_or(1)
}

/// Word-wrap for a fixed-width font: printers wrap mid-word, which is hard to read.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > columns {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(columns).collect();
            word = word.chars().skip(columns).collect();
            lines.push(head);
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > columns && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Thermal printers print in a single-byte code page; keep to ASCII so nothing turns into `?`.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'á' | 'à' | 'â' => 'a',
            '–' | '—' => '-',
            '‘' | '’' => '\'',
            c if c.is_ascii() && !c.is_ascii_control() => c,
            _ => '?',
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
#[error("cannot lay out ticket: {0}")]
pub struct TicketError(#[from] escpos::errors::PrinterError);

/// The whole ticket, from `ESC @` to the cut.
pub fn render(
    t: &IssuedTicket,
    booked: Option<&Booked>,
    layout: &Layout,
) -> Result<Vec<u8>, TicketError> {
    let capture = Capture::default();
    let mut p = Printer::new(capture.clone(), Protocol::default(), None);
    let cols = layout.paper.columns();
    let lines = |p: &mut Printer<Capture>, text: &str| -> Result<(), TicketError> {
        for l in wrap(&ascii(text), cols) {
            p.writeln(&l)?;
        }
        Ok(())
    };
    let rule = "-".repeat(cols);

    p.init()?.justify(JustifyMode::CENTER)?;
    if let Some(logo) = &layout.logo {
        p.custom(&logo.raster_command())?.feed()?;
    }
    p.bold(true)?;
    lines(&mut p, &layout.building)?;
    p.bold(false)?.writeln(&rule)?;

    p.writeln("Nomor antrian / Queue number")?;
    let number = ascii(&t.ticket.number);
    let m = magnification_for(&number, layout.paper);
    p.bold(true)?
        .size(m, m)?
        .writeln(&number)?
        .reset_size()?
        .bold(false)?;
    if t.ticket.category.is_priority() {
        let name = t.ticket.category.name();
        p.reverse(true)?.bold(true)?;
        lines(&mut p, &format!(" PRIORITAS: {} ", name.id))?;
        p.reverse(false)?.bold(false)?;
        lines(&mut p, &format!("Priority: {}", name.en))?;
    }
    // A booked visitor's ticket says so, with the session, and the masked NIK for the officer to
    // compare with the KTP at the loket.
    let session = booked
        .map(|b| b.session.as_str())
        .or(t.ticket.booked.as_deref());
    if let Some(session) = session {
        p.reverse(true)?.bold(true)?;
        lines(&mut p, &format!(" RESERVASI / BOOKED {session} "))?;
        p.reverse(false)?.bold(false)?;
        if let Some(b) = booked {
            lines(&mut p, &format!("NIK {}", b.nik_masked))?;
        }
    }
    p.feed()?.bold(true)?;
    lines(&mut p, &t.service_name.id)?;
    p.bold(false)?;
    lines(&mut p, &t.service_name.en)?;
    lines(&mut p, &t.agency_name.id)?;
    p.writeln(&rule)?;

    lines(
        &mut p,
        &format_issued(&t.ticket.issued_at, &layout.timezone_abbrev),
    )?;
    lines(
        &mut p,
        &format!("Antrian sebelum Anda / Ahead of you: {}", t.ahead),
    )?;
    // The words of the kiosk screen and the tracking page: one rule (antri_wire::wait).
    let wait = antri_wire::wait::estimated_wait(t.ahead, t.estimated_wait_secs);
    lines(&mut p, "Perkiraan tunggu / Est. wait:")?;
    lines(&mut p, &format!("{} / {}", wait.id, wait.en))?;

    p.justify(JustifyMode::CENTER)?.feed()?;
    let qr = QRCodeOption::new(
        QRCodeModel::Model2,
        layout.paper.qr_module(),
        QRCodeCorrectionLevel::M,
    );
    p.qrcode_option(&t.tracking_url, qr)?.feed()?;
    lines(&mut p, "Pindai untuk memantau antrian Anda")?;
    lines(&mut p, "Scan to follow your place in the queue")?;
    if !layout.footer.is_empty() {
        p.writeln(&rule)?;
        for f in &layout.footer {
            lines(&mut p, f)?;
        }
    }
    p.feeds(3)?.cut()?.print()?;
    drop(p);
    let bytes = capture.0.borrow().clone();
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use antri_wire::{Category, Text, TicketStatus, TicketView};

    pub(crate) fn sample(category: Category) -> IssuedTicket {
        let at: antri_wire::Timestamp = "2026-11-24T09:05:00+07:00".parse().unwrap();
        IssuedTicket {
            ticket: TicketView {
                id: 1,
                number: "KTP-012".into(),
                service: "ktp-el".into(),
                category,
                status: TicketStatus::Waiting,
                day: at.date_naive(),
                issued_at: at,
                queued_at: at,
                called_at: None,
                counter: None,
                calls: 0,
                transferred_from: None,
                booked: None,
            },
            tracking_code: "abc123".into(),
            ahead: 3,
            estimated_wait_secs: 601,
            service_name: Text {
                id: "Perekaman KTP-el".into(),
                en: "e-ID card recording".into(),
            },
            agency_name: Text {
                id: "Dinas Kependudukan dan Pencatatan Sipil".into(),
                en: "Population and Civil Registration Office".into(),
            },
            tracking_url: "http://127.0.0.1:8080/t/abc123".into(),
        }
    }

    fn layout(paper: PaperWidth) -> Layout {
        Layout {
            paper,
            building: "Mal Pelayanan Publik Kota Harapan".into(),
            timezone_abbrev: "WIB".into(),
            logo: None,
            footer: vec!["Terima kasih / Thank you".into()],
        }
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn ticket_has_number_big_qr_and_cut() {
        let bytes = render(&sample(Category::Regular), None, &layout(PaperWidth::Mm80)).unwrap();
        assert!(bytes.starts_with(&[0x1b, b'@']), "starts with ESC @");
        // The number at magnification 6 on 80 mm (7 chars * 12 dots * 6 = 504 <= 576).
        assert!(contains(&bytes, &[0x1d, b'!', 0x55]));
        assert!(contains(&bytes, b"KTP-012"));
        assert!(contains(&bytes, b"Perekaman KTP-el"));
        assert!(contains(&bytes, b"Ahead of you: 3"));
        assert!(
            contains(&bytes, b"sekitar 11 menit / about 11 min"),
            "601 s rounds up to 11 minutes, in the words of the screen and the phone"
        );
        assert!(contains(&bytes, b"Selasa, 24-11-2026 09.05 WIB"));
        // QR data block: GS ( k pL pH 49 80 48 <url>
        let url = b"http://127.0.0.1:8080/t/abc123";
        let mut qr = vec![0x1d, b'(', b'k', (url.len() + 3) as u8, 0, 49, 80, 48];
        qr.extend_from_slice(url);
        assert!(contains(&bytes, &qr));
        assert!(contains(&bytes, b"Terima kasih / Thank you"));
        assert!(bytes.ends_with(&[0x1d, b'V', b'A', 0]), "ends with the cut");
        assert!(!contains(&bytes, b"PRIORITAS"));
    }

    #[test]
    fn priority_ticket_says_so() {
        let bytes = render(&sample(Category::Elderly), None, &layout(PaperWidth::Mm58)).unwrap();
        assert!(contains(&bytes, b"PRIORITAS: Lansia"));
        // 58 mm: 384 dots / (7 * 12) -> magnification 4.
        assert!(contains(&bytes, &[0x1d, b'!', 0x33]));
    }

    #[test]
    fn lines_fit_the_paper() {
        for paper in [PaperWidth::Mm58, PaperWidth::Mm80] {
            for l in wrap(
                "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Contoh Panjang Sekali",
                paper.columns(),
            ) {
                assert!(l.chars().count() <= paper.columns(), "{l}");
            }
        }
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }

    #[test]
    fn nobody_ahead_is_soon_on_paper_as_on_the_screen_and_the_phone() {
        let mut t = sample(Category::Regular);
        t.ahead = 0;
        t.estimated_wait_secs = 0;
        let bytes = render(&t, None, &layout(PaperWidth::Mm58)).unwrap();
        let words = antri_wire::wait::estimated_wait(0, 0);
        assert_eq!(words.id, "segera");
        assert!(contains(&bytes, b"segera / soon"));
        assert!(!contains(&bytes, b"menit"));
    }

    #[test]
    fn a_booked_ticket_shows_its_session_and_the_masked_nik() {
        let mut t = sample(Category::Regular);
        t.ticket.booked = Some("09:00–10:00".into());
        let booked = Booked {
            session: "09:00–10:00".into(),
            nik_masked: "3275********0001".into(),
        };
        let bytes = render(&t, Some(&booked), &layout(PaperWidth::Mm58)).unwrap();
        assert!(contains(&bytes, b"RESERVASI / BOOKED 09:00-10:00"));
        assert!(contains(&bytes, b"NIK 3275********0001"));
        let walk_in = render(&sample(Category::Regular), None, &layout(PaperWidth::Mm58)).unwrap();
        assert!(!contains(&walk_in, b"RESERVASI"));
    }

    #[test]
    fn magnification_keeps_long_numbers_on_one_line() {
        assert_eq!(magnification_for("A-001", PaperWidth::Mm80), 8);
        assert_eq!(magnification_for("PASPOR-0123", PaperWidth::Mm58), 2);
        assert_eq!(magnification_for(&"X".repeat(60), PaperWidth::Mm58), 1);
    }

    #[test]
    fn logo_from_png_thresholds_and_packs_bits() {
        // 10x2 grayscale: first row black except the last pixel; second row white.
        let mut png_bytes = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut png_bytes, 10, 2);
            enc.set_color(png::ColorType::Grayscale);
            let mut w = enc.write_header().unwrap();
            let mut px = vec![0u8; 10];
            px[9] = 255;
            px.extend(vec![255u8; 10]);
            w.write_image_data(&px).unwrap();
        }
        let logo = Logo::from_png(&png_bytes, PaperWidth::Mm58).unwrap();
        assert_eq!((logo.width_bytes, logo.height), (2, 2));
        assert_eq!(logo.data, vec![0xff, 0x80, 0x00, 0x00]);
        assert!(Logo::from_png(b"not a png", PaperWidth::Mm58).is_err());
    }
}
