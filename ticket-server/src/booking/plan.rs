//! What an admin sets for booking, per service, and the rules of time that follow from it: which
//! sessions a date has and how many online seats each, when booking for a date opens and closes,
//! and what a visitor who comes to the kiosk with a booking gets at a given moment.
//!
//! Pure: every rule takes the local time it is asked about (the caller's clock), so tests move
//! time themselves.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// One service's booking settings, as written in the configuration (`[services.booking]`) and
/// edited on /admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    /// Sessions of the day as "HH:MM-HH:MM", in order, not overlapping.
    pub sessions: Vec<String>,
    /// Slots instead of long sessions: each of `sessions` is divided into slots of this many
    /// minutes (e.g. "08:00-12:00" by 30 gives eight), each with `seats_per_session` seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_minutes: Option<u32>,
    /// Online seats in each session.
    pub seats_per_session: u32,
    /// Booking for a date opens this many days before it …
    #[serde(default = "seven")]
    pub days_ahead: u32,
    /// … at this local time ("HH:MM").
    #[serde(default = "seven_oclock")]
    pub opens_at: String,
    /// Check-in at the kiosk from this many minutes before the session starts …
    #[serde(default = "thirty")]
    pub checkin_before_minutes: u32,
    /// … to this many minutes after it started.
    #[serde(default = "fifteen")]
    pub checkin_after_minutes: u32,
    /// What a visitor who comes after the check-in window gets.
    #[serde(default)]
    pub late: Late,
    /// Dates on which this service takes no bookings ("YYYY-MM-DD"), besides the building's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed_dates: Vec<String>,
}

fn seven() -> u32 {
    7
}
fn seven_oclock() -> String {
    "07:00".into()
}
fn thirty() -> u32 {
    30
}
fn fifteen() -> u32 {
    15
}

/// What a late visitor gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Late {
    /// A walk-in ticket (their booking is spent): the default, nobody is sent home.
    #[default]
    WalkIn,
    /// Nothing: they must book again.
    Refused,
}

/// A checked [`RawPlan`].
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub sessions: Vec<(NaiveTime, NaiveTime)>,
    pub seats_per_session: u32,
    pub days_ahead: u32,
    pub opens_at: NaiveTime,
    pub checkin_before: Duration,
    pub checkin_after: Duration,
    pub late: Late,
    pub closed_dates: Vec<NaiveDate>,
}

/// Limits that keep numbers from outside sane (see `config`'s bounds).
const MAX_SEATS: u32 = 10_000;
const MAX_DAYS_AHEAD: u32 = 90;
const MAX_CHECKIN_MINUTES: u32 = 240;
/// A slot long enough to serve someone, short enough to be a slot.
const SLOT_MINUTES: std::ops::RangeInclusive<u32> = 5..=240;
/// Slots of a day (every 10 minutes from 06:00 to 22:00 is 96).
const MAX_SLOTS: usize = 96;

fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

impl RawPlan {
    /// `sessions`: each "HH:MM-HH:MM", in order, not overlapping, at least one.
    fn sessions_checked(
        &self,
        at: &str,
        problems: &mut Vec<String>,
    ) -> Vec<(NaiveTime, NaiveTime)> {
        let mut sessions = Vec::new();
        for (i, s) in self.sessions.iter().enumerate() {
            let parsed = s
                .split_once('-')
                .and_then(|(a, b)| Some((time(a)?, time(b)?)));
            match parsed {
                Some((a, b)) if a < b => {
                    if sessions.last().is_some_and(|&(_, end)| a < end) {
                        problems.push(format!(
                            "{at}.sessions[{i}]: \"{s}\" starts before the session before it ends"
                        ));
                    }
                    sessions.push((a, b));
                }
                _ => problems.push(format!(
                    "{at}.sessions[{i}]: \"{s}\" is not a session like \"08:00-09:00\" (start before end)"
                )),
            }
        }
        if self.sessions.is_empty() {
            problems.push(format!(
                "{at}.sessions: a bookable service needs at least one session"
            ));
        }
        match self.slot_minutes {
            Some(m) => self.slots(at, m, &sessions, problems),
            None => sessions,
        }
    }

