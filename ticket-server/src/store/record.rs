//! The stored form of a log entry: the store's own types, with a format version, separate from
//! the wire types.
//!
//! Every building's history is in this form, so it must read back whatever later happens to
//! `antri_wire` (a renamed field, a new variant): the log is decoded into these types and then
//! converted, field by field, to the public [`Event`]. A change to the wire types changes the
//! conversion, never what the log means. The conversions match exhaustively in both directions,
//! so a new event kind does not compile until the store says how to keep it.
//!
//! **Format 1** (`"v":1`) is the JSON that Antri has stored since the first release: the wire event
//! of that time with, on `ticket_issued`, the ticket's `tracking_code` beside it (entries from
//! before the field `v` existed have no `v` and are format 1; the oldest kept the code inside the
//! ticket). `tests/fixtures/events-v1.jsonl` holds every kind as this version writes it, and
//! `tests/stored_format.rs` reads it back: a later version must keep reading it. To change the
//! stored form, add format 2 beside format 1 (and a fixture), never edit format 1.

use std::collections::BTreeMap;

use antri_wire::alert::{Alert, AlertKind};
use antri_wire::booking::{BookingChange, BookingEvent};
use antri_wire::event::{Actor, ActorKind};
use antri_wire::{
    Category, CounterState, CounterView, DeviceReport, Event, EventKind, PauseReason,
    PrinterStatus, Text, TicketStatus, TicketView,
};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::queue::{Holder, Logged, Respondent};

/// The format this version writes.
pub const FORMAT: u32 = 1;

fn format_1() -> u32 {
    1
}

/// One entry of the log as stored (`events.payload`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Record {
    /// The format version; absent in entries written before it was stated (format 1).
    #[serde(default = "format_1")]
    pub v: u32,
    pub seq: u64,
    pub at: DateTime<FixedOffset>,
    pub actor: ActorRecord,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiting: BTreeMap<String, u32>,
    /// Absent in entries written before booking (none could be booked).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub waiting_booked: BTreeMap<String, u32>,
    #[serde(flatten)]
    pub kind: KindRecord,
    /// On `ticket_issued` only: the visitor's proof, never served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_code: Option<String>,
    /// On a booking's `made` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<HolderRecord>,
    /// On `survey_submitted` only: the respondent's profile and suggestion, never served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respondent: Option<RespondentRecord>,
}

