//! The live event stream (Server-Sent Events) and the browsable log.
//!
//! Order of work on connect matters: subscribe to the hub first, then read the starting point
//! (snapshot, or the log after the client's position). Anything committed in between arrives both
//! ways and is dropped by sequence number, so nothing is missed and nothing is sent twice.

use std::convert::Infallible;
use std::time::Duration;

use antri_wire::event::{SSE_EVENT, SSE_SNAPSHOT};
use antri_wire::{Event, Role};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::{stream, Stream, StreamExt};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Query};
use crate::api::AppState;
use crate::auth::Principal;

use crate::store::log;

/// A client further behind than this gets a fresh snapshot instead of the whole backlog.
const MAX_BACKLOG: u64 = 20_000;

#[derive(Deserialize)]
pub struct StreamQuery {
    after: Option<u64>,
}

fn sse_event(seq: u64, json: &str) -> SseEvent {
    SseEvent::default()
        .event(SSE_EVENT)
        .id(seq.to_string())
        .data(json)
}

fn encode(e: &Event) -> SseEvent {
    sse_event(
        e.seq,
        &serde_json::to_string(e).expect("events always serialise"),
    )
}

pub async fn stream(
    State(s): State<AppState>,
    _who: Principal,
    Query(q): Query<StreamQuery>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
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
            first.extend(backlog.iter().map(encode));
            last
        }
        None => {
            let snap = s.hall().snapshot(s.clock.now());
            let json = serde_json::to_string(&snap).expect("snapshots always serialise");
            first.push(
                SseEvent::default()
                    .event(SSE_SNAPSHOT)
                    .id(snap.seq.to_string())
                    .data(json),
            );
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
            };
            match received {
                Ok(p) if p.seq <= last => continue,
                Ok(p) => {
                    last = p.seq;
                    return Some((vec![sse_event(p.seq, &p.json)], (sub, last, s)));
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
                    return Some((missed.iter().map(encode).collect(), (sub, last, s)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .flat_map(stream::iter);
    let all = stream::iter(first).chain(live).map(Ok::<_, Infallible>);
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))))
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
    let (after, limit) = (q.after, q.limit);
    Ok(Json(
        s.read_db(move |c| log::events_after(c, after, limit))
            .await?,
    ))
}
