//! Versioned schema. Each migration is a plain SQL file applied in its own transaction; the
//! database's `user_version` says how many have been applied.

use std::path::Path;

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_event_log.sql"),
    include_str!("migrations/0002_ratings_and_config.sql"),
    include_str!("migrations/0003_stats_rollup.sql"),
    include_str!("migrations/0004_sessions.sql"),
    include_str!("migrations/0005_service_days.sql"),
    include_str!("migrations/0006_day_names.sql"),
    include_str!("migrations/0007_visits.sql"),
    include_str!("migrations/0008_bookings.sql"),
    include_str!("migrations/0009_messages.sql"),
    include_str!("migrations/0010_skm.sql"),
];

/// The schema version this build writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > VERSION {
        return Err(StoreError::TooNew {
            path: path.display().to_string(),
            found,
            known: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_newer_database_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let conn = super::super::open_writer(&path).unwrap();
        migrate(&conn, &path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, VERSION);
        conn.pragma_update(None, "user_version", VERSION + 1)
            .unwrap();
        drop(conn);
        let err = super::super::open_writer(&path).unwrap_err().to_string();
        assert!(err.contains("newer Antri"), "{err}");
    }
}
