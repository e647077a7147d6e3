//! Figures as a downloadable table: one header row, then rows of text cells followed by number
//! cells (absent = empty), as CSV or XLSX. Text cells are neutralised (see
//! [`super::dashboard::neutralise`]); numbers are written by us.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::dashboard::neutralise;

/// One row: its text cells, then its numbers.
pub type Row<const T: usize, const N: usize> = ([String; T], [Option<u64>; N]);

/// The file as an attachment named `file`.
pub fn attachment(content_type: &str, file: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub fn csv<const T: usize, const N: usize>(
    columns: &[&str],
    rows: &[Row<T, N>],
) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    for (text, nums) in rows {
        let cells = text.iter().map(|c| neutralise(c).into_owned()).chain(
            nums.iter()
                .map(|n| n.map_or(String::new(), |n| n.to_string())),
        );
        w.write_record(cells)?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn xlsx<const T: usize, const N: usize>(
    sheet_name: &str,
    columns: &[&str],
    rows: &[Row<T, N>],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, (text, nums)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, t) in text.iter().enumerate() {
            sheet.write_string(row, c as u16, neutralise(t))?;
        }
        for (c, n) in nums.iter().enumerate() {
            if let Some(n) = n {
                sheet.write_number(row, (T + c) as u16, *n as f64)?;
            }
        }
    }
    sheet.autofit();
    book.save_to_buffer()
}
