//! Online booking on the wire: what the public booking page reads and sends, and what a kiosk
//! gets when a visitor checks in with a booking code.
//!
//! No NIK in clear ever leaves the server: a booking shows its masked form (`3271********0001`),
//! which the officer compares with the KTP. The booking code is the visitor's key, like a ticket's
//! tracking code: it is in the answers to its holder only, never in an event.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::types::{IssuedTicket, Text};

/// `GET /api/v1/booking`: the agencies and services that take bookings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingCatalog {
    pub building: String,
    /// How long a booking's masked NIK and phone number are kept after the visit.
    pub retention_days: u32,
    pub agencies: Vec<BookingAgency>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingAgency {
    pub id: String,
    pub name: Text,
    pub services: Vec<Named>,
}

/// An agency or a service: its id and its name in both languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: String,
    pub name: Text,
}

/// `GET /api/v1/booking/services/{service}/days`: the dates a visitor may look at, each session
/// with what is left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingDays {
    pub service: String,
    pub days: Vec<BookingDay>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingDay {
    pub date: NaiveDate,
    pub sessions: Vec<BookingSession>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
/// One session of a day, with what is left of it.
pub struct BookingSession {
    pub index: u32,
    /// Local times, "08:00".
    pub from: String,
    pub to: String,
    pub seats_left: u32,
    pub state: SessionState,
    /// When booking opens (local), for a session not open yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<NaiveDateTime>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Open,
    Full,
    NotYet,
    /// Started, or the date is closed.
    Over,
}

/// `POST /api/v1/bookings`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookRequest {
    pub service: String,
    pub date: NaiveDate,
    pub session: u32,
    /// As typed; checked for its structure and never stored in clear.
    pub nik: String,
    /// For reminders, kept only with `reminders` true.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub reminders: bool,
}

/// `POST /api/v1/bookings/{code}/reschedule`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RescheduleRequest {
    pub date: NaiveDate,
    pub session: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Active,
    CheckedIn,
    Cancelled,
    NoShow,
}

/// A booking as its holder sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingView {
    pub code: String,
    pub status: BookingStatus,
    pub service: Named,
    pub agency: Named,
    pub date: NaiveDate,
    pub session: u32,
    pub from: String,
    pub to: String,
    /// The check-in window at the kiosk, local "HH:MM".
    pub checkin_from: String,
    pub checkin_until: String,
    pub nik_masked: String,
    pub reminders: bool,
    /// What to bring, as the agency publishes it (empty when it published nothing).
    #[serde(default)]
    pub bring: Vec<Text>,
    /// What a visitor who comes after the check-in window gets, so the kiosk says the building's
    /// rule and offers a normal ticket only where the building gives one.
    #[serde(default)]
    pub late: LateArrival,
}

/// What a late arrival gets: a normal ticket (the booking is spent) or nothing (book again).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LateArrival {
    #[default]
    WalkIn,
    Refused,
}

/// `POST /api/v1/bookings/{code}/check-in` (a kiosk). Priority categories apply to booked visitors
/// too: the kiosk asks, as for a walk-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInRequest {
    #[serde(default = "regular")]
    pub category: crate::types::Category,
}

fn regular() -> crate::types::Category {
    crate::types::Category::Regular
}

/// `POST /api/v1/bookings/{code}/check-in` (a kiosk): the ticket, placed at the session's start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    pub issued: IssuedTicket,
    /// "09:00–10:00", printed on the ticket.
    pub session: String,
    pub nik_masked: String,
}

/// `GET /api/v1/counters/{n}/booking`: the booking behind the ticket at a loket now, for that
/// loket's officer to compare the masked NIK with the visitor's KTP (the booking is for the
/// person). Never in events or the counter views that devices read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoketBooking {
    /// The ticket's number (`PSP-004`).
    pub number: String,
    /// "09:00–10:00".
    pub session: String,
    /// `3271********0001`; absent once erased after the retention.
    pub nik_masked: Option<String>,
}

/// A booking as every subscriber may see it in the event stream: which seat, nothing about the
/// person and not the code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingEvent {
    pub id: u64,
    pub service: String,
    pub date: NaiveDate,
    pub session: u32,
}

/// What happened to a booking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum BookingChange {
    Made,
    /// Moved here from another date or session.
    Rescheduled {
        from_date: NaiveDate,
        from_session: u32,
    },
    Cancelled,
    /// Checked in at a kiosk: `ticket` is the ticket issued for it (the event before this one).
    CheckedIn {
        ticket: u64,
    },
    /// Not checked in by the end of its check-in window; its seat is not sold again.
    NoShow,
}

/// `GET /api/v1/stats/bookings`: what became of the bookings of a date range, per service and
/// session, and how long booked and walk-in visitors of those services waited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingFigures {
    pub sessions: Vec<SessionFigures>,
    pub waits: Vec<BookedWaits>,
}

/// One service's session over the range: bookings made for it and what became of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionFigures {
    pub service: Named,
    pub session: u32,
    /// "09:00–10:00" as configured now.
    pub time: String,
    pub made: u64,
    pub checked_in: u64,
    pub no_show: u64,
    pub cancelled: u64,
    /// Not checked in yet (the session is still to come).
    pub active: u64,
}

/// A bookable service's waits over the range, booked (check-in → first call) beside walk-in
/// (ticket → first call); medians in whole seconds, nearest-rank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookedWaits {
    pub service: Named,
    pub booked_called: u64,
    pub booked_wait_median_secs: Option<u32>,
    pub walk_in_called: u64,
    pub walk_in_wait_median_secs: Option<u32>,
}
