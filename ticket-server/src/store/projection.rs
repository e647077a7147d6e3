//! What the log's entries change besides the log itself, in the same transaction: the `tickets`
//! row of each ticket (tracking, statistics' counts), its `visits` (one per stay in a queue:
//! statistics' waits and service times, see migration 0007), `ratings`, and the configuration
//! versions.

use std::sync::Arc;

use antri_wire::booking::BookingChange;
use antri_wire::event::ActorKind;
use antri_wire::{Event, EventKind, TicketView};
use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::log::{actor_kind_name, status_name};
use super::StoreError;
use crate::config::Config;
use crate::queue::Logged;

/// Store the configuration a `config_changed` put into force; it is in force from here on.
pub(super) fn keep_config<'a>(
    tx: &Connection,
    e: &Event,
    configs: &'a [(u64, Arc<Config>)],
    in_force: &Config,
    version: u64,
    section: &str,
) -> Result<&'a Config, StoreError> {
    let config = configs
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, c)| c)
        .ok_or_else(|| StoreError::Corrupt {
            seq: e.seq,
            reason: "a configuration change without its configuration".into(),
        })?;
    let document =
        serde_json::to_string(config.document.as_ref()).expect("configuration documents serialise");
    // The first change ever also keeps what it replaced (the file), as version 0: a restart later
    // that day must rebuild the day from the configuration it began with, not from the newest one
    // (see `load_hall`).
    let before = serde_json::to_string(in_force.document.as_ref())
        .expect("configuration documents serialise");
    tx.execute(
        "INSERT INTO config_versions (version, at, actor_id, section, document)
         SELECT 0, ?1, 'file', 'all', ?2
         WHERE NOT EXISTS (SELECT 1 FROM config_versions)",
        params![e.at.to_rfc3339(), before],
    )?;
    tx.prepare_cached(
        "INSERT INTO config_versions (version, at, actor_id, section, document)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        version as i64,
        e.at.to_rfc3339(),
        e.actor.id,
        section,
        document,
    ])?;
    Ok(config.as_ref())
}

/// Tickets of earlier days that were never finished end when a day starts: the queue forgets them
/// at that moment (`queue`'s day change), and the projection says so.
pub(super) fn expire_before(tx: &Connection, day: NaiveDate) -> Result<(), StoreError> {
    let day = day.to_string();
    tx.execute(
        "UPDATE tickets SET status = 'expired'
         WHERE day < ?1 AND status IN ('waiting', 'called', 'serving')",
        [&day],
    )?;
    tx.execute(
        "UPDATE visits SET outcome = 'expired' WHERE day < ?1 AND outcome IS NULL",
        [&day],
    )?;
    Ok(())
}

/// A `booking` event's row: made (with its holder), or its new status, date and session.
pub(super) fn project_booking(tx: &Connection, logged: &Logged) -> Result<(), StoreError> {
    let e = &logged.event;
    let EventKind::Booking { booking, change } = &e.kind else {
        return Ok(());
    };
    match change {
        BookingChange::Made => {
            let h = logged.holder.as_ref().ok_or_else(|| StoreError::Corrupt {
                seq: e.seq,
                reason: "a booking made without its holder".into(),
            })?;
            tx.prepare_cached(
                "INSERT INTO bookings (id, code, service, date, session, person, nik_masked, phone,
                                       status, made_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'active', ?9)",
            )?
            .execute(params![
                booking.id as i64,
                h.code,
                booking.service,
                booking.date.to_string(),
                booking.session,
                h.person,
                h.nik_masked,
                h.phone,
                e.at.timestamp(),
            ])?;
        }
        other => {
            let (status, ticket) = match other {
                BookingChange::Cancelled => ("cancelled", None),
                BookingChange::NoShow => ("no_show", None),
                BookingChange::CheckedIn { ticket } => ("checked_in", Some(*ticket as i64)),
                _ => ("active", None),
            };
            tx.prepare_cached(
                "UPDATE bookings SET status = ?2, date = ?3, session = ?4,
                     ticket_id = COALESCE(?5, ticket_id)
                 WHERE id = ?1",
            )?
            .execute(params![
                booking.id as i64,
                status,
                booking.date.to_string(),
                booking.session,
                ticket,
            ])?;
        }
    }
    Ok(())
}

