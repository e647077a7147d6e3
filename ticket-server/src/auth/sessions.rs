//! Sessions on disk, so officers stay logged in across a restart or a kill -9.
//!
//! The table holds a keyed BLAKE2b hash of each token, never the token: a copy of the database (a
//! backup on a USB stick) does not let anyone act as an officer. The key is the building's own,
//! made at the first start and kept in the database beside the hashes.
//!
//! This connection is not the event log's writer: a session is not a queue event and must not
//! wait for, or slow, the group commit. It runs with `synchronous=NORMAL`: in WAL mode a commit
//! survives a killed process (the OS has the pages); only a power cut may lose the last logins,
//! and those officers log in again. Idle time is written at most once a minute per session.

use std::path::Path;
use std::sync::Mutex;

use blake2::digest::{consts::U32, KeyInit, Mac};
use blake2::Blake2bMac;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};

use crate::store::StoreError;

pub type TokenHash = [u8; 32];
pub type Key = [u8; 32];

/// How long a session lasts. The defaults fit an officer's day: a lunch or the Friday prayer
/// break does not log anyone out, and no session lives into the next working day.
#[derive(Clone, Debug)]
pub struct SessionPolicy {
    /// Unused for this long, a session ends.
    pub idle: Duration,
    /// However busy, a session ends this long after login.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::hours(4),
            absolute: Duration::hours(16),
        }
    }
}

/// How often the last-used time of a busy session is written to disk.
pub const TOUCH_EVERY: Duration = Duration::minutes(1);

#[derive(Clone, Debug)]
pub struct Session {
    pub username: String,
    /// [`tag`] of the password hash the user logged in with.
    pub password_tag: [u8; 16],
    pub created: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
    /// `last_used` as the database has it.
    pub stored_last_used: DateTime<Utc>,
}

impl Session {
    pub fn expired(&self, policy: &SessionPolicy, now: DateTime<Utc>) -> bool {
        now - self.last_used > policy.idle || now - self.created > policy.absolute
    }
}

/// Keyed BLAKE2b-256 of `parts`, with a domain label so a token hash can never equal a CSRF token
/// or a password tag.
pub fn keyed(key: &Key, domain: &str, data: &[u8]) -> [u8; 32] {
    let mut mac =
        <Blake2bMac<U32> as KeyInit>::new_from_slice(key).expect("a 32-byte key fits BLAKE2b");
    mac.update(domain.as_bytes());
    mac.update(&[0]);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub fn token_hash(key: &Key, token: &str) -> TokenHash {
    keyed(key, "antri session token", token.as_bytes())
}

/// Identifies a password hash without storing it again.
pub fn tag(key: &Key, password_hash: &str) -> [u8; 16] {
    let full = keyed(key, "antri password tag", password_hash.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

pub fn random_key() -> Key {
    let mut key = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut key);
    key
}

pub struct SessionStore {
    conn: Mutex<Connection>,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn from_ms(v: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(v).unwrap_or_default()
}

impl SessionStore {
    /// Open the sessions of a migrated database; returns the store and the building's key
    /// (made now if this is the first start).
    pub fn open(path: &Path) -> Result<(SessionStore, Key), StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute(
            "INSERT OR IGNORE INTO auth_key (id, key) VALUES (1, ?1)",
            params![random_key().to_vec()],
        )?;
        let stored: Vec<u8> =
            conn.query_row("SELECT key FROM auth_key WHERE id = 1", [], |r| r.get(0))?;
        let key: Key = stored.try_into().map_err(|_| StoreError::Corrupt {
            seq: 0,
            reason: "auth_key.key is not 32 bytes".into(),
        })?;
        Ok((
            SessionStore {
                conn: Mutex::new(conn),
            },
            key,
        ))
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every stored session that has not expired; expired ones are deleted.
    pub fn load(
        &self,
        policy: &SessionPolicy,
        now: DateTime<Utc>,
    ) -> Result<Vec<(TokenHash, Session)>, StoreError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM sessions WHERE last_used_ms < ?1 OR created_ms < ?2",
            params![ms(now - policy.idle), ms(now - policy.absolute)],
        )?;
        let mut stmt = conn.prepare(
            "SELECT token_hash, username, password_tag, created_ms, last_used_ms FROM sessions",
        )?;
        let rows = stmt.query_map([], |r| {
            let hash: Vec<u8> = r.get(0)?;
            let tag: Vec<u8> = r.get(2)?;
            let last_used = from_ms(r.get(4)?);
            Ok((
                hash,
                Session {
                    username: r.get(1)?,
                    password_tag: tag.try_into().unwrap_or([0; 16]),
                    created: from_ms(r.get(3)?),
                    last_used,
                    stored_last_used: last_used,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (hash, s) = row?;
            if let Ok(hash) = TokenHash::try_from(hash) {
                out.push((hash, s));
            }
        }
        Ok(out)
    }

    pub fn insert(&self, hash: &TokenHash, s: &Session) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT OR REPLACE INTO sessions (token_hash, username, password_tag, created_ms, last_used_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                hash.to_vec(),
                s.username,
                s.password_tag.to_vec(),
                ms(s.created),
                ms(s.last_used)
            ],
        )?;
        Ok(())
    }

    pub fn touch(&self, hash: &TokenHash, last_used: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE sessions SET last_used_ms = ?2 WHERE token_hash = ?1",
            params![hash.to_vec(), ms(last_used)],
        )?;
        Ok(())
    }

    pub fn delete(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![hash.to_vec()],
        )?;
        Ok(())
    }

    pub fn delete_user(&self, username: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "DELETE FROM sessions WHERE username = ?1",
            params![username],
        )?;
        Ok(())
    }

    /// How many sessions the database holds (for tests and operators).
    pub fn count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .optional()?
            .unwrap_or(0))
    }
}
