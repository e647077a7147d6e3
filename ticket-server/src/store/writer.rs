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
//!
//! Failure is loud: when the thread panics, or [`MAX_FAILED_COMMITS`] commits in a row fail, it
//! records why ([`Writer::failure`]) and stops taking commands. `/healthz` then answers 503 with
//! the reason, every write is refused with it, and the server stops with an error so that the
//! service manager restarts it. Nothing acknowledged is lost: only committed batches were answered.
//!
//! A configuration change reaches `auth` (device tokens, users) from this thread, right after its
//! commit and before anyone is answered ([`Started::on_config`]), so a cancelled admin request
//! cannot leave a removed token valid.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};
use std::thread::JoinHandle;
use std::time::Instant;

use antri_wire::event::Actor;
use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot, watch};

use super::{log, StoreError};
use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::metrics::Metrics;
use crate::queue::{Command, Hall, QueueError, Reply};

/// The most commands that share one commit.
pub const MAX_BATCH: usize = 1024;

/// Failed commits in a row after which the writer gives up (a full or failing disk, a corrupt
/// database): the process must restart rather than refuse every write forever.
pub const MAX_FAILED_COMMITS: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Rejected(#[from] QueueError),
    #[error("not stored: {0}")]
    Storage(String),
    #[error("the server is shutting down")]
    Stopped,
    /// The writer died or gave up; the server is restarting.
    #[error("the server cannot store anything and is restarting: {0}")]
    Failed(String),
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
    failure: watch::Receiver<Option<String>>,
}

impl Writer {
    /// Decide and durably store a command. Returns once it is committed (or refused).
    pub async fn execute(&self, cmd: Command, actor: Actor) -> Result<Reply, WriteError> {
        if let Some(reason) = self.failure() {
            return Err(WriteError::Failed(reason));
        }
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Job { cmd, actor, reply }).await.is_err() {
            return Err(self.stopped().await);
        }
        match rx.await {
            Ok(result) => result,
            Err(_) => Err(self.stopped().await),
        }
    }

    /// Why the writer stopped, if it failed.
    pub fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    /// Completes with the reason once the writer has failed; never if it does not.
    pub async fn failed(&self) -> String {
        let mut failure = self.failure.clone();
        let reason = match failure.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone(),
            Err(_) => None,
        };
        match reason {
            Some(reason) => reason,
            None => std::future::pending().await,
        }
    }

    /// The channel closed under a live handle: only a failing writer does that (it ends by itself
    /// only when every handle is gone), and it records why before it lets go of the channel.
    async fn stopped(&self) -> WriteError {
        let mut failure = self.failure.clone();
        let reason = match failure.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone(),
            Err(_) => None,
        };
        reason.map_or(WriteError::Stopped, WriteError::Failed)
    }
}

/// Called on the writer thread with each configuration an admin put into force, after its commit
/// and before the change is published or anyone is answered.
pub type ConfigHook = Box<dyn Fn(&Arc<Config>) + Send + Sync>;

/// A fault for tests to inject: called on the writer thread with each command before it is
/// decided (a test panics in it). `None` in production.
#[derive(Clone)]
pub struct FaultHook(pub Arc<dyn Fn(&Command) + Send + Sync>);

impl std::fmt::Debug for FaultHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaultHook")
    }
}

/// Everything the writer thread needs.
pub struct WriterParts {
    pub db_path: PathBuf,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub hub: Arc<Hub>,
    pub metrics: Arc<Metrics>,
    /// Tests only: see [`FaultHook`].
    pub fault: Option<FaultHook>,
}

/// A running writer.
pub struct Started {
    pub writer: Writer,
    /// The committed state of the hall, for readers.
    pub hall: Arc<RwLock<Hall>>,
    /// Set once (by the server, to update `auth`): see [`ConfigHook`].
    pub on_config: Arc<OnceLock<ConfigHook>>,
    /// Ends when every `Writer` is dropped, or when the writer fails.
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
    let (tx, mut rx) = mpsc::channel(4 * MAX_BATCH);
    let (failure_tx, failure) = watch::channel(None);
    let on_config: Arc<OnceLock<ConfigHook>> = Arc::default();
    let shared = published.clone();
    let hook = on_config.clone();
    let thread = std::thread::Builder::new()
        .name("antri-writer".into())
        .spawn(move || {
            let ran = std::panic::catch_unwind(AssertUnwindSafe(|| {
                run(conn, hall, shared, &mut rx, parts, &hook, &failure_tx)
            }));
            let failed = match ran {
                Ok(outcome) => outcome.err(),
                Err(panic) => Some(format!(
                    "the writer thread panicked: {}",
                    panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "(no message)".into())
                )),
            };
            if let Some(reason) = failed {
                tracing::error!(reason = %reason, "the writer stopped: nothing more can be stored");
                failure_tx.send_replace(Some(reason));
            }
            // Only now may waiting callers see the channel close (see `Writer::stopped`).
            drop(rx);
            drop(lock);
        })
        .map_err(|e| StoreError::Corrupt {
            seq: 0,
            reason: format!("cannot start the writer thread: {e}"),
        })?;
    Ok(Started {
        writer: Writer { tx, failure },
        hall: published,
        on_config,
        thread,
    })
}

/// What deciding a batch produced, in the batch's order.
struct Decided {
    events: Vec<crate::queue::Logged>,
    results: Vec<Result<Reply, QueueError>>,
    /// Configurations put into force by this batch, by the seq of their `config_changed`.
    configs: Vec<(u64, Arc<Config>)>,
}