    /// Each session divided into slots of `minutes`; a session that does not divide evenly is
    /// refused rather than left with a short last slot nobody asked for.
    fn slots(
        &self,
        at: &str,
        minutes: u32,
        sessions: &[(NaiveTime, NaiveTime)],
        problems: &mut Vec<String>,
    ) -> Vec<(NaiveTime, NaiveTime)> {
        if !SLOT_MINUTES.contains(&minutes) {
            problems.push(format!(
                "{at}.slot_minutes: {minutes} is not within {}–{}",
                SLOT_MINUTES.start(),
                SLOT_MINUTES.end()
            ));
            return Vec::new();
        }
        let step = Duration::minutes(minutes as i64);
        let mut slots = Vec::new();
        for (i, &(a, b)) in sessions.iter().enumerate() {
            if (b - a).num_minutes() % minutes as i64 != 0 {
                problems.push(format!(
                    "{at}.sessions[{i}]: {} minutes do not divide into slots of {minutes}",
                    (b - a).num_minutes()
                ));
                continue;
            }
            let mut t = a;
            while t < b {
                slots.push((t, t + step));
                t += step;
            }
        }
        if slots.len() > MAX_SLOTS {
            problems.push(format!(
                "{at}.slot_minutes: {} slots a day; at most {MAX_SLOTS}",
                slots.len()
            ));
        }
        slots
    }

    /// Check it; each problem names its field under `at` (e.g. `services[2].booking`).
    /// `daily_quota` is the service's quota of tickets a day, if it has one: online seats may take
    /// at most `100 - walk_in_percent` % of it, so people without a phone still find numbers.
    pub fn check(
        &self,
        at: &str,
        daily_quota: Option<u32>,
        walk_in_percent: u32,
        problems: &mut Vec<String>,
    ) -> Option<Plan> {
        let before = problems.len();
        let sessions = self.sessions_checked(at, problems);
        if self.seats_per_session == 0 || self.seats_per_session > MAX_SEATS {
            problems.push(format!(
                "{at}.seats_per_session: {} is not within 1–{MAX_SEATS}",
                self.seats_per_session
            ));
        }
        if let Some(quota) = daily_quota {
            let online = self.seats_per_session as u64 * sessions.len() as u64;
            let allowed = quota as u64 * (100 - walk_in_percent.min(100) as u64) / 100;
            if online > allowed {
                problems.push(format!(
                    "{at}: {online} online seats a day leave too little for walk-ins: the daily \
                     quota is {quota} and {walk_in_percent}% stays for walk-ins (at most {allowed} online)"
                ));
            }
        }
        if self.days_ahead == 0 || self.days_ahead > MAX_DAYS_AHEAD {
            problems.push(format!(
                "{at}.days_ahead: {} is not within 1–{MAX_DAYS_AHEAD}",
                self.days_ahead
            ));
        }
        let opens_at = time(&self.opens_at);
        if opens_at.is_none() {
            problems.push(format!(
                "{at}.opens_at: \"{}\" is not a time like \"07:00\"",
                self.opens_at
            ));
        }
        for (name, v) in [
            ("checkin_before_minutes", self.checkin_before_minutes),
            ("checkin_after_minutes", self.checkin_after_minutes),
        ] {
            if v > MAX_CHECKIN_MINUTES {
                problems.push(format!(
                    "{at}.{name}: {v} is not within 0–{MAX_CHECKIN_MINUTES}"
                ));
            }
        }
        let mut closed_dates = Vec::new();
        for (i, d) in self.closed_dates.iter().enumerate() {
            match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                Ok(d) => closed_dates.push(d),
                Err(_) => problems.push(format!(
                    "{at}.closed_dates[{i}]: \"{d}\" is not a date like \"2026-12-25\""
                )),
            }
        }
        (problems.len() == before).then(|| Plan {
            sessions,
            seats_per_session: self.seats_per_session,
            days_ahead: self.days_ahead,
            opens_at: opens_at.expect("checked above"),
            checkin_before: Duration::minutes(self.checkin_before_minutes as i64),
            checkin_after: Duration::minutes(self.checkin_after_minutes as i64),
            late: self.late,
            closed_dates,
        })
    }
}

/// Why a date or session cannot be booked now.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotBookable {
    /// The building or the service is closed that date.
    #[error("the service takes no bookings on that date")]
    Closed,
    /// No such session.
    #[error("the service has no such session")]
    NoSession,
    /// Booking for that date opens at this local time.
    #[error("booking for that date opens at {}", .0.format("%Y-%m-%d %H:%M"))]
    NotYet(NaiveDateTime),
    /// The session has started (or the date is past).
    #[error("that session has started; choose a later one")]
    Over,
}

/// What a visitor with a booking gets at the kiosk at a moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckIn {
    /// In the window: a ticket, placed in the queue at the session's start.
    Ticket { place: NaiveDateTime },
    /// Too early: come back from this time.
    Early { from: NaiveDateTime },
    /// After the window: what the plan says a late visitor gets.
    Late(Late),
    /// The booking is for another date.
    WrongDay { date: NaiveDate },
}

