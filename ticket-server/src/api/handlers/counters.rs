//! Lokets: what they are doing, who waits for them, and the officer's actions.

use antri_wire::booking::LoketBooking;
use antri_wire::{
    CallRequest, CounterActionResult, CounterView, DeviceKind, ErrorBody, PauseRequest, Role,
    TicketView, TransferRequest,
};
use axum::body::Bytes;
use axum::extract::State;
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Path};
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, Reply};
use crate::store::bookings;

/// Every loket: state, current ticket (no tracking code), officer.
#[utoipa::path(get, path = "/api/v1/counters", tag = "lokets",
    responses((status = 200, body = Vec<CounterView>), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk", "display", "rating", "officer", "supervisor", "admin"]))))]
pub async fn list(State(s): State<AppState>, _who: Principal) -> Json<Vec<CounterView>> {
    Json(s.hall().counters())
}

/// One loket.
#[utoipa::path(get, path = "/api/v1/counters/{n}", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    responses((status = 200, body = CounterView), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`", body = ErrorBody)),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk", "display", "rating", "officer", "supervisor", "admin"]))))]
pub async fn one(
    State(s): State<AppState>,
    _who: Principal,
    Path(n): Path<u32>,
) -> Result<Json<CounterView>, ApiError> {
    s.hall()
        .counter_view(n)
        .map(Json)
        .ok_or_else(|| ApiError::not_found("unknown_counter", format!("unknown loket {n}")))
}

/// Today's waiting tickets for the loket's services, in arrival order (priority marked).
///
/// For the loket's officers, supervisors and admins, and display devices (a loket's own screen
/// may show who is next). Kiosks and rating tablets have no use for it. A ticket view carries no
/// tracking code, so the list holds nothing a visitor could be harmed by.
#[utoipa::path(get, path = "/api/v1/counters/{n}/waiting", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    responses((status = 200, description = "Oldest first", body = Vec<TicketView>), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`", body = ErrorBody)),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["display", "officer of loket n", "supervisor", "admin"]))))]
pub async fn waiting(
    State(s): State<AppState>,
    who: Principal,
    Path(n): Path<u32>,
) -> Result<Json<Vec<TicketView>>, ApiError> {
    let display = who.require_device(DeviceKind::Display).is_ok();
    if !display && who.require_role(&[Role::Supervisor, Role::Admin]).is_err() {
        who.require_counter(n)?;
    }
    let hall = s.hall();
    let c = hall
        .counter_view(n)
        .ok_or_else(|| ApiError::not_found("unknown_counter", format!("unknown loket {n}")))?;
    Ok(Json(hall.waiting_tickets(&c.services)))
}

/// The booking behind the ticket called to or served at the loket now: the masked NIK the
/// officer compares with the visitor's KTP. Personal data, so only for the loket's own officer,
/// supervisors and admins — devices read the counter views, which never carry it.
#[utoipa::path(get, path = "/api/v1/counters/{n}/booking", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    responses((status = 200, body = LoketBooking), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`, or `no_booking`: no booked ticket at the loket now", body = ErrorBody),
        crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer of loket n", "supervisor", "admin"]))))]
pub async fn booking(
    State(s): State<AppState>,
    who: Principal,
    Path(n): Path<u32>,
) -> Result<Json<LoketBooking>, ApiError> {
    if who.require_role(&[Role::Supervisor, Role::Admin]).is_err() {
        who.require_counter(n)?;
    }
    let c = s
        .hall()
        .counter_view(n)
        .ok_or_else(|| ApiError::not_found("unknown_counter", format!("unknown loket {n}")))?;
    let none = || ApiError::not_found("no_booking", format!("loket {n} has no booked ticket now"));
    let t = c.current.filter(|t| t.booked.is_some()).ok_or_else(none)?;
    let id = t.id;
    let nik_masked = s
        .read_db(move |conn| bookings::nik_of_ticket(conn, id))
        .await?
        .ok_or_else(none)?;
    Ok(Json(LoketBooking {
        number: t.number,
        session: t.booked.unwrap_or_default(),
        nik_masked,
    }))
}

/// The actions of `POST /api/v1/counters/{n}/{action}` (those without a body), for the document
/// (the handler matches the path's text, so an unknown action is a 404 `unknown_action` that names
/// the known ones).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "kebab-case")]
#[allow(dead_code)]
pub enum LoketAction {
    Open,
    CallNext,
    Recall,
    Start,
    Finish,
    NoShow,
    Resume,
    Close,
}

/// The action's body; a bad value is named by its field (`reason: unknown variant …`).
fn body<T: DeserializeOwned>(bytes: &Bytes, example: &str) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if path.is_empty() || path == "." {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            format!("{message}; expected a body like {example}"),
        )
    })
}

