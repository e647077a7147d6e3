//! Booking attempts per source address: a calo's script, or one phone hammering the page during the
//! minute a day's seats open, gets 429 after a few tries, while each phone of a crowd still books.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// At most `per_window` attempts per address in each `window_secs`.
pub struct PerSource {
    per_window: u32,
    window_secs: i64,
    seen: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

/// Addresses remembered at most; beyond it, windows that ended are forgotten first.
const MAX_SOURCES: usize = 100_000;

impl PerSource {
    pub fn new(per_window: u32, window_secs: i64) -> PerSource {
        PerSource {
            per_window,
            window_secs,
            seen: Mutex::default(),
        }
    }

    /// One attempt from `ip` at `now`: allowed, or refused with the seconds until the next window.
    pub fn attempt(&self, ip: IpAddr, now: DateTime<Utc>) -> Result<(), u64> {
        let now = now.timestamp();
        let window = now - now.rem_euclid(self.window_secs);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= MAX_SOURCES {
            seen.retain(|_, (w, _)| *w == window);
        }
        let entry = seen.entry(ip).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        if entry.1 >= self.per_window {
            return Err((window + self.window_secs - now).max(1) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_gets_its_attempts_per_window_and_others_are_unaffected() {
        let limit = PerSource::new(3, 600);
        let a: IpAddr = "10.0.0.7".parse().unwrap();
        let b: IpAddr = "10.0.0.8".parse().unwrap();
        let t = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        // 1_800_000_000 starts a 600 s window.
        for _ in 0..3 {
            assert_eq!(limit.attempt(a, t(0)), Ok(()));
        }
        assert_eq!(limit.attempt(a, t(10)), Err(590));
        assert_eq!(limit.attempt(b, t(10)), Ok(()));
        assert_eq!(limit.attempt(a, t(599)), Err(1));
        assert_eq!(limit.attempt(a, t(600)), Ok(()), "a new window");
    }
}
