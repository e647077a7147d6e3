//! The desk's rules: examples, then a property test that no sequence of asks oversells a session
//! or breaks the per-person limits, and that replaying the decisions rebuilds the same desk.

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use super::*;
use crate::booking::plan::RawPlan;

struct Hall {
    plan: Plan,
    closed: Vec<NaiveDate>,
    limits: Limits,
}

impl Plans for Hall {
    fn plan(&self, service: &str) -> Option<&Plan> {
        matches!(service, "paspor" | "ktp").then_some(&self.plan)
    }
    fn building_closed(&self) -> &[NaiveDate] {
        &self.closed
    }
    fn limits(&self) -> Limits {
        self.limits
    }
}

fn hall(seats: u32, max_active: u32) -> Hall {
    let raw = RawPlan {
        sessions: vec!["08:00-09:00".into(), "09:00-10:00".into()],
        seats_per_session: seats,
        slot_minutes: None,
        days_ahead: 7,
        opens_at: "07:00".into(),
        checkin_before_minutes: 30,
        checkin_after_minutes: 15,
        late: Late::WalkIn,
        closed_dates: vec![],
    };
    let mut p = Vec::new();
    Hall {
        plan: raw.check("s.booking", None, 0, &mut p).unwrap(),
        closed: vec![],
        limits: Limits {
            max_active_per_person: max_active,
        },
    }
}

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, n).unwrap()
}

fn book(code: &str, service: &str, date: NaiveDate, session: usize, person: &str) -> Ask {
    Ask::Book {
        id: code.bytes().map(u64::from).sum::<u64>() * 1000 + code.len() as u64,
        code: code.into(),
        service: service.into(),
        date,
        session,
        person: person.into(),
        nik_masked: "3275********0001".into(),
    }
}

/// Decide and apply, as the hall does through its log.
trait Run {
    fn decide_and_apply(
        &mut self,
        ask: Ask,
        now: NaiveDateTime,
        h: &Hall,
    ) -> Result<Vec<Decided>, Refused>;
}

impl Run for Desk {
    fn decide_and_apply(
        &mut self,
        ask: Ask,
        now: NaiveDateTime,
        h: &Hall,
    ) -> Result<Vec<Decided>, Refused> {
        let decided = self.decide(ask, now, h)?;
        for d in &decided {
            self.apply(d);
        }
        Ok(decided)
    }
}

#[test]
fn the_last_seat_goes_once_and_a_cancelled_seat_comes_back() {
    let h = hall(2, 5);
    let mut desk = Desk::default();
    let now = at("2026-12-07 07:00");
    desk.decide_and_apply(book("A", "paspor", day(10), 0, "p1"), now, &h)
        .unwrap();
    desk.decide_and_apply(book("B", "paspor", day(10), 0, "p2"), now, &h)
        .unwrap();
    assert_eq!(
        desk.decide_and_apply(book("C", "paspor", day(10), 0, "p3"), now, &h),
        Err(Refused::Full)
    );
    desk.decide_and_apply(Ask::Cancel { code: "A".into() }, now, &h)
        .unwrap();
    desk.decide_and_apply(book("C", "paspor", day(10), 0, "p3"), now, &h)
        .unwrap();
    assert_eq!(desk.taken("paspor", day(10), 0), 2);
    assert_eq!(
        desk.decide_and_apply(Ask::Cancel { code: "A".into() }, now, &h),
        Err(Refused::NotActive(Status::Cancelled))
    );
}

#[test]
fn one_booking_per_person_per_service_and_day_and_a_cap_in_all() {
    let h = hall(10, 2);
    let mut desk = Desk::default();
    let now = at("2026-12-07 07:00");
    desk.decide_and_apply(book("A", "paspor", day(10), 0, "p1"), now, &h)
        .unwrap();
    assert_eq!(
        desk.decide_and_apply(book("B", "paspor", day(10), 1, "p1"), now, &h),
        Err(Refused::SameDay)
    );
    desk.decide_and_apply(book("B", "ktp", day(10), 1, "p1"), now, &h)
        .unwrap();
    assert_eq!(
        desk.decide_and_apply(book("C", "paspor", day(11), 0, "p1"), now, &h),
        Err(Refused::TooMany(2))
    );
    // Another person is not affected.
    desk.decide_and_apply(book("D", "paspor", day(10), 0, "p2"), now, &h)
        .unwrap();
}

#[test]
fn reschedule_moves_the_seat_and_check_in_places_the_visitor_at_the_session_start() {
    let h = hall(1, 5);
    let mut desk = Desk::default();
    desk.decide_and_apply(
        book("A", "paspor", day(10), 0, "p1"),
        at("2026-12-07 07:00"),
        &h,
    )
    .unwrap();
    desk.decide_and_apply(
        Ask::Reschedule {
            code: "A".into(),
            date: day(11),
            session: 1,
        },
        at("2026-12-08 10:00"),
        &h,
    )
    .unwrap();
    assert_eq!(desk.taken("paspor", day(10), 0), 0);
    assert_eq!(desk.taken("paspor", day(11), 1), 1);
    let check_in = |desk: &mut Desk, now| {
        desk.decide_and_apply(Ask::CheckIn { code: "A".into() }, at(now), &h)
    };
    assert_eq!(
        check_in(&mut desk, "2026-12-10 09:00"),
        Err(Refused::WrongDay(day(11)))
    );
    assert_eq!(
        check_in(&mut desk, "2026-12-11 08:00"),
        Err(Refused::Early(at("2026-12-11 08:30")))
    );
    assert_eq!(
        check_in(&mut desk, "2026-12-11 09:10"),
        Ok(vec![Decided::CheckedIn {
            code: "A".into(),
            place: at("2026-12-11 09:00")
        }])
    );
    assert_eq!(
        check_in(&mut desk, "2026-12-11 09:11"),
        Err(Refused::NotActive(Status::CheckedIn))
    );
}