impl Plan {
    /// Whether `date` takes bookings at all (`building_closed`: the building's own closed dates).
    pub fn open_on(&self, date: NaiveDate, building_closed: &[NaiveDate]) -> bool {
        !self.closed_dates.contains(&date) && !building_closed.contains(&date)
    }

    /// When booking for `date` opens.
    pub fn opens(&self, date: NaiveDate) -> NaiveDateTime {
        // A date from outside at the calendar's very start opens at its start (no underflow).
        date.checked_sub_days(chrono::Days::new(self.days_ahead as u64))
            .unwrap_or(NaiveDate::MIN)
            .and_time(self.opens_at)
    }

    /// Whether session `session` of `date` can be booked at local time `now`. The service's own
    /// hours are the caller's to check (a session outside them is refused by `config`).
    pub fn bookable(
        &self,
        date: NaiveDate,
        session: usize,
        now: NaiveDateTime,
        building_closed: &[NaiveDate],
    ) -> Result<(), NotBookable> {
        let &(start, _) = self.sessions.get(session).ok_or(NotBookable::NoSession)?;
        if !self.open_on(date, building_closed) {
            return Err(NotBookable::Closed);
        }
        if now < self.opens(date) {
            return Err(NotBookable::NotYet(self.opens(date)));
        }
        if now >= date.and_time(start) {
            return Err(NotBookable::Over);
        }
        Ok(())
    }

    /// A visitor booked for session `session` of `date` is at the kiosk at local time `now`.
    pub fn check_in(&self, date: NaiveDate, session: usize, now: NaiveDateTime) -> CheckIn {
        if now.date() != date {
            return CheckIn::WrongDay { date };
        }
        let Some(&(start, _)) = self.sessions.get(session) else {
            return CheckIn::WrongDay { date };
        };
        let start = date.and_time(start);
        if now < start - self.checkin_before {
            CheckIn::Early {
                from: start - self.checkin_before,
            }
        } else if now > start + self.checkin_after {
            CheckIn::Late(self.late)
        } else {
            // The rule of calling (see `queue`): a booked visitor's place is the session's start,
            // wherever in the window they arrive.
            CheckIn::Ticket { place: start }
        }
    }

