//! The messages' tables (migration 0009): visitors' opt-ins, the outbox with its delivery state,
//! and the deriver's cursor on the event log. Written by the messages' own connection (see
//! `messages`), beside the writer thread's; only the erasure at a day's start runs in the
//! writer's transaction.

use antri_wire::messages::Delivery;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::StoreError;

/// A connection for the messages' reads and writes (WAL lets it run beside the writer's; its
/// transactions are a few rows, so the writer waits for them at most briefly).
///
/// `synchronous=NORMAL`: in WAL mode a commit then survives kill -9 (it is in the OS's cache)
/// but not a power cut, and costs no fsync — the deriver commits after every batch the writer
/// publishes, and must not double the writer's fsyncs. What a power cut could take back is
/// derived: the outbox rows and the cursor's move go together and are derived again from the log
/// (fsynced by the writer), and a lost outcome means a resend under the same key. A visitor's
/// opt-in is not derived: it is committed with a full sync ([`durably`]).
pub fn open(path: &std::path::Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Run `f` with `synchronous=FULL`: its commit is on disk when it returns (a power cut included).
pub fn durably<T>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let out = f(conn);
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    out
}

/// A message to queue.
#[derive(Clone, Debug, PartialEq)]
pub struct NewMessage {
    /// The idempotency key, unique in the outbox.
    pub key: String,
    pub kind: &'static str,
    pub ticket_id: Option<u64>,
    pub booking_id: Option<u64>,
    pub number: Option<String>,
    /// The JSON sent, without the phone number.
    pub body: String,
    pub phone_masked: Option<String>,
    pub day: NaiveDate,
    /// Unix ms: due from then.
    pub due_at: i64,
}

/// What the deriver does to the outbox for one event.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Queue(NewMessage),
    /// A booking cancelled, moved, checked in or missed: its pending reminder is not sent.
    CancelReminders {
        booking: u64,
    },
}

/// The last event the deriver handled.
pub fn cursor(conn: &Connection) -> Result<u64, StoreError> {
    let seq: i64 = conn.query_row("SELECT seq FROM message_cursor WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    Ok(seq as u64)
}

/// Apply the effects of the events up to `seq` and move the cursor there, in one transaction: a
/// crash before the commit leaves both as they were, so the events are derived again, and the
/// unique keys would make any repeat a no-op anyway.
pub fn commit_derived(
    conn: &mut Connection,
    effects: &[Effect],
    seq: u64,
    now_ms: i64,
) -> Result<(), StoreError> {
    // IMMEDIATE: see `log::append_batch`.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for e in effects {
        match e {
            Effect::Queue(m) => queue(&tx, m, now_ms)?,
            Effect::CancelReminders { booking } => {
                tx.prepare_cached(
                    "UPDATE outbox SET status = 'cancelled'
                     WHERE booking_id = ?1 AND kind = 'reminder' AND status = 'pending'",
                )?
                .execute([*booking as i64])?;
            }
        }
    }
    tx.execute(
        "UPDATE message_cursor SET seq = MAX(seq, ?1) WHERE id = 1",
        [seq as i64],
    )?;
    tx.commit()?;
    Ok(())
}

/// Queue a message once per key. A cancelled one comes back (a booking moved back to the session
/// it left, a visitor who stopped and opted in again); a pending, delivered or failed one stays.
fn queue(tx: &Connection, m: &NewMessage, now_ms: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO outbox (key, kind, ticket_id, booking_id, number, body, phone_masked, day,
                             created_at, next_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT(key) DO UPDATE SET status = 'pending', attempts = 0, next_at = excluded.next_at,
             body = excluded.body, last_error = NULL, http_status = NULL
         WHERE status = 'cancelled'",
    )?
    .execute(params![
        m.key,
        m.kind,
        m.ticket_id.map(|t| t as i64),
        m.booking_id.map(|b| b as i64),
        m.number,
        m.body,
        m.phone_masked,
        m.day.to_string(),
        now_ms,
        m.due_at,
    ])?;
    Ok(())
}

