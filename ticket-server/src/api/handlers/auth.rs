//! Logging in and out.

use std::net::SocketAddr;

use antri_wire::{ErrorBody, LoginRequest, LoginResponse, SessionView};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;
use crate::api::extract::{token, Json, SESSION_COOKIE};
use crate::api::AppState;
use crate::auth::{LoggedIn, LoginError, Principal};

/// Longest accepted username and password, in characters.
const MAX_USERNAME_CHARS: usize = 64;
const MAX_PASSWORD_CHARS: usize = 256;

/// Log in: sets an HttpOnly session cookie and returns a bearer token.
///
/// Failed attempts are throttled per user and source (429 with Retry-After).
#[utoipa::path(post, path = "/api/v1/login", tag = "people",
    request_body(content = LoginRequest, example = json!({"username": "petugas1", "password": "antri"})),
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = LoginResponse,
            headers(("set-cookie" = String, description = "The session cookie"))),
        crate::api::openapi::BadBody,
        (status = 401, description = "`invalid_login`", body = ErrorBody),
        (status = 429, description = "`login_throttled`, with Retry-After", body = ErrorBody),
        (status = 503, description = "`login_busy`: too many password checks at once, with Retry-After", body = ErrorBody),
    ),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, fields(username = %req.username, source = %peer.ip()), err(level = "info", Debug))]
pub async fn login(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    if req.username.chars().count() > MAX_USERNAME_CHARS
        || req.password.chars().count() > MAX_PASSWORD_CHARS
    {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("a username has at most {MAX_USERNAME_CHARS} characters and a password at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    // The attempt is counted before the (slow, bounded) password check; see `auth::throttle`.
    let result = s.auth.login(req.username, req.password, peer.ip()).await;
    match result {
        Ok(LoggedIn { token, csrf, user }) => {
            let cookie = format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut resp = Json(LoginResponse { token, csrf, user }).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        Err(LoginError::Invalid) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_login",
            LoginError::Invalid.to_string(),
        )),
        Err(e @ LoginError::Throttled(secs)) => {
            let mut err = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login_throttled",
                e.to_string(),
            );
            err.retry_after = Some(secs);
            Err(err)
        }
        Err(e @ LoginError::Busy(secs)) => {
            let mut err =
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "login_busy", e.to_string());
            err.retry_after = Some(secs);
            Err(err)
        }
    }
}

/// End the session and clear the cookie (a device's token is no session: nothing ends).
///
/// Goes through the CSRF check like every change.
#[utoipa::path(post, path = "/api/v1/logout", tag = "people",
    responses((status = 204, description = "Logged out; the cookie is cleared"), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk", "display", "rating", "officer", "supervisor", "admin"]))))]
pub async fn logout(
    State(s): State<AppState>,
    _who: Principal,
    parts: Parts,
) -> Result<Response, ApiError> {
    let t = token(&parts).ok_or_else(ApiError::unauthorized)?;
    // Ends at once in memory; the stored copy is deleted off the async threads.
    s.auth.logout(&t);
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let clear = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&clear) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// The logged-in user and the CSRF token of the session (a page reloads without logging in again).
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    responses((status = 200, body = SessionView), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer", "supervisor", "admin"]))))]
pub async fn me(
    State(s): State<AppState>,
    who: Principal,
    parts: Parts,
) -> Result<Json<SessionView>, ApiError> {
    let Principal::User(user) = who else {
        return Err(ApiError::forbidden("devices have no user profile"));
    };
    let csrf = token(&parts)
        .and_then(|t| s.auth.session_csrf(&t))
        .unwrap_or_default();
    Ok(Json(SessionView { user, csrf }))
}
