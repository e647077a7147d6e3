//! Wires the parts together and serves until shutdown.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use antri_wire::event::Actor;
use chrono::{Days, Utc};
use tokio::net::TcpListener;
use tokio::sync::watch;

use axum::serve::ListenerExt;

use crate::api::{router, AppState};
use crate::auth::Auth;
use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::metrics::Metrics;
use crate::queue::{Command, Hall};
use crate::store::writer::{self, Writer, WriterParts};

pub struct ServerOptions {
    pub config: Config,
    pub db_path: PathBuf,
    pub clock: Clock,
}

/// Serve on an already-bound listener until `shutdown` completes. The database is opened (and
/// created or migrated) first; an error there returns before anything is served.
pub async fn run(
    listener: TcpListener,
    opts: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let config = Arc::new(opts.config);
    let hub = Arc::new(Hub::default());
    let metrics = Arc::new(Metrics::default());
    let writer::Started {
        writer,
        hall,
        thread,
    } = writer::start(WriterParts {
        db_path: opts.db_path.clone(),
        config: config.clone(),
        clock: opts.clock.clone(),
        hub: hub.clone(),
        metrics: metrics.clone(),
    })?;
    // The database may hold a newer, admin-edited configuration than the file.
    let config = hall
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .config()
        .clone();
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState {
        auth: Arc::new(Auth::new(config.clone())),
        hall,
        writer: writer.clone(),
        hub,
        metrics,
        clock: opts.clock.clone(),
        db_path: Arc::new(opts.db_path),
        shutdown: stop_rx,
    };
    let ticker = tokio::spawn(day_ticker(writer, state.hall.clone(), opts.clock));
    let app = router(state);
    tracing::info!(addr = %listener.local_addr()?, "serving");
    // Calls are small writes that must leave at once, not wait for Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Endless event streams end now, so the graceful shutdown can finish.
            let _ = stop_tx.send(true);
        })
        .await?;
    ticker.abort();
    let _ = ticker.await;
    // The writer thread ends once the last handle is gone; it finishes its batch first.
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    Ok(())
}

/// Rolls the day over at local midnight even when nobody takes a ticket, so displays reset and
/// yesterday's waiting tickets expire on time. The zone is read from the live configuration each
/// turn: an admin may change it while the hall runs.
async fn day_ticker(writer: Writer, hall: Arc<RwLock<Hall>>, clock: Clock) {
    loop {
        if writer
            .execute(Command::Tick, Actor::system())
            .await
            .is_err()
        {
            return;
        }
        let now = clock.now();
        let zone = hall
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .config()
            .building
            .zone;
        let next_midnight = zone
            .local_date(now)
            .checked_add_days(Days::new(1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| t.and_local_timezone(zone.offset()).single())
            .map(|t| t.with_timezone(&Utc));
        let until = next_midnight
            .and_then(|m| (m - now).to_std().ok())
            .unwrap_or(Duration::from_secs(60));
        tokio::time::sleep(until.min(Duration::from_secs(60)) + Duration::from_millis(5)).await;
    }
}
