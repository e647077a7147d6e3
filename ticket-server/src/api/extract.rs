//! Extractors that answer bad input with our JSON error body, and find out who is asking.

use antri_wire::{DeviceKind, Role};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::AppState;
use crate::auth::Principal;

/// `axum::Json` with our error body on rejection.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(v))
    }
}

/// `axum::extract::Path` with our error body on rejection.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(v) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(Path(v))
    }
}

/// The query string, deserialized; a bad value is refused with 400 `invalid_query` naming its
/// parameter (`after: number too large to fit in target type`).
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = if path.is_empty() || path == "." {
                    inner.to_string()
                } else {
                    format!("{path}: {inner}")
                };
                ApiError::bad_request("invalid_query", message)
            })
    }
}

pub const SESSION_COOKIE: &str = "antri_session";

pub const CSRF_HEADER: &str = "x-csrf-token";

/// Where a request's token came from. A browser sends cookies by itself, even on requests another
/// site makes it send, so a cookie alone never authorises a change (CSRF); a bearer header is sent
/// only by code that holds the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSource {
    Bearer,
    Cookie,
}

/// The request's token: the bearer header, or the session cookie of the browser pages.
pub fn token(parts: &Parts) -> Option<String> {
    token_with_source(parts).map(|(t, _)| t)
}

pub fn token_with_source(parts: &Parts) -> Option<(String, TokenSource)> {
    if let Some(v) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return v
            .strip_prefix("Bearer ")
            .map(|t| (t.trim().to_string(), TokenSource::Bearer));
    }
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| (v.to_string(), TokenSource::Cookie))
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, source) = token_with_source(parts).ok_or_else(ApiError::unauthorized)?;
        let principal = state
            .auth
            .authenticate(&token)
            .ok_or_else(ApiError::unauthorized)?;
        if source == TokenSource::Cookie && !parts.method.is_safe() {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            let expected = state.auth.session_csrf(&token);
            if sent.is_none() || sent != expected.as_deref() {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    "missing or wrong X-CSRF-Token: a page must send the token it got at login with every change",
                ));
            }
        }
        Ok(principal)
    }
}

impl Principal {
    /// A user with one of `roles`.
    pub fn require_role(&self, roles: &[Role]) -> Result<(), ApiError> {
        match self.role() {
            Some(r) if roles.contains(&r) => Ok(()),
            _ => Err(ApiError::forbidden(format!(
                "this needs the role {}",
                roles
                    .iter()
                    .map(|r| format!("{r:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" or ")
            ))),
        }
    }

    /// A device of the given kind.
    pub fn require_device(&self, kind: DeviceKind) -> Result<&str, ApiError> {
        match self {
            Principal::Device { id, kind: k } if *k == kind => Ok(id),
            _ => Err(ApiError::forbidden(format!(
                "only a {} device may do this",
                format!("{kind:?}").to_lowercase()
            ))),
        }
    }

    /// An officer assigned to loket `n`.
    pub fn require_counter(&self, n: u32) -> Result<(), ApiError> {
        match self {
            Principal::User(u) if u.role == Role::Officer && u.counters.contains(&n) => Ok(()),
            Principal::User(u) if u.role == Role::Officer => Err(ApiError::forbidden(format!(
                "officer {} is not assigned to loket {n}",
                u.username
            ))),
            _ => Err(ApiError::forbidden(
                "only an officer assigned to this loket may act on it",
            )),
        }
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}
