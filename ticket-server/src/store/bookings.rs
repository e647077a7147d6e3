//! The bookings table: the desk rebuilt from it at start, a holder's booking read by its code,
//! seats left per session, and personal data erased after its retention.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;
use crate::booking::desk::{Booking, Desk, Status};

fn status_of(s: &str) -> Status {
    match s {
        "checked_in" => Status::CheckedIn,
        "cancelled" => Status::Cancelled,
        "no_show" => Status::NoShow,
        _ => Status::Active,
    }
}

fn booking_of(r: &rusqlite::Row) -> rusqlite::Result<Booking> {
    Ok(Booking {
        id: r.get::<_, i64>(0)? as u64,
        code: r.get(1)?,
        service: r.get(2)?,
        date: r.get::<_, String>(3)?.parse().unwrap_or_default(),
        session: r.get::<_, i64>(4)? as usize,
        person: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
        nik_masked: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        status: status_of(&r.get::<_, String>(7)?),
    })
}

const COLUMNS: &str = "id, code, service, date, session, person, nik_masked, status";

/// The desk as the log left it: every booking for `from` and later (all of them without a day).
pub fn load_desk(conn: &Connection, from: Option<NaiveDate>) -> Result<Desk, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM bookings WHERE date >= ?1 ORDER BY id"
    ))?;
    let from = from.map(|d| d.to_string()).unwrap_or_default();
    let mut desk = Desk::default();
    let rows = stmt.query_map([from], booking_of)?;
    for b in rows {
        desk.restore(b?);
    }
    Ok(desk)
}

/// A booking by its code, whatever its date, and whether its holder agreed to reminders.
pub fn by_code(conn: &Connection, code: &str) -> Result<Option<(Booking, bool)>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS}, phone IS NOT NULL FROM bookings WHERE code = ?1"),
            [code],
            |r| Ok((booking_of(r)?, r.get::<_, bool>(8)?)),
        )
        .optional()?)
}

/// Erase the NIK's hash and mask and the phone number of bookings for dates before `before`
/// (the visit plus the retention), keeping what statistics need. Returns how many were erased.
pub fn erase_personal_data(
    conn: &Connection,
    before: NaiveDate,
    at: i64,
) -> Result<usize, StoreError> {
    // The log's own copy first: a booking's `made` entry carries its holder (the NIK's hash and
    // mask, the phone) beside the event, never served but stored; it goes with the rest. Only
    // the code stays, which the bookings table keeps too.
    conn.execute(
        "UPDATE events SET payload = json_remove(payload, '$.holder.person',
                 '$.holder.nik_masked', '$.holder.phone')
         WHERE type = 'booking' AND json_extract(payload, '$.holder.person') IS NOT NULL
           AND json_extract(payload, '$.booking.id') IN
               (SELECT id FROM bookings WHERE date < ?1 AND erased_at IS NULL)",
        params![before.to_string()],
    )?;
    Ok(conn.execute(
        "UPDATE bookings SET person = NULL, nik_masked = NULL, phone = NULL, erased_at = ?2
         WHERE date < ?1 AND erased_at IS NULL",
        params![before.to_string(), at],
    )?)
}

/// The masked NIK of the booking a ticket was checked in from; `None` for a walk-in ticket,
/// `Some(None)` once the mask was erased.
pub fn nik_of_ticket(
    conn: &Connection,
    ticket_id: u64,
) -> Result<Option<Option<String>>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT nik_masked FROM bookings WHERE ticket_id = ?1",
            [ticket_id as i64],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?)
}

/// Bookings of dates `from..=to` counted per (service, session, status).
pub fn counts(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, u32, String, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT service, session, status, COUNT(*) FROM bookings
         WHERE date BETWEEN ?1 AND ?2 GROUP BY service, session, status ORDER BY service, session",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)? as u64))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Waits (seconds from ticket to first call) of the called tickets of days `from..=to` in the
/// services that had bookings then: (service, booked?, wait).
pub fn waits(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, bool, u32)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.service, b.id IS NOT NULL, MAX(t.first_called_at - t.issued_at, 0)
         FROM tickets t LEFT JOIN bookings b ON b.ticket_id = t.id
         WHERE t.day BETWEEN ?1 AND ?2 AND t.first_called_at IS NOT NULL
           AND t.service IN (SELECT DISTINCT service FROM bookings WHERE date BETWEEN ?1 AND ?2)",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as u32))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
