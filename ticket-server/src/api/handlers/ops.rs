//! For operators: health, Prometheus metrics, the OpenAPI document.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::api::extract::Json;
use crate::api::{openapi, AppState};

/// `GET /healthz`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `failed` once the writer died or its commits keep failing.
    pub status: String,
    /// The newest committed sequence number.
    pub seq: u64,
    /// Why it failed (with `failed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `200 {"status":"ok","seq":N}`, or `503 {"status":"failed","reason":…}` once the writer died or
/// its commits keep failing (the process exits shortly after, for the service manager to restart).
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses(
        (status = 200, description = "Alive", body = Health),
        (status = 503, description = "The writer died or its commits keep failing; the process exits for its service manager to restart it", body = Health),
    ),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn health(State(s): State<AppState>) -> Response {
    let seq = s.hub.committed();
    match s.writer.failure() {
        None => Json(Health {
            status: "ok".into(),
            seq,
            reason: None,
        })
        .into_response(),
        Some(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Health {
                status: "failed".into(),
                seq,
                reason: Some(reason.to_string()),
            }),
        )
            .into_response(),
    }
}

/// Prometheus metrics: tickets issued and waiting per service, commit latency, subscribers.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "The Prometheus text format", body = String, content_type = "text/plain")),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
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
    let outbox = s
        .messages
        .with_db(|c| crate::store::messages::counts(c))
        .await;
    let messages = outbox
        .map(|counts| s.messages.render_metrics(counts))
        .unwrap_or_default();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(&per_service, s.hub.subscribers())
            + &messages
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

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn openapi() -> Json<&'static serde_json::Value> {
    Json(openapi::document())
}
