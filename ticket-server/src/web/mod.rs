//! Pages served by the server itself: plain HTML, CSS and JavaScript compiled into the binary, so
//! running them needs no Node, no build step and no files beside the server.
//!
//! - `/` — where to go; `/officer` — the officer console; `/dashboard` — the supervisor's
//!   dashboard; `/t/{code}` — the visitor's tracking page
//!   (the QR code on every ticket opens it).
//! - `/static/…` — the shared stylesheet and scripts.
//!
//! The pages talk to the same `/api/v1` as every other client; the session cookie authenticates
//! them and the CSRF token from login guards every change (see `api::extract`).

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

use crate::api::error::ApiError;
use crate::api::extract::Path;

const INDEX_HTML: &str = include_str!("index.html");
const OFFICER_HTML: &str = include_str!("officer.html");
const DASHBOARD_HTML: &str = include_str!("dashboard.html");
const TRACK_HTML: &str = include_str!("track.html");

/// `(name, content type, content)` of every static file.
const STATIC: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("static/app.css"),
    ),
    (
        "common.js",
        "text/javascript; charset=utf-8",
        include_str!("static/common.js"),
    ),
    (
        "officer.js",
        "text/javascript; charset=utf-8",
        include_str!("static/officer.js"),
    ),
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("static/dashboard.js"),
    ),
];

fn page(html: &'static str) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

pub async fn index() -> Response {
    page(INDEX_HTML)
}

pub async fn officer() -> Response {
    page(OFFICER_HTML)
}

pub async fn dashboard() -> Response {
    page(DASHBOARD_HTML)
}

/// `GET /t/{code}`: the page reads the code from its own URL and polls the public track API, so
/// the server only checks the code's shape here.
pub async fn track_page(Path(code): Path<String>) -> Result<Response, ApiError> {
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(
            "invalid_tracking_code",
            "not a tracking code",
        ));
    }
    Ok(page(TRACK_HTML))
}

pub async fn static_file(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (_, ctype, body) = STATIC
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| ApiError::not_found("no_such_file", format!("no static file {name}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, *ctype),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        *body,
    )
        .into_response())
}
