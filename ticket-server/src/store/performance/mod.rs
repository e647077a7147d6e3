//! Officer performance per officer and day, computed from the event log (the source of truth).
//!
//! The definitions (stated on the dashboard too, in both languages). Every figure belongs to the
//! user who did the act that ends what it measures — never to the loket or the service:
//! - **served**: `ticket_done` events by the officer;
//! - **service time**: a ticket's `ticket_serving` → its `ticket_done`, or its `ticket_transferred`
//!   while served (the stays of migration 0007), for the officer who ended it; median
//!   (nearest-rank, whole seconds);
//! - **walk**: the ticket's last fresh call (`ticket_called` without `recall`; a recall does not
//!   restart it, a new call after a no-show does) → `ticket_serving`, for the officer who started
//!   it; median;
//! - **recalls**, **no-shows**, **transfers**: the officer's `ticket_called` with `recall`,
//!   `ticket_no_show`, `ticket_transferred`;
//! - **open**: seconds the officer's loket was open (not paused, not closed); the loket's officer
//!   is the one its last `counter_changed` names (who opened, paused or resumed it), as the
//!   dashboard's loket list shows;
//! - **idle**: of those, the seconds with no ticket called to or served at the loket while at
//!   least one ticket of the loket's services was waiting (the `waiting` counts every event
//!   carries). A loket whose services have nobody waiting is not idle, and pauses never are.
//!
//! Intervals end at the event that changes them; what still runs when a day is over ends with the
//! day's last event (after the hall's last action nothing is counted: a loket left open overnight,
//! or tickets nobody came back for, make no idle evening), and today's runs on until now.
//!
//! The `visits` projection has the per-stay times but not the lokets' states nor the queues'
//! lengths over time, so the log itself is walked: one pass over the range's events, from the
//! `day_started` of its first day ([`read`]: the range's events, the lokets' services as
//! configured, and the closed days already walked, which never change).

mod read;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use antri_wire::event::ActorKind;
use antri_wire::performance::OfficerFigures;
use antri_wire::{CounterState, Event, EventKind};
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::config::Config;
pub use read::tallies;

/// A loket's number and the services it calls for.
pub type LoketServices = (u32, Vec<String>);

/// What one officer did on one day, with the samples behind the medians.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub served: u32,
    pub service_secs: Vec<u32>,
    pub walk_secs: Vec<u32>,
    pub idle_secs: u64,
    pub open_secs: u64,
    pub recalls: u32,
    pub no_shows: u32,
    pub transfers: u32,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.served += other.served;
        self.service_secs.extend_from_slice(&other.service_secs);
        self.walk_secs.extend_from_slice(&other.walk_secs);
        self.idle_secs += other.idle_secs;
        self.open_secs += other.open_secs;
        self.recalls += other.recalls;
        self.no_shows += other.no_shows;
        self.transfers += other.transfers;
    }
}

/// (day, username) → what the officer did that day.
pub type Tallies = BTreeMap<(NaiveDate, String), Tally>;

#[derive(Clone, Debug)]
struct Loket {
    open: bool,
    officer: Option<String>,
    services: Vec<String>,
    /// The ticket called to or served at the loket now.
    current: Option<u64>,
    /// Unix seconds since which the loket has been open / idle (counted to `officer`).
    open_since: Option<i64>,
    idle_since: Option<i64>,
}

impl Loket {
    fn closed(services: Vec<String>) -> Loket {
        Loket {
            open: false,
            officer: None,
            services,
            current: None,
            open_since: None,
            idle_since: None,
        }
    }
}

/// One pass over the log, oldest first: [`Walk::step`] each event, then [`Walk::finish`].
pub struct Walk {
    day: Option<NaiveDate>,
    offset: FixedOffset,
    last_at: i64,
    waiting: HashMap<String, u32>,
    lokets: BTreeMap<u32, Loket>,
    /// Per ticket of the day: its last fresh call, and its start (while served).
    called: HashMap<u64, i64>,
    started: HashMap<u64, i64>,
    /// The lokets of each configuration version that takes effect during the walk.
    versions: HashMap<u64, Vec<LoketServices>>,
    tallies: Tallies,
}

impl Walk {
    /// `lokets`: as configured when the walk begins; `versions`: the lokets of each configuration
    /// version (the `config_changed` event's seq) met on the way.
    pub fn new(lokets: Vec<LoketServices>, versions: HashMap<u64, Vec<LoketServices>>) -> Walk {
        Walk {
            day: None,
            offset: FixedOffset::east_opt(0).expect("UTC is an offset"),
            last_at: 0,
            waiting: HashMap::new(),
            lokets: lokets
                .into_iter()
                .map(|(n, s)| (n, Loket::closed(s)))
                .collect(),
            called: HashMap::new(),
            started: HashMap::new(),
            versions,
            tallies: Tallies::new(),
        }
    }

