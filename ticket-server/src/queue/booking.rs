//! The hall's booking desk: booking commands decided by [`crate::booking::desk`], logged as
//! `booking` events, and a checked-in booking's ticket.
//!
//! The rule of calling (issue 14): a checked-in booking joins its service's queue with its
//! session's start as its place (`queued_at`). The queue is ordered by place, so the booked visitor
//! is called after everyone who was waiting before the session began and before everyone who came
//! after it began — wherever in the check-in window they arrive; priority categories still go
//! first as for everyone. A booked ticket does not count against the walk-in quota (its seat was
//! counted when it was booked) and may be checked in before the service opens (the check-in window
//! starts before the session).

use antri_wire::booking::{BookingChange, BookingEvent};
use antri_wire::event::Actor;
use antri_wire::*;
use chrono::NaiveDateTime;

use super::decide::Cx;
use super::{BookingCommand, Hall, Holder, Logged, QueueError, Reply};
use crate::booking::desk::{Ask, Booking, Decided, Desk};

type Result<T> = std::result::Result<T, QueueError>;

impl Hall {
    /// The booking desk (its bookings of today and later).
    pub fn desk(&self) -> &Desk {
        &self.desk
    }

    /// Replace the desk (at start: loaded from the store, which holds every day's bookings).
    pub fn set_desk(&mut self, desk: Desk) {
        self.next_booking_id = self.next_booking_id.max(desk.last_id() + 1);
        self.desk = desk;
        self.no_show_check = None;
    }

    pub(super) fn booking_command(&mut self, cx: &mut Cx, cmd: BookingCommand) -> Result<Reply> {
        let now = self.local_now(cx);
        let ask = match cmd {
            BookingCommand::Book {
                service,
                date,
                session,
                holder,
            } => {
                let ask = Ask::Book {
                    id: self.next_booking_id,
                    code: holder.code.clone(),
                    service,
                    date,
                    session,
                    person: holder.person.clone(),
                    nik_masked: holder.nik_masked.clone(),
                };
                let decided = self.desk_decides(ask, now)?;
                self.log_booking(cx, &decided, Some(holder));
                return self.booking_reply(&decided);
            }
            BookingCommand::Cancel { code } => Ask::Cancel { code },
            BookingCommand::Reschedule {
                code,
                date,
                session,
            } => Ask::Reschedule {
                code,
                date,
                session,
            },
            BookingCommand::CheckIn {
                code,
                category,
                tracking_code,
            } => return self.check_in(cx, code, category, tracking_code, now),
        };
        let decided = self.desk_decides(ask, now)?;
        self.log_booking(cx, &decided, None);
        self.booking_reply(&decided)
    }

    /// Bookings whose check-in window has closed become no-shows. Asked before every command, so
    /// the walk over the desk happens only once the earliest window has closed.
    pub(super) fn mark_booking_no_shows(&mut self, cx: &mut Cx) {
        let now = self.local_now(cx);
        if self.no_show_check.is_some_and(|t| now <= t) {
            return;
        }
        if let Ok(decided) = self.desk.decide(Ask::MarkNoShows, now, &*self.config) {
            for d in decided {
                let system = Actor::system();
                self.log_one(cx, &d, None, &system);
            }
        }
        self.no_show_check = Some(
            self.desk
                .next_close(&*self.config)
                .unwrap_or(NaiveDateTime::MAX),
        );
    }

    fn check_in(
        &mut self,
        cx: &mut Cx,
        code: String,
        category: Category,
        tracking_code: String,
        now: NaiveDateTime,
    ) -> Result<Reply> {
        let decided = self.desk_decides(Ask::CheckIn { code: code.clone() }, now)?;
        let Some(Decided::CheckedIn { place, .. }) = decided.first() else {
            return Err(QueueError::Booking(
                crate::booking::desk::Refused::UnknownCode,
            ));
        };
        let booking = self
            .desk
            .booking(&code)
            .cloned()
            .ok_or(QueueError::Booking(
                crate::booking::desk::Refused::UnknownCode,
            ))?;
        let service = self
            .config
            .service(&booking.service)
            .ok_or_else(|| QueueError::UnknownService(booking.service.clone()))?
            .clone();
        let session = self.session_words(&booking);
        let place = place
            .and_local_timezone(self.config.building.zone.offset())
            .single()
            .unwrap_or_else(|| self.config.building.zone.local(cx.now));
        let issued = self.issue_ticket(cx, &service, category, tracking_code, place, Some(session));
        let Reply::Issued(issued) = issued else {
            unreachable!("issue_ticket answers Issued")
        };
        let actor = cx.actor.clone();
        self.emit_as(
            cx,
            EventKind::Booking {
                booking: event_of(&booking),
                change: BookingChange::CheckedIn {
                    ticket: issued.ticket.id,
                },
            },
            &actor,
        );
        let booking = self.desk.booking(&code).cloned().unwrap_or(booking);
        Ok(Reply::CheckedIn {
            issued,
            booking: Box::new(booking),
        })
    }

