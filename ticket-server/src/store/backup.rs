//! Online backup and checked restore of a building's database.
//!
//! Backup uses SQLite's online backup API, copying every page in one step: in WAL mode that step
//! reads one consistent snapshot while the server keeps committing beside it (a reader never
//! blocks the writer), so a backup taken under load holds every ticket committed before it began.
//! (Copying a few pages at a time would restart whenever the server commits, and under a busy hall
//! might never finish.) The copy is written beside the target and renamed into place, so a
//! half-written backup never carries the real name.
//!
//! Restore refuses while a server holds the database (the same lock the server takes), checks the
//! backup's integrity before touching anything, copies it in, and migrates it to this build's schema.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no database at {0}")]
    NoDatabase(String),
    #[error("no backup at {0}")]
    NoBackup(String),
    #[error("{path} fails its integrity check: {result}")]
    Integrity { path: String, result: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        BackupError::Store(StoreError::Sqlite(e))
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What a database holds, for the operator to compare before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub tickets: u64,
    pub events: u64,
    pub last_day: Option<String>,
}

pub fn summary(conn: &Connection) -> Result<Summary, StoreError> {
    Ok(Summary {
        tickets: conn.query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get::<_, i64>(0))? as u64,
        events: conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0))? as u64,
        last_day: conn.query_row("SELECT MAX(day) FROM tickets", [], |r| r.get(0))?,
    })
}

fn copy_all(from: &Connection, to: &mut Connection) -> Result<(), BackupError> {
    let backup = Backup::new(from, to)?;
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            // Only while another connection holds a write lock on the target, or the source is
            // mid-checkpoint: brief.
            StepResult::Busy | StepResult::Locked | StepResult::More => {
                std::thread::sleep(Duration::from_millis(20))
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<(), BackupError> {
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| BackupError::Integrity {
            path: path.display().to_string(),
            result: e.to_string(),
        })?;
    if result == "ok" {
        Ok(())
    } else {
        Err(BackupError::Integrity {
            path: path.display().to_string(),
            result,
        })
    }
}

fn tmp_beside(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Copy the live database `db` to `to` (a new file; an existing one is replaced only when the
/// copy is complete and checked).
pub fn backup(db: &Path, to: &Path) -> Result<Summary, BackupError> {
    if !db.exists() {
        return Err(BackupError::NoDatabase(db.display().to_string()));
    }
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(Duration::from_secs(10))?;
    let tmp = tmp_beside(to);
    let _ = std::fs::remove_file(&tmp);
    let mut dst = Connection::open(&tmp)?;
    copy_all(&src, &mut dst)?;
    // A backup is one self-contained file: no WAL beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    check_integrity(&dst, to)?;
    let s = summary(&dst)?;
    drop(dst);
    std::fs::rename(&tmp, to).map_err(io(to))?;
    Ok(s)
}

/// Replace the database at `db` by the backup `from`. Refused while a server runs on `db`.
pub fn restore(from: &Path, db: &Path) -> Result<Summary, BackupError> {
    if !from.exists() {
        return Err(BackupError::NoBackup(from.display().to_string()));
    }
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let _lock = super::lock_for_writing(db)?;
    let src = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    check_integrity(&src, from)?;
    let mut dst = Connection::open(db)?;
    dst.busy_timeout(Duration::from_secs(10))?;
    copy_all(&src, &mut dst)?;
    drop(dst);
    let conn = super::open_writer(db)?;
    check_integrity(&conn, db)?;
    Ok(summary(&conn)?)
}