    pub fn step(&mut self, e: &Event) {
        let t = e.at.timestamp();
        let day = e.at.date_naive();
        if self.day.is_some_and(|d| d != day) {
            // The day is over: what ran on ends with its last event.
            self.settle_all(self.last_at);
            self.day = Some(day);
            self.restart_all(t);
        }
        self.day = Some(day);
        self.offset = *e.at.offset();
        self.last_at = t;
        let touched = self.touched(e);
        for n in &touched {
            self.settle(*n, t);
        }
        self.apply(e, t);
        for n in &touched {
            self.restart(*n, t);
        }
    }

    /// The tallies, with what still runs counted up to `now` if the last day is still today,
    /// else up to its last event.
    pub fn finish(mut self, now: DateTime<FixedOffset>) -> Tallies {
        if let Some(d) = self.day {
            let now = now.timestamp();
            let end = if now < self.end_of(d) {
                now.max(self.last_at)
            } else {
                self.last_at
            };
            self.settle_all(end);
        }
        self.tallies
    }

    /// The local midnight that ends `day`, in unix seconds.
    fn end_of(&self, day: NaiveDate) -> i64 {
        let next = day
            .succ_opt()
            .unwrap_or(day)
            .and_time(chrono::NaiveTime::MIN);
        next.and_local_timezone(self.offset)
            .single()
            .map_or(i64::MAX, |t| t.timestamp())
    }

    /// The lokets whose open or idle time this event may change.
    fn touched(&self, e: &Event) -> BTreeSet<u32> {
        match &e.kind {
            EventKind::DayStarted { .. } | EventKind::ConfigChanged { .. } => {
                return self.lokets.keys().copied().collect();
            }
            EventKind::CounterChanged { counter } => return BTreeSet::from([counter.number]),
            _ => {}
        }
        let mut out: BTreeSet<u32> = self
            .lokets
            .iter()
            .filter(|(_, l)| l.services.iter().any(|s| e.waiting.contains_key(s)))
            .map(|(n, _)| *n)
            .collect();
        out.extend(counter_of(&e.kind));
        out
    }

    fn apply(&mut self, e: &Event, t: i64) {
        for (service, n) in &e.waiting {
            self.waiting.insert(service.clone(), *n);
        }
        let officer = (e.actor.kind == ActorKind::User).then_some(e.actor.id.as_str());
        match &e.kind {
            EventKind::DayStarted { .. } => self.start_day(),
            EventKind::CounterChanged { counter } => {
                let l = self
                    .lokets
                    .entry(counter.number)
                    .or_insert_with(|| Loket::closed(Vec::new()));
                l.open = counter.state == CounterState::Open;
                l.officer = counter.officer.clone();
                l.services = counter.services.clone();
            }
            EventKind::ConfigChanged { version, .. } => self.reconfigure(*version),
            _ => self.apply_to_ticket(&e.kind, t, officer),
        }
    }

    fn apply_to_ticket(&mut self, kind: &EventKind, t: i64, officer: Option<&str>) {
        let Some(ticket) = kind.ticket().map(|x| x.id) else {
            return;
        };
        // What this event adds to the officer who did it, if anything.
        let add: Option<fn(&mut Tally, Option<u32>)> = match kind {
            EventKind::TicketCalled { recall: true, .. } => Some(|x, _| x.recalls += 1),
            EventKind::TicketCalled { counter, .. } => {
                self.called.insert(ticket, t);
                if let Some(l) = self.lokets.get_mut(counter) {
                    l.current = Some(ticket);
                }
                None
            }
            EventKind::TicketServing { .. } => Some(|x, walk| x.walk_secs.extend(walk)),
            EventKind::TicketDone { .. } => Some(|x, service| {
                x.served += 1;
                x.service_secs.extend(service);
            }),
            EventKind::TicketNoShow { .. } => Some(|x, _| x.no_shows += 1),
            EventKind::TicketTransferred { .. } => Some(|x, service| {
                x.transfers += 1;
                x.service_secs.extend(service);
            }),
            _ => None,
        };
        // The time measured: the walk at a start, the service time at an end.
        let measured = match kind {
            EventKind::TicketServing { .. } => {
                self.started.insert(ticket, t);
                self.called.get(&ticket).map(|c| secs(t - c))
            }
            _ => self.started.get(&ticket).map(|s| secs(t - s)),
        };
        if let (Some(add), Some(officer), Some(day)) = (add, officer, self.day) {
            add(
                self.tallies.entry((day, officer.to_string())).or_default(),
                measured,
            );
        }
        if matches!(
            kind,
            EventKind::TicketDone { .. }
                | EventKind::TicketNoShow { .. }
                | EventKind::TicketTransferred { .. }
        ) {
            self.end_ticket(kind, ticket);
        }
    }

