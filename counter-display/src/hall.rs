//! The hall as a display sees it: a pure model fed by the server's snapshot and events.
//!
//! No window, clock or network here: [`HallModel::apply`] takes one stream message and the current
//! time, updates the picture, and returns the calls to announce. Events at or below the last
//! sequence number seen are ignored, so a replayed event after a reconnect is neither shown twice
//! nor spoken twice. Memory is bounded by the building (its services and lokets) plus a fixed
//! number of recent calls: nothing grows per event.

use std::collections::{BTreeMap, HashMap, VecDeque};

use antri_wire::client::StreamItem;
use antri_wire::event::{CallView, StreamMessage};
use antri_wire::{
    AgencyView, BuildingView, CounterState, CounterView, Event, EventKind, ServiceView,
    ServicesResponse, Snapshot, TicketStatus, TicketView, Timestamp,
};

use crate::speech::queue::Announcement;

/// Calls kept for the "last calls" list (the newest included).
pub const RECENT_CALLS: usize = 8;
/// Above this many services the hall shows waiting counts per agency instead of per service.
pub const PER_SERVICE_MAX: usize = 16;
/// A call older than this when it reaches the display (e.g. replayed after a long outage) is shown
/// but not spoken: the visitor has long been served or gone, and speaking it would delay today's.
pub const STALE_CALL_SECS: i64 = 180;

#[derive(Clone, Debug)]
struct ServiceEntry {
    agency: String,
    prefix: String,
    name: String,
    waiting: u32,
    /// Of those waiting, booked visitors.
    booked: u32,
}

#[derive(Default, Debug)]
pub struct HallModel {
    last_seq: Option<u64>,
    building: Option<BuildingView>,
    agencies: Vec<AgencyView>,
    /// Service ids in the server's (config) order, and their entries.
    service_order: Vec<String>,
    services: HashMap<String, ServiceEntry>,
    counters: BTreeMap<u32, CounterView>,
    /// Newest first.
    recent: VecDeque<CallView>,
    /// Whether the stream is connected now.
    connected: bool,
}

