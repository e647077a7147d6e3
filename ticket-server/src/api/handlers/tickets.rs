//! Issuing tickets (kiosk devices).

use antri_wire::{DeviceKind, IssueRequest, IssuedTicket};
use axum::extract::State;
use axum::http::StatusCode;

use crate::api::error::ApiError;
use crate::api::extract::Json;
use crate::api::AppState;
use crate::auth::{new_tracking_code, Principal};
use crate::queue::{Command, Reply};

/// Answered only after the ticket is committed to disk.
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn issue(
    State(s): State<AppState>,
    who: Principal,
    Json(req): Json<IssueRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>), ApiError> {
    who.require_device(DeviceKind::Kiosk)?;
    let cmd = Command::Issue {
        service: req.service,
        category: req.category,
        tracking_code: new_tracking_code(),
    };
    match s.writer.execute(cmd, who.actor()).await? {
        Reply::Issued(t) => Ok((StatusCode::CREATED, Json(*t))),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}
