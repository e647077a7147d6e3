//! A small PDF writer for the printable SKM report: A4 pages of left-aligned lines in the PDF's
//! built-in Helvetica (regular and bold) with WinAnsi text, so no font is embedded and no crate is
//! needed. Enough for a report of tables as text; nothing more (no images, no kerning).

use std::fmt::Write;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// A document being written, top to bottom.
pub struct Pdf {
    pages: Vec<String>,
    y: f32,
}

impl Default for Pdf {
    fn default() -> Self {
        Pdf::new()
    }
}

impl Pdf {
    pub fn new() -> Pdf {
        Pdf {
            pages: vec![String::new()],
            y: HEIGHT - MARGIN,
        }
    }

    /// One line of text at `x` points from the margin (cut to the page's width, by an estimate
    /// of Helvetica's average width); a new page when this one is full.
    pub fn line(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let lead = size * 1.35;
        if self.y - lead < MARGIN {
            self.pages.push(String::new());
            self.y = HEIGHT - MARGIN;
        }
        self.y -= lead;
        self.put(x, size, bold, text);
    }

    /// Text on the current line (after [`Pdf::line`]), at `x` points from the margin.
    pub fn put(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let room = ((WIDTH - 2.0 * MARGIN - x) / (size * 0.5)).max(1.0) as usize;
        let text: String = text.chars().take(room).collect();
        let page = self.pages.last_mut().expect("a page");
        let _ = writeln!(
            page,
            "BT /{} {size} Tf {:.1} {:.1} Td ({}) Tj ET",
            if bold { "F2" } else { "F1" },
            MARGIN + x,
            self.y,
            escape(&text)
        );
    }

    /// A paragraph wrapped at words to the page's width.
    pub fn wrapped(&mut self, x: f32, size: f32, text: &str) {
        let room = ((WIDTH - 2.0 * MARGIN - x) / (size * 0.5)).max(10.0) as usize;
        let mut line = String::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
                self.line(x, size, false, &line);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            self.line(x, size, false, &line);
        }
    }

    /// Some space before the next line.
    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    /// The finished file.
    pub fn finish(self) -> Vec<u8> {
        let n = self.pages.len();
        // Objects: 1 catalog, 2 pages, 3 and 4 fonts, then each page and its content.
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            format!(
                "<< /Type /Pages /Count {n} /Kids [{}] >>",
                (0..n)
                    .map(|i| format!("{} 0 R", 5 + 2 * i))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        ];
        for (i, content) in self.pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] \
                     /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                    6 + 2 * i
                )
                .into_bytes(),
            );
            let bytes = win_ansi(content);
            let mut stream = format!("<< /Length {} >>\nstream\n", bytes.len()).into_bytes();
            stream.extend_from_slice(&bytes);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut tail = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for o in offsets {
            let _ = writeln!(tail, "{o:010} 00000 n ");
        }
        let _ = write!(
            tail,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.extend_from_slice(tail.as_bytes());
        out
    }
}

/// A PDF string's special characters escaped; control characters dropped (a suggestion may have
/// a tab or a new line, which a one-line text cannot show).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '(' | ')' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The content's text in WinAnsi (Windows-1252): Latin-1 as it is, the typographic marks at their
/// places, anything else `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\n' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_with_a_correct_cross_reference_table() {
        let mut pdf = Pdf::new();
        for i in 0..80 {
            pdf.line(0.0, 10.0, i == 0, &format!("Baris {i} (U1) – 3,60 · ≥"));
        }
        let bytes = pdf.finish();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-1.4") && text.ends_with("%%EOF\n"));
        assert!(text.contains("/Count 2"), "80 lines take two pages");
        assert!(text.contains("(Baris 0 \\(U1\\) "));
        // Every offset in the table points at its object.
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = &bytes[start..];
        let table = String::from_utf8_lossy(table);
        for (i, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let at: usize = line[..10].parse().unwrap();
            assert!(bytes[at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
        // The en dash is WinAnsi 0x96; the sign outside it is a question mark.
        assert!(bytes.windows(3).any(|w| w == b" \x96 "));
        assert!(bytes.windows(2).any(|w| w == b"\xb7 "));
    }
}
