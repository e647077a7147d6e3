//! Appending to and reading from the event log.

use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{Event, EventKind, TicketView};
use rusqlite::{params, Connection, OptionalExtension};

use super::record::Record;
use super::{projection, service_days, StoreError};
use crate::config::Config;
use crate::queue::{Hall, Logged};

pub fn type_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::TicketIssued { .. } => "ticket_issued",
        EventKind::TicketCalled { .. } => "ticket_called",
        EventKind::TicketServing { .. } => "ticket_serving",
        EventKind::TicketDone { .. } => "ticket_done",
        EventKind::TicketNoShow { .. } => "ticket_no_show",
        EventKind::TicketTransferred { .. } => "ticket_transferred",
        EventKind::TicketCancelled { .. } => "ticket_cancelled",
        EventKind::CounterChanged { .. } => "counter_changed",
        EventKind::DayStarted { .. } => "day_started",
        EventKind::DeviceStatus { .. } => "device_status",
        EventKind::TicketRated { .. } => "ticket_rated",
        EventKind::SurveySubmitted { .. } => "survey_submitted",
        EventKind::ConfigChanged { .. } => "config_changed",
        EventKind::Booking { .. } => "booking",
        EventKind::PersonalDataErased { .. } => "personal_data_erased",
        EventKind::AlertRaised { .. } => "alert_raised",
        EventKind::AlertAcknowledged { .. } => "alert_acknowledged",
        EventKind::AlertCleared { .. } => "alert_cleared",
    }
}

pub(super) fn status_name(t: &TicketView) -> String {
    serde_json::to_value(t.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(super) fn actor_kind_name(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::User => "user",
        ActorKind::Device => "device",
        ActorKind::Visitor => "visitor",
        ActorKind::System => "system",
    }
}

/// Append events and update the ticket projection, all in one transaction, and commit: when this
/// returns Ok the events are durable. `in_force` is the configuration the events were decided
/// under (it describes the days a `day_started` closes: see `service_days`).
pub fn append(
    conn: &mut Connection,
    events: &[Logged],
    in_force: &Config,
) -> Result<(), StoreError> {
    append_batch(conn, events, &[], in_force)
}

/// [`append`], also storing the configuration documents that `config_changed` events of this
/// batch put into force (keyed by the event's seq), in the same transaction. `in_force` is the
/// configuration before the batch; each of `configs` replaces it at its event.
pub fn append_batch(
    conn: &mut Connection,
    events: &[Logged],
    configs: &[(u64, Arc<Config>)],
    in_force: &Config,
) -> Result<(), StoreError> {
    let mut in_force = in_force;
    // IMMEDIATE: the write lock is taken (waiting out the busy timeout) at the start. A deferred
    // transaction that reads first (a day's start describes the closed days) and writes after
    // fails at once with "database is locked" when another connection — a login's session, the
    // messages' outbox — committed in between, since its snapshot can no longer become a write.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for logged in events {
        let e = &logged.event;
        if let EventKind::DayStarted { day, .. } = &e.kind {
            // Before the rollup (the event's trigger) reads them.
            service_days::describe_closed_days(&tx, in_force, *day)?;
        }
        insert_event(&tx, logged)?;
        match &e.kind {
            EventKind::ConfigChanged {
                version, section, ..
            } => in_force = projection::keep_config(&tx, e, configs, in_force, *version, section)?,
            EventKind::DayStarted { day, .. } => projection::expire_before(&tx, *day)?,
            EventKind::PersonalDataErased { before } => {
                super::bookings::erase_personal_data(&tx, *before, e.at.timestamp())?;
                super::messages::erase_personal_data(&tx, *before, e.at.timestamp_millis())?;
            }
            _ => {}
        }
        projection::project_ticket(&tx, logged)?;
        projection::project_booking(&tx, logged)?;
    }
    tx.commit()?;
    Ok(())
}