/// A survey's respondent: each profile part by its key (`skm::elements`), each optional.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct RespondentRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl RespondentRecord {
    fn of(r: &Respondent) -> RespondentRecord {
        let p = &r.profile;
        RespondentRecord {
            sex: p.sex.map(|v| v.key().to_string()),
            age: p.age.map(|v| v.key().to_string()),
            education: p.education.map(|v| v.key().to_string()),
            occupation: p.occupation.map(|v| v.key().to_string()),
            suggestion: r.suggestion.clone(),
        }
    }

    /// A key this version does not know (a later one's list) reads as not given.
    fn into_respondent(self) -> Respondent {
        use crate::skm::elements::{AgeGroup, Education, Occupation, Sex};
        Respondent {
            profile: crate::skm::Profile {
                sex: self.sex.as_deref().and_then(Sex::from_key),
                age: self.age.as_deref().and_then(AgeGroup::from_key),
                education: self.education.as_deref().and_then(Education::from_key),
                occupation: self.occupation.as_deref().and_then(Occupation::from_key),
            },
            suggestion: self.suggestion,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ActorRecord {
    pub kind: ActorKindRecord,
    pub id: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ActorKindRecord {
    User,
    Device,
    Visitor,
    System,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KindRecord {
    TicketIssued {
        ticket: TicketRecord,
    },
    TicketCalled {
        ticket: TicketRecord,
        counter: u32,
        recall: bool,
    },
    TicketServing {
        ticket: TicketRecord,
        counter: u32,
    },
    TicketDone {
        ticket: TicketRecord,
        counter: u32,
    },
    TicketNoShow {
        ticket: TicketRecord,
        counter: u32,
    },
    TicketTransferred {
        ticket: TicketRecord,
        from: String,
        counter: Option<u32>,
    },
    TicketCancelled {
        ticket: TicketRecord,
    },
    CounterChanged {
        counter: CounterRecord,
    },
    DayStarted {
        day: NaiveDate,
        expired: u32,
    },
    DeviceStatus {
        device: String,
        report: DeviceReportRecord,
    },
    TicketRated {
        ticket: TicketRecord,
        counter: Option<u32>,
        score: u8,
    },
    SurveySubmitted {
        ticket: TicketRecord,
        counter: Option<u32>,
        answers: [u8; 9],
    },
    ConfigChanged {
        version: u64,
        section: String,
        summary: String,
    },
    Booking {
        booking: BookingRecord,
        #[serde(flatten)]
        change: BookingChangeRecord,
    },
    PersonalDataErased {
        before: NaiveDate,
    },
    AlertRaised {
        alert: AlertRecord,
    },
    AlertAcknowledged {
        id: u64,
    },
    AlertCleared {
        id: u64,
    },
}

/// An alert as stored when raised (its acknowledgement is an event of its own).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AlertRecord {
    pub id: u64,
    pub kind: AlertKindRecord,
    pub subject: String,
    pub message: TextRecord,
    pub raised_at: DateTime<FixedOffset>,
}

/// Words in both languages.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TextRecord {
    pub id: String,
    pub en: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum AlertKindRecord {
    WaitOverTarget,
    PausedTooLong,
    Printer,
    DeviceSilent,
    QuotaLow,
}

impl AlertRecord {
    fn of(a: &Alert) -> AlertRecord {
        AlertRecord {
            id: a.id,
            kind: match a.kind {
                AlertKind::WaitOverTarget => AlertKindRecord::WaitOverTarget,
                AlertKind::PausedTooLong => AlertKindRecord::PausedTooLong,
                AlertKind::Printer => AlertKindRecord::Printer,
                AlertKind::DeviceSilent => AlertKindRecord::DeviceSilent,
                AlertKind::QuotaLow => AlertKindRecord::QuotaLow,
            },
            subject: a.subject.clone(),
            message: TextRecord {
                id: a.message.id.clone(),
                en: a.message.en.clone(),
            },
            raised_at: a.raised_at,
        }
    }

    fn into_wire(self) -> Alert {
        Alert {
            id: self.id,
            kind: match self.kind {
                AlertKindRecord::WaitOverTarget => AlertKind::WaitOverTarget,
                AlertKindRecord::PausedTooLong => AlertKind::PausedTooLong,
                AlertKindRecord::Printer => AlertKind::Printer,
                AlertKindRecord::DeviceSilent => AlertKind::DeviceSilent,
                AlertKindRecord::QuotaLow => AlertKind::QuotaLow,
            },
            subject: self.subject,
            message: Text {
                id: self.message.id,
                en: self.message.en,
            },
            raised_at: self.raised_at,
            acknowledged_by: None,
            acknowledged_at: None,
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BookingRecord {
    pub id: u64,
    pub service: String,
    pub date: NaiveDate,
    pub session: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum BookingChangeRecord {
    Made,
    Rescheduled {
        from_date: NaiveDate,
        from_session: u32,
    },
    Cancelled,
    CheckedIn {
        ticket: u64,
    },
    NoShow,
}

/// On a booking's `made` only: who holds it (never served; the NIK only as its keyed hash and its
/// masked form, the phone only with consent).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct HolderRecord {
    pub code: String,
    /// Empty once erased after the retention (the whole holder but its code is removed then).
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub nik_masked: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TicketRecord {
    pub id: u64,
    pub number: String,
    pub service: String,
    pub category: CategoryRecord,
    pub status: TicketStatusRecord,
    pub day: NaiveDate,
    pub issued_at: DateTime<FixedOffset>,
    pub queued_at: DateTime<FixedOffset>,
    pub called_at: Option<DateTime<FixedOffset>>,
    pub counter: Option<u32>,
    pub calls: u32,
    pub transferred_from: Option<String>,
    /// A booked visitor's session; absent for walk-ins (and in entries from before booking).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked: Option<String>,
    /// Where the oldest databases kept the code; read (and moved to [`Record::tracking_code`]),
    /// never written.
    #[serde(default, skip_serializing)]
    pub tracking_code: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum CategoryRecord {
    Regular,
    Elderly,
    Disability,
    PregnantOrInfant,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatusRecord {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Expired,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CounterRecord {
    pub number: u32,
    pub name: String,
    pub services: Vec<String>,
    pub state: CounterStateRecord,
    pub current: Option<TicketRecord>,
    pub officer: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CounterStateRecord {
    Open,
    Paused {
        reason: PauseReasonRecord,
        note: Option<String>,
        since: DateTime<FixedOffset>,
    },
    Closed,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum PauseReasonRecord {
    Break,
    Prayer,
    SystemIssue,
    Other,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DeviceReportRecord {
    pub printer: PrinterStatusRecord,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum PrinterStatusRecord {
    Ok,
    PaperNearEnd,
    PaperOut,
    CoverOpen,
    Offline,
    Disconnected,
    Error,
}

/// Why a stored entry cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "stored in format {0}, which this version of Antri does not know (it knows up to {FORMAT})"
    )]
    UnknownFormat(u32),
}

impl Record {
    /// Read a stored entry of any known format.
    pub fn decode(payload: &str) -> Result<Record, RecordError> {
        let mut record: Record = serde_json::from_str(payload)?;
        if record.v > FORMAT || record.v == 0 {
            return Err(RecordError::UnknownFormat(record.v));
        }
        if record.tracking_code.is_none() {
            if let KindRecord::TicketIssued { ticket } = &mut record.kind {
                record.tracking_code = ticket.tracking_code.take();
            }
        }
        Ok(record)
    }

    /// The stored text of a record (always the current [`FORMAT`]).
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("records always serialise")
    }

    /// The record of a log entry, as this version stores it.
    pub fn of(logged: &Logged) -> Record {
        let e = &logged.event;
        Record {
            v: FORMAT,
            seq: e.seq,
            at: e.at,
            actor: ActorRecord {
                kind: match e.actor.kind {
                    ActorKind::User => ActorKindRecord::User,
                    ActorKind::Device => ActorKindRecord::Device,
                    ActorKind::Visitor => ActorKindRecord::Visitor,
                    ActorKind::System => ActorKindRecord::System,
                },
                id: e.actor.id.clone(),
            },
            waiting: e.waiting.clone(),
            waiting_booked: e.waiting_booked.clone(),
            kind: KindRecord::of(&e.kind),
            tracking_code: logged.tracking_code.clone(),
            holder: logged.holder.as_ref().map(|h| HolderRecord {
                code: h.code.clone(),
                person: h.person.clone(),
                nik_masked: h.nik_masked.clone(),
                phone: h.phone.clone(),
            }),
            respondent: logged.respondent.as_ref().map(RespondentRecord::of),
        }
    }

    /// The log entry this record stores.
    pub fn into_logged(self) -> Logged {
        Logged {
            event: Event {
                seq: self.seq,
                at: self.at,
                actor: Actor {
                    kind: match self.actor.kind {
                        ActorKindRecord::User => ActorKind::User,
                        ActorKindRecord::Device => ActorKind::Device,
                        ActorKindRecord::Visitor => ActorKind::Visitor,
                        ActorKindRecord::System => ActorKind::System,
                    },
                    id: self.actor.id,
                },
                waiting: self.waiting,
                waiting_booked: self.waiting_booked,
                kind: self.kind.into_wire(),
            },
            tracking_code: self.tracking_code,
            holder: self.holder.map(|h| Holder {
                code: h.code,
                person: h.person,
                nik_masked: h.nik_masked,
                phone: h.phone,
            }),
            respondent: self.respondent.map(RespondentRecord::into_respondent),
        }
    }
}

impl KindRecord {
    // Long by design, like `into_wire`: one arm per event kind, exhaustive both ways, so a new kind
    // does not compile until the store says how it keeps it.
    fn of(kind: &EventKind) -> KindRecord {
        let t = TicketRecord::of;
        match kind {
            EventKind::TicketIssued { ticket } => KindRecord::TicketIssued { ticket: t(ticket) },
            EventKind::TicketCalled {
                ticket,
                counter,
                recall,
            } => KindRecord::TicketCalled {
                ticket: t(ticket),
                counter: *counter,
                recall: *recall,
            },
            EventKind::TicketServing { ticket, counter } => KindRecord::TicketServing {
                ticket: t(ticket),
                counter: *counter,
            },
            EventKind::TicketDone { ticket, counter } => KindRecord::TicketDone {
                ticket: t(ticket),
                counter: *counter,
            },
            EventKind::TicketNoShow { ticket, counter } => KindRecord::TicketNoShow {
                ticket: t(ticket),
                counter: *counter,
            },
            EventKind::TicketTransferred {
                ticket,
                from,
                counter,
            } => KindRecord::TicketTransferred {
                ticket: t(ticket),
                from: from.clone(),
                counter: *counter,
            },
            EventKind::TicketCancelled { ticket } => {
                KindRecord::TicketCancelled { ticket: t(ticket) }
            }
            EventKind::CounterChanged { counter } => KindRecord::CounterChanged {
                counter: CounterRecord::of(counter),
            },
            EventKind::DayStarted { day, expired } => KindRecord::DayStarted {
                day: *day,
                expired: *expired,
            },
            EventKind::DeviceStatus { device, report } => KindRecord::DeviceStatus {
                device: device.clone(),
                report: DeviceReportRecord::of(report),
            },
            EventKind::TicketRated {
                ticket,
                counter,
                score,
            } => KindRecord::TicketRated {
                ticket: t(ticket),
                counter: *counter,
                score: *score,
            },
            EventKind::SurveySubmitted {
                ticket,
                counter,
                answers,
            } => KindRecord::SurveySubmitted {
                ticket: t(ticket),
                counter: *counter,
                answers: *answers,
            },
            EventKind::ConfigChanged {
                version,
                section,
                summary,
            } => KindRecord::ConfigChanged {
                version: *version,
                section: section.clone(),
                summary: summary.clone(),
            },
            EventKind::PersonalDataErased { before } => {
                KindRecord::PersonalDataErased { before: *before }
            }
            EventKind::AlertRaised { alert } => KindRecord::AlertRaised {
                alert: AlertRecord::of(alert),
            },
            EventKind::AlertAcknowledged { id } => KindRecord::AlertAcknowledged { id: *id },
            EventKind::AlertCleared { id } => KindRecord::AlertCleared { id: *id },
            EventKind::Booking { booking, change } => KindRecord::Booking {
                booking: BookingRecord {
                    id: booking.id,
                    service: booking.service.clone(),
                    date: booking.date,
                    session: booking.session,
                },
                change: match change {
                    BookingChange::Made => BookingChangeRecord::Made,
                    BookingChange::Rescheduled {
                        from_date,
                        from_session,
                    } => BookingChangeRecord::Rescheduled {
                        from_date: *from_date,
                        from_session: *from_session,
                    },
                    BookingChange::Cancelled => BookingChangeRecord::Cancelled,
                    BookingChange::CheckedIn { ticket } => {
                        BookingChangeRecord::CheckedIn { ticket: *ticket }
                    }
                    BookingChange::NoShow => BookingChangeRecord::NoShow,
                },
            },
        }
    }

    fn into_wire(self) -> EventKind {
        match self {
            KindRecord::TicketIssued { ticket } => EventKind::TicketIssued {
                ticket: ticket.into_wire(),
            },
            KindRecord::TicketCalled {
                ticket,
                counter,
                recall,
            } => EventKind::TicketCalled {
                ticket: ticket.into_wire(),
                counter,
                recall,
            },
            KindRecord::TicketServing { ticket, counter } => EventKind::TicketServing {
                ticket: ticket.into_wire(),
                counter,
            },
            KindRecord::TicketDone { ticket, counter } => EventKind::TicketDone {
                ticket: ticket.into_wire(),
                counter,
            },
            KindRecord::TicketNoShow { ticket, counter } => EventKind::TicketNoShow {
                ticket: ticket.into_wire(),
                counter,
            },
            KindRecord::TicketTransferred {
                ticket,
                from,
                counter,
            } => EventKind::TicketTransferred {
                ticket: ticket.into_wire(),
                from,
                counter,
            },
            KindRecord::TicketCancelled { ticket } => EventKind::TicketCancelled {
                ticket: ticket.into_wire(),
            },
            KindRecord::CounterChanged { counter } => EventKind::CounterChanged {
                counter: counter.into_wire(),
            },
            KindRecord::DayStarted { day, expired } => EventKind::DayStarted { day, expired },
            KindRecord::DeviceStatus { device, report } => EventKind::DeviceStatus {
                device,
                report: report.into_wire(),
            },
            KindRecord::TicketRated {
                ticket,
                counter,
                score,
            } => EventKind::TicketRated {
                ticket: ticket.into_wire(),
                counter,
                score,
            },
            KindRecord::SurveySubmitted {
                ticket,
                counter,
                answers,
            } => EventKind::SurveySubmitted {
                ticket: ticket.into_wire(),
                counter,
                answers,
            },
            KindRecord::ConfigChanged {
                version,
                section,
                summary,
            } => EventKind::ConfigChanged {
                version,
                section,
                summary,
            },
            KindRecord::PersonalDataErased { before } => EventKind::PersonalDataErased { before },
            KindRecord::AlertRaised { alert } => EventKind::AlertRaised {
                alert: alert.into_wire(),
            },
            KindRecord::AlertAcknowledged { id } => EventKind::AlertAcknowledged { id },
            KindRecord::AlertCleared { id } => EventKind::AlertCleared { id },
            KindRecord::Booking { booking, change } => EventKind::Booking {
                booking: BookingEvent {
                    id: booking.id,
                    service: booking.service,
                    date: booking.date,
                    session: booking.session,
                },
                change: match change {
                    BookingChangeRecord::Made => BookingChange::Made,
                    BookingChangeRecord::Rescheduled {
                        from_date,
                        from_session,
                    } => BookingChange::Rescheduled {
                        from_date,
                        from_session,
                    },
                    BookingChangeRecord::Cancelled => BookingChange::Cancelled,
                    BookingChangeRecord::CheckedIn { ticket } => {
                        BookingChange::CheckedIn { ticket }
                    }
                    BookingChangeRecord::NoShow => BookingChange::NoShow,
                },
            },
        }
    }
}

impl TicketRecord {
    fn of(t: &TicketView) -> TicketRecord {
        TicketRecord {
            id: t.id,
            number: t.number.clone(),
            service: t.service.clone(),
            category: match t.category {
                Category::Regular => CategoryRecord::Regular,
                Category::Elderly => CategoryRecord::Elderly,
                Category::Disability => CategoryRecord::Disability,
                Category::PregnantOrInfant => CategoryRecord::PregnantOrInfant,
            },
            status: match t.status {
                TicketStatus::Waiting => TicketStatusRecord::Waiting,
                TicketStatus::Called => TicketStatusRecord::Called,
                TicketStatus::Serving => TicketStatusRecord::Serving,
                TicketStatus::Done => TicketStatusRecord::Done,
                TicketStatus::NoShow => TicketStatusRecord::NoShow,
                TicketStatus::Cancelled => TicketStatusRecord::Cancelled,
                TicketStatus::Expired => TicketStatusRecord::Expired,
            },
            day: t.day,
            issued_at: t.issued_at,
            queued_at: t.queued_at,
            called_at: t.called_at,
            counter: t.counter,
            calls: t.calls,
            transferred_from: t.transferred_from.clone(),
            booked: t.booked.clone(),
            tracking_code: None,
        }
    }

    fn into_wire(self) -> TicketView {
        TicketView {
            id: self.id,
            number: self.number,
            service: self.service,
            category: match self.category {
                CategoryRecord::Regular => Category::Regular,
                CategoryRecord::Elderly => Category::Elderly,
                CategoryRecord::Disability => Category::Disability,
                CategoryRecord::PregnantOrInfant => Category::PregnantOrInfant,
            },
            status: match self.status {
                TicketStatusRecord::Waiting => TicketStatus::Waiting,
                TicketStatusRecord::Called => TicketStatus::Called,
                TicketStatusRecord::Serving => TicketStatus::Serving,
                TicketStatusRecord::Done => TicketStatus::Done,
                TicketStatusRecord::NoShow => TicketStatus::NoShow,
                TicketStatusRecord::Cancelled => TicketStatus::Cancelled,
                TicketStatusRecord::Expired => TicketStatus::Expired,
            },
            day: self.day,
            issued_at: self.issued_at,
            queued_at: self.queued_at,
            called_at: self.called_at,
            counter: self.counter,
            calls: self.calls,
            transferred_from: self.transferred_from,
            booked: self.booked,
        }
    }
}

impl CounterRecord {
    fn of(c: &CounterView) -> CounterRecord {
        CounterRecord {
            number: c.number,
            name: c.name.clone(),
            services: c.services.clone(),
            state: match &c.state {
                CounterState::Open => CounterStateRecord::Open,
                CounterState::Paused {
                    reason,
                    note,
                    since,
                } => CounterStateRecord::Paused {
                    reason: match reason {
                        PauseReason::Break => PauseReasonRecord::Break,
                        PauseReason::Prayer => PauseReasonRecord::Prayer,
                        PauseReason::SystemIssue => PauseReasonRecord::SystemIssue,
                        PauseReason::Other => PauseReasonRecord::Other,
                    },
                    note: note.clone(),
                    since: *since,
                },
                CounterState::Closed => CounterStateRecord::Closed,
            },
            current: c.current.as_ref().map(TicketRecord::of),
            officer: c.officer.clone(),
        }
    }

    fn into_wire(self) -> CounterView {
        CounterView {
            number: self.number,
            name: self.name,
            services: self.services,
            state: match self.state {
                CounterStateRecord::Open => CounterState::Open,
                CounterStateRecord::Paused {
                    reason,
                    note,
                    since,
                } => CounterState::Paused {
                    reason: match reason {
                        PauseReasonRecord::Break => PauseReason::Break,
                        PauseReasonRecord::Prayer => PauseReason::Prayer,
                        PauseReasonRecord::SystemIssue => PauseReason::SystemIssue,
                        PauseReasonRecord::Other => PauseReason::Other,
                    },
                    note,
                    since,
                },
                CounterStateRecord::Closed => CounterState::Closed,
            },
            current: self.current.map(TicketRecord::into_wire),
            officer: self.officer,
        }
    }
}

impl DeviceReportRecord {
    fn of(r: &DeviceReport) -> DeviceReportRecord {
        DeviceReportRecord {
            printer: match r.printer {
                PrinterStatus::Ok => PrinterStatusRecord::Ok,
                PrinterStatus::PaperNearEnd => PrinterStatusRecord::PaperNearEnd,
                PrinterStatus::PaperOut => PrinterStatusRecord::PaperOut,
                PrinterStatus::CoverOpen => PrinterStatusRecord::CoverOpen,
                PrinterStatus::Offline => PrinterStatusRecord::Offline,
                PrinterStatus::Disconnected => PrinterStatusRecord::Disconnected,
                PrinterStatus::Error => PrinterStatusRecord::Error,
            },
            detail: r.detail.clone(),
        }
    }

    fn into_wire(self) -> DeviceReport {
        DeviceReport {
            printer: match self.printer {
                PrinterStatusRecord::Ok => PrinterStatus::Ok,
                PrinterStatusRecord::PaperNearEnd => PrinterStatus::PaperNearEnd,
                PrinterStatusRecord::PaperOut => PrinterStatus::PaperOut,
                PrinterStatusRecord::CoverOpen => PrinterStatus::CoverOpen,
                PrinterStatusRecord::Offline => PrinterStatus::Offline,
                PrinterStatusRecord::Disconnected => PrinterStatus::Disconnected,
                PrinterStatusRecord::Error => PrinterStatus::Error,
            },
            detail: self.detail,
        }
    }
}