/// Decide every command of the batch, one after another, against the deciding hall.
fn decide(hall: &mut Hall, batch: &[Job], parts: &WriterParts) -> Decided {
    let mut decided = Decided {
        events: Vec::new(),
        results: Vec::with_capacity(batch.len()),
        configs: Vec::new(),
    };
    for job in batch {
        if let Some(fault) = &parts.fault {
            (fault.0)(&job.cmd);
        }
        let outcome = hall.execute(job.cmd.clone(), parts.clock.now(), &job.actor);
        if let Ok(Reply::Configured(version)) = &outcome.result {
            decided.configs.push((*version, hall.config().clone()));
        }
        decided.events.extend(outcome.events);
        decided.results.push(outcome.result);
    }
    decided
}

/// After a commit: its events reach the published hall (readers), then the subscribers.
fn publish(
    published: &RwLock<Hall>,
    events: &[crate::queue::Logged],
    configs: &[(u64, Arc<Config>)],
    hub: &Hub,
) {
    if events.is_empty() {
        return;
    }
    let mut p = published.write().unwrap_or_else(|e| e.into_inner());
    for e in events {
        p.apply(e);
        // At the same point in the sequence as the deciding hall did.
        if let Some((_, c)) = configs.iter().find(|(v, _)| *v == e.seq) {
            p.reconfigure(c.clone());
        }
    }
    drop(p);
    hub.publish(events.iter().map(|l| &l.event));
}

/// Serve commands until every handle is gone (`Ok`) or commits keep failing (`Err` with why).
fn run(
    mut conn: Connection,
    mut hall: Hall,
    published: Arc<RwLock<Hall>>,
    rx: &mut mpsc::Receiver<Job>,
    parts: WriterParts,
    on_config: &OnceLock<ConfigHook>,
    failure: &watch::Sender<Option<String>>,
) -> Result<(), String> {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut failed_in_a_row = 0;
    while let Some(first) = rx.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let in_force = hall.config().clone();
        let Decided {
            events,
            results,
            configs,
        } = decide(&mut hall, &batch, &parts);
        let stored = if events.is_empty() {
            Ok(())
        } else {
            let started = Instant::now();
            let r = log::append_batch(&mut conn, &events, &configs, &in_force);
            parts
                .metrics
                .observe_commit(started.elapsed(), events.len());
            r
        };
        match stored {
            Ok(()) => {
                failed_in_a_row = 0;
                if let (Some((_, newest)), Some(hook)) = (configs.last(), on_config.get()) {
                    // Before anyone sees the change: a removed token stops working no later.
                    hook(newest);
                }
                publish(&published, &events, &configs, &parts.hub);
                for (job, result) in batch.drain(..).zip(results) {
                    let _ = job.reply.send(result.map_err(WriteError::from));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, events = events.len(), "commit failed; nothing of this batch was stored");
                hall = published.read().unwrap_or_else(|e| e.into_inner()).clone();
                failed_in_a_row += 1;
                let gave_up = (failed_in_a_row >= MAX_FAILED_COMMITS)
                    .then(|| format!("{failed_in_a_row} commits in a row failed; the last: {e}"));
                if let Some(reason) = &gave_up {
                    // Recorded before this batch is answered: a caller told "not stored" for the
                    // last time who then asks /healthz must already see why (before, it could
                    // still read "ok" until this thread got to record it, and a test was flaky).
                    failure.send_replace(Some(reason.clone()));
                }
                for (job, result) in batch.drain(..).zip(results) {
                    let answer = match result {
                        Err(rejected) => Err(WriteError::Rejected(rejected)),
                        Ok(_) => Err(WriteError::Storage(e.to_string())),
                    };
                    let _ = job.reply.send(answer);
                }
                if let Some(reason) = gave_up {
                    return Err(reason);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The admin's request is dropped right after its command reached the writer (the browser went
    /// away): the change is still committed, and `auth` still hears of it, from the writer.
    #[tokio::test]
    async fn a_configuration_reaches_the_hook_even_if_its_caller_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let config = Arc::new(Config::example());
        let started = start(WriterParts {
            db_path: dir.path().join("a.db"),
            config: config.clone(),
            clock: Clock::manual(
                "2026-11-24T09:00:00+07:00"
                    .parse::<chrono::DateTime<chrono::FixedOffset>>()
                    .unwrap(),
            ),
            hub: Arc::default(),
            metrics: Arc::default(),
            fault: None,
        })
        .unwrap();
        let (seen_tx, seen) = std::sync::mpsc::channel();
        let hook: ConfigHook = Box::new(move |c: &Arc<Config>| {
            let _ = seen_tx.send(c.devices.len());
        });
        assert!(started.on_config.set(hook).is_ok());
        let mut doc = (*config.document).clone();
        doc.devices.retain(|d| d.id != "kiosk-2");
        let smaller = Arc::new(Config::from_document(doc).unwrap());
        let reconfigure = started.writer.execute(
            Command::Reconfigure {
                base: config.clone(),
                config: smaller,
                section: "devices".into(),
                summary: "devices: removed kiosk-2".into(),
            },
            Actor::system(),
        );
        // Polled once (the command is queued), then dropped like a cancelled request.
        let _ = tokio::time::timeout(std::time::Duration::ZERO, reconfigure).await;
        let devices = tokio::task::spawn_blocking(move || {
            seen.recv_timeout(std::time::Duration::from_secs(60))
        })
        .await
        .unwrap()
        .expect("the writer gives the new configuration to the hook");
        assert_eq!(devices, config.devices.len() - 1);
        drop(started.writer);
        started.thread.join().unwrap();
    }
}
