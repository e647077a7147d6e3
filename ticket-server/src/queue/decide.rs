//! Deciding: whether a [`Command`] is allowed now, and which events it produces. One method per
//! command, dispatched from [`Hall::decide`]; each checks, then emits events through [`Cx`], which
//! applies them at once so the next check sees their effect.
//!
//! To add a command: a variant in `command.rs`, an arm in `decide` and its method here, and (if it
//! needs a new kind of event) the event in `antri-wire` and its effect in `apply.rs`.

use std::collections::BTreeMap;
use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind};
use antri_wire::*;
use chrono::{DateTime, Utc};

use super::{
    routing, Command, CounterRt, Hall, Holder, Logged, Outcome, QueueError, RateBy, Reply,
    Respondent,
};
use crate::config::Config;

/// What every step of deciding one command needs: when it happens, who asked, and the events
/// produced so far (to be committed together, even if the command is refused after the day rolled
/// over).
pub(super) struct Cx<'a> {
    pub(super) now: DateTime<Utc>,
    pub(super) actor: &'a Actor,
    out: Vec<Logged>,
}

type Decided = Result<Reply, QueueError>;

impl Hall {
    /// Decide a command at `now` on behalf of `actor`, applying what it produces.
    pub fn execute(&mut self, cmd: Command, now: DateTime<Utc>, actor: &Actor) -> Outcome {
        let mut cx = Cx {
            now,
            actor,
            out: Vec::new(),
        };
        self.roll_day(&mut cx);
        let result = self.decide(cmd, &mut cx);
        Outcome {
            events: cx.out,
            result,
        }
    }

    fn decide(&mut self, cmd: Command, cx: &mut Cx) -> Decided {
        match cmd {
            Command::Tick { silent } => {
                self.check_alerts(cx, &silent);
                Ok(Reply::Nothing)
            }
            Command::AcknowledgeAlert(id) => self.acknowledge_alert(cx, id),
            Command::Booking(b) => self.booking_command(cx, b),
            Command::Issue {
                service,
                category,
                tracking_code,
            } => self.issue(cx, &service, category, tracking_code),
            Command::Open(n) => self.open(cx, n),
            Command::CallNext(n) => self.call_next(cx, n),
            Command::CallSpecific { counter, number } => self.call_specific(cx, counter, number),
            Command::Recall(n) => self.recall(cx, n),
            Command::Start(n) => self.start(cx, n),
            Command::Finish(n) => {
                let t = self.finish(cx, n)?;
                self.counter_reply(n, Some(t))
            }
            Command::NoShow(n) => self.no_show(cx, n),
            Command::Transfer { counter, service } => self.transfer(cx, counter, service),
            Command::Pause {
                counter,
                reason,
                note,
            } => self.pause(cx, counter, reason, note),
            Command::Resume(n) => self.resume(cx, n),
            Command::Close(n) => self.close(cx, n),
            Command::Cancel { tracking_code } => self.cancel(cx, &tracking_code),
            Command::DeviceStatus { device, report } => self.device_status(cx, device, report),
            Command::Rate { by, score } => self.rate(cx, by, score),
            Command::Survey {
                by,
                answers,
                respondent,
            } => self.survey(cx, by, answers, respondent),
            Command::Reconfigure {
                base,
                config,
                section,
                summary,
            } => self.reconfigure_by(cx, base, config, section, summary),
        }
    }

    /// Before every command: the first one of a new local day starts it.
    fn roll_day(&mut self, cx: &mut Cx) {
        let today = self.config.building.zone.local_date(cx.now);
        // Before a new day forgets yesterday's bookings, and every minute (the ticker's tick).
        self.mark_booking_no_shows(cx);
        if self.day.is_some_and(|d| d >= today) {
            return;
        }
        // Alerts belong to their day (a restart replays today's log only): yesterday's end here,
        // in the log, and those whose cause remains are raised again on the next tick.
        let open: Vec<u64> = self.alerts.keys().copied().collect();
        for id in open {
            self.emit_as(cx, EventKind::AlertCleared { id }, &Actor::system());
        }
        // Once a day, so a walk over yesterday's tickets is fine here.
        let expired = self
            .tickets
            .values()
            .filter(|t| !t.status.is_final())
            .count() as u32;
        self.emit_as(
            cx,
            EventKind::DayStarted {
                day: today,
                expired,
            },
            &Actor::system(),
        );
        // Bookings' personal data past its retention goes now, in the audit log (UU 27/2022).
        let keep = chrono::Days::new(self.config.booking.retention_days as u64);
        if let Some(before) = today.checked_sub_days(keep) {
            self.emit_as(
                cx,
                EventKind::PersonalDataErased { before },
                &Actor::system(),
            );
        }
    }

