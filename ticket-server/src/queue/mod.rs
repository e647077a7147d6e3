//! The queue rules of one building's day: pure state, no I/O, no clock reads.
//!
//! The state ([`Hall`]) changes only by applying [`Event`]s. A [`Command`] is decided against the
//! current state and, if allowed, produces events that are applied at once; replaying the same
//! events (from the store, after a restart) rebuilds the same state. So the log is the truth and
//! this module is the only place that knows what a ticket may do.
//!
//! - [`availability`]: opening hours, breaks, quota.
//! - [`routing`]: which waiting ticket a loket calls next (priority first, or by ratio).

pub mod availability;
pub mod routing;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind, CallView};
use antri_wire::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, PriorityPolicy, Service};
pub use availability::availability;

/// How many calls the hall keeps for displays.
const RECENT_CALLS: usize = 20;

/// What a client asks the queue to do.
#[derive(Clone, Debug)]
pub enum Command {
    /// `tracking_code` is made by the caller (randomness is I/O).
    Issue {
        service: String,
        category: Category,
        tracking_code: String,
    },
    Open(u32),
    CallNext(u32),
    CallSpecific {
        counter: u32,
        number: String,
    },
    Recall(u32),
    Start(u32),
    Finish(u32),
    NoShow(u32),
    Transfer {
        counter: u32,
        service: String,
    },
    Pause {
        counter: u32,
        reason: PauseReason,
        note: Option<String>,
    },
    Resume(u32),
    Close(u32),
    /// A visitor cancels their own ticket by its tracking code. The event is attributed to the
    /// visitor by the ticket's number (whatever actor is given), never by the code.
    Cancel {
        tracking_code: String,
    },
    DeviceStatus {
        device: String,
        report: DeviceReport,
    },
    /// Nothing but the passing of time (the day may roll over).
    Tick,
    /// A visitor rates a finished ticket of today, 1..=4 (checked by the caller). Rated by
    /// tracking code, the event is attributed to the visitor by the ticket's number.
    Rate {
        by: RateBy,
        score: u8,
    },
    /// An admin's new configuration takes effect (already checked by `config`). `base` is the
    /// configuration it was edited from: if another change came first, this one is refused rather
    /// than silently undoing it.
    Reconfigure {
        base: Arc<Config>,
        config: Arc<Config>,
        section: String,
        summary: String,
    },
}

/// Who rates, which says which ticket is meant.
#[derive(Clone, Debug)]
pub enum RateBy {
    /// The visitor, on their tracking page.
    TrackingCode(String),
    /// The rating tablet of a loket, for a ticket that loket finished.
    Counter { counter: u32, number: String },
}

/// The answer to a command that succeeded.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Issued(Box<IssuedTicket>),
    Counter(Box<CounterActionResult>),
    Ticket(Box<TicketView>),
    Device(Box<DeviceView>),
    /// The configuration version now in force.
    Configured(u64),
    Nothing,
}

/// Why a command was refused. Each says what was wrong in words an officer or kiosk can show.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QueueError {
    #[error("unknown service \"{0}\"")]
    UnknownService(String),
    #[error("service \"{service}\" is not issuing tickets now ({})", availability_words(.availability))]
    ServiceUnavailable {
        service: String,
        availability: Availability,
    },
    #[error("unknown loket {0}")]
    UnknownCounter(u32),
    #[error("loket {0} is paused; resume it first")]
    CounterPaused(u32),
    #[error("loket {0} is closed; open it first")]
    CounterClosed(u32),
    #[error("no ticket is waiting for the services of loket {0}")]
    QueueEmpty(u32),
    #[error("loket {0} has no current ticket")]
    NoCurrentTicket(u32),
    #[error("ticket {number} is still called at loket {counter}: start serving it, recall it, or mark it no-show first")]
    CurrentTicketPending { counter: u32, number: String },
    #[error("ticket {number} is {status:?}, so it cannot be {action}")]
    InvalidState {
        number: String,
        status: TicketStatus,
        action: &'static str,
    },
    #[error("no ticket {0} today")]
    UnknownTicket(String),
    #[error("ticket {number} is for service \"{service}\", which loket {counter} does not serve")]
    NotServedHere {
        counter: u32,
        number: String,
        service: String,
    },
    #[error("ticket {0} is already in that service")]
    SameService(String),
    #[error("unknown device \"{0}\"")]
    UnknownDevice(String),
    #[error("ticket {0} has already been rated; one rating per ticket")]
    AlreadyRated(String),
    #[error("ticket {number} was not served at loket {counter}, so its tablet cannot rate it")]
    NotRatedHere { counter: u32, number: String },
    #[error("{0}")]
    ConfigConflict(String),
}

