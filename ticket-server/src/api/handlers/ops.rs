//! For operators: health, Prometheus metrics, the OpenAPI document.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::extract::Json;
use crate::api::{openapi, AppState};

/// `200 {"status":"ok","seq":N}`, or `503 {"status":"failed","reason":…}` once the writer died or
/// its commits keep failing (the process exits shortly after, for the service manager to restart).
pub async fn health(State(s): State<AppState>) -> Response {
    match s.writer.failure() {
        None => {
            Json(serde_json::json!({ "status": "ok", "seq": s.hub.committed() })).into_response()
        }
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "status": "failed",
                "reason": reason,
                "seq": s.hub.committed(),
            })),
        )
            .into_response(),
    }
}

pub async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    let per_service: Vec<(String, u32, u32)> = {
        let hall = s.hall();
        hall.config()
            .services
            .iter()
            .map(|svc| {
                (
                    svc.id.clone(),
                    hall.issued_today(&svc.id),
                    hall.waiting_count(&svc.id),
                )
            })
            .collect()
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&per_service, s.hub.subscribers())
            + &format!(
                "# HELP antri_password_checks_total Passwords checked (argon2 runs) since start.\n\
                 # TYPE antri_password_checks_total counter\n\
                 antri_password_checks_total {}\n\
                 # HELP antri_sessions Logged-in sessions.\n\
                 # TYPE antri_sessions gauge\n\
                 antri_sessions {}\n",
                s.auth.password_checks(),
                s.auth.session_count()
            ),
    )
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(openapi::document())
}
