//! Issuing tickets (kiosk devices).

use antri_wire::{DeviceKind, ErrorBody, IssueRequest, IssuedTicket};
use axum::extract::State;
use axum::http::StatusCode;

use crate::api::error::ApiError;
use crate::api::extract::Json;
use crate::api::AppState;
use crate::auth::{new_tracking_code, Principal};
use crate::queue::{Command, Reply};

/// Issue a ticket; answered once it is on disk. The only answer that holds the ticket's tracking
/// code, for the kiosk to print.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "kiosk",
    request_body(content = IssueRequest, example = json!({"service": "ktp", "category": "elderly"})),
    responses((status = 201, description = "Issued", body = IssuedTicket), crate::api::openapi::BadBody, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_service`", body = ErrorBody),
        (status = 409, description = "`service_closed`, `service_not_yet_open`, `service_on_break` or `quota_reached`, with `availability`", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk"]))))]
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