    /// The ticket left its loket: the loket is free, and its stay's times are done with.
    fn end_ticket(&mut self, kind: &EventKind, ticket: u64) {
        self.started.remove(&ticket);
        if let Some(l) = counter_of(kind).and_then(|n| self.lokets.get_mut(&n)) {
            if l.current == Some(ticket) {
                l.current = None;
            }
        }
    }

    /// A new day: every queue empty, every loket closed and free (as the queue starts a day).
    fn start_day(&mut self) {
        self.waiting.clear();
        self.called.clear();
        self.started.clear();
        for l in self.lokets.values_mut() {
            l.open = false;
            l.officer = None;
            l.current = None;
        }
    }

    /// A configuration version takes effect: lokets keep their state, new ones start closed,
    /// removed ones go (the queue only allows removing a closed loket).
    fn reconfigure(&mut self, version: u64) {
        let Some(lokets) = self.versions.get(&version) else {
            return;
        };
        let mut next = BTreeMap::new();
        for (n, services) in lokets {
            let mut l = self
                .lokets
                .remove(n)
                .unwrap_or_else(|| Loket::closed(Vec::new()));
            l.services = services.clone();
            next.insert(*n, l);
        }
        self.lokets = next;
    }

    fn idle(&self, l: &Loket) -> bool {
        l.open
            && l.current.is_none()
            && l.services
                .iter()
                .any(|s| self.waiting.get(s).is_some_and(|n| *n > 0))
    }

    /// Count the loket's open and idle time up to `t` to its officer.
    fn settle(&mut self, n: u32, t: i64) {
        let Some(l) = self.lokets.get_mut(&n) else {
            return;
        };
        let (open, idle) = (l.open_since.take(), l.idle_since.take());
        let (Some(officer), Some(day)) = (l.officer.clone(), self.day) else {
            return;
        };
        let span = |since: Option<i64>| since.map_or(0, |s| (t - s).max(0) as u64);
        let (open, idle) = (span(open), span(idle));
        // Nothing to count makes no row (a loket open over midnight starts the next day so).
        if open > 0 || idle > 0 {
            let x = self.tallies.entry((day, officer)).or_default();
            x.open_secs += open;
            x.idle_secs += idle;
        }
    }

    /// Start counting again from `t`, as the loket is now.
    fn restart(&mut self, n: u32, t: i64) {
        let Some(l) = self.lokets.get(&n) else {
            return;
        };
        let idle = self.idle(l);
        let open = l.open;
        if let Some(l) = self.lokets.get_mut(&n) {
            l.open_since = open.then_some(t);
            l.idle_since = idle.then_some(t);
        }
    }

    fn settle_all(&mut self, t: i64) {
        let all: Vec<u32> = self.lokets.keys().copied().collect();
        for n in all {
            self.settle(n, t);
        }
    }

    fn restart_all(&mut self, t: i64) {
        let all: Vec<u32> = self.lokets.keys().copied().collect();
        for n in all {
            self.restart(n, t);
        }
    }
}

/// The loket a ticket event happened at.
fn counter_of(kind: &EventKind) -> Option<u32> {
    match kind {
        EventKind::TicketCalled { counter, .. }
        | EventKind::TicketServing { counter, .. }
        | EventKind::TicketDone { counter, .. }
        | EventKind::TicketNoShow { counter, .. } => Some(*counter),
        EventKind::TicketTransferred { counter, .. } => *counter,
        _ => None,
    }
}

fn secs(d: i64) -> u32 {
    u32::try_from(d.max(0)).unwrap_or(u32::MAX)
}

/// Nearest-rank median of whole seconds, as the other statistics.
pub fn median(values: &[u32]) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_unstable();
    let rank = v.len().div_ceil(2);
    Some(v[rank - 1])
}

/// The rows: one per officer and day, and one per officer over all the days.
pub fn rows(tallies: &Tallies, config: &Config) -> (Vec<OfficerFigures>, Vec<OfficerFigures>) {
    let mut totals: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut days = Vec::with_capacity(tallies.len());
    for ((day, officer), t) in tallies {
        totals.entry(officer).or_default().add(t);
        days.push(figures(config, officer, Some(*day), t));
    }
    let totals = totals
        .iter()
        .map(|(officer, t)| figures(config, officer, None, t))
        .collect();
    (days, totals)
}

fn figures(config: &Config, officer: &str, day: Option<NaiveDate>, t: &Tally) -> OfficerFigures {
    OfficerFigures {
        officer: officer.to_string(),
        name: config
            .user(officer)
            .map_or_else(|| officer.to_string(), |u| u.name.clone()),
        day,
        served: t.served,
        service_median_secs: median(&t.service_secs),
        services_timed: t.service_secs.len() as u32,
        walk_median_secs: median(&t.walk_secs),
        walks_timed: t.walk_secs.len() as u32,
        idle_secs: t.idle_secs,
        open_secs: t.open_secs,
        recalls: t.recalls,
        no_shows: t.no_shows,
        transfers: t.transfers,
    }
}

#[cfg(test)]
mod tests;
