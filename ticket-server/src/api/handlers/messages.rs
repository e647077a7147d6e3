//! Messages: a visitor's opt-in and stop for a walk-in ticket (the tracking code is the proof,
//! as for cancelling), and the supervisor's delivery log (numbers masked).

use antri_wire::messages::{DeliveryLog, MessagesOptIn, MessagesSubscription};
use antri_wire::{ErrorBody, Role, TicketView};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use super::public::check_code;
use crate::api::error::ApiError;
use crate::api::extract::{Json, Path};
use crate::api::AppState;
use crate::auth::Principal;
use crate::config::limits;
use crate::messages::phone;
use crate::store::messages as store;

/// Rows in the delivery log.
const LOG_ROWS: u32 = 200;

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Today's ticket that still waits or is being called, by its code; with the building's rules.
fn ticket_for_messages(s: &AppState, code: &str) -> Result<TicketView, ApiError> {
    check_code(code)?;
    if !s.config().messages.enabled() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "messages_off",
            "this building sends no SMS/WhatsApp messages",
        ));
    }
    let hall = s.hall();
    let t = hall.ticket_by_code(code).cloned().ok_or_else(|| {
        ApiError::not_found(
            "unknown_ticket",
            format!("no ticket of today has tracking code {code}"),
        )
    })?;
    Ok(t)
}

/// Send this ticket's messages ("turn near", called, no-show) to the visitor's phone. The code is
/// the proof; `consent` must be true. The number is kept only for this, erased when the visitor
/// stops or at the building's retention, and never shown again but masked.
#[utoipa::path(post, path = "/api/v1/track/{code}/messages", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    request_body(content = MessagesOptIn, example = json!({"phone": "0812-3456-7890", "consent": true, "places": 3})),
    responses((status = 200, body = MessagesSubscription), crate::api::openapi::BadPath, crate::api::openapi::BadBody,
        (status = 404, description = "`unknown_ticket`: no ticket of today has this code", body = ErrorBody),
        (status = 409, description = "`messages_off`: the building has no gateway; `invalid_state`: the ticket is finished", body = ErrorBody),
        (status = 422, description = "`invalid_body` (a field missing or of the wrong type, named by its path), `consent_required`, `invalid_phone` or `invalid_places`", body = ErrorBody),
        crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn opt_in(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Json(req): Json<MessagesOptIn>,
) -> Result<Json<MessagesSubscription>, ApiError> {
    let t = ticket_for_messages(&s, &code)?;
    if !req.consent {
        return Err(unprocessable(
            "consent_required",
            "consent: must be true: messages go only to visitors who agree to receive them",
        ));
    }
    let number =
        phone::indonesian_mobile(&req.phone).map_err(|m| unprocessable("invalid_phone", m))?;
    let places = req.places.unwrap_or(s.config().messages.near_places);
    if !limits::NEAR_PLACES.contains(&places) {
        return Err(unprocessable(
            "invalid_places",
            format!(
                "places: {places} is out of range; use {} to {}",
                limits::NEAR_PLACES.start(),
                limits::NEAR_PLACES.end()
            ),
        ));
    }
    if t.status.is_final() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_state",
            format!("ticket {} is finished; no more messages", t.number),
        ));
    }
    let masked = phone::mask(&number);
    let now = s.clock.now().timestamp_millis();
    let (id, day, shown) = (t.id, t.day, masked.clone());
    s.messages
        .with_db(move |c| {
            store::durably(c, |c| {
                store::subscribe(c, id, day, &number, &masked, places, now)
            })
        })
        .await?;
    // Their turn may be near already.
    s.messages.wake();
    Ok(Json(MessagesSubscription {
        number: t.number,
        active: true,
        phone_masked: Some(shown),
        places,
    }))
}

/// Stop this ticket's messages: the number is erased at once and nothing more is sent to it.
#[utoipa::path(delete, path = "/api/v1/track/{code}/messages", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, body = MessagesSubscription), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_ticket`: no ticket of today has this code", body = ErrorBody),
        (status = 409, description = "`messages_off`", body = ErrorBody),
        crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn stop(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<MessagesSubscription>, ApiError> {
    let t = ticket_for_messages(&s, &code)?;
    let now = s.clock.now().timestamp_millis();
    let id = t.id;
    let places = s
        .messages
        .with_db(move |c| store::durably(c, |c| store::unsubscribe(c, id, now)))
        .await?;
    Ok(Json(MessagesSubscription {
        number: t.number,
        active: false,
        phone_masked: None,
        places: places.unwrap_or(s.config().messages.near_places),
    }))
}

/// The newest messages (at most 200) with their delivery state, numbers masked, and the counts
/// per status: for the supervisor to see that the gateway works.
#[utoipa::path(get, path = "/api/v1/messages", tag = "dashboard",
    responses((status = 200, body = DeliveryLog), crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn log(State(s): State<AppState>, who: Principal) -> Result<Json<DeliveryLog>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    let zone = s.config().building.zone;
    let time = move |ms: i64| {
        DateTime::<Utc>::from_timestamp_millis(ms)
            .map(|t| zone.local(t).to_rfc3339())
            .unwrap_or_default()
    };
    let (rows, (pending, delivered, failed)) = s
        .messages
        .with_db(move |c| Ok((store::log(c, LOG_ROWS, time)?, store::counts(c)?)))
        .await?;
    Ok(Json(DeliveryLog {
        enabled: s.config().messages.enabled(),
        pending,
        delivered,
        failed,
        rows,
    }))
}
