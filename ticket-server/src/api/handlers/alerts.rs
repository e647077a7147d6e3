//! The supervisor's alerts: the ones in force, and acknowledging one (the dashboard stops
//! sounding for it; it stays until its cause is gone).

use antri_wire::alert::{Alert, Alerts};
use antri_wire::{ErrorBody, Role};
use axum::extract::State;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Path};
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, Reply};

/// The alerts in force, oldest first, each with who acknowledged it.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "statistics",
    responses((status = 200, body = Alerts), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn list(State(s): State<AppState>, who: Principal) -> Result<Json<Alerts>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    Ok(Json(Alerts {
        active: s.hall().alerts(),
    }))
}

/// Acknowledge an alert in force, as the caller (recorded in the log).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "statistics",
    params(("id" = u64, Path, description = "The alert's id", minimum = 1)),
    responses((status = 200, description = "The alert, acknowledged", body = Alert), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_alert`: no alert with this id is in force", body = ErrorBody),
        (status = 409, description = "`already_acknowledged`, by whom", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn acknowledge(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<u64>,
) -> Result<Json<Alert>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    match s
        .writer
        .execute(Command::AcknowledgeAlert(id), who.actor())
        .await?
    {
        Reply::Alert(a) => Ok(Json(*a)),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}