/// The entry itself, in the store's own versioned form (see `record`), which keeps the tracking
/// code of an issued ticket; what is served is converted from it to the public `Event`, which has
/// no place for it.
fn insert_event(tx: &Connection, logged: &Logged) -> Result<(), StoreError> {
    let e = &logged.event;
    tx.prepare_cached(
        "INSERT INTO events (seq, at, day, type, actor_kind, actor_id, ticket_id, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.seq as i64,
        e.at.to_rfc3339(),
        e.at.date_naive().to_string(),
        type_name(&e.kind),
        actor_kind_name(e.actor.kind),
        e.actor.id,
        e.kind.ticket().map(|t| t.id as i64),
        Record::of(logged).encode(),
    ])?;
    Ok(())
}

/// A stored entry with its secret, for rebuilding the hall: decoded as the store's [`Record`] of
/// whatever format it was written in (databases written before the code moved out of the ticket
/// kept it in `ticket.tracking_code` of `ticket_issued`), then converted to the log entry.
pub fn decode_logged(seq: i64, payload: &str) -> Result<Logged, StoreError> {
    Record::decode(payload)
        .map(Record::into_logged)
        .map_err(|e| StoreError::Corrupt {
            seq: u64::try_from(seq).unwrap_or_default(),
            reason: e.to_string(),
        })
}

/// A stored entry as it may be served: the public event only. The conversion to [`Event`] drops
/// the tracking code (it has no field for it), and a visitor's action stored by an older version
/// under the code is attributed by the ticket's number instead.
pub fn decode_public(seq: i64, payload: &str) -> Result<Event, StoreError> {
    let mut e = decode_logged(seq, payload)?.event;
    if e.actor.kind == ActorKind::Visitor {
        if let Some(t) = e.kind.ticket() {
            e.actor = Actor {
                kind: ActorKind::Visitor,
                id: t.number.clone(),
            };
        }
    }
    Ok(e)
}

/// Rebuild the hall from the log: the current day's events (from its `day_started`) and the
/// latest status of each device. Ticket ids and sequence numbers continue over the whole history.
///
/// Each configuration is applied where it took effect, as the running hall did: the day starts
/// from the version in force before its `day_started` (the file's, kept as version 0 at the first
/// admin change; `config` for a database from before that), and each `config_changed` of the day
/// puts its version into force at its own sequence number. So a restart rebuilds exactly the hall
/// that was running, priority streaks and all. Last, `config` (what the server starts with) is put
/// into force: a no-op when it is the newest version, a reconfiguration at the restart when the
/// file changed meanwhile.
pub fn load_hall(conn: &Connection, config: Arc<Config>) -> Result<Hall, StoreError> {
    let max_seq: i64 =
        conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0))?;
    let max_id: i64 =
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM tickets", [], |r| r.get(0))?;
    let day_start: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM events WHERE type = 'day_started'",
        [],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT seq, payload FROM events
         WHERE seq >= ?1
            OR seq IN (SELECT MAX(seq) FROM events WHERE type = 'device_status' GROUP BY actor_id)
         ORDER BY seq",
    )?;
    let at_day_start = conn
        .query_row(
            "SELECT version, document FROM config_versions WHERE version < ?1
             ORDER BY version DESC LIMIT 1",
            [day_start],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)),
        )
        .optional()?;
    let mut hall = Hall::new(match at_day_start {
        Some((version, document)) => stored_config(version, &document)?,
        None => config.clone(),
    });
    let mut version_doc =
        conn.prepare("SELECT document FROM config_versions WHERE version = ?1")?;
    let mut rows = stmt.query([day_start])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let payload: String = row.get(1)?;
        let entry = decode_logged(seq, &payload)?;
        hall.apply(&entry);
        if let EventKind::ConfigChanged { version, .. } = &entry.event.kind {
            let document: Option<String> = version_doc
                .query_row([*version as i64], |r| r.get(0))
                .optional()?;
            // A version missing from the table (never, since both are written in one
            // transaction) leaves the hall as it is rather than refusing to start.
            if let Some(document) = document {
                hall.reconfigure(stored_config(*version, &document)?);
            }
        }
    }
    hall.resume_from(max_seq as u64, max_id as u64 + 1);
    // Bookings made on earlier days are not in today's events: the desk as the log left it.
    let desk = super::bookings::load_desk(conn, hall.day())?;
    hall.set_desk(desk);
    hall.reconfigure(config);
    Ok(hall)
}

