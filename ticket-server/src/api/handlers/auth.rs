//! Logging in and out.

use antri_wire::{LoginRequest, LoginResponse, UserView};
use axum::extract::State;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;
use crate::api::extract::{token, Json, SESSION_COOKIE};
use crate::api::AppState;
use crate::auth::{LoginError, Principal};

#[tracing::instrument(skip_all, fields(username = %req.username), err(level = "info", Debug))]
pub async fn login(
    State(s): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    if req.username.len() > 64 || req.password.len() > 256 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "username or password too long",
        ));
    }
    let auth = s.auth.clone();
    // Argon2 is slow on purpose; keep it off the async threads.
    let result = tokio::task::spawn_blocking(move || auth.login(&req.username, &req.password))
        .await
        .map_err(|e| ApiError::internal(format!("login task failed: {e}")))?;
    match result {
        Ok((token, user)) => {
            let cookie = format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut resp = Json(LoginResponse { token, user }).into_response();
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
    }
}

pub async fn logout(State(s): State<AppState>, parts: Parts) -> Result<StatusCode, ApiError> {
    let t = token(&parts).ok_or_else(ApiError::unauthorized)?;
    s.auth.logout(&t);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(who: Principal) -> Result<Json<UserView>, ApiError> {
    match who {
        Principal::User(u) => Ok(Json(u)),
        Principal::Device { .. } => Err(ApiError::forbidden("devices have no user profile")),
    }
}
