//! The queue rules of one building's day: pure state, no I/O, no clock reads.
//!
//! The state ([`Hall`]) changes only by applying [`Event`]s. A [`Command`] is decided against the
//! current state and, if allowed, produces events that are applied at once; replaying the same
//! events (from the store, after a restart) rebuilds the same state. So the log is the truth and
//! this module is the only place that knows what a ticket may do.
//!
//! Where things are:
//! - this file: the [`Hall`] state itself, creating it and changing its configuration.
//! - [`command`]: what may be asked ([`Command`]), answered ([`Reply`]) or refused ([`QueueError`]),
//!   and what is committed ([`Outcome`], [`Logged`]).
//! - [`decide`]: [`Hall::execute`] — one method per command, deciding which events it produces.
//! - [`apply`]: [`Hall::apply`] — what each event does to the state (also used by replay).
//! - [`views`]: what clients read (snapshot, services, a visitor's place and wait, lokets).
//! - [`routing`]: which waiting ticket a loket calls next (priority first, or by ratio).
//! - [`availability`]: opening hours, breaks, quota.
//! - [`booking`]: online bookings (the desk's decisions as events) and a booked visitor's ticket.
//! - [`ranked`]: the ordered set behind the waiting queues, which counts "ahead" in O(log n).

mod alerts;
mod apply;
pub mod availability;
mod booking;
mod command;
mod decide;
mod ranked;
pub mod routing;
mod views;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use antri_wire::event::CallView;
use antri_wire::*;
use chrono::{DateTime, NaiveDate, Utc};

use crate::config::{Config, PriorityPolicy};
pub use availability::availability;
pub use command::{
    BookingCommand, Command, Holder, Logged, Outcome, QueueError, RateBy, Reply, Respondent,
};
use ranked::RankedSet;

/// How many calls the hall keeps for displays.
const RECENT_CALLS: usize = 20;

#[derive(Clone, Debug)]
struct CounterRt {
    view: CounterView,
    /// Regular tickets called here since the last priority one (for the ratio policy).
    regular_streak: u32,
}

/// A waiting ticket's place: when it joined its service's queue (a transfer keeps it), then its id.
type Key = (DateTime<Utc>, u64);

/// Waiting tickets of one service, oldest first, kept apart by category so the next of each is
/// found without a scan, and in [`RankedSet`]s so a ticket's place ("ahead") and the counts on
/// every event and view cost O(log n) or O(1), not a walk over a queue that grows all day.
#[derive(Clone, Debug, Default)]
struct ServiceQueue {
    regular: RankedSet<Key>,
    priority: RankedSet<Key>,
    /// How many of them are booked visitors (the displays mark them), kept by `put_ticket`.
    booked: u32,
}

impl ServiceQueue {
    fn len(&self) -> usize {
        self.regular.len() + self.priority.len()
    }
}

/// One building's queues for the current local day.
#[derive(Clone, Debug)]
pub struct Hall {
    config: Arc<Config>,
    /// Sequence number of the last applied event.
    seq: u64,
    day: Option<NaiveDate>,
    next_ticket_id: u64,
    tickets: HashMap<u64, TicketView>,
    by_number: HashMap<String, u64>,
    by_code: HashMap<String, u64>,
    queues: HashMap<String, ServiceQueue>,
    last_number: HashMap<String, u32>,
    issued: HashMap<String, u32>,
    counters: BTreeMap<u32, CounterRt>,
    devices: BTreeMap<String, DeviceView>,
    recent_calls: VecDeque<CallView>,
    started_at: HashMap<u64, DateTime<Utc>>,
    /// Measured service time today per service: (sum of seconds, count).
    service_time: HashMap<String, (u64, u32)>,
    /// Today's ratings by ticket id (one per ticket).
    rated: HashMap<u64, u8>,
    /// Today's tickets whose visitor answered the SKM survey.
    surveyed: HashSet<u64>,
    /// Online bookings of today and later (see [`booking`]).
    desk: crate::booking::desk::Desk,
    next_booking_id: u64,
    /// No active booking's check-in window closes before this (local): until then the scan for
    /// no-shows that precedes every command is skipped. `None`: scan on the next command.
    no_show_check: Option<chrono::NaiveDateTime>,
    /// Alerts in force for the supervisor, by id (see [`alerts`]).
    alerts: BTreeMap<u64, antri_wire::alert::Alert>,
}

