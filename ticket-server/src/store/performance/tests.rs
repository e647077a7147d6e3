//! The walk over hand-made events whose every figure is known.

use std::collections::{BTreeMap, HashMap};

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{
    Category, CounterState, CounterView, Event, EventKind, PauseReason, TicketStatus, TicketView,
};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

use super::*;

fn at(hhmm: &str) -> DateTime<FixedOffset> {
    format!("2026-11-24T{hhmm}:00+07:00").parse().unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn user(name: &str) -> Actor {
    Actor {
        kind: ActorKind::User,
        id: name.into(),
    }
}

fn ticket(id: u64) -> TicketView {
    TicketView {
        id,
        number: format!("KTP-{id:03}"),
        service: "ktp".into(),
        category: Category::Regular,
        status: TicketStatus::Waiting,
        day: day(),
        issued_at: at("08:00"),
        queued_at: at("08:00"),
        called_at: None,
        counter: None,
        calls: 0,
        transferred_from: None,
        booked: None,
    }
}

fn loket(state: CounterState, officer: &str) -> EventKind {
    EventKind::CounterChanged {
        counter: CounterView {
            number: 1,
            name: "Loket 1".into(),
            services: vec!["ktp".into()],
            state,
            current: None,
            officer: Some(officer.into()),
        },
    }
}

/// Builds a day of events, numbering them.
struct Day(Vec<Event>);

impl Day {
    fn push(&mut self, hhmm: &str, actor: Actor, waiting: Option<u32>, kind: EventKind) {
        self.0.push(Event {
            seq: self.0.len() as u64 + 1,
            at: at(hhmm),
            actor,
            waiting: waiting
                .map(|n| BTreeMap::from([("ktp".to_string(), n)]))
                .unwrap_or_default(),
            waiting_booked: BTreeMap::new(),
            kind,
        });
    }

    fn walk(&self, now: DateTime<FixedOffset>) -> Tallies {
        let mut w = Walk::new(vec![(1, vec!["ktp".into()])], HashMap::new());
        for e in &self.0 {
            w.step(e);
        }
        w.finish(now)
    }
}

/// 08:00 open; 08:10 a ticket (idle from here); 08:15 called (walk 3 min); 08:18 started;
/// 08:30 done (service 12 min); 08:40 a ticket; 08:45 paused (idle 5 min, then none);
/// 09:00 resumed; 09:05 called; 09:06 recalled; 09:08 no-show; then nobody waits.
fn sample() -> Day {
    let s = user("siti");
    let mut d = Day(Vec::new());
    let system = Actor::system();
    d.push(
        "08:00",
        system.clone(),
        None,
        EventKind::DayStarted {
            day: day(),
            expired: 0,
        },
    );
    d.push("08:00", s.clone(), None, loket(CounterState::Open, "siti"));
    let issued = |id| EventKind::TicketIssued { ticket: ticket(id) };
    d.push("08:10", system.clone(), Some(1), issued(1));
    let called = |id, recall| EventKind::TicketCalled {
        ticket: ticket(id),
        counter: 1,
        recall,
    };
    d.push("08:15", s.clone(), Some(0), called(1, false));
    let serving = EventKind::TicketServing {
        ticket: ticket(1),
        counter: 1,
    };
    d.push("08:18", s.clone(), Some(0), serving);
    let done = EventKind::TicketDone {
        ticket: ticket(1),
        counter: 1,
    };
    d.push("08:30", s.clone(), Some(0), done);
    d.push("08:40", system.clone(), Some(1), issued(2));
    let paused = CounterState::Paused {
        reason: PauseReason::Prayer,
        note: None,
        since: at("08:45"),
    };
    d.push("08:45", s.clone(), None, loket(paused, "siti"));
    d.push("09:00", s.clone(), None, loket(CounterState::Open, "siti"));
    d.push("09:05", s.clone(), Some(0), called(2, false));
    d.push("09:06", s.clone(), Some(0), called(2, true));
    let no_show = EventKind::TicketNoShow {
        ticket: ticket(2),
        counter: 1,
    };
    d.push("09:08", s, Some(0), no_show);
    d
}

#[test]
fn a_known_morning_gives_each_figure() {
    let t = sample().walk(at("10:00"));
    assert_eq!(t.len(), 1);
    let x = &t[&(day(), "siti".to_string())];
    assert_eq!(x.served, 1);
    assert_eq!(x.service_secs, vec![12 * 60]);
    assert_eq!(x.walk_secs, vec![3 * 60]);
    assert_eq!((x.recalls, x.no_shows, x.transfers), (1, 1, 0));
    // Idle 08:10–08:15 and 08:40–08:45; 09:00–09:05 again (ticket 2 still waited).
    assert_eq!(x.idle_secs, 15 * 60);
    // Open 08:00–08:45 and 09:00–10:00 (now).
    assert_eq!(x.open_secs, 105 * 60);
}

#[test]
fn what_still_runs_ends_now_today_and_with_the_last_event_of_a_day_gone_by() {
    let late = "2026-11-25T03:00:00+07:00".parse().unwrap();
    let x = &sample().walk(late)[&(day(), "siti".to_string())];
    // Open from 09:00 to the day's last event (09:08): nothing counted after the hall's last act.
    assert_eq!(x.open_secs, 45 * 60 + 8 * 60);
    assert_eq!(x.idle_secs, 15 * 60);
    // Now before the last event (a clock behind the log) counts nothing backwards.
    let early = sample().walk(at("09:08") - Duration::hours(1));
    assert_eq!(
        early[&(day(), "siti".to_string())].open_secs,
        45 * 60 + 8 * 60
    );
}

#[test]
fn a_new_day_closes_the_old_one_with_its_last_event() {
    let mut d = sample();
    let next = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut e = d.0[0].clone();
    e.seq = 99;
    e.at = "2026-11-25T07:00:00+07:00".parse().unwrap();
    e.kind = EventKind::DayStarted {
        day: next,
        expired: 1,
    };
    d.0.push(e);
    let t = d.walk("2026-11-25T12:00:00+07:00".parse().unwrap());
    assert_eq!(t[&(day(), "siti".to_string())].open_secs, 45 * 60 + 8 * 60);
    // The loket starts the new day closed: nothing counted for it.
    assert!(!t.contains_key(&(next, "siti".to_string())));
}

#[test]
fn medians_are_nearest_rank() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[7]), Some(7));
    assert_eq!(median(&[4, 1, 3, 2]), Some(2));
    assert_eq!(median(&[5, 1, 3]), Some(3));
}

