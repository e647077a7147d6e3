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

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<u64>,
}

pub async fn stream(
    State(s): State<AppState>,
    _who: Principal,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
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
    let live = stream::unfold((sub, last, s), |(mut sub, mut last, s)| async move {
        let mut shutdown = s.shutdown.clone();
        loop {
            if *shutdown.borrow() {
                return None;
            }
            let received = tokio::select! {
                r = sub.rx.recv() => r,
                _ = shutdown.changed() => return None,
                _ = tokio::time::sleep(KEEP_ALIVE) => {
                    return Some((vec![Bytes::from_static(b":\n\n")], (sub, last, s)));
                }
            };
            match received {
                Ok(p) if p.seq <= last => continue,
                Ok(p) => {
                    last = p.seq;
                    return Some((vec![p.frame], (sub, last, s)));
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
                    return Some((missed.iter().map(event_frame).collect(), (sub, last, s)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
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

#[derive(Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    after: u64,
    #[serde(default = "hundred")]
    limit: usize,
}

fn hundred() -> usize {
    100
}

/// The audit trail: who did what, to which ticket, when, from which device.
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