impl Hall {
    pub fn new(config: Arc<Config>) -> Hall {
        let counters = config
            .counters
            .iter()
            .map(|c| {
                let view = CounterView {
                    number: c.number,
                    name: c.name.clone(),
                    services: c.services.clone(),
                    state: CounterState::Closed,
                    current: None,
                    officer: None,
                };
                (
                    c.number,
                    CounterRt {
                        view,
                        regular_streak: initial_streak(&config),
                    },
                )
            })
            .collect();
        let devices = config
            .devices
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    DeviceView {
                        id: d.id.clone(),
                        name: d.name.clone(),
                        kind: d.kind,
                        report: None,
                        reported_at: None,
                    },
                )
            })
            .collect();
        Hall {
            config,
            seq: 0,
            day: None,
            next_ticket_id: 1,
            tickets: HashMap::new(),
            by_number: HashMap::new(),
            by_code: HashMap::new(),
            queues: HashMap::new(),
            last_number: HashMap::new(),
            issued: HashMap::new(),
            counters,
            devices,
            recent_calls: VecDeque::new(),
            started_at: HashMap::new(),
            service_time: HashMap::new(),
            rated: HashMap::new(),
            surveyed: HashSet::new(),
            desk: Default::default(),
            next_booking_id: 1,
            no_show_check: None,
            alerts: BTreeMap::new(),
        }
    }

    /// Take a new configuration into use now: lokets and devices that stay keep their state, new
    /// ones start closed, removed ones go. Callers check [`Hall::can_reconfigure`] first.
    pub fn reconfigure(&mut self, config: Arc<Config>) {
        // Sessions and windows may have changed.
        self.no_show_check = None;
        let streak = initial_streak(&config);
        let mut counters = BTreeMap::new();
        for c in &config.counters {
            let rt = match self.counters.remove(&c.number) {
                Some(mut rt) => {
                    rt.view.name = c.name.clone();
                    rt.view.services = c.services.clone();
                    rt
                }
                None => CounterRt {
                    view: CounterView {
                        number: c.number,
                        name: c.name.clone(),
                        services: c.services.clone(),
                        state: CounterState::Closed,
                        current: None,
                        officer: None,
                    },
                    regular_streak: streak,
                },
            };
            counters.insert(c.number, rt);
        }
        self.counters = counters;
        let mut devices = BTreeMap::new();
        for d in &config.devices {
            let mut view = self.devices.remove(&d.id).unwrap_or(DeviceView {
                id: d.id.clone(),
                name: d.name.clone(),
                kind: d.kind,
                report: None,
                reported_at: None,
            });
            view.name = d.name.clone();
            view.kind = d.kind;
            devices.insert(d.id.clone(), view);
        }
        self.devices = devices;
        self.config = config;
    }

    /// Whether `config` can replace the current one without stranding a visitor: a loket that is
    /// removed must be closed, a service that is removed must have nobody waiting or being served.
    pub fn can_reconfigure(&self, config: &Config) -> Result<(), QueueError> {
        for rt in self.counters.values() {
            if config.counter(rt.view.number).is_none() && rt.view.state != CounterState::Closed {
                return Err(QueueError::ConfigConflict(format!(
                    "counters: loket {} is still open; close it before removing it",
                    rt.view.number
                )));
            }
        }
        for s in &self.config.services {
            if config.service(&s.id).is_some() {
                continue;
            }
            let busy = self.waiting_count(&s.id) as usize
                + self
                    .tickets
                    .values()
                    .filter(|t| {
                        t.service == s.id
                            && matches!(t.status, TicketStatus::Called | TicketStatus::Serving)
                    })
                    .count();
            if busy > 0 {
                return Err(QueueError::ConfigConflict(format!(
                    "services: \"{}\" still has {busy} visitor(s) waiting or being served; serve or transfer them before removing it",
                    s.id
                )));
            }
        }
        Ok(())
    }

    pub fn config(&self) -> &Arc<Config> {
        &self.config
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn day(&self) -> Option<NaiveDate> {
        self.day
    }

    /// Where to continue after a restart, for a log whose newest day starts after older days:
    /// ticket ids keep counting over the whole history.
    pub fn resume_from(&mut self, seq: u64, next_ticket_id: u64) {
        self.seq = self.seq.max(seq);
        self.next_ticket_id = self.next_ticket_id.max(next_ticket_id);
    }
}

fn initial_streak(config: &Config) -> u32 {
    // Under the ratio policy the first call of a loket may take a priority ticket: the elderly
    // visitor who came first should not wait for two regular ones.
    match config.queue.priority {
        PriorityPolicy::Ratio(n) => n,
        PriorityPolicy::First => 0,
    }
}