/// A stored configuration version, read back.
fn stored_config(version: u64, document: &str) -> Result<Arc<Config>, StoreError> {
    serde_json::from_str(document)
        .map_err(|e| e.to_string())
        .and_then(|doc| Config::from_document(doc).map_err(|e| e.to_string()))
        .map(Arc::new)
        .map_err(|reason| StoreError::Corrupt {
            seq: version,
            reason: format!("stored configuration version {version}: {reason}"),
        })
}

/// The newest configuration an admin saved: (version, when, by whom, document as JSON).
pub fn latest_config(
    conn: &Connection,
) -> Result<Option<(u64, String, String, String)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT version, at, actor_id, document FROM config_versions
             ORDER BY version DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?)
}

/// The rating of a ticket of any day.
pub fn rating_of(conn: &Connection, ticket_id: u64) -> Result<Option<u8>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT score FROM ratings WHERE ticket_id = ?1",
            [ticket_id as i64],
            |r| r.get(0),
        )
        .optional()?)
}

/// Events after `after`, oldest first, at most `limit`, as they may be served (no secrets).
pub fn events_after(conn: &Connection, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
    // No sequence number is beyond SQLite's i64 (and `as i64` would wrap to the log's start).
    let (Ok(after), Ok(limit)) = (i64::try_from(after), i64::try_from(limit)) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn
        .prepare_cached("SELECT seq, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let mut rows = stmt.query(params![after, limit])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode_public(row.get(0)?, &row.get::<_, String>(1)?)?);
    }
    Ok(out)
}

/// The oldest and newest sequence numbers in the log.
pub fn seq_range(conn: &Connection) -> Result<(u64, u64), StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM events",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )?)
}

/// A ticket of any day, by its tracking code.
pub fn ticket_by_code(conn: &Connection, code: &str) -> Result<Option<TicketView>, StoreError> {
    let row: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, view FROM tickets WHERE tracking_code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((id, view)) => {
            serde_json::from_str(&view)
                .map(Some)
                .map_err(|e| StoreError::Corrupt {
                    seq: id as u64,
                    reason: e.to_string(),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ticket_issued` and `ticket_cancelled` as a version before the code left the ticket stored
    /// them: the code inside the ticket, and the visitor named by it.
    const LEGACY_ISSUED: &str = r#"{"seq":2,"at":"2026-11-24T09:00:00+07:00","actor":{"kind":"device","id":"kiosk-1"},"waiting":{"ktp":1},"type":"ticket_issued","ticket":{"id":1,"number":"KTP-001","service":"ktp","category":"regular","status":"waiting","day":"2026-11-24","issued_at":"2026-11-24T09:00:00+07:00","queued_at":"2026-11-24T09:00:00+07:00","called_at":null,"counter":null,"tracking_code":"OLDCODE234","calls":0,"transferred_from":null}}"#;
    const LEGACY_CANCELLED: &str = r#"{"seq":3,"at":"2026-11-24T09:01:00+07:00","actor":{"kind":"visitor","id":"OLDCODE234"},"waiting":{"ktp":0},"type":"ticket_cancelled","ticket":{"id":1,"number":"KTP-001","service":"ktp","category":"regular","status":"cancelled","day":"2026-11-24","issued_at":"2026-11-24T09:00:00+07:00","queued_at":"2026-11-24T09:00:00+07:00","called_at":null,"counter":null,"tracking_code":"OLDCODE234","calls":0,"transferred_from":null}}"#;

    #[test]
    fn an_older_databases_codes_still_find_tickets_but_are_never_served() {
        let issued = decode_logged(2, LEGACY_ISSUED).unwrap();
        assert_eq!(issued.tracking_code.as_deref(), Some("OLDCODE234"));
        for (seq, payload) in [(2, LEGACY_ISSUED), (3, LEGACY_CANCELLED)] {
            let served = serde_json::to_string(&decode_public(seq, payload).unwrap()).unwrap();
            assert!(!served.contains("OLDCODE234"), "{served}");
        }
        let cancelled = decode_public(3, LEGACY_CANCELLED).unwrap();
        assert_eq!(cancelled.actor.kind, ActorKind::Visitor);
        assert_eq!(cancelled.actor.id, "KTP-001");
    }
}