#[test]
fn a_booking_never_checked_in_becomes_a_no_show_and_keeps_its_seat() {
    let h = hall(1, 5);
    let mut desk = Desk::default();
    desk.decide_and_apply(
        book("A", "paspor", day(10), 0, "p1"),
        at("2026-12-07 07:00"),
        &h,
    )
    .unwrap();
    assert_eq!(
        desk.decide_and_apply(Ask::MarkNoShows, at("2026-12-10 08:15"), &h),
        Ok(vec![])
    );
    assert_eq!(
        desk.decide_and_apply(Ask::MarkNoShows, at("2026-12-10 08:16"), &h),
        Ok(vec![Decided::NoShow { code: "A".into() }])
    );
    // Session 0 has started anyway, but even session-wise the seat stays taken that day.
    assert_eq!(desk.taken("paspor", day(10), 0), 1);
    assert_eq!(
        desk.decide_and_apply(
            Ask::CheckIn { code: "A".into() },
            at("2026-12-10 08:17"),
            &h
        ),
        Err(Refused::NotActive(Status::NoShow))
    );
}

#[derive(Clone, Debug)]
enum Step {
    Book {
        service: bool,
        date: u32,
        session: usize,
        person: u8,
    },
    Cancel(usize),
    Reschedule(usize, u32, usize),
    CheckIn(usize),
    NoShows,
    Later(u32),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (any::<bool>(), 8u32..12, 0usize..3, 0u8..6).prop_map(|(service, date, session, person)| {
            Step::Book { service, date, session, person }
        }),
        1 => (0usize..40).prop_map(Step::Cancel),
        1 => (0usize..40, 8u32..12, 0usize..2).prop_map(|(i, d, s)| Step::Reschedule(i, d, s)),
        1 => (0usize..40).prop_map(Step::CheckIn),
        1 => Just(Step::NoShows),
        1 => (1u32..600).prop_map(Step::Later),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn no_sequence_oversells_or_breaks_the_per_person_rules(
        steps in proptest::collection::vec(step(), 1..80),
        seats in 1u32..4,
        max_active in 1u32..4,
    ) {
        let h = hall(seats, max_active);
        let mut desk = Desk::default();
        let mut log: Vec<Decided> = Vec::new();
        let mut now = at("2026-12-07 06:30");
        let mut n = 0;
        let codes = |desk: &Desk| {
            let mut c: Vec<String> = desk.bookings.keys().cloned().collect();
            c.sort();
            c
        };
        for s in steps {
            let ask = match s {
                Step::Later(min) => {
                    now += chrono::Duration::minutes(min as i64 * 10);
                    continue;
                }
                Step::Book { service, date, session, person } => {
                    n += 1;
                    book(&format!("B{n}"), if service { "paspor" } else { "ktp" }, day(date), session, &format!("p{person}"))
                }
                Step::Cancel(i) => match codes(&desk).get(i) {
                    Some(code) => Ask::Cancel { code: code.clone() },
                    None => continue,
                },
                Step::Reschedule(i, d, s) => match codes(&desk).get(i) {
                    Some(code) => Ask::Reschedule { code: code.clone(), date: day(d), session: s },
                    None => continue,
                },
                Step::CheckIn(i) => match codes(&desk).get(i) {
                    Some(code) => Ask::CheckIn { code: code.clone() },
                    None => continue,
                },
                Step::NoShows => Ask::MarkNoShows,
            };
            if let Ok(decided) = desk.decide_and_apply(ask, now, &h) {
                log.extend(decided);
            }
            // Seats: never more than the session has, and exactly the bookings that hold one.
            for ((service, date, session), taken) in &desk.taken {
                prop_assert!(*taken <= seats, "{service} {date} #{session}: {taken} > {seats}");
                let holding = desk.bookings.values().filter(|b| {
                    &b.service == service && b.date == *date && b.session == *session && b.status.holds_seat()
                }).count() as u32;
                prop_assert_eq!(*taken, holding);
            }
            // Per person: one active booking per service and day, and at most the cap from today.
            let mut per_day = std::collections::HashMap::new();
            let mut per_person = std::collections::HashMap::new();
            for b in desk.bookings.values().filter(|b| b.status == Status::Active && b.date >= now.date()) {
                *per_day.entry((b.person.clone(), b.service.clone(), b.date)).or_insert(0) += 1;
                *per_person.entry(b.person.clone()).or_insert(0u32) += 1;
            }
            prop_assert!(per_day.values().all(|&c| c == 1), "{per_day:?}");
            prop_assert!(per_person.values().all(|&c| c <= max_active), "{per_person:?}");
        }
        // The log rebuilds the same desk.
        let mut replayed = Desk::default();
        for d in &log {
            replayed.apply(d);
        }
        prop_assert_eq!(&replayed.taken, &desk.taken);
        prop_assert_eq!(&replayed.bookings, &desk.bookings);
    }
}