/// A visitor's opt-in for a ticket (again: the new number and places replace the old).
pub fn subscribe(
    conn: &Connection,
    ticket_id: u64,
    day: NaiveDate,
    phone: &str,
    masked: &str,
    places: u32,
    now_ms: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO message_contacts (ticket_id, day, phone, phone_masked, places, consented_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(ticket_id) DO UPDATE SET phone = excluded.phone,
             phone_masked = excluded.phone_masked, places = excluded.places,
             consented_at = excluded.consented_at, stopped_at = NULL",
        params![
            ticket_id as i64,
            day.to_string(),
            phone,
            masked,
            places,
            now_ms
        ],
    )?;
    Ok(())
}

/// A visitor stops: the number is erased now, and the ticket's unsent messages are not sent.
/// Returns the places they had chosen, if they had opted in.
pub fn unsubscribe(
    conn: &mut Connection,
    ticket_id: u64,
    now_ms: i64,
) -> Result<Option<u32>, StoreError> {
    // IMMEDIATE: see `log::append_batch`.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let places: Option<u32> = tx
        .query_row(
            "SELECT places FROM message_contacts WHERE ticket_id = ?1",
            [ticket_id as i64],
            |r| r.get(0),
        )
        .optional()?;
    tx.execute(
        "UPDATE message_contacts SET phone = NULL, phone_masked = NULL, stopped_at = ?2
         WHERE ticket_id = ?1",
        params![ticket_id as i64, now_ms],
    )?;
    tx.execute(
        "UPDATE outbox SET status = 'cancelled', last_error = 'stopped by the visitor'
         WHERE ticket_id = ?1 AND booking_id IS NULL AND status = 'pending'",
        [ticket_id as i64],
    )?;
    tx.commit()?;
    Ok(places)
}

/// Where a ticket's messages go, if its visitor agreed: their own opt-in, or the booking they
/// checked in with (its number, given with consent on the booking page).
#[derive(Clone, Debug, PartialEq)]
pub struct Recipient {
    pub booking: Option<u64>,
    pub phone_masked: String,
    /// `None`: the building's default.
    pub places: Option<u32>,
}

pub fn recipient_of_ticket(
    conn: &Connection,
    ticket_id: u64,
) -> Result<Option<Recipient>, StoreError> {
    let own = conn
        .prepare_cached(
            "SELECT phone_masked, places FROM message_contacts
             WHERE ticket_id = ?1 AND phone IS NOT NULL",
        )?
        .query_row([ticket_id as i64], |r| {
            Ok(Recipient {
                booking: None,
                phone_masked: r.get(0)?,
                places: Some(r.get(1)?),
            })
        })
        .optional()?;
    if own.is_some() {
        return Ok(own);
    }
    let booked = conn
        .prepare_cached(
            "SELECT id, phone FROM bookings WHERE ticket_id = ?1 AND phone IS NOT NULL LIMIT 1",
        )?
        .query_row([ticket_id as i64], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
        })
        .optional()?;
    Ok(booked.map(|(id, phone)| Recipient {
        booking: Some(id),
        phone_masked: crate::messages::phone::mask(&phone),
        places: None,
    }))
}

