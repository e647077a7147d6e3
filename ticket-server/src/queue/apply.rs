//! Applying events: the only code that changes a [`Hall`]. Used both right after deciding and when
//! replaying the log after a restart, so it must not decide anything — an event that was logged
//! happened, and applying it never fails.

use antri_wire::event::CallView;
use antri_wire::*;
use chrono::{DateTime, Utc};

use super::{initial_streak, Hall, Logged, RECENT_CALLS};

impl Hall {
    /// Apply one entry of the log to the state. Used both when deciding and when replaying the
    /// log.
    pub fn apply(&mut self, entry: &Logged) {
        let event = &entry.event;
        self.seq = event.seq;
        match &event.kind {
            EventKind::DayStarted { day, .. } => self.start_day(*day),
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
            EventKind::SurveySubmitted { ticket, .. } => {
                self.surveyed.insert(ticket.id);
            }
            // The new configuration itself is not in the event (it holds password hashes and
            // device tokens, and every display receives events): the writer calls `reconfigure`
            // with it, and a restart starts from the newest stored version.
            EventKind::ConfigChanged { .. } => {}
            EventKind::Booking { .. } => self.apply_booking(entry),
            // The store erases; the hall holds no personal data of past days.
            EventKind::PersonalDataErased { .. } => {}
            EventKind::AlertRaised { alert } => {
                self.alerts.insert(alert.id, alert.clone());
            }
            EventKind::AlertAcknowledged { id } => {
                if let Some(a) = self.alerts.get_mut(id) {
                    a.acknowledged_by = Some(event.actor.id.clone());
                    a.acknowledged_at = Some(event.at);
                }
            }
            EventKind::AlertCleared { id } => {
                self.alerts.remove(id);
            }
            _ => self.apply_to_ticket(entry),
        }
    }

    /// A new local day: yesterday's tickets are gone, every loket starts closed.
    fn start_day(&mut self, day: chrono::NaiveDate) {
        self.day = Some(day);
        self.desk.forget_before(day);
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
        self.surveyed.clear();
        let streak = initial_streak(&self.config);
        for rt in self.counters.values_mut() {
            rt.view.current = None;
            rt.view.state = CounterState::Closed;
            rt.view.officer = None;
            rt.regular_streak = streak;
        }
    }

    /// Every event not handled in [`Hall::apply`] carries the ticket's new state.
    fn apply_to_ticket(&mut self, entry: &Logged) {
        let event = &entry.event;
        let kind = &event.kind;
        let ticket = kind
            .ticket()
            .expect("every other event is about a ticket")
            .clone();
        let at = event.at.with_timezone(&Utc);
        match kind {
            EventKind::TicketIssued { ticket } => self.note_issued(ticket, entry),
            EventKind::TicketCalled {
                counter, recall, ..
            } => self.note_called(&ticket, *counter, *recall, event),
            EventKind::TicketServing { .. } => {
                self.started_at.insert(ticket.id, at);
            }
            EventKind::TicketDone { .. } => self.note_done(&ticket, at),
            _ => {}
        }
        self.put_ticket(ticket);
    }

    fn note_issued(&mut self, ticket: &TicketView, entry: &Logged) {
        self.next_ticket_id = self.next_ticket_id.max(ticket.id + 1);
        // A booked ticket's seat was counted when it was booked, not from the walk-in quota.
        if ticket.booked.is_none() {
            *self.issued.entry(ticket.service.clone()).or_default() += 1;
        }
        if let Some(n) = number_part(&ticket.number) {
            let last = self.last_number.entry(ticket.service.clone()).or_default();
            *last = (*last).max(n);
        }
        self.by_number.insert(ticket.number.clone(), ticket.id);
        if let Some(code) = &entry.tracking_code {
            self.by_code.insert(code.clone(), ticket.id);
        }
    }

    fn note_called(&mut self, ticket: &TicketView, counter: u32, recall: bool, event: &Event) {
        if let Some(rt) = self.counters.get_mut(&counter) {
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
            counter,
            at: event.at,
            recall,
        });
        self.recent_calls.truncate(RECENT_CALLS);
    }

    /// Measures the service time, for the wait estimates.
    fn note_done(&mut self, ticket: &TicketView, at: DateTime<Utc>) {
        if let Some(start) = self.started_at.remove(&ticket.id) {
            let secs = (at - start).num_seconds().max(0) as u64;
            let e = self.service_time.entry(ticket.service.clone()).or_default();
            e.0 += secs;
            e.1 += 1;
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
                    if old.booked.is_some() {
                        q.booked = q.booked.saturating_sub(1);
                    }
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
            if t.booked.is_some() {
                q.booked += 1;
            }
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
}

/// `KTP-012` → 12.
fn number_part(number: &str) -> Option<u32> {
    number.rsplit_once('-')?.1.parse().ok()
}