/// Call a ticket of today to the loket by its number, out of turn.
///
/// The loket's officer may, unless the building runs "no choosing" (`queue.no_choosing`): then
/// they are refused with 403 `choosing_off` and only call next. A supervisor or an admin may call
/// a specific number to any loket that is open and free, in either mode (409 `counter_closed` or
/// `current_ticket_pending` otherwise: nothing is opened or finished in their name).
#[utoipa::path(post, path = "/api/v1/counters/{n}/call", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    request_body(content = CallRequest, example = json!({"number": "KTP-012"})),
    responses((status = 200, body = CounterActionResult), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`, `unknown_ticket`", body = ErrorBody),
        (status = 409, description = "What the loket's state does not allow: `counter_closed`, `counter_paused`, `queue_empty`, `no_current_ticket`, `current_ticket_pending`, `invalid_state`, `not_served_here`, `same_service`", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_body`: named by its field", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer of loket n", "supervisor", "admin"]))))]
pub async fn call(
    state: State<AppState>,
    who: Principal,
    Path(n): Path<u32>,
    bytes: Bytes,
) -> Result<Json<CounterActionResult>, ApiError> {
    act(state, who, Path((n, "call".to_string())), bytes).await
}

/// Transfer the loket's current ticket to another service; it keeps its number and its place by arrival.
#[utoipa::path(post, path = "/api/v1/counters/{n}/transfer", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    request_body(content = TransferRequest, example = json!({"service": "kk"})),
    responses((status = 200, body = CounterActionResult), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`, `unknown_service`", body = ErrorBody),
        (status = 409, description = "What the loket's state does not allow: `counter_closed`, `counter_paused`, `queue_empty`, `no_current_ticket`, `current_ticket_pending`, `invalid_state`, `not_served_here`, `same_service`", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_body`: named by its field", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer of loket n"]))))]
pub async fn transfer(
    state: State<AppState>,
    who: Principal,
    Path(n): Path<u32>,
    bytes: Bytes,
) -> Result<Json<CounterActionResult>, ApiError> {
    act(state, who, Path((n, "transfer".to_string())), bytes).await
}