    /// Assign the next sequence number, apply, and record the event, on behalf of the actor.
    pub(super) fn emit(&mut self, cx: &mut Cx, kind: EventKind) {
        let actor = cx.actor;
        self.record(cx, kind, actor, None, None)
    }

    /// [`Hall::emit`] on behalf of someone else than the one who asked (the system, a visitor).
    pub(super) fn emit_as(&mut self, cx: &mut Cx, kind: EventKind, actor: &Actor) {
        self.record(cx, kind, actor, None, None)
    }

    pub(super) fn record(
        &mut self,
        cx: &mut Cx,
        kind: EventKind,
        actor: &Actor,
        tracking_code: Option<String>,
        holder: Option<Holder>,
    ) {
        let mut entry = Logged {
            event: Event {
                seq: self.seq + 1,
                at: self.config.building.zone.local(cx.now),
                actor: actor.clone(),
                waiting: BTreeMap::new(),
                waiting_booked: BTreeMap::new(),
                kind,
            },
            tracking_code,
            holder,
            respondent: None,
        };
        self.apply(&entry);
        let event = &mut entry.event;
        let mut touched: Vec<&str> = Vec::new();
        // A booked ticket's event may take its service's booked count to zero, so it is sent then
        // too; otherwise only non-zero counts travel (most halls have no booking at all).
        let booked_ticket = event.kind.ticket().is_some_and(|t| t.booked.is_some());
        if let Some(t) = event.kind.ticket() {
            touched.push(&t.service);
        }
        if let EventKind::TicketTransferred { from, .. } = &event.kind {
            touched.push(from);
        }
        // Counts kept by the queues, so O(1) per service (see `ServiceQueue`).
        let waiting: Vec<(String, u32)> = touched
            .iter()
            .map(|s| (s.to_string(), self.waiting_count(s)))
            .collect();
        let booked: Vec<(String, u32)> = touched
            .iter()
            .map(|s| (s.to_string(), self.waiting_booked(s)))
            .filter(|(_, n)| *n > 0 || booked_ticket)
            .collect();
        event.waiting.extend(waiting);
        event.waiting_booked.extend(booked);
        cx.out.push(entry);
    }

    fn issue(
        &mut self,
        cx: &mut Cx,
        service_id: &str,
        category: Category,
        tracking_code: String,
    ) -> Decided {
        let service = self
            .config
            .service(service_id)
            .ok_or_else(|| QueueError::UnknownService(service_id.to_string()))?
            .clone();
        let availability = self.availability_of(&service, cx.now);
        if !availability.is_open() {
            return Err(QueueError::ServiceUnavailable {
                service: service.id,
                availability,
            });
        }
        let local = self.config.building.zone.local(cx.now);
        Ok(self.issue_ticket(cx, &service, category, tracking_code, local, None))
    }

