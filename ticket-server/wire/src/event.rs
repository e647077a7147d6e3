//! The live event stream (`GET /api/v1/events`, Server-Sent Events).
//!
//! On connect without a position the server sends one `snapshot` (the whole hall, current to its
//! `seq`), then one `event` per log entry after it. A client that reconnects with `?after=N` (or
//! `Last-Event-ID: N`) gets every event after N from the log, in order, then the live ones — so a
//! display never misses a call. If N is unknown to the server (a wiped database), it gets a fresh
//! snapshot instead. The SSE `id` of each message is its sequence number.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::types::*;

/// One entry of the server's append-only log, as clients see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// The log's sequence number: strictly increasing, without gaps.
    pub seq: u64,
    pub at: DateTime<FixedOffset>,
    pub actor: Actor,
    /// Waiting count of each service this event changed, after it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiting: BTreeMap<String, u32>,
    /// Of those waiting, how many are booked visitors (checked in with a booking code), for the
    /// services this event changed that have any — or had one before it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiting_booked: BTreeMap<String, u32>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Who caused an event: the audit trail's "who".
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub kind: ActorKind,
    /// Username, device id, `server`, or for a visitor the number of their ticket (`KTP-012`;
    /// never the tracking code they acted with).
    pub id: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    User,
    Device,
    /// A visitor acting through their ticket's tracking code (cancelling or rating it). The
    /// actor's id is the ticket's number, not the code.
    Visitor,
    System,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            kind: ActorKind::System,
            id: "server".into(),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    TicketIssued {
        ticket: TicketView,
    },
    /// A ticket called to a loket; `recall` when it was called before.
    TicketCalled {
        ticket: TicketView,
        counter: u32,
        recall: bool,
    },
    TicketServing {
        ticket: TicketView,
        counter: u32,
    },
    TicketDone {
        ticket: TicketView,
        counter: u32,
    },
    TicketNoShow {
        ticket: TicketView,
        counter: u32,
    },
    /// The ticket keeps its number and its place by original arrival time in the new service.
    TicketTransferred {
        ticket: TicketView,
        from: String,
        counter: Option<u32>,
    },
    TicketCancelled {
        ticket: TicketView,
    },
    /// A loket opened, paused, resumed or closed.
    CounterChanged {
        counter: CounterView,
    },
    /// Local midnight passed: numbering starts again, yesterday's waiting tickets expire.
    DayStarted {
        day: NaiveDate,
        expired: u32,
    },
    DeviceStatus {
        device: String,
        report: DeviceReport,
    },
    /// A visitor rated a finished ticket (1 = Tidak baik … 4 = Sangat baik), on the loket's
    /// rating tablet or on their tracking page. One rating per ticket.
    TicketRated {
        ticket: TicketView,
        /// The loket that served the ticket.
        counter: Option<u32>,
        score: u8,
    },
    /// A visitor answered the full SKM survey (Permenpan RB 14/2017) for a finished ticket, on the
    /// loket's rating tablet or on their own phone: U1..U9, each 1..=4. One survey per ticket. The
    /// respondent's profile and suggestion are kept by the server beside the entry, in no event.
    SurveySubmitted {
        ticket: TicketView,
        /// The loket that served the ticket.
        counter: Option<u32>,
        answers: [u8; 9],
    },
    /// An admin changed the building's configuration; `version` is this event's sequence number.
    /// Clients re-read `/api/v1/services` (and what else they show) when they see it.
    ConfigChanged {
        version: u64,
        /// `building`, `agencies`, `services`, `counters`, `users` or `devices`.
        section: String,
        /// What changed, in words, for the audit log.
        summary: String,
    },
    /// At the start of a day: the masked NIKs, NIK hashes and phone numbers of bookings for dates
    /// before `before` were erased (their retention, `booking.retention_days`, passed), as UU
    /// 27/2022 asks; the bookings themselves stay for the statistics.
    PersonalDataErased {
        before: NaiveDate,
    },
    /// Online booking: a booking made, moved, cancelled, checked in or missed.
    Booking {
        booking: crate::booking::BookingEvent,
        #[serde(flatten)]
        change: crate::booking::BookingChange,
    },
    /// Something needs the supervisor (see [`crate::alert`]); raised once per cause.
    AlertRaised {
        alert: crate::alert::Alert,
    },
    /// A supervisor or admin (the event's actor) saw the alert: the dashboard stops sounding.
    AlertAcknowledged {
        id: u64,
    },
    /// The cause is gone (the queue is back within target, the loket resumed, …).
    AlertCleared {
        id: u64,
    },
}

impl EventKind {
    /// The ticket this event is about, if any.
    pub fn ticket(&self) -> Option<&TicketView> {
        match self {
            EventKind::TicketIssued { ticket }
            | EventKind::TicketCalled { ticket, .. }
            | EventKind::TicketServing { ticket, .. }
            | EventKind::TicketDone { ticket, .. }
            | EventKind::TicketNoShow { ticket, .. }
            | EventKind::TicketTransferred { ticket, .. }
            | EventKind::TicketCancelled { ticket }
            | EventKind::TicketRated { ticket, .. }
            | EventKind::SurveySubmitted { ticket, .. } => Some(ticket),
            _ => None,
        }
    }
}

/// A call as the hall display lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallView {
    pub seq: u64,
    pub number: String,
    pub service: String,
    pub counter: u32,
    pub at: DateTime<FixedOffset>,
    pub recall: bool,
}

/// The whole hall at one sequence number.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub seq: u64,
    pub building: BuildingView,
    pub agencies: Vec<AgencyView>,
    pub services: Vec<ServiceView>,
    pub counters: Vec<CounterView>,
    /// Newest first.
    pub recent_calls: Vec<CallView>,
    pub devices: Vec<DeviceView>,
}

/// Parsed message of the stream.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamMessage {
    Snapshot(Box<Snapshot>),
    Event(Box<Event>),
}

/// SSE event names used by the server.
pub const SSE_SNAPSHOT: &str = "snapshot";
pub const SSE_EVENT: &str = "event";
/// The per-ticket stream (`/api/v1/track/{code}/stream`): `data` is that ticket's `TrackView`.
pub const SSE_TRACK: &str = "track";

impl StreamMessage {
    /// Decode one SSE message from its `event:` name and `data:` text.
    pub fn decode(name: &str, data: &str) -> Result<Option<StreamMessage>, serde_json::Error> {
        Ok(match name {
            SSE_SNAPSHOT => Some(StreamMessage::Snapshot(Box::new(serde_json::from_str(
                data,
            )?))),
            SSE_EVENT => Some(StreamMessage::Event(Box::new(serde_json::from_str(data)?))),
            _ => None,
        })
    }

    pub fn seq(&self) -> u64 {
        match self {
            StreamMessage::Snapshot(s) => s.seq,
            StreamMessage::Event(e) => e.seq,
        }
    }
}