    /// "09:00–10:00", as printed on a booked ticket.
    pub fn session_words(&self, b: &Booking) -> String {
        self.config
            .service(&b.service)
            .and_then(|s| s.booking.as_ref())
            .and_then(|p| p.sessions.get(b.session))
            .map(|(from, to)| format!("{}–{}", from.format("%H:%M"), to.format("%H:%M")))
            .unwrap_or_default()
    }

    fn local_now(&self, cx: &Cx) -> NaiveDateTime {
        self.config.building.zone.local(cx.now).naive_local()
    }

    fn desk_decides(&self, ask: Ask, now: NaiveDateTime) -> Result<Vec<Decided>> {
        self.desk
            .decide(ask, now, &*self.config)
            .map_err(QueueError::Booking)
    }

    fn log_booking(&mut self, cx: &mut Cx, decided: &[Decided], holder: Option<Holder>) {
        let actor = cx.actor.clone();
        let mut holder = holder;
        for d in decided {
            self.log_one(cx, d, holder.take(), &actor);
        }
    }

    /// One decision as a `booking` event (applied to the desk through [`Hall::apply`]).
    fn log_one(&mut self, cx: &mut Cx, d: &Decided, holder: Option<Holder>, actor: &Actor) {
        let (booking, change) = match d {
            Decided::Booked(b) => (event_of(b), BookingChange::Made),
            Decided::Cancelled { code } => match self.desk.booking(code) {
                Some(b) => (event_of(b), BookingChange::Cancelled),
                None => return,
            },
            Decided::NoShow { code } => match self.desk.booking(code) {
                Some(b) => (event_of(b), BookingChange::NoShow),
                None => return,
            },
            Decided::Rescheduled {
                code,
                date,
                session,
            } => match self.desk.booking(code) {
                Some(b) => (
                    BookingEvent {
                        date: *date,
                        session: *session as u32,
                        ..event_of(b)
                    },
                    BookingChange::Rescheduled {
                        from_date: b.date,
                        from_session: b.session as u32,
                    },
                ),
                None => return,
            },
            // Logged by `check_in`, after the ticket it refers to.
            Decided::CheckedIn { .. } => return,
        };
        self.record(
            cx,
            EventKind::Booking { booking, change },
            actor,
            None,
            holder,
        );
    }

    fn booking_reply(&self, decided: &[Decided]) -> Result<Reply> {
        let code = match decided.first() {
            Some(Decided::Booked(b)) => &b.code,
            Some(Decided::Cancelled { code } | Decided::Rescheduled { code, .. }) => code,
            _ => return Ok(Reply::Nothing),
        };
        let b = self.desk.booking(code).cloned().ok_or(QueueError::Booking(
            crate::booking::desk::Refused::UnknownCode,
        ))?;
        Ok(Reply::Booking(Box::new(b)))
    }

    /// A `booking` event's effect on the desk (deciding and replaying alike).
    pub(super) fn apply_booking(&mut self, entry: &Logged) {
        let EventKind::Booking { booking, change } = &entry.event.kind else {
            return;
        };
        let code = || self.desk.code_of(booking.id).map(str::to_string);
        let d = match change {
            BookingChange::Made => {
                let Some(h) = &entry.holder else { return };
                self.next_booking_id = self.next_booking_id.max(booking.id + 1);
                Decided::Booked(Booking {
                    id: booking.id,
                    code: h.code.clone(),
                    service: booking.service.clone(),
                    date: booking.date,
                    session: booking.session as usize,
                    person: h.person.clone(),
                    nik_masked: h.nik_masked.clone(),
                    status: crate::booking::desk::Status::Active,
                })
            }
            BookingChange::Cancelled => match code() {
                Some(code) => Decided::Cancelled { code },
                None => return,
            },
            BookingChange::NoShow => match code() {
                Some(code) => Decided::NoShow { code },
                None => return,
            },
            BookingChange::Rescheduled { .. } => match code() {
                Some(code) => Decided::Rescheduled {
                    code,
                    date: booking.date,
                    session: booking.session as usize,
                },
                None => return,
            },
            BookingChange::CheckedIn { .. } => match code() {
                Some(code) => Decided::CheckedIn {
                    code,
                    place: NaiveDateTime::default(),
                },
                None => return,
            },
        };
        self.desk.apply(&d);
        // A booking made or moved may close its window before the one the skip waits for.
        if let Decided::Booked(_) | Decided::Rescheduled { .. } = d {
            let b = self
                .desk
                .code_of(booking.id)
                .and_then(|c| self.desk.booking(c));
            if let (Some(b), Some(t)) = (b, self.no_show_check) {
                self.no_show_check = Some(t.min(Desk::closes(b, &*self.config)));
            }
        }
    }
}

fn event_of(b: &Booking) -> BookingEvent {
    BookingEvent {
        id: b.id,
        service: b.service.clone(),
        date: b.date,
        session: b.session as u32,
    }
}

#[cfg(test)]
#[path = "booking_tests.rs"]
mod tests;
