//! Figures as a downloadable table: one header row, then rows of text cells followed by number
//! cells (absent = empty), as CSV or XLSX. Text cells are neutralised (see
//! [`super::dashboard::neutralise`]); numbers are written by us.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::dashboard::neutralise;
use crate::api::error::ApiError;
use crate::api::extract::Json;

/// One row: its text cells, then its numbers.
pub type Row<const T: usize, const N: usize> = ([String; T], [Option<u64>; N]);

/// The `format` of a figures route: `json` (the default), `csv` or `xlsx`.
pub fn format_of(format: Option<String>) -> Result<String, ApiError> {
    let format = format.unwrap_or_else(|| "json".into());
    if !["json", "csv", "xlsx"].contains(&format.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("format: \"{format}\" is not json, csv or xlsx"),
        ));
    }
    Ok(format)
}

/// A file's table: its name (without the ending), its sheet's name and its header.
pub struct Table<'a> {
    pub file: String,
    pub sheet: &'a str,
    pub columns: &'a [&'a str],
}

/// The figures in the `format` asked for (see [`format_of`]): as JSON, or `rows` of them as a
/// CSV or XLSX attachment.
pub fn answer<J: serde::Serialize, const T: usize, const N: usize>(
    format: &str,
    figures: J,
    table: Table,
    rows: impl FnOnce(&J) -> Vec<Row<T, N>>,
) -> Result<Response, ApiError> {
    match format {
        "csv" => {
            let out = csv(table.columns, &rows(&figures))
                .map_err(|e| ApiError::internal(format!("writing the CSV failed: {e}")))?;
            Ok(attachment(
                "text/csv; charset=utf-8",
                &format!("{}.csv", table.file),
                out.into_bytes(),
            ))
        }
        "xlsx" => {
            let out = xlsx(table.sheet, table.columns, &rows(&figures))
                .map_err(|e| ApiError::internal(format!("writing the XLSX failed: {e}")))?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{}.xlsx", table.file),
                out,
            ))
        }
        _ => Ok(Json(figures).into_response()),
    }
}

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