/// An admin gives the open, free loket 1 a service whose visitor already waits: idle from the
/// change on, to the officer at the loket.
#[test]
fn a_configuration_change_gives_a_loket_the_services_it_is_idle_for() {
    let s = user("siti");
    let mut d = Day(Vec::new());
    let started = EventKind::DayStarted {
        day: day(),
        expired: 0,
    };
    d.push("08:00", Actor::system(), None, started);
    d.push("08:00", s.clone(), None, loket(CounterState::Open, "siti"));
    let mut kk = ticket(1);
    kk.service = "kk".into();
    let mut e = Event {
        seq: 3,
        at: at("08:05"),
        actor: Actor::system(),
        waiting: BTreeMap::from([("kk".to_string(), 1)]),
        waiting_booked: BTreeMap::new(),
        kind: EventKind::TicketIssued { ticket: kk },
    };
    d.0.push(e.clone());
    e.seq = 4;
    e.at = at("08:20");
    e.actor = user("admin");
    e.waiting.clear();
    e.kind = EventKind::ConfigChanged {
        version: 4,
        section: "counters".into(),
        summary: "loket 1 serves kk".into(),
    };
    d.0.push(e);
    let versions = HashMap::from([(4, vec![(1, vec!["ktp".to_string(), "kk".to_string()])])]);
    let mut w = Walk::new(vec![(1, vec!["ktp".into()])], versions);
    for e in &d.0 {
        w.step(e);
    }
    let t = w.finish(at("08:30"));
    let x = &t[&(day(), "siti".to_string())];
    assert_eq!((x.open_secs, x.idle_secs), (30 * 60, 10 * 60));
}