/// What a loket is doing, as the displays show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoketState {
    /// Open, nobody called.
    Idle,
    /// A visitor has been called here and is on the way.
    Called,
    /// A visitor is being served.
    Serving,
    Paused,
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLine {
    pub seq: u64,
    pub number: String,
    pub counter: u32,
    pub service_name: String,
    pub recall: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoketTile {
    pub number: u32,
    pub name: String,
    /// The ticket number called to or served here, empty if none.
    pub current: String,
    pub service_name: String,
    pub state: LoketState,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingRow {
    /// Prefix(es) a visitor finds on their ticket, e.g. `KTP` or `KTP KK AKL`.
    pub prefix: String,
    pub label: String,
    pub count: u32,
    /// Of `count`, booked visitors (checked in with a booking code): marked on the screen so a
    /// walk-in sees why the queue holds people who came later.
    pub booked: u32,
}

/// Everything the hall screen shows that comes from the server.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HallView {
    pub building: String,
    pub newest: Option<CallLine>,
    /// The calls before the newest, newest first.
    pub recent: Vec<CallLine>,
    /// Open and paused lokets, by number (closed ones are not shown).
    pub lokets: Vec<LoketTile>,
    pub waiting: Vec<WaitingRow>,
    pub waiting_by_agency: bool,
}

impl HallModel {
    pub fn new() -> HallModel {
        HallModel::default()
    }

    /// The sequence number the picture is current to.
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    pub fn building(&self) -> Option<&BuildingView> {
        self.building.as_ref()
    }

    pub fn connected(&self) -> bool {
        self.connected
    }

    /// Apply one item of the subscription; returns the calls to speak, in order.
    pub fn apply_item(&mut self, item: &StreamItem, now: Timestamp) -> Vec<Announcement> {
        match item {
            StreamItem::Connected => {
                self.connected = true;
                Vec::new()
            }
            StreamItem::Disconnected => {
                self.connected = false;
                Vec::new()
            }
            StreamItem::Message(m) => self.apply(m, now).into_iter().collect(),
        }
    }

    /// Apply one stream message; returns the call to speak, if it is one.
    pub fn apply(&mut self, msg: &StreamMessage, now: Timestamp) -> Option<Announcement> {
        match msg {
            StreamMessage::Snapshot(s) => {
                self.apply_snapshot(s);
                None
            }
            StreamMessage::Event(e) => self.apply_event(e, now),
        }
    }

    /// An admin changed the building (services, lokets, names): take the new lists from the
    /// server's current answers, keeping the stream's position and the recent calls. Lokets and
    /// services that were removed disappear; new ones appear without a reconnect.
    pub fn refresh_config(&mut self, services: &ServicesResponse, counters: &[CounterView]) {
        self.building = Some(services.building.clone());
        self.agencies = services.agencies.clone();
        self.service_order = services.services.iter().map(|sv| sv.id.clone()).collect();
        self.services = services
            .services
            .iter()
            .map(|sv| (sv.id.clone(), entry(sv)))
            .collect();
        self.counters = counters.iter().map(|c| (c.number, c.clone())).collect();
    }

    fn apply_snapshot(&mut self, s: &Snapshot) {
        // A snapshot replaces everything, even at a lower seq: the server's log was reset.
        self.last_seq = Some(s.seq);
        self.building = Some(s.building.clone());
        self.agencies = s.agencies.clone();
        self.service_order = s.services.iter().map(|sv| sv.id.clone()).collect();
        self.services = s
            .services
            .iter()
            .map(|sv| (sv.id.clone(), entry(sv)))
            .collect();
        self.counters = s.counters.iter().map(|c| (c.number, c.clone())).collect();
        self.recent = s.recent_calls.iter().take(RECENT_CALLS).cloned().collect();
    }

    fn apply_event(&mut self, e: &Event, now: Timestamp) -> Option<Announcement> {
        if self.last_seq.is_some_and(|last| e.seq <= last) {
            return None; // seen already: a replay after reconnect
        }
        self.last_seq = Some(e.seq);
        if matches!(e.kind, EventKind::DayStarted { .. }) {
            // Yesterday's waiting tickets expired; the new day's counts follow in `waiting`.
            self.services.values_mut().for_each(|s| {
                s.waiting = 0;
                s.booked = 0;
            });
            self.recent.clear();
            for c in self.counters.values_mut() {
                c.current = None;
            }
        }
        for (id, n) in &e.waiting {
            if let Some(s) = self.services.get_mut(id) {
                s.waiting = *n;
            }
        }
        for (id, n) in &e.waiting_booked {
            if let Some(s) = self.services.get_mut(id) {
                s.booked = *n;
            }
        }
        match &e.kind {
            EventKind::TicketCalled {
                ticket,
                counter,
                recall,
            } => {
                self.counter_mut(*counter).current = Some(ticket.clone());
                // A recall moves the call back to the top instead of listing it twice.
                self.recent
                    .retain(|c| !(c.number == ticket.number && c.counter == *counter));
                self.recent.push_front(CallView {
                    seq: e.seq,
                    number: ticket.number.clone(),
                    service: ticket.service.clone(),
                    counter: *counter,
                    at: e.at,
                    recall: *recall,
                });
                self.recent.truncate(RECENT_CALLS);
                let age = now.signed_duration_since(e.at).num_seconds();
                (age <= STALE_CALL_SECS).then(|| Announcement {
                    seq: e.seq,
                    number: ticket.number.clone(),
                    counter: *counter,
                    recall: *recall,
                })
            }
            EventKind::TicketServing { ticket, counter } => {
                self.counter_mut(*counter).current = Some(ticket.clone());
                None
            }
            EventKind::TicketDone { ticket, counter }
            | EventKind::TicketNoShow { ticket, counter } => {
                self.clear_if_current(*counter, ticket);
                None
            }
            EventKind::TicketTransferred {
                ticket,
                counter: Some(counter),
                ..
            } => {
                self.clear_if_current(*counter, ticket);
                None
            }
            EventKind::CounterChanged { counter } => {
                self.counters.insert(counter.number, counter.clone());
                None
            }
            _ => None,
        }
    }

    fn counter_mut(&mut self, n: u32) -> &mut CounterView {
        // A loket the snapshot did not list (added to the config since): show it as open.
        self.counters.entry(n).or_insert_with(|| CounterView {
            number: n,
            name: String::new(),
            services: Vec::new(),
            state: CounterState::Open,
            current: None,
            officer: None,
        })
    }

    fn clear_if_current(&mut self, counter: u32, ticket: &TicketView) {
        if let Some(c) = self.counters.get_mut(&counter) {
            if c.current.as_ref().is_some_and(|t| t.id == ticket.id) {
                c.current = None;
            }
        }
    }

    fn service_name(&self, id: &str) -> String {
        self.services
            .get(id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    fn line(&self, c: &CallView) -> CallLine {
        CallLine {
            seq: c.seq,
            number: c.number.clone(),
            counter: c.counter,
            service_name: self.service_name(&c.service),
            recall: c.recall,
        }
    }

    fn tile(&self, c: &CounterView) -> LoketTile {
        let state = match (&c.state, &c.current) {
            (CounterState::Closed, _) => LoketState::Closed,
            (CounterState::Paused { .. }, _) => LoketState::Paused,
            (CounterState::Open, None) => LoketState::Idle,
            (CounterState::Open, Some(t)) if t.status == TicketStatus::Serving => {
                LoketState::Serving
            }
            (CounterState::Open, Some(_)) => LoketState::Called,
        };
        LoketTile {
            number: c.number,
            name: c.name.clone(),
            current: c
                .current
                .as_ref()
                .map(|t| t.number.clone())
                .unwrap_or_default(),
            service_name: c
                .current
                .as_ref()
                .map(|t| self.service_name(&t.service))
                .unwrap_or_default(),
            state,
        }
    }

    /// The picture for the hall screen.
    pub fn hall_view(&self) -> HallView {
        let mut recent = self.recent.iter().map(|c| self.line(c));
        let newest = recent.next();
        HallView {
            building: self
                .building
                .as_ref()
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            newest,
            recent: recent.collect(),
            lokets: self
                .counters
                .values()
                .filter(|c| c.state != CounterState::Closed)
                .map(|c| self.tile(c))
                .collect(),
            waiting: self.waiting_rows(),
            waiting_by_agency: self.service_order.len() > PER_SERVICE_MAX,
        }
    }

    /// One loket, for the display above it.
    pub fn loket_view(&self, n: u32) -> LoketTile {
        match self.counters.get(&n) {
            Some(c) => self.tile(c),
            None => LoketTile {
                number: n,
                name: String::new(),
                current: String::new(),
                service_name: String::new(),
                state: LoketState::Closed,
            },
        }
    }

    fn waiting_rows(&self) -> Vec<WaitingRow> {
        if self.service_order.len() <= PER_SERVICE_MAX {
            return self
                .service_order
                .iter()
                .filter_map(|id| self.services.get(id))
                .map(|s| WaitingRow {
                    prefix: s.prefix.clone(),
                    label: s.name.clone(),
                    count: s.waiting,
                    booked: s.booked,
                })
                .collect();
        }
        self.agencies
            .iter()
            .map(|a| {
                let mine = || {
                    self.service_order
                        .iter()
                        .filter_map(|id| self.services.get(id))
                        .filter(|s| s.agency == a.id)
                };
                WaitingRow {
                    prefix: mine()
                        .map(|s| s.prefix.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    label: a.name.id.clone(),
                    count: mine().map(|s| s.waiting).sum(),
                    booked: mine().map(|s| s.booked).sum(),
                }
            })
            .collect()
    }
}

fn entry(s: &ServiceView) -> ServiceEntry {
    ServiceEntry {
        agency: s.agency.clone(),
        prefix: s.prefix.clone(),
        name: s.name.id.clone(),
        waiting: s.waiting,
        booked: s.waiting_booked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use antri_wire::{CounterState, PauseReason};
    use chrono::Duration;

    fn snap(lokets: u32, services: usize) -> StreamMessage {
        StreamMessage::Snapshot(Box::new(demo::building(lokets, services)))
    }
    fn ev(e: Event) -> StreamMessage {
        StreamMessage::Event(Box::new(e))
    }
    fn t0() -> Timestamp {
        demo::opening_time()
    }

    #[test]
    fn an_admins_change_adds_and_removes_lokets_without_losing_the_calls() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        m.apply(
            &ev(demo::call(101, t0(), "KTP-012", "svc-ktp", 3, false)),
            t0(),
        );
        // The server now has lokets 1-6 except 5, as `/api/v1/services` and `/counters` say.
        let now = demo::building(6, 10);
        let services = ServicesResponse {
            building: now.building.clone(),
            agencies: now.agencies.clone(),
            services: now.services.clone(),
            seq: 101,
            warnings: Vec::new(),
        };
        let mut counters: Vec<CounterView> =
            now.counters.into_iter().filter(|c| c.number != 5).collect();
        counters[2].current = m.counters[&3].current.clone();
        m.refresh_config(&services, &counters);
        let v = m.hall_view();
        let numbers: Vec<u32> = v.lokets.iter().map(|l| l.number).collect();
        assert!(numbers.contains(&6), "the new loket shows: {numbers:?}");
        assert!(
            !numbers.contains(&5),
            "the removed loket is gone: {numbers:?}"
        );
        assert_eq!(v.newest.unwrap().number, "KTP-012", "the newest call stays");
        assert_eq!(m.last_seq(), Some(101), "the stream position is kept");
    }

    #[test]
    fn a_call_becomes_the_newest_and_the_lokets_number_and_is_announced() {
        let mut m = HallModel::new();
        assert_eq!(m.apply(&snap(5, 10), t0()), None);
        let said = m.apply(
            &ev(demo::call(101, t0(), "KTP-012", "svc-ktp", 3, false)),
            t0(),
        );
        assert_eq!(
            said,
            Some(Announcement {
                seq: 101,
                number: "KTP-012".into(),
                counter: 3,
                recall: false
            })
        );
        let v = m.hall_view();
        let newest = v.newest.unwrap();
        assert_eq!((newest.number.as_str(), newest.counter), ("KTP-012", 3));
        assert_eq!(newest.service_name, "Perekaman KTP-el");
        let l3 = v.lokets.iter().find(|l| l.number == 3).unwrap();
        assert_eq!(
            (l3.current.as_str(), l3.state),
            ("KTP-012", LoketState::Called)
        );
        assert_eq!(m.loket_view(3).current, "KTP-012");
        assert_eq!(m.loket_view(4).state, LoketState::Idle);
    }

    #[test]
    fn replayed_events_are_neither_shown_twice_nor_spoken_twice() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        let e = ev(demo::call(101, t0(), "KK-001", "svc-kk", 1, false));
        assert!(m.apply(&e, t0()).is_some());
        assert!(m.apply(&e, t0()).is_none());
        assert_eq!(m.hall_view().recent.len(), 0);
        assert_eq!(m.last_seq(), Some(101));
        // Older than the snapshot: already in the picture.
        assert!(m
            .apply(
                &ev(demo::call(99, t0(), "KK-000", "svc-kk", 1, false)),
                t0()
            )
            .is_none());
    }

    #[test]
    fn a_recall_is_spoken_again_and_moves_to_the_top_once() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        m.apply(
            &ev(demo::call(101, t0(), "KK-001", "svc-kk", 1, false)),
            t0(),
        );
        m.apply(
            &ev(demo::call(102, t0(), "KTP-001", "svc-ktp", 2, false)),
            t0(),
        );
        let again = m.apply(
            &ev(demo::call(103, t0(), "KK-001", "svc-kk", 1, true)),
            t0(),
        );
        assert!(again.unwrap().recall);
        let v = m.hall_view();
        assert_eq!(v.newest.unwrap().number, "KK-001");
        assert_eq!(
            v.recent
                .iter()
                .map(|c| c.number.as_str())
                .collect::<Vec<_>>(),
            ["KTP-001"]
        );
    }

    #[test]
    fn a_call_replayed_long_after_is_shown_but_not_spoken() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        let late = t0() + Duration::seconds(STALE_CALL_SECS + 1);
        assert!(m
            .apply(
                &ev(demo::call(101, t0(), "KK-001", "svc-kk", 1, false)),
                late
            )
            .is_none());
        assert_eq!(m.hall_view().newest.unwrap().number, "KK-001");
    }

    #[test]
    fn finishing_pausing_and_closing_lokets() {
        let mut m = HallModel::new();
        m.apply(&snap(3, 10), t0());
        m.apply(
            &ev(demo::call(101, t0(), "KK-001", "svc-kk", 1, false)),
            t0(),
        );
        let serving = demo::ticket(101, "KK-001", "svc-kk", TicketStatus::Serving);
        m.apply(
            &ev(demo::event(
                102,
                t0(),
                EventKind::TicketServing {
                    ticket: serving.clone(),
                    counter: 1,
                },
            )),
            t0(),
        );
        assert_eq!(m.loket_view(1).state, LoketState::Serving);
        m.apply(
            &ev(demo::event(
                103,
                t0(),
                EventKind::TicketDone {
                    ticket: serving,
                    counter: 1,
                },
            )),
            t0(),
        );
        assert_eq!(
            (m.loket_view(1).state, m.loket_view(1).current.as_str()),
            (LoketState::Idle, "")
        );

        let mut c2 = demo::building(3, 10).counters[1].clone();
        c2.state = CounterState::Paused {
            reason: PauseReason::Prayer,
            note: None,
            since: t0(),
        };
        m.apply(
            &ev(demo::event(
                104,
                t0(),
                EventKind::CounterChanged {
                    counter: c2.clone(),
                },
            )),
            t0(),
        );
        assert_eq!(m.loket_view(2).state, LoketState::Paused);
        c2.state = CounterState::Closed;
        m.apply(
            &ev(demo::event(
                105,
                t0(),
                EventKind::CounterChanged { counter: c2 },
            )),
            t0(),
        );
        assert_eq!(m.loket_view(2).state, LoketState::Closed);
        // Closed lokets leave the hall screen; paused ones stay (visitors see why nobody is called).
        assert_eq!(
            m.hall_view()
                .lokets
                .iter()
                .map(|l| l.number)
                .collect::<Vec<_>>(),
            [1, 3]
        );
    }

    #[test]
    fn waiting_counts_per_service_or_per_agency_when_many() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        let mut e = demo::event(
            101,
            t0(),
            EventKind::DayStarted {
                day: t0().date_naive(),
                expired: 0,
            },
        );
        e.waiting.insert("svc-ktp".into(), 4);
        m.apply(&ev(e), t0());
        let v = m.hall_view();
        assert!(!v.waiting_by_agency);
        assert_eq!(v.waiting.len(), 10);
        assert_eq!(
            (v.waiting[0].prefix.as_str(), v.waiting[0].count),
            ("KTP", 4)
        );
        assert!(
            v.waiting[1..].iter().all(|w| w.count == 0),
            "the day reset the others"
        );

        // Two booked visitors check in; calling one leaves one, which the call's event says.
        let mut e = demo::event(
            102,
            t0(),
            EventKind::DayStarted {
                day: t0().date_naive(),
                expired: 0,
            },
        );
        e.waiting.insert("svc-ktp".into(), 6);
        e.waiting_booked.insert("svc-ktp".into(), 2);
        m.apply(&ev(e), t0());
        assert_eq!(
            (
                m.hall_view().waiting[0].count,
                m.hall_view().waiting[0].booked
            ),
            (6, 2)
        );
        let mut e = demo::event(
            103,
            t0(),
            EventKind::DayStarted {
                day: t0().date_naive(),
                expired: 0,
            },
        );
        e.waiting.insert("svc-ktp".into(), 5);
        e.waiting_booked.insert("svc-ktp".into(), 1);
        m.apply(&ev(e), t0());
        assert_eq!(
            (
                m.hall_view().waiting[0].count,
                m.hall_view().waiting[0].booked
            ),
            (5, 1)
        );

        let mut m = HallModel::new();
        m.apply(&snap(30, 64), t0());
        let v = m.hall_view();
        assert!(v.waiting_by_agency);
        assert_eq!(v.waiting.len(), 13);
        let total: u32 = demo::building(30, 64)
            .services
            .iter()
            .map(|s| s.waiting)
            .sum();
        assert_eq!(v.waiting.iter().map(|w| w.count).sum::<u32>(), total);
        assert_eq!(
            v.waiting[0].prefix.split(' ').take(2).collect::<Vec<_>>(),
            ["KTP", "KK"]
        );
    }

    #[test]
    fn memory_stays_bounded_over_many_calls() {
        let mut m = HallModel::new();
        m.apply(&snap(23, 30), t0());
        for i in 0..10_000u64 {
            let number = format!("KTP-{:03}", i % 1000);
            let at = t0() + Duration::seconds(i as i64);
            m.apply(
                &ev(demo::call(
                    101 + i,
                    at,
                    &number,
                    "svc-ktp",
                    (i % 23) as u32 + 1,
                    false,
                )),
                at,
            );
        }
        assert_eq!(m.recent.len(), RECENT_CALLS);
        assert_eq!(m.counters.len(), 23);
        assert_eq!(m.last_seq(), Some(10_100));
    }

    #[test]
    fn a_fresh_snapshot_after_a_server_reset_replaces_the_picture() {
        let mut m = HallModel::new();
        m.apply(&snap(5, 10), t0());
        m.apply(
            &ev(demo::call(500, t0(), "KK-001", "svc-kk", 1, false)),
            t0(),
        );
        let mut s = demo::building(5, 10);
        s.seq = 3;
        m.apply(&StreamMessage::Snapshot(Box::new(s)), t0());
        assert_eq!(m.last_seq(), Some(3));
        assert!(m.hall_view().newest.is_none());
        assert!(m
            .apply(&ev(demo::call(4, t0(), "KK-002", "svc-kk", 1, false)), t0())
            .is_some());
    }
}
