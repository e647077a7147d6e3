//! What every request and response goes through, whatever the route:
//!
//! - the request body is read here, within [`HttpLimits::body_timeout`] and the route's size
//!   limit, so a visitor who sends half a body is answered 408 (and the connection closed) instead
//!   of holding it, and a too large body is the JSON 413 the README promises for every route;
//! - every response carries the security headers: a Content-Security-Policy that allows only the
//!   server's own scripts (no inline script), no framing, no MIME sniffing, no Referer (the
//!   tracking page's URL holds the visitor's code).
//!
//! The header read timeout and the connection limit are in `server` (they act before a request
//! exists). An event stream is a response, so none of this cuts it short.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::error::ApiError;
use super::router::{ADMIN_MAX_BODY, MAX_BODY};

/// See [`HttpLimits::max_connections`]; `--max-connections` within
/// [`crate::config::limits::MAX_CONNECTIONS`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// Limits of the HTTP layer.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// A request's head (request line and headers) must arrive within this.
    pub header_timeout: Duration,
    /// A request's body must arrive within this once its head is in.
    pub body_timeout: Duration,
    /// Open connections at most, per listener; more wait in the kernel's queue until one closes.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            // 2,000 phones following their tickets live, the building's devices and staff, and
            // room for phones that reconnect before their old connection is seen to be dead. The
            // server raises its open files limit to fit (`open_files`).
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The router with the body guard and the security headers around every route.
pub fn wrap(router: Router, limits: &HttpLimits) -> Router {
    router
        .layer(middleware::from_fn_with_state(
            limits.body_timeout,
            read_body,
        ))
        .layer(middleware::from_fn(security_headers))
}

fn limit_for(path: &str) -> usize {
    if path.starts_with("/api/v1/admin/config/") {
        ADMIN_MAX_BODY
    } else {
        MAX_BODY
    }
}

fn too_large(limit: usize) -> Response {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        format!(
            "the request body is larger than {limit} bytes ({} KiB), the most this route accepts",
            limit / 1024
        ),
    )
    .into_response()
}

async fn read_body(State(timeout): State<Duration>, req: Request, next: Next) -> Response {
    let limit = limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return close(too_large(limit));
    }
    let (parts, body) = req.into_parts();
    let read = tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await;
    let bytes = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return close(too_large(limit))
        }
        Ok(Err(e)) => {
            return close(
                ApiError::bad_request(
                    "body_unreadable",
                    format!("the request body could not be read: {e}"),
                )
                .into_response(),
            )
        }
        Err(_) => {
            return close(
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "body_timeout",
                    format!(
                        "the request body did not arrive within {} seconds",
                        timeout.as_secs_f64()
                    ),
                )
                .into_response(),
            )
        }
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// After an unread or half-read body the connection cannot carry another request.
fn close(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}
