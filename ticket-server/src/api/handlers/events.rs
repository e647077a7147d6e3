//! The live event stream (Server-Sent Events) and the browsable log.
//!
//! Order of work on connect matters: subscribe to the hub first, then read the starting point
//! (snapshot, or the log after the client's position). Anything committed in between arrives both
//! ways and is dropped by sequence number, so nothing is missed and nothing is sent twice.
//!
//! The stream body is written by hand rather than with axum's `Sse`: every subscriber writes the
//! hub's pre-framed bytes as they are, instead of re-encoding each event per connection.

use std::convert::Infallible;
use std::time::Duration;

use antri_wire::event::SSE_SNAPSHOT;
use antri_wire::{Event, Role};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::{stream, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Query};
use crate::api::AppState;
use crate::auth::Principal;
use crate::events::{event_frame, sse_frame};
use crate::store::log;

/// A client further behind than this gets a fresh snapshot instead of the whole backlog.
const MAX_BACKLOG: u64 = 20_000;
/// A comment line this often keeps proxies and NAT tables from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// One message of the stream, as Server-Sent Events frame it; for the document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct SseMessage {
    /// `snapshot` (`data` is a `Snapshot`) or `event` (`data` is an `Event`).
    #[schema(pattern = "^(snapshot|event)$")]
    event: String,
    /// The log's sequence number.
    #[schema(pattern = "^[0-9]+$")]
    id: String,
    /// The message as JSON.
    data: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Resume after this sequence number (as `Last-Event-ID` does).
    after: Option<u64>,
}

/// Live event stream (Server-Sent Events).
///
/// Without a position: a `snapshot` message (`Snapshot`), then one `event` (`Event`) per log entry.
/// With ?after=N or Last-Event-ID: N: every event after N, then live ones. The SSE id is the
/// log's sequence number. No event or snapshot holds a tracking code.
#[utoipa::path(get, path = "/api/v1/events", tag = "live",
    params(StreamQuery),
    responses((status = 200, description = "An endless stream of `snapshot` and `event` messages, and a comment line every 10 s", body = SseMessage, content_type = "text/event-stream"),
        crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk", "display", "rating", "officer", "supervisor", "admin"]))))]
pub async fn stream(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // A device counts as present while its stream is open: the guard travels with the stream
    // and is dropped when the connection ends.
    let present = match &who {
        Principal::Device { id, .. } => Some(s.presence.connect(id, &s.clock)),
        Principal::User(_) => None,
    };
    let after = q.after.or_else(|| {
        headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    });
    let sub = s.hub.subscribe();
    let committed = s.hub.committed();
    let mut first = Vec::new();
    let last = match after.filter(|a| *a <= committed && committed - a <= MAX_BACKLOG) {
        Some(a) => {
            let backlog = s
                .read_db(move |c| log::events_after(c, a, MAX_BACKLOG as usize))
                .await?;
            let last = backlog.last().map_or(a, |e| e.seq);
            first.extend(backlog.iter().map(event_frame));
            last
        }
        None => {
            let snap = s.hall().snapshot(s.clock.now());
            let json = serde_json::to_string(&snap).expect("snapshots always serialise");
            first.push(sse_frame(SSE_SNAPSHOT, snap.seq, &json));
            snap.seq
        }
    };
    let live = stream::unfold(
        (sub, last, s, present),
        |(mut sub, mut last, s, present)| async move {
            let mut shutdown = s.shutdown.clone();
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                let received = tokio::select! {
                    r = sub.rx.recv() => r,
                    _ = shutdown.changed() => return None,
                    _ = tokio::time::sleep(KEEP_ALIVE) => {
                        return Some((vec![Bytes::from_static(b":\n\n")], (sub, last, s, present)));
                    }
                };
                match received {
                    Ok(p) if p.seq <= last => continue,
                    Ok(p) => {
                        last = p.seq;
                        return Some((vec![p.frame], (sub, last, s, present)));
                    }
                    Err(RecvError::Lagged(_)) => {
                        // Too slow for the channel: catch up from the log.
                        let from = last;
                        let missed = s
                            .read_db(move |c| log::events_after(c, from, MAX_BACKLOG as usize))
                            .await;
                        let Ok(missed) = missed else { return None };
                        if let Some(e) = missed.last() {
                            last = e.seq;
                        }
                        return Some((
                            missed.iter().map(event_frame).collect(),
                            (sub, last, s, present),
                        ));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        },
    )
    .flat_map(stream::iter);
    let body = stream::iter(first).chain(live).map(Ok::<_, Infallible>);
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Events after this sequence number (default 0: from the start).
    #[serde(default)]
    #[param(maximum = 9223372036854775807_u64)]
    after: u64,
    /// At most this many (default 100).
    #[serde(default = "hundred")]
    #[param(minimum = 1, maximum = 1000)]
    limit: usize,
}

fn hundred() -> usize {
    100
}

/// The audit trail: events after a sequence number, oldest first.
///
/// Who did what, to which ticket, when, from which device (a visitor's actions are named by the
/// ticket's number).
#[utoipa::path(get, path = "/api/v1/log", tag = "live",
    params(LogQuery),
    responses((status = 200, body = Vec<Event>), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn log(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<LogQuery>,
) -> Result<Json<Vec<Event>>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    if q.limit == 0 || q.limit > 1000 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "limit: between 1 and 1000",
        ));
    }
    // SQLite's integers are i64: a larger `after` once wrapped to -1 and returned the first events.
    if i64::try_from(q.after).is_err() {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("after: {} is out of range; use 0 to {}", q.after, i64::MAX),
        ));
    }
    let (after, limit) = (q.after, q.limit);
    Ok(Json(
        s.read_db(move |c| log::events_after(c, after, limit))
            .await?,
    ))
}
