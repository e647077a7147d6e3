//! Messages to visitors through the building's own SMS/WhatsApp gateway (`[messages]`): booking
//! confirmed, a reminder before the booked session, "your turn is near", called (to which loket),
//! no-show — only to visitors who gave a number and agreed (on the booking page, or on the
//! tracking page for a walk-in ticket).
//!
//! Two tasks, both on the server's clock:
//! - the **deriver** ([`derive`]) follows the event log with a durable cursor: for the events after
//!   it, it queues messages in the outbox and moves the cursor in one SQLite transaction, each
//!   message under a unique idempotency key (`ticket:12:called:345`). A crash repeats events at
//!   most, and a repeat finds its keys taken: nothing is lost, nothing queued twice. It stays out
//!   of the writer's transaction on purpose: "turn near" depends on the queue and on visitors'
//!   opt-ins, which the one thread that decides every ticket should not have to look up.
//! - the **worker** ([`deliver`]) POSTs due messages, signed, retried with backoff, and records
//!   the outcome of each attempt.
//!
//! The phone number is in two tables only (`message_contacts`, `bookings`), read at each attempt
//! and erased at the retention or when the visitor stops; never in an event, a log line, a metric
//! or an export. The delivery log shows it masked ([`phone::mask`]).

pub mod deliver;
pub mod derive;
pub mod phone;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::queue::Hall;
use crate::store::messages::{self as store, Attempted};
use crate::store::{log, StoreError};

/// Events the deriver reads per transaction.
const DERIVE_CHUNK: usize = 500;

/// The messages' shared state: their database connection, the hall (for "turn near" and the
/// configuration), the clock, and what wakes the two tasks.
pub struct Messages {
    db: Arc<Mutex<Connection>>,
    hall: Arc<RwLock<Hall>>,
    clock: Clock,
    derive_wake: Notify,
    deliver_wake: Notify,
    delivered: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
}

impl Messages {
    pub fn open(
        db_path: &std::path::Path,
        hall: Arc<RwLock<Hall>>,
        clock: Clock,
    ) -> Result<Arc<Messages>, StoreError> {
        Ok(Arc::new(Messages {
            db: Arc::new(Mutex::new(store::open(db_path)?)),
            hall,
            clock,
            derive_wake: Notify::new(),
            deliver_wake: Notify::new(),
            delivered: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            retried: AtomicU64::new(0),
        }))
    }

    /// Start the deriver and the worker; abort both handles to stop them (an attempt cut short
    /// is made again after the restart, under the same key).
    pub fn start(self: &Arc<Self>, hub: &Arc<Hub>) -> [JoinHandle<()>; 2] {
        let sub = hub.subscribe();
        [
            tokio::spawn(derive_loop(self.clone(), sub)),
            tokio::spawn(deliver_loop(self.clone())),
        ]
    }

    pub fn config(&self) -> Arc<Config> {
        self.hall
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .config()
            .clone()
    }

    /// Look again at the queue now (a visitor just opted in: their turn may already be near).
    pub fn wake(&self) {
        self.derive_wake.notify_one();
    }

    /// Run `f` on the messages' connection, off the async threads.
    pub async fn with_db<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Corrupt {
            seq: 0,
            reason: format!("the messages' database task failed: {e}"),
        })?
    }

    fn count(&self, outcome: &Attempted) {
        let counter = match outcome {
            Attempted::Delivered { .. } => &self.delivered,
            Attempted::Failed { .. } => &self.failed,
            Attempted::Retry { .. } => &self.retried,
            Attempted::NoRecipient => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Prometheus series: outcomes since start, and the outbox by status (no numbers, no keys).
    pub fn render_metrics(&self, (pending, delivered, failed): (u64, u64, u64)) -> String {
        format!(
            "# HELP antri_messages_attempts_total Attempts to hand a message to the gateway since start, by outcome.\n\
             # TYPE antri_messages_attempts_total counter\n\
             antri_messages_attempts_total{{outcome=\"delivered\"}} {}\n\
             antri_messages_attempts_total{{outcome=\"retry\"}} {}\n\
             antri_messages_attempts_total{{outcome=\"failed\"}} {}\n\
             # HELP antri_messages Messages in the outbox by status.\n\
             # TYPE antri_messages gauge\n\
             antri_messages{{status=\"pending\"}} {pending}\n\
             antri_messages{{status=\"delivered\"}} {delivered}\n\
             antri_messages{{status=\"failed\"}} {failed}\n",
            self.delivered.load(Ordering::Relaxed),
            self.retried.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }
}

/// Follow the log: after every published batch, or a wake-up, derive what is new.
async fn derive_loop(m: Arc<Messages>, mut sub: crate::events::Subscription) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        let this = m.clone();
        match m.with_db(move |c| derive_pending(&this, c)).await {
            Ok(true) => m.deliver_wake.notify_one(),
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, "messages: cannot derive from the log"),
        }
        tokio::select! {
            r = sub.rx.recv() => match r {
                // The log is read from the cursor: what a lag skipped is read there.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = m.derive_wake.notified() => {}
        }
        // One pass covers everything already published.
        while sub.rx.try_recv().is_ok() {}
    }
}

/// Derive the effects of the events after the cursor (and "turn near" from the queue now), each
/// chunk committed with the cursor's move. `true` when anything was queued.
fn derive_pending(m: &Messages, conn: &mut Connection) -> Result<bool, StoreError> {
    let mut queued = false;
    loop {
        let cursor = store::cursor(conn)?;
        let events = log::events_after(conn, cursor, DERIVE_CHUNK)?;
        let config = m.config();
        let now = m.clock.now();
        let mut effects = Vec::new();
        if config.messages.enabled() {
            for e in &events {
                effects.extend(derive::effects_of(conn, &config, e, now)?);
            }
            let day = m.hall.read().unwrap_or_else(|e| e.into_inner()).day();
            if let Some(day) = day {
                // Looked up before the hall is locked: the writer publishes under its write lock.
                let recipients = store::ticket_recipients(conn, day)?;
                let hall = m.hall.read().unwrap_or_else(|e| e.into_inner());
                effects.extend(derive::turn_near(&hall, recipients, now));
            }
        }
        if events.is_empty() && effects.is_empty() {
            return Ok(queued);
        }
        let last = events.last().map_or(cursor, |e| e.seq);
        store::commit_derived(conn, &effects, last, now.timestamp_millis())?;
        queued |= effects.iter().any(|e| matches!(e, store::Effect::Queue(_)));
        if events.len() < DERIVE_CHUNK {
            return Ok(queued);
        }
    }
}

/// Deliver what is due; then wait for the next due time, new messages, or a move of a test's
/// clock.
async fn deliver_loop(m: Arc<Messages>) {
    loop {
        // Taken before the round, so a move during it is not missed.
        let moved = m.clock.next_move();
        let rules = m.config().messages.clone();
        let sent = deliver::deliver_due(&m, &rules).await;
        if sent == deliver::BATCH as usize {
            continue;
        }
        let next = if rules.enabled() {
            m.with_db(|c| store::next_due(c)).await.ok().flatten()
        } else {
            None
        };
        let now = m.clock.now().timestamp_millis();
        let wait = next
            .map(|t| Duration::from_millis(t.saturating_sub(now).max(0) as u64))
            .unwrap_or(Duration::from_secs(60))
            .clamp(Duration::from_millis(100), Duration::from_secs(60));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = m.deliver_wake.notified() => {}
            _ = async {
                match moved {
                    Some(f) => f.await,
                    None => std::future::pending().await,
                }
            } => {}
        }
    }
}
