//! The visitor's phone follows its own ticket live: `GET /api/v1/track/{code}/stream`.
//!
//! Per ticket, not the hall's event stream: the hall's events name every ticket and loket, and a
//! phone needs — and may see — only its own ticket. So the stream carries one thing, the holder's
//! [`TrackView`] (position, estimated wait, the loket it is called to, done), and never another
//! ticket's number or code: it is recomputed from the committed hall and nothing of the events
//! that woke it is forwarded.
//!
//! Cost, with 2,000 phones holding it: no work per phone between commits but a comment line every
//! [`KEEP_ALIVE`]. After a commit each stream takes the hall's read lock once for a map lookup and
//! an O(log n) rank, compares the view with the last one sent, and writes only when it changed.

use std::convert::Infallible;
use std::time::Duration;

use antri_wire::event::SSE_TRACK;
use antri_wire::{ErrorBody, TrackView};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::{stream, StreamExt};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

use super::public::{check_code, today, view_of};
use crate::api::error::ApiError;
use crate::api::extract::Path;
use crate::api::AppState;
use crate::events::Subscription;

/// A comment line this often keeps proxies, NAT tables and phones from closing an idle stream;
/// well under the 60 s a reverse proxy waits by default, and rare enough for a phone's battery.
pub const KEEP_ALIVE: Duration = Duration::from_secs(20);
/// How long a browser waits before reconnecting after the stream broke (the SSE `retry:` field).
pub const RETRY_MS: u32 = 3000;

/// One message of the stream, as Server-Sent Events frame it; for the document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TrackSseMessage {
    /// Always `track`.
    #[schema(pattern = "^track$")]
    event: String,
    /// The ticket's `TrackView` as JSON.
    data: String,
}

/// The ticket's view, live (Server-Sent Events); for whoever presents the code.
///
/// A `track` message (`data` is the `TrackView`) at once, then another each time the view changes
/// (after a call, a transfer, a loket opening…): nothing about other tickets. A finished ticket
/// (done, no-show, cancelled, expired) sends its last view and the stream ends. A comment line
/// every 20 s; `retry:` asks the browser to reconnect after 3 s.
#[utoipa::path(get, path = "/api/v1/track/{code}/stream", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    responses((status = 200, description = "`track` messages while the ticket is not finished, and a comment line every 20 s", body = TrackSseMessage, content_type = "text/event-stream"),
        crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_ticket`", body = ErrorBody), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn stream(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    check_code(&code)?;
    // Subscribe before reading the first view: a commit in between wakes the loop, so no change
    // falls between the two.
    let sub = s.hub.subscribe();
    let first = view_of(&s, &code).await?;
    let head = Bytes::from(format!("retry: {RETRY_MS}\n{}", frame(&first)));
    let watch = Watch {
        ended: first.status.is_final(),
        last: first,
        s,
        code,
        sub,
        keep_alive_at: Instant::now() + KEEP_ALIVE,
    };
    let body = stream::iter([head])
        .chain(stream::unfold(watch, Watch::next))
        .map(Ok::<_, Infallible>);
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // nginx would otherwise hold the frames back in its buffer.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

fn frame(view: &TrackView) -> String {
    let json = serde_json::to_string(view).expect("a view always serialises");
    format!("event: {SSE_TRACK}\ndata: {json}\n\n")
}

/// One phone's stream between messages.
struct Watch {
    s: AppState,
    code: String,
    sub: Subscription,
    /// The view the phone has.
    last: TrackView,
    /// The last view sent was final: nothing more will change.
    ended: bool,
    keep_alive_at: Instant,
}

impl Watch {
    /// The next chunk to write: a changed view or a keep-alive; `None` ends the stream (the ticket
    /// is finished, the server stops, or the view can no longer be read).
    async fn next(mut self) -> Option<(Bytes, Watch)> {
        if self.ended {
            return None;
        }
        let mut shutdown = self.s.shutdown.clone();
        loop {
            if *shutdown.borrow() {
                return None;
            }
            tokio::select! {
                r = self.sub.rx.recv() => match r {
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return None,
                },
                _ = shutdown.changed() => return None,
                _ = tokio::time::sleep_until(self.keep_alive_at) => {
                    self.keep_alive_at = Instant::now() + KEEP_ALIVE;
                    return Some((Bytes::from_static(b":\n\n"), self));
                }
            }
            // A batch publishes several events: look at the hall once for all already here.
            while matches!(self.sub.rx.try_recv(), Ok(_) | Err(TryRecvError::Lagged(_))) {}
            let view = match today(&self.s, &self.code) {
                Some(v) => v,
                // The day rolled over: the ticket is in the history now (expired if it waited).
                None => view_of(&self.s, &self.code).await.ok()?,
            };
            if view == self.last {
                continue;
            }
            self.ended = view.status.is_final();
            self.keep_alive_at = Instant::now() + KEEP_ALIVE;
            let chunk = Bytes::from(frame(&view));
            self.last = view;
            return Some((chunk, self));
        }
    }
}
