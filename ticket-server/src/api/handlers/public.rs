//! What anyone on the LAN may read: the services board and a ticket by its tracking code.

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{ErrorBody, ServicesResponse, TicketStatus, TrackView};
use axum::extract::State;
use axum::http::request::Parts;

use crate::api::error::ApiError;
use crate::api::extract::{token, Json, Path};
use crate::api::AppState;
use crate::queue::{Command, Reply};
use crate::store::log;

/// Building, agencies and services with live state (open?, waiting, estimated wait, quota left).
///
/// A caller with credentials also gets the technician's warnings.
#[utoipa::path(get, path = "/api/v1/services", tag = "public",
    responses((status = 200, body = ServicesResponse)),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all)]
pub async fn services(State(s): State<AppState>, parts: Parts) -> Json<ServicesResponse> {
    // The technician's warnings go to the hall's own devices and staff, not to anyone's phone.
    let warnings = match token(&parts).and_then(|t| s.auth.authenticate(&t)) {
        Some(_) => s.warnings(),
        None => Vec::new(),
    };
    let now = s.clock.now();
    let hall = s.hall();
    Json(ServicesResponse {
        building: hall.building(now),
        agencies: hall.agencies(),
        services: hall.services(now),
        seq: hall.seq(),
        warnings,
    })
}

pub(crate) fn check_code(code: &str) -> Result<(), ApiError> {
    if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(
            "invalid_tracking_code",
            "a tracking code is the letters and digits printed under the QR code",
        ));
    }
    Ok(())
}

/// A ticket's status for the visitor's phone; for whoever presents the code (it is the proof).
#[utoipa::path(get, path = "/api/v1/track/{code}", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, body = TrackView), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_ticket`", body = ErrorBody), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn track(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<TrackView>, ApiError> {
    check_code(&code)?;
    Ok(Json(view_of(&s, &code).await?))
}

/// The view of the ticket with `code`: today's from the hall, an older one from the history
/// (expired if it never finished); `unknown_ticket` when there is none.
pub(crate) async fn view_of(s: &AppState, code: &str) -> Result<TrackView, ApiError> {
    if let Some(view) = today(s, code) {
        return Ok(view);
    }
    // Not today's: look in the history.
    let lookup = code.to_string();
    let old = s.read_db(move |c| log::ticket_by_code(c, &lookup)).await?;
    let mut t = old.ok_or_else(|| {
        ApiError::not_found(
            "unknown_ticket",
            format!("no ticket with tracking code {code}"),
        )
    })?;
    if !t.status.is_final() {
        t.status = TicketStatus::Expired;
    }
    let id = t.id;
    let rating = s.read_db(move |c| log::rating_of(c, id)).await?;
    let mut view = s.hall().track(&t);
    view.rating = rating;
    Ok(view)
}

/// The view of today's ticket with `code`, read under the hall's lock (held for this alone).
pub(crate) fn today(s: &AppState, code: &str) -> Option<TrackView> {
    let hall = s.hall();
    hall.ticket_by_code(code).map(|t| hall.track(t))
}

/// A visitor who leaves cancels their own ticket (the code is the proof).
/// The visitor cancels their waiting ticket; for whoever presents the code. Logged as the visitor
/// by the ticket's number.
#[utoipa::path(post, path = "/api/v1/track/{code}/cancel", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, description = "The ticket, cancelled", body = TrackView), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_ticket`: no ticket of today has this code", body = ErrorBody),
        (status = 409, description = "`invalid_state`: the ticket no longer waits", body = ErrorBody),
        crate::api::openapi::NotStored),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn cancel(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<TrackView>, ApiError> {
    check_code(&code)?;
    // The queue names the visitor in the log by the ticket's number, never by the code.
    let actor = Actor {
        kind: ActorKind::Visitor,
        id: "visitor".into(),
    };
    match s
        .writer
        .execute(
            Command::Cancel {
                tracking_code: code,
            },
            actor,
        )
        .await?
    {
        Reply::Ticket(t) => Ok(Json(s.hall().track(&t))),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}
