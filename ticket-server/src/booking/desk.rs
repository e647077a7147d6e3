//! The booking desk: seats and the rules against calo, as a pure state machine.
//!
//! One desk decides every booking in turn (the server's writer thread owns it, like the hall), so
//! two phones asking for the last seat at once get one "yes" and one "full": a seat is counted
//! when it is decided, and the decision is acknowledged only after it is committed.
//!
//! Seats: a session's online seats are taken by bookings that are active, checked in or no-show;
//! a cancelled booking gives its seat back, a no-show does not (the seat is not sold again that
//! day, so a calo cannot book and release at the last minute to a buyer).
//!
//! Per person (by the NIK's keyed hash): at most one active booking per service and date, and at
//! most [`Limits::max_active_per_person`] active bookings in all.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use super::plan::{CheckIn, Late, NotBookable, Plan};

/// A booking as the desk keeps it. No NIK in clear: its keyed hash and masked form only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    /// The number events use (never the code).
    pub id: u64,
    pub code: String,
    pub service: String,
    pub date: NaiveDate,
    pub session: usize,
    pub person: String,
    pub nik_masked: String,
    pub status: Status,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    CheckedIn,
    Cancelled,
    NoShow,
}

impl Status {
    pub fn words(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::CheckedIn => "already checked in",
            Status::Cancelled => "cancelled",
            Status::NoShow => "missed (not checked in in time)",
        }
    }

    fn holds_seat(self) -> bool {
        !matches!(self, Status::Cancelled)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_active_per_person: u32,
}

/// What the desk is asked.
#[derive(Clone, Debug)]
pub enum Ask {
    /// `code` is made by the caller (randomness is I/O); `person` is the NIK's keyed hash; `id` is
    /// the next booking number.
    Book {
        id: u64,
        code: String,
        service: String,
        date: NaiveDate,
        session: usize,
        person: String,
        nik_masked: String,
    },
    Cancel {
        code: String,
    },
    Reschedule {
        code: String,
        date: NaiveDate,
        session: usize,
    },
    /// The visitor is at the kiosk with their code.
    CheckIn {
        code: String,
    },
    /// Bookings whose check-in window closed before `now` and were never checked in.
    MarkNoShows,
}

/// What the desk decided; the log keeps these, and replaying them rebuilds the desk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decided {
    Booked(Booking),
    Cancelled {
        code: String,
    },
    Rescheduled {
        code: String,
        date: NaiveDate,
        session: usize,
    },
    /// Checked in: a ticket is issued with `place` as its place in the queue.
    CheckedIn {
        code: String,
        place: NaiveDateTime,
    },
    NoShow {
        code: String,
    },
}

/// Why the desk said no, each with what the visitor can do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("service {0} takes no bookings")]
    NotBookable(String),
    #[error("{0}")]
    Time(NotBookable),
    #[error("the session is full")]
    Full,
    #[error("this person already has a booking for this service on that date")]
    SameDay,
    #[error("this person already has {0} active bookings, the most allowed")]
    TooMany(u32),
    #[error("no booking has this code")]
    UnknownCode,
    #[error("the booking is {} and can no longer be used or changed", .0.words())]
    NotActive(Status),
    #[error("too early: check-in opens at {}", .0.format("%H:%M"))]
    Early(NaiveDateTime),
    #[error("too late for this booking's check-in window")]
    Late(Late),
    #[error("the booking is for {0}")]
    WrongDay(NaiveDate),
}

/// The desk's state: every booking by code, and the seats each session has given.
#[derive(Clone, Debug, Default)]
pub struct Desk {
    bookings: HashMap<String, Booking>,
    taken: BTreeMap<(String, NaiveDate, usize), u32>,
    /// Each person's bookings' codes, so the per-person rules read only theirs.
    by_person: HashMap<String, BTreeSet<String>>,
    /// Booking number → code, for the events (which carry the number only).
    by_id: HashMap<u64, String>,
}

/// What the desk reads of the configuration.
pub trait Plans {
    fn plan(&self, service: &str) -> Option<&Plan>;
    fn building_closed(&self) -> &[NaiveDate];
    fn limits(&self) -> Limits;
}

impl Desk {
    pub fn booking(&self, code: &str) -> Option<&Booking> {
        self.bookings.get(code)
    }

