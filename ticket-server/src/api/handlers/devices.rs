//! Device status: kiosks report their printer; supervisors see every device.

use antri_wire::{DeviceKind, DeviceReport, DeviceView, Role};
use axum::extract::State;

use crate::api::error::ApiError;
use crate::api::extract::Json;
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, Reply};

/// Report the kiosk's printer status.
#[utoipa::path(post, path = "/api/v1/devices/status", tag = "kiosk",
    request_body(content = DeviceReport, example = json!({"printer": "paper_out", "detail": null})),
    responses((status = 200, description = "The device as the hall sees it now", body = DeviceView),
        crate::api::openapi::BadBody, crate::api::openapi::Denied, crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn report(
    State(s): State<AppState>,
    who: Principal,
    Json(report): Json<DeviceReport>,
) -> Result<Json<DeviceView>, ApiError> {
    let device = who.require_device(DeviceKind::Kiosk)?.to_string();
    if report
        .detail
        .as_ref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(ApiError::bad_request(
            "detail_too_long",
            "detail: at most 500 characters",
        ));
    }
    match s
        .writer
        .execute(Command::DeviceStatus { device, report }, who.actor())
        .await?
    {
        Reply::Device(d) => Ok(Json(*d)),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// Every device and its last reported status.
#[utoipa::path(get, path = "/api/v1/devices", tag = "kiosk",
    responses((status = 200, body = Vec<DeviceView>), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn list(
    State(s): State<AppState>,
    who: Principal,
) -> Result<Json<Vec<DeviceView>>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    Ok(Json(s.hall().devices()))
}