/// A booking's number, if its holder agreed to messages (and it is not erased yet).
pub fn booking_phone(conn: &Connection, booking: u64) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT phone FROM bookings WHERE id = ?1")?
        .query_row([booking as i64], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Today's tickets whose visitors want messages, with where they go: their own opt-ins and
/// booked visitors' (an opt-in wins, as in [`recipient_of_ticket`]).
pub fn ticket_recipients(
    conn: &Connection,
    day: NaiveDate,
) -> Result<Vec<(u64, Recipient)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT ticket_id, NULL, phone_masked, places FROM message_contacts
         WHERE day = ?1 AND phone IS NOT NULL
         UNION ALL
         SELECT ticket_id, id, phone, NULL FROM bookings
         WHERE date = ?1 AND ticket_id IS NOT NULL AND phone IS NOT NULL
           AND ticket_id NOT IN (SELECT ticket_id FROM message_contacts
                                 WHERE day = ?1 AND phone IS NOT NULL)",
    )?;
    let rows = stmt.query_map([day.to_string()], |r| {
        let booking = r.get::<_, Option<i64>>(1)?.map(|b| b as u64);
        let shown: String = r.get(2)?;
        Ok((
            r.get::<_, i64>(0)? as u64,
            Recipient {
                booking,
                // A booking's column is the number itself: masked here, never passed on.
                phone_masked: match booking {
                    Some(_) => crate::messages::phone::mask(&shown),
                    None => shown,
                },
                places: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A message due for an attempt, with the number to send it to (`None`: stopped or erased).
#[derive(Clone, Debug)]
pub struct Due {
    pub id: u64,
    pub key: String,
    pub body: String,
    pub attempts: u32,
    pub phone: Option<String>,
}

/// Messages due at `now_ms`, oldest first, at most `limit`.
pub fn due(conn: &Connection, now_ms: i64, limit: u32) -> Result<Vec<Due>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.key, o.body, o.attempts,
                CASE WHEN o.booking_id IS NOT NULL THEN b.phone
                     WHEN o.ticket_id IS NOT NULL THEN c.phone
                     -- About no visitor (a supervisor's alert): the gateway's own address book.
                     ELSE 'supervisor' END
         FROM outbox o
         LEFT JOIN bookings b ON b.id = o.booking_id
         LEFT JOIN message_contacts c ON c.ticket_id = o.ticket_id
         WHERE o.status = 'pending' AND o.next_at <= ?1
         ORDER BY o.next_at, o.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![now_ms, limit], |r| {
        Ok(Due {
            id: r.get::<_, i64>(0)? as u64,
            key: r.get(1)?,
            body: r.get(2)?,
            attempts: r.get(3)?,
            phone: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// When the next pending message is due (unix ms).
pub fn next_due(conn: &Connection) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT MIN(next_at) FROM outbox WHERE status = 'pending'",
        [],
        |r| r.get(0),
    )?)
}

/// What became of one attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempted {
    Delivered {
        http_status: u16,
    },
    /// Try again at `next_at` (unix ms).
    Retry {
        next_at: i64,
        error: String,
        http_status: Option<u16>,
    },
    /// No more attempts.
    Failed {
        error: String,
        http_status: Option<u16>,
    },
    /// Nobody to send it to any more (the visitor stopped, or the number was erased).
    NoRecipient,
}

pub fn record_attempt(
    conn: &Connection,
    id: u64,
    outcome: &Attempted,
    now_ms: i64,
) -> Result<(), StoreError> {
    let (status, next_at, error, http, counted) = match outcome {
        Attempted::Delivered { http_status } => ("delivered", None, None, Some(*http_status), true),
        Attempted::Retry {
            next_at,
            error,
            http_status,
        } => (
            "pending",
            Some(*next_at),
            Some(error.as_str()),
            *http_status,
            true,
        ),
        Attempted::Failed { error, http_status } => {
            ("failed", None, Some(error.as_str()), *http_status, true)
        }
        Attempted::NoRecipient => (
            "cancelled",
            None,
            Some("no phone number any more (stopped or erased)"),
            None,
            false,
        ),
    };
    conn.prepare_cached(
        "UPDATE outbox SET status = ?2, attempts = attempts + ?3,
             next_at = COALESCE(?4, next_at), last_error = COALESCE(?5, last_error),
             http_status = COALESCE(?6, http_status),
             delivered_at = CASE WHEN ?2 = 'delivered' THEN ?7 ELSE delivered_at END
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![
        id as i64,
        status,
        i64::from(counted),
        next_at,
        error,
        http,
        now_ms
    ])?;
    Ok(())
}

/// The newest `limit` messages, as the delivery log shows them; `time` writes a unix-ms instant.
pub fn log(
    conn: &Connection,
    limit: u32,
    time: impl Fn(i64) -> String,
) -> Result<Vec<Delivery>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, number, booking_id, phone_masked, status, attempts, last_error,
                http_status, created_at, next_at, delivered_at
         FROM outbox ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        let status: String = r.get(5)?;
        Ok(Delivery {
            id: r.get::<_, i64>(0)? as u64,
            kind: r.get(1)?,
            ticket: r.get(2)?,
            booking: r.get::<_, Option<i64>>(3)?.map(|b| b as u64),
            phone_masked: r.get(4)?,
            attempts: r.get(6)?,
            last_error: r.get(7)?,
            http_status: r.get(8)?,
            created_at: time(r.get(9)?),
            next_at: (status == "pending")
                .then(|| r.get(10).map(&time))
                .transpose()?,
            delivered_at: r.get::<_, Option<i64>>(11)?.map(&time),
            status,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Messages per status: (pending, delivered, failed).
pub fn counts(conn: &Connection) -> Result<(u64, u64, u64), StoreError> {
    Ok(conn.query_row(
        "SELECT COALESCE(SUM(status = 'pending'), 0), COALESCE(SUM(status = 'delivered'), 0),
                COALESCE(SUM(status = 'failed'), 0) FROM outbox",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)? as u64,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        },
    )?)
}

/// The retention (in the writer's transaction of `personal_data_erased`): visitors' numbers of
/// tickets before `before` are erased, and the messages about those days leave the delivery log
/// (what is left of them — masks, ticket numbers, times — is of no use after the retention).
pub fn erase_personal_data(
    conn: &Connection,
    before: NaiveDate,
    at_ms: i64,
) -> Result<usize, StoreError> {
    let before = before.to_string();
    let n = conn.execute(
        "UPDATE message_contacts SET phone = NULL, phone_masked = NULL, erased_at = ?2
         WHERE day < ?1 AND erased_at IS NULL",
        params![before, at_ms],
    )?;
    conn.execute("DELETE FROM outbox WHERE day < ?1", [before])?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(key: &str, kind: &'static str, booking: Option<u64>) -> NewMessage {
        NewMessage {
            key: key.into(),
            kind,
            ticket_id: booking.is_none().then_some(1),
            booking_id: booking,
            number: Some("KTP-001".into()),
            body: "{}".into(),
            phone_masked: Some("0812****7890".into()),
            day: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            due_at: 0,
        }
    }

    fn status(conn: &Connection, key: &str) -> (String, u32) {
        conn.query_row(
            "SELECT status, attempts FROM outbox WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    #[test]
    fn a_key_is_queued_once_and_the_cursor_moves_with_the_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open_writer(&dir.path().join("a.db")).unwrap();
        assert_eq!(cursor(&conn).unwrap(), 0);
        let called = Effect::Queue(message("ticket:1:called:5", "called", None));
        commit_derived(&mut conn, std::slice::from_ref(&called), 5, 0).unwrap();
        assert_eq!(cursor(&conn).unwrap(), 5);
        // Derived again (any repeat): still one row; a delivered message stays delivered.
        let id: i64 = conn
            .query_row("SELECT id FROM outbox", [], |r| r.get(0))
            .unwrap();
        record_attempt(
            &conn,
            id as u64,
            &Attempted::Delivered { http_status: 200 },
            1,
        )
        .unwrap();
        commit_derived(&mut conn, &[called], 5, 0).unwrap();
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        assert_eq!(status(&conn, "ticket:1:called:5"), ("delivered".into(), 1));
        // The cursor never goes back.
        commit_derived(&mut conn, &[], 3, 0).unwrap();
        assert_eq!(cursor(&conn).unwrap(), 5);
        // An attempt on a message that is no longer pending changes nothing.
        record_attempt(
            &conn,
            id as u64,
            &Attempted::Failed {
                error: "x".into(),
                http_status: None,
            },
            2,
        )
        .unwrap();
        assert_eq!(status(&conn, "ticket:1:called:5"), ("delivered".into(), 1));
    }

    #[test]
    fn a_reminder_called_off_comes_back_when_its_session_does() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::store::open_writer(&dir.path().join("a.db")).unwrap();
        let key = "booking:1:reminder:2026-11-24:1";
        let reminder = Effect::Queue(message(key, "reminder", Some(1)));
        commit_derived(&mut conn, std::slice::from_ref(&reminder), 1, 0).unwrap();
        commit_derived(&mut conn, &[Effect::CancelReminders { booking: 1 }], 2, 0).unwrap();
        assert_eq!(status(&conn, key), ("cancelled".into(), 0));
        commit_derived(&mut conn, &[reminder], 3, 0).unwrap();
        assert_eq!(status(&conn, key), ("pending".into(), 0));
    }
}