fn availability_words(a: &Availability) -> String {
    match a {
        Availability::Open => "open".into(),
        Availability::NotYetOpen { opens_at } => {
            format!("opens at {}", antri_wire::calendar::clock(opens_at))
        }
        Availability::OnBreak { name, until } => {
            format!("{} until {}", name.en, antri_wire::calendar::clock(until))
        }
        Availability::Closed => "closed for today".into(),
        Availability::QuotaReached { quota } => {
            format!("today's quota of {quota} tickets is used up")
        }
    }
}

/// What a command produced: events to commit (even when the command itself was refused, the day
/// may have rolled over first) and the answer.
#[derive(Debug)]
pub struct Outcome {
    pub events: Vec<Logged>,
    pub result: Result<Reply, QueueError>,
}

/// One entry of the log as the server keeps it: the public [`Event`] and, on `ticket_issued`
/// only, the ticket's tracking code. The code is the visitor's proof (it cancels and rates the
/// ticket), so it is stored — a restart must still find the ticket by it — but never served: what
/// goes to subscribers, the log and the audit page is [`Logged::event`], a type without the code.
/// Stored as the event's JSON with a top-level `tracking_code` beside it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Logged {
    #[serde(flatten)]
    pub event: Event,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
}

impl std::ops::Deref for Logged {
    type Target = Event;
    fn deref(&self) -> &Event {
        &self.event
    }
}

#[derive(Clone, Debug)]
struct CounterRt {
    view: CounterView,
    /// Regular tickets called here since the last priority one (for the ratio policy).
    regular_streak: u32,
}

