//! Fan-out of committed events to live subscribers (displays, kiosks, pages).
//!
//! Each event is serialised and framed as Server-Sent Events once, when the writer publishes it, and
//! every subscriber writes the same shared bytes: with 500 displays connected a call costs one
//! serialisation, not 500. A subscriber
//! too slow to keep up falls behind the channel; it then reads what it missed from the log, so it
//! still gets every event in order.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use antri_wire::event::SSE_EVENT;
use antri_wire::Event;
use axum::body::Bytes;
use tokio::sync::broadcast;

/// Events a subscriber may fall behind before it has to read from the log instead.
const CHANNEL: usize = 4096;

#[derive(Clone, Debug)]
pub struct Published {
    pub seq: u64,
    /// The whole SSE message, ready to write.
    pub frame: Bytes,
}

/// One SSE message. `json` is compact serde_json output, which never contains a newline, so one
/// `data:` line carries it.
pub fn sse_frame(name: &str, seq: u64, json: &str) -> Bytes {
    Bytes::from(format!("event: {name}\nid: {seq}\ndata: {json}\n\n"))
}

pub fn event_frame(e: &Event) -> Bytes {
    sse_frame(
        SSE_EVENT,
        e.seq,
        &serde_json::to_string(e).expect("events always serialise"),
    )
}

pub struct Hub {
    tx: broadcast::Sender<Published>,
    committed: AtomicU64,
    subscribers: AtomicUsize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(CHANNEL).0,
            committed: AtomicU64::new(0),
            subscribers: AtomicUsize::new(0),
        }
    }
}

impl Hub {
    /// Called by the writer, in sequence order, after the events are committed. Takes the public
    /// events (never the stored entries with their tracking codes).
    pub fn publish<'a>(&self, events: impl IntoIterator<Item = &'a Event>) {
        for e in events {
            // No receivers is fine: nobody is listening.
            let _ = self.tx.send(Published {
                seq: e.seq,
                frame: event_frame(e),
            });
            self.committed.store(e.seq, Ordering::Release);
        }
    }

    pub fn set_committed(&self, seq: u64) {
        self.committed.store(seq, Ordering::Release);
    }

    /// The newest sequence number that is committed and published.
    pub fn committed(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        self.subscribers.fetch_add(1, Ordering::Relaxed);
        Subscription {
            rx: self.tx.subscribe(),
            hub: self.clone(),
        }
    }

    pub fn subscribers(&self) -> usize {
        self.subscribers.load(Ordering::Relaxed)
    }
}

/// A live subscription; counts itself out of the hub when dropped.
pub struct Subscription {
    pub rx: broadcast::Receiver<Published>,
    hub: Arc<Hub>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.subscribers.fetch_sub(1, Ordering::Relaxed);
    }
}
