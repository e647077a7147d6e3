//! The server's only source of "now".
//!
//! The queue rules never read a clock; the writer asks this one and passes the instant in. Demos
//! and tests can start the clock at a chosen instant (a Tuesday morning, say) and let it run at real
//! speed, so they do not depend on the hour at which they happen to run; tests that measure waits
//! use a manual clock they move themselves, so no test sleeps to let time pass.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};

#[derive(Clone, Debug)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// The machine's clock shifted by a fixed amount.
    Shifted(Duration),
    /// Stands still until moved with [`Clock::advance`].
    Manual(Arc<Manual>),
}

/// A test's clock: milliseconds since the Unix epoch, and a signal for whoever waits for time to
/// pass (the day ticker), so moving the clock past midnight rolls the day over at once instead of
/// after a real-time wait.
#[derive(Debug, Default)]
pub struct Manual {
    ms: AtomicI64,
    moved: tokio::sync::Notify,
}

impl Clock {
    /// A clock that reads `start` now and then runs at real speed.
    pub fn starting_at<Tz: chrono::TimeZone>(start: DateTime<Tz>) -> Clock {
        Clock::Shifted(start.with_timezone(&Utc) - Utc::now())
    }

    /// A clock that reads `start` until it is moved.
    pub fn manual<Tz: chrono::TimeZone>(start: DateTime<Tz>) -> Clock {
        Clock::Manual(Arc::new(Manual {
            ms: AtomicI64::new(start.with_timezone(&Utc).timestamp_millis()),
            moved: tokio::sync::Notify::new(),
        }))
    }

    /// Move a manual clock forward (other clocks run by themselves and ignore this).
    pub fn advance(&self, by: Duration) {
        if let Clock::Manual(m) = self {
            m.ms.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
            m.moved.notify_waiters();
        }
    }

    /// For a manual clock, a future that completes when it is next moved (it counts from this
    /// call, not from its first poll, so a move in between is not missed); `None` for the clocks
    /// that run by themselves (their time passes in real time, which the caller's timer covers).
    pub fn next_move(&self) -> Option<tokio::sync::futures::Notified<'_>> {
        match self {
            Clock::Manual(m) => Some(m.moved.notified()),
            _ => None,
        }
    }

    /// Now, to the millisecond: finer is noise on a ticket and in the log.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self {
            Clock::System => Utc::now(),
            Clock::Shifted(d) => Utc::now() + *d,
            Clock::Manual(m) => {
                return DateTime::from_timestamp_millis(m.ms.load(Ordering::SeqCst))
                    .unwrap_or_default();
            }
        };
        t.duration_trunc(Duration::milliseconds(1)).unwrap_or(t)
    }
}