/// Waiting tickets of one service, oldest first, kept apart by category so the next of each is
/// found without a scan.
#[derive(Clone, Debug, Default)]
struct ServiceQueue {
    regular: BTreeSet<(DateTime<Utc>, u64)>,
    priority: BTreeSet<(DateTime<Utc>, u64)>,
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
        }
    }

    /// Take a new configuration into use now: lokets and devices that stay keep their state, new
    /// ones start closed, removed ones go. Callers check [`Hall::can_reconfigure`] first.
    pub fn reconfigure(&mut self, config: Arc<Config>) {
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

    /// The rating of a ticket of today, if it has one.
    pub fn rating_of(&self, ticket_id: u64) -> Option<u8> {
        self.rated.get(&ticket_id).copied()
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

    /// Decide a command at `now` on behalf of `actor`, applying what it produces.
    pub fn execute(&mut self, cmd: Command, now: DateTime<Utc>, actor: &Actor) -> Outcome {
        let mut out = Vec::new();
        self.roll_day(now, &mut out);
        let result = self.decide(cmd, now, actor, &mut out);
        Outcome {
            events: out,
            result,
        }
    }

    fn roll_day(&mut self, now: DateTime<Utc>, out: &mut Vec<Logged>) {
        let today = self.config.building.zone.local_date(now);
        if self.day.is_some_and(|d| d >= today) {
            return;
        }
        let expired = self
            .tickets
            .values()
            .filter(|t| !t.status.is_final())
            .count() as u32;
        self.emit(
            EventKind::DayStarted {
                day: today,
                expired,
            },
            now,
            &Actor::system(),
            out,
        );
    }

    /// Assign the next sequence number, apply, and record the event.
    fn emit(&mut self, kind: EventKind, now: DateTime<Utc>, actor: &Actor, out: &mut Vec<Logged>) {
        self.emit_logged(kind, None, now, actor, out)
    }

    /// [`Hall::emit`] with the tracking code of a ticket being issued.
    fn emit_logged(
        &mut self,
        kind: EventKind,
        tracking_code: Option<String>,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) {
        let mut entry = Logged {
            event: Event {
                seq: self.seq + 1,
                at: self.config.building.zone.local(now),
                actor: actor.clone(),
                waiting: BTreeMap::new(),
                kind,
            },
            tracking_code,
        };
        self.apply(&entry);
        let event = &mut entry.event;
        let mut touched: Vec<&str> = Vec::new();
        if let Some(t) = event.kind.ticket() {
            touched.push(&t.service);
        }
        if let EventKind::TicketTransferred { from, .. } = &event.kind {
            touched.push(from);
        }
        let waiting: Vec<(String, u32)> = touched
            .into_iter()
            .map(|s| (s.to_string(), self.waiting_count(s)))
            .collect();
        event.waiting.extend(waiting);
        out.push(entry);
    }

    fn decide(
        &mut self,
        cmd: Command,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) -> Result<Reply, QueueError> {
        match cmd {
            Command::Tick => Ok(Reply::Nothing),
            Command::Issue {
                service,
                category,
                tracking_code,
            } => self.issue(&service, category, tracking_code, now, actor, out),
            Command::Open(n) => {
                let rt = self.counter(n)?;
                if rt.view.state != CounterState::Open {
                    if let CounterState::Paused { .. } = rt.view.state {
                        return Err(QueueError::CounterPaused(n));
                    }
                    self.change_counter(n, CounterState::Open, now, actor, out);
                }
                self.counter_reply(n, None)
            }
            Command::CallNext(n) => {
                self.ready_to_call(n, now, actor, out)?;
                let rt = self.counter(n)?;
                let id = routing::next_for(self, rt).ok_or(QueueError::QueueEmpty(n))?;
                self.call(n, id, now, actor, out)
            }
            Command::CallSpecific { counter, number } => {
                let id = *self
                    .by_number
                    .get(&number)
                    .ok_or_else(|| QueueError::UnknownTicket(number.clone()))?;
                let t = &self.tickets[&id];
                let rt = self.counter(counter)?;
                if !rt.view.services.contains(&t.service) {
                    return Err(QueueError::NotServedHere {
                        counter,
                        number,
                        service: t.service.clone(),
                    });
                }
                if !matches!(t.status, TicketStatus::Waiting | TicketStatus::NoShow) {
                    return Err(QueueError::InvalidState {
                        number,
                        status: t.status,
                        action: "called",
                    });
                }
                self.ready_to_call(counter, now, actor, out)?;
                self.call(counter, id, now, actor, out)
            }
            Command::Recall(n) => {
                let t = self.current(n, &[TicketStatus::Called], "recalled")?;
                let mut t = t.clone();
                t.calls += 1;
                self.emit(
                    EventKind::TicketCalled {
                        ticket: t.clone(),
                        counter: n,
                        recall: true,
                    },
                    now,
                    actor,
                    out,
                );
                self.counter_reply(n, Some(t))
            }
            Command::Start(n) => {
                let mut t = self.current(n, &[TicketStatus::Called], "started")?.clone();
                t.status = TicketStatus::Serving;
                self.emit(
                    EventKind::TicketServing {
                        ticket: t.clone(),
                        counter: n,
                    },
                    now,
                    actor,
                    out,
                );
                self.counter_reply(n, Some(t))
            }
            Command::Finish(n) => {
                let t = self.finish(n, now, actor, out)?;
                self.counter_reply(n, Some(t))
            }
            Command::NoShow(n) => {
                let mut t = self
                    .current(n, &[TicketStatus::Called], "marked no-show")?
                    .clone();
                t.status = TicketStatus::NoShow;
                self.emit(
                    EventKind::TicketNoShow {
                        ticket: t.clone(),
                        counter: n,
                    },
                    now,
                    actor,
                    out,
                );
                self.counter_reply(n, Some(t))
            }
            Command::Transfer { counter, service } => {
                if self.config.service(&service).is_none() {
                    return Err(QueueError::UnknownService(service));
                }
                let mut t = self
                    .current(
                        counter,
                        &[TicketStatus::Called, TicketStatus::Serving],
                        "transferred",
                    )?
                    .clone();
                if t.service == service {
                    return Err(QueueError::SameService(t.number));
                }
                let from = std::mem::replace(&mut t.service, service);
                t.status = TicketStatus::Waiting;
                t.counter = None;
                t.called_at = None;
                t.transferred_from = Some(from.clone());
                self.emit(
                    EventKind::TicketTransferred {
                        ticket: t.clone(),
                        from,
                        counter: Some(counter),
                    },
                    now,
                    actor,
                    out,
                );
                self.counter_reply(counter, Some(t))
            }
            Command::Pause {
                counter,
                reason,
                note,
            } => {
                let rt = self.counter(counter)?;
                self.no_current(counter)?;
                if rt.view.state == CounterState::Closed {
                    return Err(QueueError::CounterClosed(counter));
                }
                let since = self.config.building.zone.local(now);
                let note = note.map(|n| n.chars().take(200).collect());
                self.change_counter(
                    counter,
                    CounterState::Paused {
                        reason,
                        note,
                        since,
                    },
                    now,
                    actor,
                    out,
                );
                self.counter_reply(counter, None)
            }
            Command::Resume(n) => {
                let rt = self.counter(n)?;
                if !matches!(rt.view.state, CounterState::Paused { .. }) {
                    return self.counter_reply(n, None);
                }
                self.change_counter(n, CounterState::Open, now, actor, out);
                self.counter_reply(n, None)
            }
            Command::Close(n) => {
                let rt = self.counter(n)?;
                self.no_current(n)?;
                if rt.view.state != CounterState::Closed {
                    self.change_counter(n, CounterState::Closed, now, actor, out);
                }
                self.counter_reply(n, None)
            }
            Command::Cancel { tracking_code } => {
                let id = *self
                    .by_code
                    .get(&tracking_code)
                    .ok_or_else(|| QueueError::UnknownTicket(tracking_code.clone()))?;
                let mut t = self.tickets[&id].clone();
                if t.status != TicketStatus::Waiting {
                    return Err(QueueError::InvalidState {
                        number: t.number,
                        status: t.status,
                        action: "cancelled",
                    });
                }
                t.status = TicketStatus::Cancelled;
                self.emit(
                    EventKind::TicketCancelled { ticket: t.clone() },
                    now,
                    &visitor(&t),
                    out,
                );
                Ok(Reply::Ticket(Box::new(t)))
            }
            Command::DeviceStatus { device, report } => {
                let d = self
                    .devices
                    .get(&device)
                    .ok_or_else(|| QueueError::UnknownDevice(device.clone()))?;
                // Kiosks report on every ticket; only a change is worth a log entry.
                if d.report.as_ref() != Some(&report) {
                    self.emit(
                        EventKind::DeviceStatus {
                            device: device.clone(),
                            report,
                        },
                        now,
                        actor,
                        out,
                    );
                }
                Ok(Reply::Device(Box::new(self.devices[&device].clone())))
            }
            Command::Rate { by, score } => {
                let (id, counter) = match &by {
                    RateBy::TrackingCode(code) => (
                        *self
                            .by_code
                            .get(code)
                            .ok_or_else(|| QueueError::UnknownTicket(code.clone()))?,
                        None,
                    ),
                    RateBy::Counter { counter, number } => (
                        *self
                            .by_number
                            .get(number)
                            .ok_or_else(|| QueueError::UnknownTicket(number.clone()))?,
                        Some(*counter),
                    ),
                };
                let t = self.tickets[&id].clone();
                if t.status != TicketStatus::Done {
                    return Err(QueueError::InvalidState {
                        number: t.number,
                        status: t.status,
                        action: "rated",
                    });
                }
                if let Some(c) = counter {
                    if t.counter != Some(c) {
                        return Err(QueueError::NotRatedHere {
                            counter: c,
                            number: t.number,
                        });
                    }
                }
                if self.rated.contains_key(&id) {
                    return Err(QueueError::AlreadyRated(t.number));
                }
                let counter = t.counter;
                let actor = match by {
                    RateBy::TrackingCode(_) => visitor(&t),
                    RateBy::Counter { .. } => actor.clone(),
                };
                self.emit(
                    EventKind::TicketRated {
                        ticket: t.clone(),
                        counter,
                        score,
                    },
                    now,
                    &actor,
                    out,
                );
                Ok(Reply::Ticket(Box::new(t)))
            }
            Command::Reconfigure {
                base,
                config,
                section,
                summary,
            } => {
                if !Arc::ptr_eq(&base, &self.config) {
                    return Err(QueueError::ConfigConflict(
                        "the configuration was changed meanwhile (by another admin); reload the page and make your change again".into(),
                    ));
                }
                self.can_reconfigure(&config)?;
                let version = self.seq + 1;
                self.emit(
                    EventKind::ConfigChanged {
                        version,
                        section,
                        summary,
                    },
                    now,
                    actor,
                    out,
                );
                self.reconfigure(config);
                Ok(Reply::Configured(version))
            }
        }
    }

    fn issue(
        &mut self,
        service_id: &str,
        category: Category,
        tracking_code: String,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) -> Result<Reply, QueueError> {
        let service = self
            .config
            .service(service_id)
            .ok_or_else(|| QueueError::UnknownService(service_id.to_string()))?
            .clone();
        let availability = self.availability_of(&service, now);
        if !availability.is_open() {
            return Err(QueueError::ServiceUnavailable {
                service: service.id,
                availability,
            });
        }
        let n = self.last_number.get(&service.id).copied().unwrap_or(0) + 1;
        let local = self.config.building.zone.local(now);
        let ticket = TicketView {
            id: self.next_ticket_id,
            number: format!(
                "{}-{:0width$}",
                service.prefix,
                n,
                width = self.config.queue.number_digits
            ),
            service: service.id.clone(),
            category,
            status: TicketStatus::Waiting,
            day: local.date_naive(),
            issued_at: local,
            queued_at: local,
            called_at: None,
            counter: None,
            calls: 0,
            transferred_from: None,
        };
        self.emit_logged(
            EventKind::TicketIssued {
                ticket: ticket.clone(),
            },
            Some(tracking_code.clone()),
            now,
            actor,
            out,
        );
        let ahead = self.ahead_of(&ticket);
        let agency = self.config.agency(&service.agency).map(|a| a.name.clone());
        Ok(Reply::Issued(Box::new(IssuedTicket {
            ahead,
            estimated_wait_secs: self.estimate(&service, ahead),
            service_name: service.name.clone(),
            agency_name: agency.unwrap_or_else(|| service.name.clone()),
            tracking_url: format!("{}/t/{}", self.config.building.public_url, tracking_code),
            tracking_code,
            ticket,
        })))
    }

    fn counter(&self, n: u32) -> Result<&CounterRt, QueueError> {
        self.counters.get(&n).ok_or(QueueError::UnknownCounter(n))
    }

    fn no_current(&self, n: u32) -> Result<(), QueueError> {
        match &self.counter(n)?.view.current {
            Some(t) => Err(QueueError::CurrentTicketPending {
                counter: n,
                number: t.number.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The loket's current ticket, if it is in one of `states`.
    fn current(
        &self,
        n: u32,
        states: &[TicketStatus],
        action: &'static str,
    ) -> Result<&TicketView, QueueError> {
        let t = self
            .counter(n)?
            .view
            .current
            .as_ref()
            .ok_or(QueueError::NoCurrentTicket(n))?;
        if !states.contains(&t.status) {
            return Err(QueueError::InvalidState {
                number: t.number.clone(),
                status: t.status,
                action,
            });
        }
        Ok(t)
    }

    /// Before calling: a closed loket opens; one being served is finished (so "next" is one click);
    /// one still called (visitor not yet arrived) must be decided first.
    fn ready_to_call(
        &mut self,
        n: u32,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) -> Result<(), QueueError> {
        let rt = self.counter(n)?;
        match &rt.view.state {
            CounterState::Paused { .. } => return Err(QueueError::CounterPaused(n)),
            CounterState::Closed => self.change_counter(n, CounterState::Open, now, actor, out),
            CounterState::Open => {}
        }
        match self.counters[&n].view.current.as_ref().map(|t| t.status) {
            Some(TicketStatus::Serving) => {
                self.finish(n, now, actor, out)?;
            }
            Some(_) => self.no_current(n)?,
            None => {}
        }
        Ok(())
    }

    fn finish(
        &mut self,
        n: u32,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) -> Result<TicketView, QueueError> {
        let mut t = self
            .current(
                n,
                &[TicketStatus::Called, TicketStatus::Serving],
                "finished",
            )?
            .clone();
        t.status = TicketStatus::Done;
        self.emit(
            EventKind::TicketDone {
                ticket: t.clone(),
                counter: n,
            },
            now,
            actor,
            out,
        );
        Ok(t)
    }

    fn call(
        &mut self,
        n: u32,
        id: u64,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) -> Result<Reply, QueueError> {
        let mut t = self.tickets[&id].clone();
        t.status = TicketStatus::Called;
        t.counter = Some(n);
        t.called_at = Some(self.config.building.zone.local(now));
        t.calls += 1;
        self.emit(
            EventKind::TicketCalled {
                ticket: t.clone(),
                counter: n,
                recall: false,
            },
            now,
            actor,
            out,
        );
        self.counter_reply(n, Some(t))
    }

    fn change_counter(
        &mut self,
        n: u32,
        state: CounterState,
        now: DateTime<Utc>,
        actor: &Actor,
        out: &mut Vec<Logged>,
    ) {
        let mut view = self.counters[&n].view.clone();
        view.state = state;
        if actor.kind == ActorKind::User {
            view.officer = Some(actor.id.clone());
        }
        self.emit(EventKind::CounterChanged { counter: view }, now, actor, out);
    }

    fn counter_reply(&self, n: u32, ticket: Option<TicketView>) -> Result<Reply, QueueError> {
        Ok(Reply::Counter(Box::new(CounterActionResult {
            counter: self.counter(n)?.view.clone(),
            ticket,
        })))
    }

    /// Apply one entry of the log to the state. Used both when deciding and when replaying the
    /// log.
    pub fn apply(&mut self, entry: &Logged) {
        let event = &entry.event;
        self.seq = event.seq;
        match &event.kind {
            EventKind::DayStarted { day, .. } => {
                self.day = Some(*day);
                self.tickets.clear();
                self.by_number.clear();
                self.by_code.clear();
                self.queues.clear();
                self.last_number.clear();
                self.issued.clear();
                self.recent_calls.clear();
                self.started_at.clear();
                self.service_time.clear();
                self.rated.clear();
                let streak = initial_streak(&self.config);
                for rt in self.counters.values_mut() {
                    rt.view.current = None;
                    rt.view.state = CounterState::Closed;
                    rt.view.officer = None;
                    rt.regular_streak = streak;
                }
            }
            EventKind::CounterChanged { counter } => {
                if let Some(rt) = self.counters.get_mut(&counter.number) {
                    rt.view.state = counter.state.clone();
                    rt.view.officer = counter.officer.clone();
                }
            }
            EventKind::DeviceStatus { device, report } => {
                if let Some(d) = self.devices.get_mut(device) {
                    d.report = Some(report.clone());
                    d.reported_at = Some(event.at);
                }
            }
            EventKind::TicketRated { ticket, score, .. } => {
                self.rated.insert(ticket.id, *score);
            }
            // The new configuration itself is not in the event (it holds password hashes and
            // device tokens, and every display receives events): the writer calls `reconfigure`
            // with it, and a restart starts from the newest stored version.
            EventKind::ConfigChanged { .. } => {}
            kind => {
                let ticket = kind
                    .ticket()
                    .expect("every other event is about a ticket")
                    .clone();
                if let EventKind::TicketIssued { ticket } = kind {
                    self.next_ticket_id = self.next_ticket_id.max(ticket.id + 1);
                    *self.issued.entry(ticket.service.clone()).or_default() += 1;
                    if let Some(n) = number_part(&ticket.number) {
                        let last = self.last_number.entry(ticket.service.clone()).or_default();
                        *last = (*last).max(n);
                    }
                    self.by_number.insert(ticket.number.clone(), ticket.id);
                    if let Some(code) = &entry.tracking_code {
                        self.by_code.insert(code.clone(), ticket.id);
                    }
                }
                let at = event.at.with_timezone(&Utc);
                match kind {
                    EventKind::TicketCalled {
                        counter, recall, ..
                    } => {
                        if let Some(rt) = self.counters.get_mut(counter) {
                            if !recall {
                                rt.regular_streak = if ticket.category.is_priority() {
                                    0
                                } else {
                                    rt.regular_streak + 1
                                };
                            }
                        }
                        self.recent_calls.push_front(CallView {
                            seq: event.seq,
                            number: ticket.number.clone(),
                            service: ticket.service.clone(),
                            counter: *counter,
                            at: event.at,
                            recall: *recall,
                        });
                        self.recent_calls.truncate(RECENT_CALLS);
                    }
                    EventKind::TicketServing { .. } => {
                        self.started_at.insert(ticket.id, at);
                    }
                    EventKind::TicketDone { .. } => {
                        if let Some(start) = self.started_at.remove(&ticket.id) {
                            let secs = (at - start).num_seconds().max(0) as u64;
                            let e = self.service_time.entry(ticket.service.clone()).or_default();
                            e.0 += secs;
                            e.1 += 1;
                        }
                    }
                    _ => {}
                }
                self.put_ticket(ticket);
            }
        }
    }

    /// Store a ticket's new state, keeping the queues and lokets' current tickets in step.
    fn put_ticket(&mut self, t: TicketView) {
        let key = (t.queued_at.with_timezone(&Utc), t.id);
        if let Some(old) = self.tickets.get(&t.id) {
            if old.status == TicketStatus::Waiting {
                if let Some(q) = self.queues.get_mut(&old.service) {
                    q.regular.remove(&key);
                    q.priority.remove(&key);
                }
            }
            if let Some(c) = old.counter {
                if let Some(rt) = self.counters.get_mut(&c) {
                    if rt.view.current.as_ref().is_some_and(|cur| cur.id == t.id) {
                        rt.view.current = None;
                    }
                }
            }
        }
        if t.status == TicketStatus::Waiting {
            let q = self.queues.entry(t.service.clone()).or_default();
            if t.category.is_priority() {
                q.priority.insert(key);
            } else {
                q.regular.insert(key);
            }
        }
        if matches!(t.status, TicketStatus::Called | TicketStatus::Serving) {
            if let Some(rt) = t.counter.and_then(|c| self.counters.get_mut(&c)) {
                rt.view.current = Some(t.clone());
            }
        }
        self.tickets.insert(t.id, t);
    }

    /// When the longest-waiting ticket of a service joined its queue.
    pub fn oldest_waiting(&self, service: &str) -> Option<DateTime<Utc>> {
        let q = self.queues.get(service)?;
        [q.regular.first(), q.priority.first()]
            .into_iter()
            .flatten()
            .map(|(t, _)| *t)
            .min()
    }

    pub fn issued_today(&self, service: &str) -> u32 {
        self.issued.get(service).copied().unwrap_or(0)
    }

    pub fn waiting_count(&self, service: &str) -> u32 {
        self.queues.get(service).map_or(0, |q| q.len() as u32)
    }

    fn availability_of(&self, service: &Service, now: DateTime<Utc>) -> Availability {
        let local = self.config.building.zone.local(now).naive_local();
        let issued = self.issued.get(&service.id).copied().unwrap_or(0);
        availability(service, local, issued)
    }

    /// How many tickets will be called before `t` by the current order of its service's queue.
    pub fn ahead_of(&self, t: &TicketView) -> u32 {
        let Some(q) = self.queues.get(&t.service) else {
            return 0;
        };
        let key = (t.queued_at.with_timezone(&Utc), t.id);
        let earlier = |set: &BTreeSet<(DateTime<Utc>, u64)>| set.range(..key).count() as u32;
        match (self.config.queue.priority, t.category.is_priority()) {
            (PriorityPolicy::First, true) => earlier(&q.priority),
            (PriorityPolicy::First, false) => q.priority.len() as u32 + earlier(&q.regular),
            (PriorityPolicy::Ratio(_), _) => earlier(&q.priority) + earlier(&q.regular),
        }
    }

    /// Seconds until a ticket with `ahead` tickets before it is called: the work ahead, shared by
    /// the open lokets that serve the service. Uses today's measured service time once there are
    /// enough measurements, the configured one before that.
    pub fn estimate(&self, service: &Service, ahead: u32) -> u32 {
        let per = match self.service_time.get(&service.id) {
            Some(&(sum, n)) if n >= 5 => (sum / n as u64) as u32,
            _ => service.service_secs,
        };
        let open = self
            .counters
            .values()
            .filter(|rt| {
                rt.view.state == CounterState::Open && rt.view.services.contains(&service.id)
            })
            .count()
            .max(1) as u32;
        // In u64: a long queue times a long service time does not fit in u32 seconds.
        u32::try_from(u64::from(ahead) * u64::from(per) / u64::from(open)).unwrap_or(u32::MAX)
    }

    pub fn service_view(&self, service: &Service, now: DateTime<Utc>) -> ServiceView {
        let waiting = self.waiting_count(&service.id);
        let issued = self.issued.get(&service.id).copied().unwrap_or(0);
        ServiceView {
            id: service.id.clone(),
            agency: service.agency.clone(),
            prefix: service.prefix.clone(),
            name: service.name.clone(),
            availability: self.availability_of(service, now),
            waiting,
            estimated_wait_secs: self.estimate(service, waiting),
            quota: service.quota,
            quota_left: service.quota.map(|q| q.saturating_sub(issued)),
            target_wait_secs: service.target_wait_secs,
        }
    }

    pub fn services(&self, now: DateTime<Utc>) -> Vec<ServiceView> {
        self.config
            .services
            .iter()
            .map(|s| self.service_view(s, now))
            .collect()
    }

    pub fn agencies(&self) -> Vec<AgencyView> {
        self.config
            .agencies
            .iter()
            .map(|a| AgencyView {
                id: a.id.clone(),
                name: a.name.clone(),
            })
            .collect()
    }

    pub fn building(&self, now: DateTime<Utc>) -> BuildingView {
        let zone = self.config.building.zone;
        BuildingView {
            name: self.config.building.name.clone(),
            timezone: zone.iana().into(),
            timezone_abbrev: zone.abbrev().into(),
            now: zone.local(now),
            day: zone.local_date(now),
            public_url: self.config.building.public_url.clone(),
        }
    }

    pub fn counters(&self) -> Vec<CounterView> {
        self.counters.values().map(|rt| rt.view.clone()).collect()
    }

    pub fn counter_view(&self, n: u32) -> Option<CounterView> {
        self.counters.get(&n).map(|rt| rt.view.clone())
    }

    pub fn devices(&self) -> Vec<DeviceView> {
        self.devices.values().cloned().collect()
    }

    pub fn recent_calls(&self) -> Vec<CallView> {
        self.recent_calls.iter().cloned().collect()
    }

    pub fn ticket_by_code(&self, code: &str) -> Option<&TicketView> {
        self.by_code.get(code).and_then(|id| self.tickets.get(id))
    }

    /// Today's waiting tickets of the given services, in arrival order.
    pub fn waiting_tickets(&self, services: &[String]) -> Vec<TicketView> {
        let mut keys: Vec<(DateTime<Utc>, u64)> = services
            .iter()
            .filter_map(|s| self.queues.get(s))
            .flat_map(|q| q.regular.iter().chain(q.priority.iter()).copied())
            .collect();
        keys.sort();
        keys.iter()
            .map(|(_, id)| self.tickets[id].clone())
            .collect()
    }

    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        Snapshot {
            seq: self.seq,
            building: self.building(now),
            agencies: self.agencies(),
            services: self.services(now),
            counters: self.counters(),
            recent_calls: self.recent_calls(),
            devices: self.devices(),
        }
    }

    /// The visitor's view of a ticket of today.
    pub fn track(&self, t: &TicketView) -> TrackView {
        let service = self.config.service(&t.service);
        let (service_name, agency_name) = match service {
            Some(s) => (
                s.name.clone(),
                self.config
                    .agency(&s.agency)
                    .map_or_else(|| s.name.clone(), |a| a.name.clone()),
            ),
            None => {
                let unknown = Text {
                    id: t.service.clone(),
                    en: t.service.clone(),
                };
                (unknown.clone(), unknown)
            }
        };
        let waiting = t.status == TicketStatus::Waiting;
        let ahead = if waiting { self.ahead_of(t) } else { 0 };
        let estimated_wait_secs = match (waiting, service) {
            (true, Some(s)) => self.estimate(s, ahead),
            _ => 0,
        };
        TrackView {
            number: t.number.clone(),
            service_name,
            agency_name,
            status: t.status,
            category: t.category,
            category_name: t.category.name(),
            ahead,
            estimated_wait_secs,
            estimated_wait: antri_wire::wait::estimated_wait(ahead, estimated_wait_secs),
            counter: t.counter,
            issued_at: t.issued_at,
            called_at: t.called_at,
            rating: self.rating_of(t.id),
        }
    }
}

/// Who acted with a ticket's tracking code: the visitor, named by the ticket's number (the log is
/// read by supervisors and admins; the code would let them cancel or rate the ticket).
fn visitor(t: &TicketView) -> Actor {
    Actor {
        kind: ActorKind::Visitor,
        id: t.number.clone(),
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

/// `KTP-012` → 12.
fn number_part(number: &str) -> Option<u32> {
    number.rsplit_once('-')?.1.parse().ok()
}
