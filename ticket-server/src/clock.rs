//! The server's only source of "now".
//!
//! The queue rules never read a clock; the writer asks this one and passes the instant in. Tests and
//! demos can start the clock at a chosen instant (a Tuesday morning, say) and let it run at real
//! speed, so they do not depend on the hour at which they happen to run.

use chrono::{DateTime, Duration, DurationRound, Utc};

#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// The machine's clock.
    System,
    /// The machine's clock shifted by a fixed amount.
    Shifted(Duration),
}

impl Clock {
    /// A clock that reads `start` now and then runs at real speed.
    pub fn starting_at<Tz: chrono::TimeZone>(start: DateTime<Tz>) -> Clock {
        Clock::Shifted(start.with_timezone(&Utc) - Utc::now())
    }

    /// Now, to the millisecond: finer is noise on a ticket and in the log.
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self {
            Clock::System => Utc::now(),
            Clock::Shifted(d) => Utc::now() + *d,
        };
        t.duration_trunc(Duration::milliseconds(1)).unwrap_or(t)
    }
}
