//! Pages served by the server itself: plain HTML, CSS and JavaScript compiled into the binary, so
//! running them needs no Node, no build step and no files beside the server.
//!
//! - `/` — where to go; `/officer` — the officer console; `/dashboard` — the supervisor's
//!   dashboard; `/admin` — configuration and audit log; `/t/{code}` — the visitor's tracking page
//!   (the QR code on every ticket opens it), which also takes the visitor's rating;
//!   `/rate/{loket}` — the satisfaction tablet beside a loket, which also offers the full SKM
//!   survey; `/survey/{code}` — the same survey on the visitor's phone; `/skm` — the printable SKM
//!   report for supervisors.
//! - `/static/…` — the stylesheets and scripts. Every script and style is a file here, never
//!   inline in a page, so the Content-Security-Policy (see `api::hygiene`) allows none inline.
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
const ADMIN_HTML: &str = include_str!("admin.html");
const RATE_HTML: &str = include_str!("rate.html");
const BOOKING_HTML: &str = include_str!("booking.html");
const TRANSPARENCY_HTML: &str = include_str!("transparency.html");
const SURVEY_HTML: &str = include_str!("survey.html");
const SKM_HTML: &str = include_str!("skm.html");

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
        "alerts.js",
        "text/javascript; charset=utf-8",
        include_str!("static/alerts.js"),
    ),
    (
        "dashboard.js",
        "text/javascript; charset=utf-8",
        include_str!("static/dashboard.js"),
    ),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        include_str!("static/admin.js"),
    ),
    (
        "rate.js",
        "text/javascript; charset=utf-8",
        include_str!("static/rate.js"),
    ),
    (
        "faces.js",
        "text/javascript; charset=utf-8",
        include_str!("static/faces.js"),
    ),
    (
        "admin.css",
        "text/css; charset=utf-8",
        include_str!("static/admin.css"),
    ),
    (
        "dashboard.css",
        "text/css; charset=utf-8",
        include_str!("static/dashboard.css"),
    ),
    (
        "officer.css",
        "text/css; charset=utf-8",
        include_str!("static/officer.css"),
    ),
    (
        "rate.css",
        "text/css; charset=utf-8",
        include_str!("static/rate.css"),
    ),
    (
        "track.css",
        "text/css; charset=utf-8",
        include_str!("static/track.css"),
    ),
    (
        "track.js",
        "text/javascript; charset=utf-8",
        include_str!("static/track.js"),
    ),
    (
        "survey.js",
        "text/javascript; charset=utf-8",
        include_str!("static/survey.js"),
    ),
    (
        "survey.css",
        "text/css; charset=utf-8",
        include_str!("static/survey.css"),
    ),
    (
        "survey-page.js",
        "text/javascript; charset=utf-8",
        include_str!("static/survey-page.js"),
    ),
    (
        "skm.js",
        "text/javascript; charset=utf-8",
        include_str!("static/skm.js"),
    ),
    (
        "skm.css",
        "text/css; charset=utf-8",
        include_str!("static/skm.css"),
    ),
    (
        "track-alerts.js",
        "text/javascript; charset=utf-8",
        include_str!("static/track-alerts.js"),
    ),
    (
        "transparency.js",
        "text/javascript; charset=utf-8",
        include_str!("static/transparency.js"),
    ),
    (
        "transparency.css",
        "text/css; charset=utf-8",
        include_str!("static/transparency.css"),
    ),
    (
        "track-sms.js",
        "text/javascript; charset=utf-8",
        include_str!("static/track-sms.js"),
    ),
    (
        "track-sw.js",
        "text/javascript; charset=utf-8",
        include_str!("static/track-sw.js"),
    ),
    (
        "booking.css",
        "text/css; charset=utf-8",
        include_str!("static/booking.css"),
    ),
    (
        "booking.js",
        "text/javascript; charset=utf-8",
        include_str!("static/booking.js"),
    ),
];