/// The rows of the ticket an entry is about, if it is about one.
pub(super) fn project_ticket(tx: &Connection, logged: &Logged) -> Result<(), StoreError> {
    let e = &logged.event;
    let Some(t) = e.kind.ticket() else {
        return Ok(());
    };
    match &e.kind {
        EventKind::TicketRated { counter, score, .. } => {
            // The ticket itself did not change.
            return project_rating(tx, e, t, *counter, *score);
        }
        EventKind::SurveySubmitted {
            counter, answers, ..
        } => {
            return super::skm::project_survey(tx, logged, t, *counter, answers);
        }
        EventKind::TicketIssued { .. } => return project_issue(tx, logged, t),
        _ => {}
    }
    let at = e.at.timestamp();
    let officer = (e.actor.kind == ActorKind::User).then_some(e.actor.id.as_str());
    let (called, started, finished) = match e.kind {
        EventKind::TicketCalled { recall: false, .. } => (Some(at), None, None),
        EventKind::TicketServing { .. } => (None, Some(at), None),
        EventKind::TicketDone { .. } | EventKind::TicketNoShow { .. } => (None, None, Some(at)),
        _ => (None, None, None),
    };
    tx.prepare_cached(
        "UPDATE tickets SET service = ?2, status = ?3, calls = ?4, view = ?5,
             counter = COALESCE(?6, counter),
             first_called_at = COALESCE(first_called_at, ?7),
             started_at = COALESCE(?8, started_at),
             finished_at = COALESCE(?9, finished_at),
             officer = COALESCE(?10, officer)
         WHERE id = ?1",
    )?
    .execute(params![
        t.id as i64,
        t.service,
        status_name(t),
        t.calls,
        serde_json::to_string(t).expect("tickets always serialise"),
        t.counter,
        called,
        started,
        finished,
        officer,
    ])?;
    project_visit(tx, e, officer)
}

fn project_rating(
    tx: &Connection,
    e: &Event,
    ticket: &TicketView,
    counter: Option<u32>,
    score: u8,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO ratings (ticket_id, seq, day, service, counter, score, actor_kind, actor_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        ticket.id as i64,
        e.seq as i64,
        e.at.date_naive().to_string(),
        ticket.service,
        counter,
        score,
        actor_kind_name(e.actor.kind),
        e.actor.id,
    ])?;
    Ok(())
}

/// A new ticket's row (with its tracking code, which only the store keeps) and its first stay.
fn project_issue(tx: &Connection, logged: &Logged, t: &TicketView) -> Result<(), StoreError> {
    let e = &logged.event;
    let code = logged
        .tracking_code
        .as_deref()
        .ok_or_else(|| StoreError::Corrupt {
            seq: e.seq,
            reason: "an issued ticket without its tracking code".into(),
        })?;
    tx.prepare_cached(
        "INSERT INTO tickets (id, day, number, issued_service, service, category, status,
                              tracking_code, device, issued_at, view)
         VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(id) DO NOTHING",
    )?
    .execute(params![
        t.id as i64,
        t.day.to_string(),
        t.number,
        t.service,
        t.category.as_str(),
        status_name(t),
        code,
        (e.actor.kind == ActorKind::Device).then_some(&e.actor.id),
        t.issued_at.timestamp(),
        serde_json::to_string(t).expect("tickets always serialise"),
    ])?;
    open_visit(tx, t.id, &t.day, &t.service, t.issued_at.timestamp())
}

fn open_visit(
    tx: &Connection,
    ticket: u64,
    day: &NaiveDate,
    service: &str,
    queued_at: i64,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO visits (ticket_id, n, day, service, queued_at)
         VALUES (?1, (SELECT COALESCE(MAX(n) + 1, 0) FROM visits WHERE ticket_id = ?1), ?2, ?3, ?4)",
    )?
    .execute(params![ticket as i64, day.to_string(), service, queued_at])?;
    Ok(())
}

/// The ticket's current stay: called, started, ended — or ended by a transfer, which opens the
/// next stay in the destination's queue.
fn project_visit(tx: &Connection, e: &Event, officer: Option<&str>) -> Result<(), StoreError> {
    let at = e.at.timestamp();
    let (called, counter, started, ended) = match &e.kind {
        EventKind::TicketCalled { counter, .. } => (Some(at), Some(*counter), None, None),
        EventKind::TicketServing { counter, .. } => (None, Some(*counter), Some(at), None),
        EventKind::TicketDone { .. } => (None, None, None, Some("done")),
        EventKind::TicketNoShow { .. } => (None, None, None, Some("no_show")),
        EventKind::TicketCancelled { .. } => (None, None, None, Some("cancelled")),
        EventKind::TicketTransferred { .. } => (None, None, None, Some("transferred")),
        _ => return Ok(()),
    };
    let Some(t) = e.kind.ticket() else {
        return Ok(());
    };
    tx.prepare_cached(
        "UPDATE visits SET called_at = COALESCE(called_at, ?3),
             counter = COALESCE(?4, counter),
             officer = COALESCE(?5, officer),
             started_at = COALESCE(started_at, ?6),
             ended_at = CASE WHEN ?7 IS NULL THEN ended_at ELSE ?2 END,
             outcome = COALESCE(?7, outcome)
         WHERE ticket_id = ?1 AND n = (SELECT MAX(n) FROM visits WHERE ticket_id = ?1)",
    )?
    .execute(params![
        t.id as i64,
        at,
        called,
        counter,
        officer,
        started,
        ended
    ])?;
    if let EventKind::TicketTransferred { ticket, .. } = &e.kind {
        open_visit(tx, ticket.id, &ticket.day, &ticket.service, at)?;
    }
    Ok(())
}
