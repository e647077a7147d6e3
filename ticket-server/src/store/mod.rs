//! SQLite storage: the append-only event log and what is derived from it.
//!
//! - [`migrations`]: versioned schema, tracked by `PRAGMA user_version`; a database written by a
//!   newer Antri is refused, not guessed at.
//! - [`audit`]: the audit log filtered and paged for the admin page.
//! - [`log`]: appending events (with the ticket projection, in the same transaction) and reading them
//!   back, for replay at start and for subscribers that resume.
//! - [`record`]: the stored form of an entry: the store's own types with a format version,
//!   converted to and from the wire's `Event`, so the log outlives changes to the wire.
//! - [`writer`]: the one thread that owns the write connection and group-commits.
//! - [`stats`]: statistics over a date range, from the rollup of closed days and the projection.
//! - [`performance`]: officer performance per officer and day, walked from the log itself.
//! - [`satisfaction`]: ratings and the IKM (Permenpan RB 14/2017 scale) over a date range.
//! - [`skm`]: the full SKM survey's answers and its report (NRR per element, IKM, grade).
//! - [`rollup`]: which parts of a range the daily/monthly rollup answers.
//! - [`service_days`]: what each service was (names, agency, target) on each closed day.
//! - [`backup`]: online backup and checked restore.
//! - [`messages`]: visitors' opt-ins to messages, the outbox and its delivery state.
//!
//! Durability: WAL with `synchronous=FULL`, so a commit that returned is on disk and survives
//! kill -9 and power loss. Throughput comes from many tickets sharing one commit, not from
//! weakening that.

pub mod audit;
pub mod backup;
pub mod bookings;
pub mod log;
pub mod messages;
pub mod migrations;
pub mod performance;
mod projection;
pub mod record;
#[cfg(test)]
mod replay_tests;
pub mod rollup;
pub mod satisfaction;
pub mod service_days;
pub mod skm;
pub mod stats;
pub mod writer;

use std::path::Path;

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database {path} was written by a newer Antri (schema version {found}, this build knows up to {known}); refusing to open it")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database {0} is already in use by another ticket server; two writers would hand out the same numbers")]
    InUse(String),
    #[error("cannot lock {path}: {source}")]
    Lock {
        path: String,
        source: std::io::Error,
    },
    #[error("corrupt event {seq} in the log: {reason}")]
    Corrupt { seq: u64, reason: String },
}

/// Held for as long as a server writes to a database: a second server on the same file is refused
/// (the lock is the OS's, so it is released even on kill -9).
pub struct WriterLock(#[allow(dead_code)] std::fs::File);

pub fn lock_for_writing(path: &Path) -> Result<WriterLock, StoreError> {
    let lock_path = path.with_extension("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| StoreError::Lock {
            path: lock_path.display().to_string(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(WriterLock(file)),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(StoreError::InUse(path.display().to_string()))
        }
        Err(std::fs::TryLockError::Error(source)) => Err(StoreError::Lock {
            path: lock_path.display().to_string(),
            source,
        }),
    }
}

/// Open (creating if needed) and migrate the database for writing.
pub fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrations::migrate(&conn, path)?;
    Ok(conn)
}

/// A read-only connection for queries that must not wait for the writer (WAL lets them run side
/// by side).
pub fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