fn page(html: &'static str) -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

/// Where to go: the officer console, the dashboard, the admin page.
#[utoipa::path(get, path = "/", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn index() -> Response {
    page(INDEX_HTML)
}

/// The officer console (log in on the page; its data needs an officer of the loket).
#[utoipa::path(get, path = "/officer", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn officer() -> Response {
    page(OFFICER_HTML)
}

/// The supervisor dashboard (log in on the page; its data needs a supervisor or admin).
#[utoipa::path(get, path = "/dashboard", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn dashboard() -> Response {
    page(DASHBOARD_HTML)
}

/// Configuration and audit log (log in on the page; its data needs an admin).
#[utoipa::path(get, path = "/admin", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn admin() -> Response {
    page(ADMIN_HTML)
}

/// `GET /transparansi`: the public transparency page (phone and TV); everything it shows comes
/// from `/api/v1/public/hall`.
#[utoipa::path(get, path = "/transparansi", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn transparency() -> Response {
    page(TRANSPARENCY_HTML)
}

/// `GET /booking`: the public booking page; everything it shows comes from `/api/v1/booking…`.
#[utoipa::path(get, path = "/booking", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn booking() -> Response {
    page(BOOKING_HTML)
}

/// `GET /rate/{loket}`: the rating tablet's page. The page itself is public; the tablet's device
/// token (kept in the tablet's browser storage) authorises what it reads and sends.
/// The path must be a loket number (400 otherwise); the page reads it from its own URL.
/// The rating tablet's page for a loket; open it once as /rate/1#token=<device token>.
#[utoipa::path(get, path = "/rate/{counter}", tag = "pages",
    params(("counter" = u32, Path, description = "Loket number", maximum = 4294967295_u64)),
    responses((status = 200, description = "The page", body = String, content_type = "text/html"), crate::api::openapi::BadPath),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn rate_page(Path(_counter): Path<u32>) -> Response {
    page(RATE_HTML)
}

/// `GET /t/{code}`: the page reads the code from its own URL and polls the public track API, so
/// the server only checks the code's shape here.
/// The visitor's tracking page that the ticket's QR code opens; it reads the code from its own address.
#[utoipa::path(get, path = "/t/{code}", tag = "pages",
    params(("code" = String, Path, description = "The tracking code", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, description = "The page", body = String, content_type = "text/html"), crate::api::openapi::BadPath),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn track_page(Path(code): Path<String>) -> Result<Response, ApiError> {
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(
            "invalid_tracking_code",
            "not a tracking code",
        ));
    }
    Ok(page(TRACK_HTML))
}

/// `GET /survey/{code}`: the full SKM survey for the visitor's own finished ticket (the tracking
/// page links here); like `/t/{code}`, the page reads the code from its own address.
/// The visitor's SKM survey page (nine questions, profile, suggestion) for a ticket's tracking code.
#[utoipa::path(get, path = "/survey/{code}", tag = "pages",
    params(("code" = String, Path, description = "The tracking code", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, description = "The page", body = String, content_type = "text/html"), crate::api::openapi::BadPath),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn survey_page(Path(code): Path<String>) -> Result<Response, ApiError> {
    crate::api::handlers::public::check_code(&code)?;
    Ok(page(SURVEY_HTML))
}

/// The printable SKM report (log in on the page; its data needs a supervisor or admin).
#[utoipa::path(get, path = "/skm", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn skm_page() -> Response {
    page(SKM_HTML)
}

/// The pages' stylesheets and scripts.
#[utoipa::path(get, path = "/static/{name}", tag = "pages",
    params(("name" = String, Path, description = "A file name, e.g. app.css or common.js")),
    responses(
        (status = 200, description = "The file", content(
            (String = "text/css"),
            (String = "text/javascript"),
        )),
        (status = 404, description = "`no_such_file`", body = antri_wire::ErrorBody),
    ),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
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
