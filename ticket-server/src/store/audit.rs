//! The audit log as the admin page browses it: the event log filtered by day, actor and event
//! type, newest first, one page at a time.
//!
//! The types the filter takes are not listed by hand: [`kinds`] walks one sample of every
//! [`EventKind`] through the log's own `log::type_name`, and the walk ([`next_sample`]) matches
//! every variant without a wildcard, so a new kind of event does not compile until the walk
//! reaches it — and with it, the filter knows its name.

use std::sync::LazyLock;

use antri_wire::event::Event;
use antri_wire::{
    Category, CounterState, CounterView, DeviceReport, EventKind, PrinterStatus, TicketStatus,
    TicketView,
};
use chrono::{DateTime, NaiveDate};
use rusqlite::{params_from_iter, Connection};

use super::log::{self, type_name};
use super::StoreError;

/// What the admin asked for; `None` (or an empty text) filters nothing.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub actor: Option<String>,
    /// One of [`kinds`]; the caller checks it first.
    pub kind: Option<String>,
}

/// One page of the filtered log, newest first, and how many entries match in all.
pub fn page(
    conn: &Connection,
    filter: &AuditFilter,
    page: u32,
    per_page: u32,
) -> Result<(u64, Vec<Event>), StoreError> {
    let mut wheres = Vec::new();
    let mut args: Vec<String> = Vec::new();
    if let Some(f) = filter.from {
        args.push(f.to_string());
        wheres.push(format!("day >= ?{}", args.len()));
    }
    if let Some(t) = filter.to {
        args.push(t.to_string());
        wheres.push(format!("day <= ?{}", args.len()));
    }
    if let Some(a) = filter.actor.as_ref().filter(|a| !a.is_empty()) {
        args.push(a.clone());
        wheres.push(format!("actor_id = ?{}", args.len()));
    }
    if let Some(k) = filter.kind.as_ref().filter(|k| !k.is_empty()) {
        args.push(k.clone());
        wheres.push(format!("type = ?{}", args.len()));
    }
    let filter = if wheres.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", wheres.join(" AND "))
    };
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM events {filter}"),
        params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    // Both are u32, so the offset fits SQLite's i64 whatever a caller sends.
    let offset = u64::from(page) * u64::from(per_page);
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, payload FROM events {filter} ORDER BY seq DESC LIMIT {per_page} OFFSET {offset}"
    ))?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let payload: String = r.get(1)?;
        out.push(log::decode_public(seq, &payload)?);
    }
    Ok((total as u64, out))
}

/// Every event type of the log, as `log::type_name` stores it in the `type` column.
pub fn kinds() -> &'static [&'static str] {
    static KINDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let mut out = Vec::new();
        let mut sample = next_sample(None);
        while let Some(kind) = sample {
            out.push(type_name(&kind));
            sample = next_sample(Some(&kind));
        }
        out
    });
    &KINDS
}

/// A sample of each [`EventKind`] in turn: the first for `None`, then the one after the given
/// one's variant, `None` after the last. No wildcard arm: a new variant must be placed here.
fn next_sample(after: Option<&EventKind>) -> Option<EventKind> {
    let ticket = sample_ticket;
    Some(match after {
        None => EventKind::ConfigChanged {
            version: 0,
            section: String::new(),
            summary: String::new(),
        },
        Some(EventKind::ConfigChanged { .. }) => EventKind::TicketIssued { ticket: ticket() },
        Some(EventKind::TicketIssued { .. }) => EventKind::TicketCalled {
            ticket: ticket(),
            counter: 1,
            recall: false,
        },
        Some(EventKind::TicketCalled { .. }) => EventKind::TicketServing {
            ticket: ticket(),
            counter: 1,
        },
        Some(EventKind::TicketServing { .. }) => EventKind::TicketDone {
            ticket: ticket(),
            counter: 1,
        },
        Some(EventKind::TicketDone { .. }) => EventKind::TicketNoShow {
            ticket: ticket(),
            counter: 1,
        },
        Some(EventKind::TicketNoShow { .. }) => EventKind::TicketTransferred {
            ticket: ticket(),
            from: String::new(),
            counter: None,
        },
        Some(EventKind::TicketTransferred { .. }) => {
            EventKind::TicketCancelled { ticket: ticket() }
        }
        Some(EventKind::TicketCancelled { .. }) => EventKind::TicketRated {
            ticket: ticket(),
            counter: None,
            score: 4,
        },
        Some(EventKind::TicketRated { .. }) => EventKind::SurveySubmitted {
            ticket: ticket(),
            counter: None,
            answers: [4; 9],
        },
        Some(EventKind::SurveySubmitted { .. }) => EventKind::CounterChanged {
            counter: CounterView {
                number: 1,
                name: String::new(),
                services: Vec::new(),
                state: CounterState::Closed,
                current: None,
                officer: None,
            },
        },
        Some(EventKind::CounterChanged { .. }) => EventKind::DayStarted {
            day: NaiveDate::default(),
            expired: 0,
        },
        Some(EventKind::DayStarted { .. }) => EventKind::DeviceStatus {
            device: String::new(),
            report: DeviceReport {
                printer: PrinterStatus::Ok,
                detail: None,
            },
        },
        Some(EventKind::DeviceStatus { .. }) => EventKind::Booking {
            booking: antri_wire::booking::BookingEvent {
                id: 1,
                service: String::new(),
                date: NaiveDate::default(),
                session: 0,
            },
            change: antri_wire::booking::BookingChange::Made,
        },
        Some(EventKind::Booking { .. }) => EventKind::PersonalDataErased {
            before: NaiveDate::default(),
        },
        Some(EventKind::PersonalDataErased { .. }) => EventKind::AlertRaised {
            alert: antri_wire::alert::Alert {
                id: 1,
                kind: antri_wire::alert::AlertKind::Printer,
                subject: String::new(),
                message: antri_wire::Text {
                    id: String::new(),
                    en: String::new(),
                },
                raised_at: DateTime::UNIX_EPOCH.fixed_offset(),
                acknowledged_by: None,
                acknowledged_at: None,
            },
        },
        Some(EventKind::AlertRaised { .. }) => EventKind::AlertAcknowledged { id: 1 },
        Some(EventKind::AlertAcknowledged { .. }) => EventKind::AlertCleared { id: 1 },
        Some(EventKind::AlertCleared { .. }) => return None,
    })
}

fn sample_ticket() -> TicketView {
    let at = DateTime::UNIX_EPOCH.fixed_offset();
    TicketView {
        id: 1,
        number: String::new(),
        service: String::new(),
        category: Category::Regular,
        status: TicketStatus::Waiting,
        day: NaiveDate::default(),
        issued_at: at,
        queued_at: at,
        called_at: None,
        counter: None,
        calls: 0,
        transferred_from: None,
        booked: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_in_the_order_of_the_walk() {
        let kinds = kinds();
        let mut unique = kinds.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), kinds.len(), "{kinds:?}");
        // The eighteen kinds of today; a new one lengthens the walk (and this number).
        assert_eq!(kinds.len(), 18, "{kinds:?}");
        assert!(kinds.contains(&"config_changed") && kinds.contains(&"booking"));
    }
}
