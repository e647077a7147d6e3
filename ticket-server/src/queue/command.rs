//! What a client may ask of the queue ([`Command`]), what it is answered ([`Reply`], or a
//! [`QueueError`] saying why not), and what a command leaves to commit ([`Outcome`] of [`Logged`]
//! events). Types only: deciding is in `decide`, applying in `apply`.

use std::sync::Arc;

use antri_wire::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;

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
    /// Nothing but the passing of time (the day may roll over, alerts may be raised or
    /// cleared). `silent`: the devices without a live connection for longer than the alerts'
    /// limit (the server knows the connections; the hall does not).
    Tick {
        silent: std::collections::BTreeSet<String>,
    },
    /// A supervisor or admin (the actor) acknowledges an alert: the dashboard stops sounding.
    AcknowledgeAlert(u64),
    /// A visitor rates a finished ticket of today, 1..=4 (checked by the caller). Rated by
    /// tracking code, the event is attributed to the visitor by the ticket's number.
    Rate {
        by: RateBy,
        score: u8,
    },
    /// A visitor answers the full SKM survey for a finished ticket of today (answers and profile
    /// checked by the caller); by tracking code, attributed to the visitor by the ticket's number.
    Survey {
        by: RateBy,
        answers: crate::skm::Answers,
        respondent: Respondent,
    },
    /// An admin's new configuration takes effect (already checked by `config`). `base` is the
    /// configuration it was edited from: if another change came first, this one is refused rather
    /// than silently undoing it.
    /// Online booking, decided by the hall's booking desk (see `booking::desk`).
    Booking(BookingCommand),
    Reconfigure {
        base: Arc<Config>,
        config: Arc<Config>,
        section: String,
        summary: String,
    },
}

/// What a visitor (through the booking page) or a kiosk asks of a booking.
#[derive(Clone, Debug)]
pub enum BookingCommand {
    /// `holder.code` is made by the caller (randomness is I/O); the NIK is already hashed and
    /// masked (`holder.person`, `holder.nik_masked`).
    Book {
        service: String,
        date: chrono::NaiveDate,
        session: usize,
        holder: Holder,
    },
    Cancel {
        code: String,
    },
    Reschedule {
        code: String,
        date: chrono::NaiveDate,
        session: usize,
    },
    /// A kiosk: the visitor is here; a ticket is issued, placed at the session's start.
    CheckIn {
        code: String,
        category: Category,
        tracking_code: String,
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
    /// A booking after the command (its holder's view is built from it).
    Booking(Box<crate::booking::desk::Booking>),
    /// Checked in: the ticket, and the booking it came from.
    CheckedIn {
        issued: Box<IssuedTicket>,
        booking: Box<crate::booking::desk::Booking>,
    },
    /// An alert after the command.
    Alert(Box<antri_wire::alert::Alert>),
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
    #[error("no alert {0} is in force")]
    UnknownAlert(u64),
    #[error("alert {id} was already acknowledged by {by}")]
    AlreadyAcknowledged { id: u64, by: String },
    #[error("ticket {0} has already been rated; one rating per ticket")]
    AlreadyRated(String),
    #[error("ticket {0} has already had its survey; one survey per ticket")]
    AlreadySurveyed(String),
    #[error("ticket {number} was not served at loket {counter}, so its tablet cannot rate it")]
    NotRatedHere { counter: u32, number: String },
    #[error("{0}")]
    ConfigConflict(String),
    #[error("{0}")]
    Booking(crate::booking::desk::Refused),
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
    /// On a booking's `made` only: who holds it. Like the tracking code, in no event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
    /// On `survey_submitted` only: the respondent's profile and suggestion. Visitor text and
    /// personal circumstances: stored for the SKM report, in no event, log line or stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<Respondent>,
}

/// What a survey's respondent told about themselves (each part optional) and suggested.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Respondent {
    pub profile: crate::skm::Profile,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// Who holds a booking: its code (the visitor's key), the NIK's keyed hash and masked form, and
/// the phone number if the visitor agreed to reminders.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Holder {
    pub code: String,
    pub person: String,
    pub nik_masked: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

impl std::ops::Deref for Logged {
    type Target = Event;
    fn deref(&self) -> &Event {
        &self.event
    }
}
