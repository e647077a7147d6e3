//! Pages served by the server itself (no build step): for now the visitor's tracking page, which
//! the QR code on every printed ticket opens.

use axum::http::header;
use axum::response::IntoResponse;

use crate::api::error::ApiError;
use crate::api::extract::Path;

const TRACK_HTML: &str = include_str!("track.html");

/// `GET /t/{code}`: the page reads the code from its own URL and polls the public track API, so
/// the server only checks the code's shape here.
pub async fn track_page(Path(code): Path<String>) -> Result<impl IntoResponse, ApiError> {
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(
            "invalid_tracking_code",
            "not a tracking code",
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        TRACK_HTML,
    ))
}
