//! The rule of calling booked visitors, property-tested on the real hall: walk-ins arrive at
//! random minutes around a session, booked visitors check in at random moments of their window,
//! some as priority; one loket then calls everybody. Within each lane (priority first, as for
//! everyone), whoever's place is earlier is called earlier — a walk-in's place is when they took
//! the ticket, a booking's is its session's start — so a booked visitor is never behind a walk-in
//! who came after the session began, nor ahead of one who was waiting before it.

use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind};
use antri_wire::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use crate::config::Config;
use crate::queue::{BookingCommand, Command, Hall, Holder, Reply};

fn kiosk() -> Actor {
    Actor {
        kind: ActorKind::Device,
        id: "kiosk-1".into(),
    }
}

fn officer(config: &Config) -> Actor {
    Actor {
        kind: ActorKind::User,
        id: config
            .users
            .iter()
            .find(|u| u.counters.contains(&5))
            .unwrap()
            .username
            .clone(),
    }
}

/// Tuesday 2026-11-24 at `hh:mm` WIB.
fn tuesday(hh: u32, mm: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, hh, mm, 0).unwrap() - Duration::hours(7)
}

#[derive(Clone, Debug)]
enum Arrival {
    /// A walk-in at minutes after 08:00, priority or not.
    WalkIn(u32, bool),
    /// A booking of the 09:00 session checked in at minutes after 08:30 (its window: 08:30–09:15).
    Booked(u32, bool),
}

fn arrival() -> impl Strategy<Value = Arrival> {
    prop_oneof![
        3 => (0u32..100, proptest::bool::weighted(0.2)).prop_map(|(m, p)| Arrival::WalkIn(m, p)),
        1 => (0u32..=45, proptest::bool::weighted(0.2)).prop_map(|(m, p)| Arrival::Booked(m, p)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn booked_visitors_are_called_in_the_place_of_their_sessions_start(
        arrivals in proptest::collection::vec(arrival(), 1..24),
    ) {
        // The sample building, its priority policy "first" so each lane's order is plain to state.
        let mut doc = Config::example().document.as_ref().clone();
        doc.queue.priority = "first".into();
        let config = Arc::new(Config::from_document(doc).unwrap());
        let mut hall = Hall::new(config.clone());
        let visitor = Actor { kind: ActorKind::Visitor, id: "booking page".into() };
        // Book the 09:00 session on Monday morning, one booking per booked arrival.
        let monday = tuesday(7, 0) - Duration::days(1);
        let mut codes = Vec::new();
        for (i, a) in arrivals.iter().enumerate() {
            if let Arrival::Booked(..) = a {
                let code = format!("CODE{i:04}");
                let out = hall.execute(
                    Command::Booking(BookingCommand::Book {
                        service: "paspor-baru".into(),
                        date: tuesday(0, 0).date_naive() + Duration::days(0),
                        session: 1,
                        holder: Holder {
                            code: code.clone(),
                            person: format!("person-{i}"),
                            nik_masked: "3275********0001".into(),
                            phone: None,
                        },
                    }),
                    monday,
                    &visitor,
                );
                // Six seats: later bookings are refused and those visitors come as walk-ins.
                codes.push(out.result.is_ok().then_some(code));
            } else {
                codes.push(None);
            }
        }
        // Tuesday, in the order of the clock.
        let mut timeline: Vec<(DateTime<Utc>, usize)> = arrivals
            .iter()
            .enumerate()
            .map(|(i, a)| match a {
                Arrival::WalkIn(m, _) => (tuesday(8, 0) + Duration::minutes(*m as i64), i),
                Arrival::Booked(m, _) => (tuesday(8, 30) + Duration::minutes(*m as i64), i),
            })
            .collect();
        timeline.sort();
        // Each ticket's number and its expected place.
        let mut expected: Vec<(bool, DateTime<Utc>, String)> = Vec::new();
        for (at, i) in timeline {
            let (priority, booked_code) = match &arrivals[i] {
                Arrival::WalkIn(_, p) => (*p, None),
                Arrival::Booked(_, p) => (*p, codes[i].clone()),
            };
            let category = if priority { Category::Elderly } else { Category::Regular };
            let out = match &booked_code {
                Some(code) => hall.execute(
                    Command::Booking(BookingCommand::CheckIn {
                        code: code.clone(),
                        category,
                        tracking_code: format!("T{i}"),
                    }),
                    at,
                    &kiosk(),
                ),
                None => hall.execute(
                    Command::Issue {
                        service: "paspor-baru".into(),
                        category,
                        tracking_code: format!("T{i}"),
                    },
                    at,
                    &kiosk(),
                ),
            };
            let ticket = match out.result {
                Ok(Reply::Issued(t)) => t.ticket,
                Ok(Reply::CheckedIn { issued, .. }) => issued.ticket,
                // Before 08:00 the service is closed for walk-ins: they do not get a ticket.
                Err(_) => continue,
                Ok(other) => panic!("unexpected {other:?}"),
            };
            let place = if booked_code.is_some() { tuesday(9, 0) } else { at };
            prop_assert_eq!(ticket.queued_at.with_timezone(&Utc), place);
            expected.push((!priority, place, ticket.number.clone()));
        }
        // Loket 5 calls everybody after the window closed.
        let staff = officer(&config);
        let mut now = tuesday(9, 20);
        hall.execute(Command::Open(5), now, &staff).result.unwrap();
        let mut called = Vec::new();
        loop {
            now += Duration::seconds(1);
            match hall.execute(Command::CallNext(5), now, &staff).result {
                Ok(Reply::Counter(r)) => {
                    let t = r.ticket.unwrap();
                    called.push(t.number.clone());
                    hall.execute(Command::Start(5), now, &staff).result.unwrap();
                    hall.execute(Command::Finish(5), now, &staff).result.unwrap();
                }
                Err(_) => break,
                Ok(other) => panic!("unexpected {other:?}"),
            }
        }
        // Priority first (policy "first"), each lane by place; equal places (the bookings of one
        // session) by the order they were issued.
        expected.sort_by_key(|(regular, place, _)| (*regular, *place));
        let want: Vec<String> = expected.into_iter().map(|(_, _, n)| n).collect();
        prop_assert_eq!(called, want);
    }
}