    /// The code of booking number `id`.
    pub fn code_of(&self, id: u64) -> Option<&str> {
        self.by_id.get(&id).map(String::as_str)
    }

    /// The highest booking number the desk knows.
    pub fn last_id(&self) -> u64 {
        self.by_id.keys().max().copied().unwrap_or(0)
    }

    /// Seats taken in a session (active, checked in or no-show).
    pub fn taken(&self, service: &str, date: NaiveDate, session: usize) -> u32 {
        self.taken
            .get(&(service.to_string(), date, session))
            .copied()
            .unwrap_or(0)
    }

    /// Forget the bookings of dates before `day` (a new day began; they are in the log and the
    /// store, and no rule reads them again).
    pub fn forget_before(&mut self, day: NaiveDate) {
        self.bookings.retain(|_, b| b.date >= day);
        let bookings = &self.bookings;
        self.by_id.retain(|_, code| bookings.contains_key(code));
        self.taken.retain(|(_, date, _), _| *date >= day);
        let bookings = &self.bookings;
        self.by_person.retain(|_, codes| {
            codes.retain(|c| bookings.contains_key(c));
            !codes.is_empty()
        });
    }

    /// Decide `ask` at local time `now`: what happens, not yet applied (the caller logs each
    /// decision and applies it, as a replay would).
    pub fn decide(
        &self,
        ask: Ask,
        now: NaiveDateTime,
        plans: &impl Plans,
    ) -> Result<Vec<Decided>, Refused> {
        let decided = match ask {
            Ask::Book {
                id,
                code,
                service,
                date,
                session,
                person,
                nik_masked,
            } => {
                let plan = plans
                    .plan(&service)
                    .ok_or_else(|| Refused::NotBookable(service.clone()))?;
                self.seat_free(plan, &service, date, session, now, plans)?;
                self.person_may_book(&person, &service, date, now, plans.limits(), None)?;
                vec![Decided::Booked(Booking {
                    id,
                    code,
                    service,
                    date,
                    session,
                    person,
                    nik_masked,
                    status: Status::Active,
                })]
            }
            Ask::Cancel { code } => {
                self.active(&code)?;
                vec![Decided::Cancelled { code }]
            }
            Ask::Reschedule {
                code,
                date,
                session,
            } => {
                let b = self.active(&code)?.clone();
                let plan = plans
                    .plan(&b.service)
                    .ok_or_else(|| Refused::NotBookable(b.service.clone()))?;
                if (b.date, b.session) != (date, session) {
                    self.seat_free(plan, &b.service, date, session, now, plans)?;
                    let limits = plans.limits();
                    self.person_may_book(&b.person, &b.service, date, now, limits, Some(&code))?;
                }
                vec![Decided::Rescheduled {
                    code,
                    date,
                    session,
                }]
            }
            Ask::CheckIn { code } => self.check_in(code, now, plans)?,
            Ask::MarkNoShows => self.no_shows(now, plans),
        };
        Ok(decided)
    }

    fn check_in(
        &self,
        code: String,
        now: NaiveDateTime,
        plans: &impl Plans,
    ) -> Result<Vec<Decided>, Refused> {
        let b = self.active(&code)?;
        let plan = plans
            .plan(&b.service)
            .ok_or_else(|| Refused::NotBookable(b.service.clone()))?;
        match plan.check_in(b.date, b.session, now) {
            CheckIn::Ticket { place } => Ok(vec![Decided::CheckedIn { code, place }]),
            CheckIn::Early { from } => Err(Refused::Early(from)),
            CheckIn::Late(late) => Err(Refused::Late(late)),
            CheckIn::WrongDay { date } => Err(Refused::WrongDay(date)),
        }
    }

    /// When an active booking's check-in window closes (a service no longer bookable: the end of
    /// its day).
    pub fn closes(b: &Booking, plans: &impl Plans) -> NaiveDateTime {
        plans
            .plan(&b.service)
            .and_then(|p| p.checkin_closes(b.date, b.session))
            .unwrap_or_else(|| b.date.and_hms_opt(23, 59, 59).expect("valid"))
    }

    /// The earliest close of an active booking's check-in window, if any is active.
    pub fn next_close(&self, plans: &impl Plans) -> Option<NaiveDateTime> {
        self.bookings
            .values()
            .filter(|b| b.status == Status::Active)
            .map(|b| Desk::closes(b, plans))
            .min()
    }

