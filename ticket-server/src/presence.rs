//! Which devices hold a live connection (the event stream every kiosk, display and rating tablet
//! keeps open), so a device that went quiet — unplugged, crashed, off the network — raises an
//! alert for the supervisor. Held in memory: after a restart every device counts as gone since the
//! start, and reconnects within seconds when it is alive.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

#[derive(Debug)]
pub struct Presence {
    started: DateTime<Utc>,
    devices: Mutex<HashMap<String, Seen>>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    /// Live streams open now.
    open: u32,
    /// When the last one closed (meaningful when `open` is 0).
    gone_since: DateTime<Utc>,
}

/// Held while a device's stream is open; dropping it (the stream ended) notes the time.
pub struct Connected {
    presence: Arc<Presence>,
    device: String,
    clock: crate::clock::Clock,
}

impl Drop for Connected {
    fn drop(&mut self) {
        let now = self.clock.now();
        let mut devices = self.presence.lock();
        if let Some(s) = devices.get_mut(&self.device) {
            s.open = s.open.saturating_sub(1);
            if s.open == 0 {
                s.gone_since = now;
            }
        }
    }
}

impl Presence {
    pub fn new(started: DateTime<Utc>) -> Presence {
        Presence {
            started,
            devices: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Seen>> {
        self.devices.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A device opened its stream; it counts as present until the returned guard is dropped.
    pub fn connect(self: &Arc<Self>, device: &str, clock: &crate::clock::Clock) -> Connected {
        let now = clock.now();
        let mut devices = self.lock();
        let s = devices.entry(device.to_string()).or_insert(Seen {
            open: 0,
            gone_since: now,
        });
        s.open += 1;
        Connected {
            presence: self.clone(),
            device: device.to_string(),
            clock: clock.clone(),
        }
    }

    /// Of `devices`, those without a live stream for at least `secs` at `now` (one never seen
    /// counts from the server's start).
    pub fn silent<'a>(
        &self,
        devices: impl IntoIterator<Item = &'a str>,
        now: DateTime<Utc>,
        secs: u32,
    ) -> BTreeSet<String> {
        let seen = self.lock();
        devices
            .into_iter()
            .filter(|d| {
                let since = match seen.get(*d) {
                    Some(s) if s.open > 0 => return false,
                    Some(s) => s.gone_since,
                    None => self.started,
                };
                (now - since).num_seconds() >= i64::from(secs)
            })
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;

    #[test]
    fn a_device_is_silent_once_its_last_stream_has_been_closed_long_enough() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-24T09:00:00+07:00").unwrap();
        let clock = Clock::manual(t0);
        let p = Arc::new(Presence::new(clock.now()));
        let devices = ["kiosk-1", "display-hall"];
        clock.advance(chrono::Duration::seconds(119));
        assert!(p.silent(devices, clock.now(), 120).is_empty(), "not yet");
        let a = p.connect("kiosk-1", &clock);
        let b = p.connect("kiosk-1", &clock);
        clock.advance(chrono::Duration::seconds(1));
        assert_eq!(
            p.silent(devices, clock.now(), 120),
            BTreeSet::from(["display-hall".to_string()]),
            "never seen since the start"
        );
        drop(a);
        clock.advance(chrono::Duration::seconds(500));
        assert!(
            !p.silent(devices, clock.now(), 120).contains("kiosk-1"),
            "one stream still open"
        );
        drop(b);
        clock.advance(chrono::Duration::seconds(119));
        assert!(!p.silent(devices, clock.now(), 120).contains("kiosk-1"));
        clock.advance(chrono::Duration::seconds(1));
        assert!(p.silent(devices, clock.now(), 120).contains("kiosk-1"));
    }
}