/// Pause the loket (a break, prayer, a system issue).
#[utoipa::path(post, path = "/api/v1/counters/{n}/pause", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64)),
    request_body(content = PauseRequest, example = json!({"reason": "prayer", "note": null})),
    responses((status = 200, body = CounterActionResult), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`", body = ErrorBody),
        (status = 409, description = "What the loket's state does not allow: `counter_closed`, `counter_paused`, `queue_empty`, `no_current_ticket`, `current_ticket_pending`, `invalid_state`, `not_served_here`, `same_service`", body = ErrorBody),
        (status = 413, description = "`body_too_large`", body = ErrorBody),
        (status = 422, description = "`invalid_body`: named by its field", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer of loket n"]))))]
pub async fn pause(
    state: State<AppState>,
    who: Principal,
    Path(n): Path<u32>,
    bytes: Bytes,
) -> Result<Json<CounterActionResult>, ApiError> {
    act(state, who, Path((n, "pause".to_string())), bytes).await
}

/// A loket action without a body: one handler for every action (the three with a body above come
/// here too), so the rules for who may act on a loket are in one place.
///
/// call-next takes the longest-waiting eligible ticket (priority by policy) and finishes a ticket
/// being served. A body is not read.
#[utoipa::path(post, path = "/api/v1/counters/{n}/{action}", tag = "lokets",
    params(("n" = u32, Path, description = "Loket number", minimum = 1, maximum = 4294967295_u64), ("action" = LoketAction, Path)),
    responses((status = 200, body = CounterActionResult), crate::api::openapi::BadPath, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_counter`, `unknown_action`", body = ErrorBody),
        (status = 409, description = "What the loket's state does not allow: `counter_closed`, `counter_paused`, `queue_empty`, `no_current_ticket`, `current_ticket_pending`, `invalid_state`, `not_served_here`, `same_service`", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer of loket n"]))))]
#[tracing::instrument(skip_all, fields(counter = n, action = %action), err(level = "info", Debug))]
pub async fn act(
    State(s): State<AppState>,
    who: Principal,
    Path((n, action)): Path<(u32, String)>,
    bytes: Bytes,
) -> Result<Json<CounterActionResult>, ApiError> {
    if s.config().counter(n).is_none() {
        return Err(ApiError::not_found(
            "unknown_counter",
            format!("unknown loket {n}"),
        ));
    }
    may_act(&s, &who, n, &action)?;
    let cmd = match action.as_str() {
        "open" => Command::Open(n),
        "call-next" => Command::CallNext(n),
        "recall" => Command::Recall(n),
        "start" => Command::Start(n),
        "finish" => Command::Finish(n),
        "no-show" => Command::NoShow(n),
        "resume" => Command::Resume(n),
        "close" => Command::Close(n),
        "transfer" => {
            let r: TransferRequest = body(&bytes, r#"{"service": "kk"}"#)?;
            Command::Transfer { counter: n, service: r.service }
        }
        "call" => {
            let r: CallRequest = body(&bytes, r#"{"number": "KTP-012"}"#)?;
            Command::CallSpecific { counter: n, number: r.number }
        }
        "pause" => {
            let r: PauseRequest = body(&bytes, r#"{"reason": "prayer", "note": null}"#)?;
            Command::Pause {
                counter: n,
                reason: r.reason,
                note: r.note,
            }
        }
        other => {
            return Err(ApiError::not_found(
                "unknown_action",
                format!("unknown loket action \"{other}\"; one of open, call-next, call, recall, start, finish, no-show, transfer, pause, resume, close"),
            ))
        }
    };
    match s.writer.execute(cmd, who.actor()).await? {
        Reply::Counter(r) => Ok(Json(*r)),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// Who may take this action at loket `n`: its officer; for `call` (a specific number) also a
/// supervisor or an admin — and under "no choosing" not the officer.
fn may_act(s: &AppState, who: &Principal, n: u32, action: &str) -> Result<(), ApiError> {
    if action != "call" {
        return who.require_counter(n);
    }
    if who.require_role(&[Role::Supervisor, Role::Admin]).is_ok() {
        return supervisor_may_call(s, n);
    }
    who.require_counter(n)?;
    if s.config().queue.no_choosing {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "choosing_off",
            "this building runs \"no choosing\" (queue.no_choosing): an officer calls the next \
             ticket; a supervisor can call a specific number · Mode tanpa memilih: petugas \
             memanggil nomor berikutnya; supervisor dapat memanggil nomor tertentu",
        ));
    }
    Ok(())
}

/// A supervisor calls a number to a loket its officer has open and free: calling would otherwise
/// open a closed loket, or finish the visitor being served, in the supervisor's name (and the
/// officer's figures would lose what the officer did). Checked on the published hall: a change
/// between this check and the writer is the officer's own next action, decided as it would be.
fn supervisor_may_call(s: &AppState, n: u32) -> Result<(), ApiError> {
    let conflict = |code, message: String| {
        Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            code,
            message,
        ))
    };
    let Some(c) = s.hall().counter_view(n) else {
        return Ok(()); // the queue says `unknown_counter`
    };
    match (&c.state, &c.current) {
        (antri_wire::CounterState::Closed, _) => conflict(
            "counter_closed",
            format!("loket {n} is closed: its officer opens it before a number is called there"),
        ),
        (_, Some(t)) => conflict(
            "current_ticket_pending",
            format!(
                "loket {n} has {} now: its officer finishes it first",
                t.number
            ),
        ),
        _ => Ok(()),
    }
}
