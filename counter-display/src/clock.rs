//! The server's clock on the display. The time is written as the hall reads it everywhere,
//! "09.05 WIB" ([`antri_wire::calendar::clock_in_zone`]), and the date as "Selasa, 24 November
//! 2026" ([`antri_wire::calendar::indonesian_date`]): both shared with the kiosk and its printed
//! ticket.
//!
//! Indonesia's zones (WIB +7, WITA +8, WIT +9) have no daylight saving, so the building's fixed
//! offset, taken from the server's own timestamps, is all a display needs: no zone database.
//! The display also keeps the server's idea of "now" ([`ServerClock`]): a wall display on a LAN
//! often has no NTP, and the hall must not see a clock that disagrees with the ticket times.

use chrono::{DateTime, Duration, FixedOffset, Utc};

/// The server's time, estimated from the local clock plus the difference seen at the last
/// snapshot, shown in the building's offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerClock {
    pub skew: Duration,
    pub offset: FixedOffset,
}

impl ServerClock {
    /// From the server's `now` as received at local time `local`.
    pub fn observe(server_now: DateTime<FixedOffset>, local: DateTime<Utc>) -> ServerClock {
        ServerClock {
            skew: server_now.with_timezone(&Utc) - local,
            offset: *server_now.offset(),
        }
    }

    pub fn now(&self, local: DateTime<Utc>) -> DateTime<FixedOffset> {
        (local + self.skew).with_timezone(&self.offset)
    }
}

impl Default for ServerClock {
    /// Before the first snapshot: the local clock in WIB, Indonesia's most common zone.
    fn default() -> Self {
        ServerClock {
            skew: Duration::zero(),
            offset: FixedOffset::east_opt(7 * 3600).expect("+07:00 is valid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_clock_follows_the_server_and_its_zone() {
        // The display's own clock is 10 minutes slow and in UTC; the building is in WITA.
        let local: DateTime<Utc> = "2026-11-24T00:50:00Z".parse().unwrap();
        let c = ServerClock::observe(t("2026-11-24T09:00:00+08:00"), local);
        let later = local + Duration::minutes(5);
        assert_eq!(c.now(later), t("2026-11-24T09:05:00+08:00"));
        assert_eq!(
            antri_wire::calendar::clock_in_zone(&c.now(later), "WITA"),
            "09.05 WITA"
        );
    }
}
