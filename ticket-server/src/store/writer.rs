//! The single writer: one thread owns the write connection and the deciding copy of the hall.
//!
//! Why one thread: every command is decided against the state left by the one before it, so two
//! lokets can never be given the same ticket and two kiosks never the same number — no locks to get
//! wrong. Why a thread and not a task: SQLite calls block (a commit waits for fsync).
//!
//! Group commit: the thread takes every command waiting in its channel (up to [`MAX_BATCH`]),
//! decides them in order, writes all their events in one transaction and commits once. Each caller
//! is answered only after that commit is on disk. Under load many tickets share one fsync; when idle
//! a batch is a single command and waits for nobody.
//!
//! Readers never see undecided or uncommitted state: after each commit the committed events are
//! applied to the *published* hall (behind a `RwLock`, held only for that apply) and then broadcast
//! to subscribers. If a commit fails, the deciding hall is reset to the published one and the
//! callers are told the command was not stored.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Instant;

use antri_wire::event::Actor;
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::{log, StoreError};
use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::metrics::Metrics;
use crate::queue::{Command, Hall, QueueError, Reply};

/// The most commands that share one commit.
pub const MAX_BATCH: usize = 1024;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Rejected(#[from] QueueError),
    #[error("not stored: {0}")]
    Storage(String),
    #[error("the server is shutting down")]
    Stopped,
}

struct Job {
    cmd: Command,
    actor: Actor,
    reply: oneshot::Sender<Result<Reply, WriteError>>,
}

/// Cheap to clone; every handler holds one.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

impl Writer {
    /// Decide and durably store a command. Returns once it is committed (or refused).
    pub async fn execute(&self, cmd: Command, actor: Actor) -> Result<Reply, WriteError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job { cmd, actor, reply })
            .await
            .map_err(|_| WriteError::Stopped)?;
        rx.await.map_err(|_| WriteError::Stopped)?
    }
}

/// Everything the writer thread needs.
pub struct WriterParts {
    pub db_path: PathBuf,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
}

/// A running writer.
pub struct Started {
    pub writer: Writer,
    /// The committed state of the hall, for readers.
    pub hall: Arc<RwLock<Hall>>,
    /// Ends when every `Writer` is dropped.
    pub thread: JoinHandle<()>,
}

/// Open the database, rebuild the hall from the log, and start the writer thread.
pub fn start(parts: WriterParts) -> Result<Started, StoreError> {
    let lock = super::lock_for_writing(&parts.db_path)?;
    let conn = super::open_writer(&parts.db_path)?;
    let config = match log::latest_config(&conn)? {
        None => parts.config.clone(),
        Some((version, at, by, document)) => {
            // The admin page's edits win over the file: they are newer than it by construction
            // (the file was in force when they were made), and an operator who restarts expects
            // the hall as it was, not as it was before the last edit.
            let config = serde_json::from_str(&document)
                .map_err(|e| e.to_string())
                .and_then(|doc| Config::from_document(doc).map_err(|e| e.to_string()))
                .map_err(|reason| StoreError::Corrupt {
                    seq: version,
                    reason: format!("stored configuration version {version}: {reason}"),
                })?;
            tracing::warn!(
                version,
                saved_at = %at,
                saved_by = %by,
                "using the configuration saved on the admin page (version {version}, {at}, by {by}); the configuration file is not used while the database holds an admin-edited version"
            );
            Arc::new(config)
        }
    };
    let hall = log::load_hall(&conn, config)?;
    parts.hub.set_committed(hall.seq());
    let published = Arc::new(RwLock::new(hall.clone()));
    let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
    let shared = published.clone();
    let thread = std::thread::Builder::new()
        .name("antri-writer".into())
        .spawn(move || {
            run(conn, hall, shared, rx, parts);
            drop(lock);
        })
        .map_err(|e| StoreError::Corrupt {
            seq: 0,
            reason: format!("cannot start the writer thread: {e}"),
        })?;
    Ok(Started {
        writer: Writer { tx },
        hall: published,
        thread,
    })
}

fn run(
    mut conn: Connection,
    mut hall: Hall,
    published: Arc<RwLock<Hall>>,
    mut rx: mpsc::Receiver<Job>,
    parts: WriterParts,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut events = Vec::new();
        let mut results = Vec::with_capacity(batch.len());
        // Configurations put into force by this batch, by the seq of their `config_changed`.
        let mut configs: Vec<(u64, Arc<Config>)> = Vec::new();
        for job in &batch {
            let outcome = hall.execute(job.cmd.clone(), parts.clock.now(), &job.actor);
            if let Ok(Reply::Configured(version)) = &outcome.result {
                configs.push((*version, hall.config().clone()));
            }
            events.extend(outcome.events);
            results.push(outcome.result);
        }
        let stored = if events.is_empty() {
            Ok(())
        } else {
            let started = Instant::now();
            let r = log::append_batch(&mut conn, &events, &configs);
            parts
                .metrics
                .observe_commit(started.elapsed(), events.len());
            r
        };
        match stored {
            Ok(()) => {
                if !events.is_empty() {
                    let mut p = published.write().unwrap_or_else(|e| e.into_inner());
                    for e in &events {
                        p.apply(e);
                        // At the same point in the sequence as the deciding hall did.
                        if let Some((_, c)) = configs.iter().find(|(v, _)| *v == e.seq) {
                            p.reconfigure(c.clone());
                        }
                    }
                    drop(p);
                    parts.hub.publish(events.iter().map(|l| &l.event));
                }
                for (job, result) in batch.drain(..).zip(results) {
                    let _ = job.reply.send(result.map_err(WriteError::from));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, events = events.len(), "commit failed; nothing of this batch was stored");
                hall = published.read().unwrap_or_else(|e| e.into_inner()).clone();
                for (job, result) in batch.drain(..).zip(results) {
                    let answer = match result {
                        Err(rejected) => Err(WriteError::Rejected(rejected)),
                        Ok(_) => Err(WriteError::Storage(e.to_string())),
                    };
                    let _ = job.reply.send(answer);
                }
            }
        }
    }
}
