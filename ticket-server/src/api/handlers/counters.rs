//! Lokets: what they are doing, who waits for them, and the officer's actions.

use antri_wire::{
    CallRequest, CounterActionResult, CounterView, DeviceKind, PauseRequest, Role, TicketView,
    TransferRequest,
};
use axum::body::Bytes;
use axum::extract::State;
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Path};
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, Reply};

pub async fn list(State(s): State<AppState>, _who: Principal) -> Json<Vec<CounterView>> {
    Json(s.hall().counters())
}

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

/// `POST /api/v1/counters/{n}/{action}`: one handler for every loket action, so the rules for who
/// may act on a loket are in one place.
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
    who.require_counter(n)?;
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