    /// Active bookings whose check-in window closed before `now`, in code order.
    fn no_shows(&self, now: NaiveDateTime, plans: &impl Plans) -> Vec<Decided> {
        let mut gone: Vec<String> = self
            .bookings
            .values()
            .filter(|b| b.status == Status::Active)
            .filter(|b| Desk::closes(b, plans) < now)
            .map(|b| b.code.clone())
            .collect();
        gone.sort();
        gone.into_iter()
            .map(|code| Decided::NoShow { code })
            .collect()
    }

    /// Put back a booking as the store keeps it (the desk rebuilt at start).
    pub fn restore(&mut self, b: Booking) {
        let status = b.status;
        let code = b.code.clone();
        self.apply(&Decided::Booked(Booking {
            status: Status::Active,
            ..b
        }));
        if status != Status::Active {
            self.set_status(&code, status);
        }
    }

    /// Apply a decision (as decided, or replayed from the log).
    pub fn apply(&mut self, d: &Decided) {
        match d {
            Decided::Booked(b) => {
                *self
                    .taken
                    .entry((b.service.clone(), b.date, b.session))
                    .or_default() += 1;
                self.by_person
                    .entry(b.person.clone())
                    .or_default()
                    .insert(b.code.clone());
                self.by_id.insert(b.id, b.code.clone());
                self.bookings.insert(b.code.clone(), b.clone());
            }
            Decided::Cancelled { code } => self.set_status(code, Status::Cancelled),
            Decided::CheckedIn { code, .. } => self.set_status(code, Status::CheckedIn),
            Decided::NoShow { code } => self.set_status(code, Status::NoShow),
            Decided::Rescheduled {
                code,
                date,
                session,
            } => {
                let Some(b) = self.bookings.get_mut(code) else {
                    return;
                };
                let old = (b.service.clone(), b.date, b.session);
                b.date = *date;
                b.session = *session;
                let new = (b.service.clone(), *date, *session);
                if let Some(n) = self.taken.get_mut(&old) {
                    *n = n.saturating_sub(1);
                }
                *self.taken.entry(new).or_default() += 1;
            }
        }
    }

    fn set_status(&mut self, code: &str, status: Status) {
        let Some(b) = self.bookings.get_mut(code) else {
            return;
        };
        let held = b.status.holds_seat();
        b.status = status;
        if held && !status.holds_seat() {
            let key = (b.service.clone(), b.date, b.session);
            if let Some(n) = self.taken.get_mut(&key) {
                *n = n.saturating_sub(1);
            }
        }
    }

    fn active(&self, code: &str) -> Result<&Booking, Refused> {
        let b = self.bookings.get(code).ok_or(Refused::UnknownCode)?;
        match b.status {
            Status::Active => Ok(b),
            other => Err(Refused::NotActive(other)),
        }
    }

    fn seat_free(
        &self,
        plan: &Plan,
        service: &str,
        date: NaiveDate,
        session: usize,
        now: NaiveDateTime,
        plans: &impl Plans,
    ) -> Result<(), Refused> {
        plan.bookable(date, session, now, plans.building_closed())
            .map_err(Refused::Time)?;
        if self.taken(service, date, session) >= plan.seats_per_session {
            return Err(Refused::Full);
        }
        Ok(())
    }

    /// The rules against calo, for `person` booking `service` on `date` (`moving`: the booking
    /// being rescheduled, which does not count against itself).
    fn person_may_book(
        &self,
        person: &str,
        service: &str,
        date: NaiveDate,
        now: NaiveDateTime,
        limits: Limits,
        moving: Option<&str>,
    ) -> Result<(), Refused> {
        let codes = self.by_person.get(person).into_iter().flatten();
        let mine = codes.filter_map(|c| self.bookings.get(c)).filter(|b| {
            b.status == Status::Active && b.date >= now.date() && Some(b.code.as_str()) != moving
        });
        let mut count = 0;
        for b in mine {
            if b.service == service && b.date == date {
                return Err(Refused::SameDay);
            }
            count += 1;
        }
        if count >= limits.max_active_per_person {
            return Err(Refused::TooMany(limits.max_active_per_person));
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "desk_tests.rs"]
mod tests;