    /// The end of the check-in window of a session: a booking not checked in by then is a
    /// no-show, and its seat is not sold again that day.
    pub fn checkin_closes(&self, date: NaiveDate, session: usize) -> Option<NaiveDateTime> {
        let &(start, _) = self.sessions.get(session)?;
        Some(date.and_time(start) + self.checkin_after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawPlan {
        RawPlan {
            sessions: vec![
                "08:00-09:00".into(),
                "09:00-10:00".into(),
                "10:00-11:00".into(),
            ],
            seats_per_session: 10,
            slot_minutes: None,
            days_ahead: 7,
            opens_at: "07:00".into(),
            checkin_before_minutes: 30,
            checkin_after_minutes: 15,
            late: Late::WalkIn,
            closed_dates: vec!["2026-12-25".into()],
        }
    }

    fn plan() -> Plan {
        let mut p = Vec::new();
        raw()
            .check("services[0].booking", Some(100), 50, &mut p)
            .unwrap()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_slot_length_divides_the_sessions_into_slots() {
        let mut slotted = raw();
        slotted.sessions = vec!["08:00-10:00".into(), "13:00-14:00".into()];
        slotted.slot_minutes = Some(30);
        slotted.seats_per_session = 2;
        let mut p = Vec::new();
        let plan = slotted.check("s", Some(100), 50, &mut p).expect("valid");
        let hhmm = |t: NaiveTime| t.format("%H:%M").to_string();
        let got: Vec<String> = plan
            .sessions
            .iter()
            .map(|&(a, b)| format!("{}-{}", hhmm(a), hhmm(b)))
            .collect();
        assert_eq!(
            got,
            [
                "08:00-08:30",
                "08:30-09:00",
                "09:00-09:30",
                "09:30-10:00",
                "13:00-13:30",
                "13:30-14:00"
            ]
        );
        // The walk-in share counts slots, not the sessions they came from: 6 × 10 > 50.
        slotted.seats_per_session = 10;
        let mut p = Vec::new();
        assert!(slotted.check("s", Some(100), 50, &mut p).is_none());
        assert!(p[0].contains("60 online seats a day"), "{p:?}");
        // A session that does not divide, and a slot length out of range.
        slotted.seats_per_session = 2;
        slotted.slot_minutes = Some(45);
        let mut p = Vec::new();
        assert!(slotted.check("s", Some(100), 50, &mut p).is_none());
        assert_eq!(
            p,
            [
                "s.sessions[0]: 120 minutes do not divide into slots of 45",
                "s.sessions[1]: 60 minutes do not divide into slots of 45"
            ]
        );
        slotted.slot_minutes = Some(1);
        let mut p = Vec::new();
        assert!(slotted.check("s", Some(100), 50, &mut p).is_none());
        assert_eq!(p, ["s.slot_minutes: 1 is not within 5–240"]);
    }

    #[test]
    fn each_bad_setting_is_named_with_its_place() {
        let mut bad = raw();
        bad.sessions = vec!["08:00-09:00".into(), "08:30-09:30".into(), "10-11".into()];
        bad.seats_per_session = 0;
        bad.days_ahead = 400;
        bad.opens_at = "7 pagi".into();
        bad.checkin_after_minutes = 100_000;
        bad.closed_dates = vec!["25-12-2026".into()];
        let mut p = Vec::new();
        assert!(bad.check("services[3].booking", None, 50, &mut p).is_none());
        let all = p.join("\n");
        for needle in [
            "services[3].booking.sessions[1]: \"08:30-09:30\" starts before",
            "services[3].booking.sessions[2]: \"10-11\" is not a session",
            "services[3].booking.seats_per_session: 0 is not within 1–10000",
            "services[3].booking.days_ahead: 400",
            "services[3].booking.opens_at: \"7 pagi\"",
            "services[3].booking.checkin_after_minutes: 100000",
            "services[3].booking.closed_dates[0]: \"25-12-2026\"",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in\n{all}");
        }
    }

    #[test]
    fn walk_ins_keep_their_share_of_the_quota() {
        let mut p = Vec::new();
        // 3 sessions × 10 seats = 30 online; a quota of 50 with 50% for walk-ins allows 25.
        assert!(raw().check("s.booking", Some(50), 50, &mut p).is_none());
        assert!(p[0].contains("at most 25 online"), "{p:?}");
        let mut p = Vec::new();
        assert!(
            raw().check("s.booking", Some(60), 50, &mut p).is_some(),
            "{p:?}"
        );
    }

    #[test]
    fn booking_opens_days_ahead_at_its_hour_and_closes_when_the_session_starts() {
        let p = plan();
        let day = d("2026-12-10");
        assert_eq!(
            p.bookable(day, 1, at("2026-12-03 06:59"), &[]),
            Err(NotBookable::NotYet(at("2026-12-03 07:00")))
        );
        assert_eq!(p.bookable(day, 1, at("2026-12-03 07:00"), &[]), Ok(()));
        assert_eq!(p.bookable(day, 1, at("2026-12-10 08:59"), &[]), Ok(()));
        assert_eq!(
            p.bookable(day, 1, at("2026-12-10 09:00"), &[]),
            Err(NotBookable::Over)
        );
        assert_eq!(
            p.bookable(day, 3, at("2026-12-03 08:00"), &[]),
            Err(NotBookable::NoSession)
        );
        assert_eq!(
            p.bookable(d("2026-12-25"), 0, at("2026-12-20 08:00"), &[]),
            Err(NotBookable::Closed)
        );
        assert_eq!(
            p.bookable(day, 0, at("2026-12-05 08:00"), &[day]),
            Err(NotBookable::Closed),
            "the building's closed dates count too"
        );
    }

    #[test]
    fn check_in_window_from_before_the_start_to_after_it() {
        let p = plan();
        let day = d("2026-12-10");
        // Session 09:00–10:00: check-in 08:30–09:15.
        assert_eq!(
            p.check_in(day, 1, at("2026-12-10 08:29")),
            CheckIn::Early {
                from: at("2026-12-10 08:30")
            }
        );
        for now in ["2026-12-10 08:30", "2026-12-10 09:00", "2026-12-10 09:15"] {
            assert_eq!(
                p.check_in(day, 1, at(now)),
                CheckIn::Ticket {
                    place: at("2026-12-10 09:00")
                },
                "{now}"
            );
        }
        assert_eq!(
            p.check_in(day, 1, at("2026-12-10 09:16")),
            CheckIn::Late(Late::WalkIn)
        );
        assert_eq!(
            p.check_in(day, 1, at("2026-12-09 09:00")),
            CheckIn::WrongDay { date: day }
        );
        assert_eq!(p.checkin_closes(day, 1), Some(at("2026-12-10 09:15")));
    }
}
