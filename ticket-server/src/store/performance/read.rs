//! Reading the log for [`super::Walk`]: the range's part of it, the lokets as configured where it
//! begins and at each change, and the closed days already walked.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use super::{LoketServices, Tallies, Tally, Walk};
use crate::config::Config;
use crate::store::StoreError;

/// The events that may change a figure (devices' reports, ratings and bookings do not).
const TYPES: &str = "'day_started', 'counter_changed', 'config_changed', 'ticket_issued', \
    'ticket_called', 'ticket_serving', 'ticket_done', 'ticket_no_show', 'ticket_transferred', \
    'ticket_cancelled'";

/// The tallies of the days `from..=to`; `now` ends what still runs today. Days before today come
/// from [`CLOSED`] once walked; the rest is walked from the log.
pub fn tallies(
    conn: &Connection,
    current: &Config,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<Tallies, StoreError> {
    let today = now.date_naive();
    let db = conn.path().unwrap_or_default().to_string();
    let mut out = Tallies::new();
    // The first day to walk: the first of the range not known yet, or today.
    let mut walk_from = from;
    if let Some(known) = CLOSED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&db)
        .filter(|_| !db.is_empty())
    {
        while walk_from <= to && walk_from < today {
            let Some(rows) = known.get(&walk_from) else {
                break;
            };
            out.extend(
                rows.iter()
                    .map(|(o, t)| ((walk_from, o.clone()), t.clone())),
            );
            match walk_from.succ_opt() {
                Some(next) => walk_from = next,
                None => break,
            }
        }
    }
    if walk_from > to {
        return Ok(out);
    }
    let walked = walk_log(conn, current, walk_from, to, now)?;
    remember_closed(
        &db,
        walk_from,
        to.min(today.pred_opt().unwrap_or(today)),
        &walked,
    );
    out.extend(walked);
    Ok(out)
}

/// A closed day's tallies never change (the log only grows, and only today gets events), so each
/// is walked once per process: database path → day → (username, tally).
static CLOSED: std::sync::LazyLock<std::sync::Mutex<ClosedDays>> =
    std::sync::LazyLock::new(Default::default);

type ClosedDays = HashMap<String, BTreeMap<NaiveDate, Vec<(String, Tally)>>>;

/// Most days kept per database (two years); beyond, the oldest go.
const CLOSED_DAYS: usize = 732;

fn remember_closed(db: &str, from: NaiveDate, last: NaiveDate, walked: &Tallies) {
    if db.is_empty() || from > last {
        return;
    }
    let mut closed = CLOSED.lock().unwrap_or_else(|e| e.into_inner());
    let known = closed.entry(db.to_string()).or_default();
    for day in from.iter_days().take_while(|d| *d <= last) {
        let rows = walked
            .range((day, String::new())..)
            .take_while(|((d, _), _)| *d == day)
            .map(|((_, o), t)| (o.clone(), t.clone()))
            .collect();
        known.insert(day, rows);
    }
    while known.len() > CLOSED_DAYS {
        known.pop_first();
    }
}

/// The tallies of the days `from..=to`, walked from the log.
fn walk_log(
    conn: &Connection,
    current: &Config,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<Tallies, StoreError> {
    let Some((start, end)) = seq_bounds(conn, from, to)? else {
        return Ok(Tallies::new());
    };
    let lokets = lokets_at(conn, current, start)?;
    let versions = versions_between(conn, start, end)?;
    let mut walk = Walk::new(lokets, versions);
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, payload FROM events WHERE seq >= ?1 AND seq < ?2 AND type IN ({TYPES})
         ORDER BY seq"
    ))?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        let e = crate::store::log::decode_public(row.get(0)?, &row.get::<_, String>(1)?)?;
        walk.step(&e);
    }
    Ok(walk.finish(now))
}

/// The log's part for the days `from..=to`: from the `day_started` of the first of them that has
/// one, up to (not including) the `day_started` of the first day after `to`.
fn seq_bounds(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Option<(i64, i64)>, StoreError> {
    let first = |cmp: &str, day: NaiveDate| -> Result<Option<i64>, StoreError> {
        Ok(conn.query_row(
            &format!("SELECT MIN(seq) FROM events WHERE type = 'day_started' AND day {cmp} ?1"),
            [day.to_string()],
            |r| r.get(0),
        )?)
    };
    let Some(start) = first(">=", from)? else {
        return Ok(None);
    };
    let end = match first(">", to)? {
        Some(end) => end,
        None => conn.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM events", [], |r| {
            r.get(0)
        })?,
    };
    Ok((start < end).then_some((start, end)))
}

/// The lokets as configured when the event `seq` was logged: the newest stored version before it
/// (see `log::load_hall`), or the configuration in force if none was ever stored.
fn lokets_at(
    conn: &Connection,
    current: &Config,
    seq: i64,
) -> Result<Vec<LoketServices>, StoreError> {
    let stored: Option<(i64, String)> = conn
        .query_row(
            "SELECT version, document FROM config_versions WHERE version < ?1
             ORDER BY version DESC LIMIT 1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match stored {
        Some((version, document)) => stored_lokets(version, &document),
        None => Ok(current
            .counters
            .iter()
            .map(|c| (c.number, c.services.clone()))
            .collect()),
    }
}

fn versions_between(
    conn: &Connection,
    start: i64,
    end: i64,
) -> Result<HashMap<u64, Vec<LoketServices>>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT version, document FROM config_versions WHERE version >= ?1 AND version < ?2",
    )?;
    let mut rows = stmt.query(params![start, end])?;
    let mut out = HashMap::new();
    while let Some(row) = rows.next()? {
        let version: i64 = row.get(0)?;
        out.insert(
            version as u64,
            stored_lokets(version, &row.get::<_, String>(1)?)?,
        );
    }
    Ok(out)
}

/// The lokets of a stored configuration document (its `counters`, in the file's shape).
fn stored_lokets(version: i64, document: &str) -> Result<Vec<LoketServices>, StoreError> {
    serde_json::from_str::<crate::config::raw::File>(document)
        .map(|f| {
            f.counters
                .into_iter()
                .map(|c| (c.number, c.services))
                .collect()
        })
        .map_err(|e| StoreError::Corrupt {
            seq: version as u64,
            reason: format!("stored configuration version {version}: {e}"),
        })
}