    /// A new ticket, placed in its service's queue at `place` (now for a walk-in; the session's
    /// start for a booking), without the walk-in checks.
    pub(super) fn issue_ticket(
        &mut self,
        cx: &mut Cx,
        service: &crate::config::Service,
        category: Category,
        tracking_code: String,
        place: DateTime<chrono::FixedOffset>,
        booked: Option<String>,
    ) -> Reply {
        let n = self.last_number.get(&service.id).copied().unwrap_or(0) + 1;
        let local = self.config.building.zone.local(cx.now);
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
            queued_at: place,
            called_at: None,
            counter: None,
            calls: 0,
            transferred_from: None,
            booked,
        };
        let actor = cx.actor;
        self.record(
            cx,
            EventKind::TicketIssued {
                ticket: ticket.clone(),
            },
            actor,
            Some(tracking_code.clone()),
            None,
        );
        let ahead = self.ahead_of(&ticket);
        let agency = self.config.agency(&service.agency).map(|a| a.name.clone());
        Reply::Issued(Box::new(IssuedTicket {
            ahead,
            estimated_wait_secs: self.estimate(service, ahead),
            service_name: service.name.clone(),
            agency_name: agency.unwrap_or_else(|| service.name.clone()),
            tracking_url: format!("{}/t/{}", self.config.building.public_url, tracking_code),
            tracking_code,
            ticket,
        }))
    }

    fn open(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let rt = self.counter(n)?;
        if rt.view.state != CounterState::Open {
            if let CounterState::Paused { .. } = rt.view.state {
                return Err(QueueError::CounterPaused(n));
            }
            self.change_counter(cx, n, CounterState::Open);
        }
        self.counter_reply(n, None)
    }

    fn call_next(&mut self, cx: &mut Cx, n: u32) -> Decided {
        self.ready_to_call(cx, n)?;
        let rt = self.counter(n)?;
        let id = routing::next_for(self, rt).ok_or(QueueError::QueueEmpty(n))?;
        self.call(cx, n, id)
    }

    fn call_specific(&mut self, cx: &mut Cx, counter: u32, number: String) -> Decided {
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
        self.ready_to_call(cx, counter)?;
        self.call(cx, counter, id)
    }

    fn recall(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let mut t = self
            .current(n, &[TicketStatus::Called], "recalled")?
            .clone();
        t.calls += 1;
        self.emit(
            cx,
            EventKind::TicketCalled {
                ticket: t.clone(),
                counter: n,
                recall: true,
            },
        );
        self.counter_reply(n, Some(t))
    }

    fn start(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let mut t = self.current(n, &[TicketStatus::Called], "started")?.clone();
        t.status = TicketStatus::Serving;
        self.emit(
            cx,
            EventKind::TicketServing {
                ticket: t.clone(),
                counter: n,
            },
        );
        self.counter_reply(n, Some(t))
    }

    fn no_show(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let mut t = self
            .current(n, &[TicketStatus::Called], "marked no-show")?
            .clone();
        t.status = TicketStatus::NoShow;
        self.emit(
            cx,
            EventKind::TicketNoShow {
                ticket: t.clone(),
                counter: n,
            },
        );
        self.counter_reply(n, Some(t))
    }

    fn transfer(&mut self, cx: &mut Cx, counter: u32, service: String) -> Decided {
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
            cx,
            EventKind::TicketTransferred {
                ticket: t.clone(),
                from,
                counter: Some(counter),
            },
        );
        self.counter_reply(counter, Some(t))
    }

    fn pause(
        &mut self,
        cx: &mut Cx,
        counter: u32,
        reason: PauseReason,
        note: Option<String>,
    ) -> Decided {
        let rt = self.counter(counter)?;
        self.no_current(counter)?;
        if rt.view.state == CounterState::Closed {
            return Err(QueueError::CounterClosed(counter));
        }
        let since = self.config.building.zone.local(cx.now);
        let note = note.map(|n| n.chars().take(200).collect());
        self.change_counter(
            cx,
            counter,
            CounterState::Paused {
                reason,
                note,
                since,
            },
        );
        self.counter_reply(counter, None)
    }

    fn resume(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let rt = self.counter(n)?;
        if !matches!(rt.view.state, CounterState::Paused { .. }) {
            return self.counter_reply(n, None);
        }
        self.change_counter(cx, n, CounterState::Open);
        self.counter_reply(n, None)
    }

    fn close(&mut self, cx: &mut Cx, n: u32) -> Decided {
        let rt = self.counter(n)?;
        self.no_current(n)?;
        if rt.view.state != CounterState::Closed {
            self.change_counter(cx, n, CounterState::Closed);
        }
        self.counter_reply(n, None)
    }

    fn cancel(&mut self, cx: &mut Cx, tracking_code: &str) -> Decided {
        let id = *self
            .by_code
            .get(tracking_code)
            .ok_or_else(|| QueueError::UnknownTicket(tracking_code.to_string()))?;
        let mut t = self.tickets[&id].clone();
        if t.status != TicketStatus::Waiting {
            return Err(QueueError::InvalidState {
                number: t.number,
                status: t.status,
                action: "cancelled",
            });
        }
        t.status = TicketStatus::Cancelled;
        self.emit_as(
            cx,
            EventKind::TicketCancelled { ticket: t.clone() },
            &visitor(&t),
        );
        Ok(Reply::Ticket(Box::new(t)))
    }

    fn device_status(&mut self, cx: &mut Cx, device: String, report: DeviceReport) -> Decided {
        let d = self
            .devices
            .get(&device)
            .ok_or_else(|| QueueError::UnknownDevice(device.clone()))?;
        // Kiosks report on every ticket; only a change is worth a log entry.
        if d.report.as_ref() != Some(&report) {
            self.emit(
                cx,
                EventKind::DeviceStatus {
                    device: device.clone(),
                    report,
                },
            );
        }
        Ok(Reply::Device(Box::new(self.devices[&device].clone())))
    }

    /// The finished ticket of today that `by` names, and the loket it was served at: a tablet
    /// names a ticket its own loket served.
    fn finished_ticket(&self, by: &RateBy, action: &'static str) -> Result<TicketView, QueueError> {
        let (id, counter) = match by {
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
                action,
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
        Ok(t)
    }

    fn rate(&mut self, cx: &mut Cx, by: RateBy, score: u8) -> Decided {
        let t = self.finished_ticket(&by, "rated")?;
        if self.rated.contains_key(&t.id) {
            return Err(QueueError::AlreadyRated(t.number));
        }
        let actor = match by {
            RateBy::TrackingCode(_) => visitor(&t),
            RateBy::Counter { .. } => cx.actor.clone(),
        };
        self.emit_as(
            cx,
            EventKind::TicketRated {
                ticket: t.clone(),
                counter: t.counter,
                score,
            },
            &actor,
        );
        Ok(Reply::Ticket(Box::new(t)))
    }

    fn survey(
        &mut self,
        cx: &mut Cx,
        by: RateBy,
        answers: crate::skm::Answers,
        respondent: Respondent,
    ) -> Decided {
        let t = self.finished_ticket(&by, "surveyed")?;
        if self.surveyed.contains(&t.id) {
            return Err(QueueError::AlreadySurveyed(t.number));
        }
        let actor = match by {
            RateBy::TrackingCode(_) => visitor(&t),
            RateBy::Counter { .. } => cx.actor.clone(),
        };
        self.emit_as(
            cx,
            EventKind::SurveySubmitted {
                ticket: t.clone(),
                counter: t.counter,
                answers: answers.values(),
            },
            &actor,
        );
        // The profile and suggestion go beside the entry, like a ticket's tracking code.
        if let Some(entry) = cx.out.last_mut() {
            entry.respondent = Some(respondent);
        }
        Ok(Reply::Ticket(Box::new(t)))
    }

    fn reconfigure_by(
        &mut self,
        cx: &mut Cx,
        base: Arc<Config>,
        config: Arc<Config>,
        section: String,
        summary: String,
    ) -> Decided {
        if !Arc::ptr_eq(&base, &self.config) {
            return Err(QueueError::ConfigConflict(
                "the configuration was changed meanwhile (by another admin); reload the page and make your change again".into(),
            ));
        }
        self.can_reconfigure(&config)?;
        let version = self.seq + 1;
        self.emit(
            cx,
            EventKind::ConfigChanged {
                version,
                section,
                summary,
            },
        );
        self.reconfigure(config);
        Ok(Reply::Configured(version))
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
    fn ready_to_call(&mut self, cx: &mut Cx, n: u32) -> Result<(), QueueError> {
        let rt = self.counter(n)?;
        match &rt.view.state {
            CounterState::Paused { .. } => return Err(QueueError::CounterPaused(n)),
            CounterState::Closed => self.change_counter(cx, n, CounterState::Open),
            CounterState::Open => {}
        }
        match self.counters[&n].view.current.as_ref().map(|t| t.status) {
            Some(TicketStatus::Serving) => {
                self.finish(cx, n)?;
            }
            Some(_) => self.no_current(n)?,
            None => {}
        }
        Ok(())
    }

    fn finish(&mut self, cx: &mut Cx, n: u32) -> Result<TicketView, QueueError> {
        let mut t = self
            .current(
                n,
                &[TicketStatus::Called, TicketStatus::Serving],
                "finished",
            )?
            .clone();
        t.status = TicketStatus::Done;
        self.emit(
            cx,
            EventKind::TicketDone {
                ticket: t.clone(),
                counter: n,
            },
        );
        Ok(t)
    }

    fn call(&mut self, cx: &mut Cx, n: u32, id: u64) -> Decided {
        let mut t = self.tickets[&id].clone();
        t.status = TicketStatus::Called;
        t.counter = Some(n);
        t.called_at = Some(self.config.building.zone.local(cx.now));
        t.calls += 1;
        self.emit(
            cx,
            EventKind::TicketCalled {
                ticket: t.clone(),
                counter: n,
                recall: false,
            },
        );
        self.counter_reply(n, Some(t))
    }

    fn change_counter(&mut self, cx: &mut Cx, n: u32, state: CounterState) {
        let mut view = self.counters[&n].view.clone();
        view.state = state;
        if cx.actor.kind == ActorKind::User {
            view.officer = Some(cx.actor.id.clone());
        }
        self.emit(cx, EventKind::CounterChanged { counter: view });
    }

    fn counter_reply(&self, n: u32, ticket: Option<TicketView>) -> Decided {
        Ok(Reply::Counter(Box::new(CounterActionResult {
            counter: self.counter(n)?.view.clone(),
            ticket,
        })))
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
