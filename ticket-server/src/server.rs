//! Wires the parts together and serves until shutdown.
//!
//! The accept loop is our own rather than `axum::serve`, which sets neither a header read timeout
//! nor a connection limit: on a LAN shared with visitors a half-sent request must not hold a
//! connection, and a flood of them must not exhaust the process's open files.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use antri_wire::event::Actor;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use chrono::{Days, Utc};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use crate::api::hygiene::{self, HttpLimits};
use crate::api::{router, AppState};
use crate::auth::{Auth, AuthOptions};
use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::messages::Messages;
use crate::metrics::Metrics;
use crate::queue::{Command, Hall};
use crate::security;
use crate::store::writer::{self, Writer, WriterParts};

pub struct ServerOptions {
    pub config: Config,
    pub db_path: PathBuf,
    pub clock: Clock,
}

/// How the server protects itself; [`run`] uses the defaults.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Serve the sample's passwords and device tokens on a LAN address (a LAN demo only).
    pub allow_sample_credentials: bool,
    pub auth: AuthOptions,
    pub http: HttpLimits,
    /// How long `/healthz` answers 503 with the reason after the writer failed, before the server
    /// stops with an error (for the service manager to restart it).
    pub failure_grace: Duration,
    /// Booking attempts (book, reschedule, cancel) one source address may make in 10 minutes.
    pub booking_attempts_per_10_min: u32,
    /// Tests only: a fault injected into the writer thread.
    #[doc(hidden)]
    pub writer_fault: Option<writer::FaultHook>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            allow_sample_credentials: false,
            auth: AuthOptions::default(),
            http: HttpLimits::default(),
            failure_grace: Duration::from_secs(2),
            booking_attempts_per_10_min: 20,
            writer_fault: None,
        }
    }
}

/// Serve on an already-bound listener until `shutdown` completes, with the default [`Settings`].
pub async fn run(
    listener: TcpListener,
    opts: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_with(listener, opts, Settings::default(), shutdown).await
}

/// Serve on an already-bound listener until `shutdown` completes. The database is opened (and
/// created or migrated) first; an error there, or sample secrets on a LAN address, returns before
/// anything is served. If the writer fails (it panicked, or its commits keep failing), the server
/// stops by itself [`Settings::failure_grace`] later and returns the reason as an error.
pub async fn run_with(
    listener: TcpListener,
    opts: ServerOptions,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_with_public(listener, None, opts, settings, shutdown).await
}

/// [`run_with`], also serving the visitor-facing routes alone ([`crate::api::router::PUBLIC`]) on
/// `public`, for a reverse proxy that faces the internet.
pub async fn run_with_public(
    listener: TcpListener,
    public: Option<TcpListener>,
    opts: ServerOptions,
    mut settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listen = listener.local_addr()?;
    // Each connection is an open file; phones hold theirs (the tracking page's live stream).
    settings.http.max_connections = crate::open_files::fit(
        settings.http.max_connections,
        1 + usize::from(public.is_some()),
    );
    let config = Arc::new(opts.config);
    let hub = Arc::new(Hub::default());
    let metrics = Arc::new(Metrics::default());
    let writer::Started {
        writer,
        hall,
        on_config,
        thread,
    } = writer::start(WriterParts {
        db_path: opts.db_path.clone(),
        config: config.clone(),
        clock: opts.clock.clone(),
        hub: hub.clone(),
        metrics: metrics.clone(),
        fault: settings.writer_fault.clone(),
    })?;
    // The database may hold a newer, admin-edited configuration than the file.
    let config = hall
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .config()
        .clone();
    let auth = match prepare_auth(config, &opts.db_path, &opts.clock, &settings, listen).await {
        Ok(auth) => auth,
        Err(e) => {
            // Nothing was served: stop the writer before saying why.
            drop((writer, hall));
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            return Err(e);
        }
    };
    // New device tokens and users' roles take effect in the writer's step that commits them.
    let a = auth.clone();
    let _ = on_config.set(Box::new(move |c: &Arc<Config>| a.reconfigure(c.clone())));
    let messages = match Messages::open(&opts.db_path, hall.clone(), opts.clock.clone()) {
        Ok(m) => m,
        Err(e) => {
            drop((writer, hall));
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            return Err(e.into());
        }
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState {
        auth,
        hall,
        writer: writer.clone(),
        hub,
        metrics,
        clock: opts.clock.clone(),
        db_path: Arc::new(opts.db_path),
        shutdown: stop_rx.clone(),
        listen,
        warnings: Arc::default(),
        strict_secrets: !listen.ip().is_loopback() && !settings.allow_sample_credentials,
        // Enough for a family booking for each member from one phone, with mistakes; a script
        // trying seat after seat stops here.
        booking_attempts: Arc::new(crate::booking::limit::PerSource::new(
            settings.booking_attempts_per_10_min,
            600,
        )),
        presence: Arc::new(crate::presence::Presence::new(opts.clock.now())),
        messages: messages.clone(),
    };
    state.refresh_warnings().await;
    let ticker = tokio::spawn(day_ticker(
        writer.clone(),
        state.hall.clone(),
        state.presence.clone(),
        opts.clock,
    ));
    let message_tasks = messages.start(&state.hub);
    let public_app = public.map(|l| {
        let app = hygiene::wrap(
            crate::api::router::public_router(state.clone()),
            &settings.http,
        );
        (l, app)
    });
    let app = hygiene::wrap(router(state), &settings.http);
    tracing::info!(addr = %listen, "serving");
    tokio::spawn(stop_streams_on(
        shutdown,
        writer.clone(),
        settings.failure_grace,
        stop_tx,
    ));
    match public_app {
        Some((public, public_app)) => {
            tracing::info!(addr = %public.local_addr()?, "serving the visitor-facing routes");
            tokio::join!(
                serve(listener, app, &settings.http, stop_rx.clone()),
                serve(public, public_app, &settings.http, stop_rx)
            );
        }
        None => serve(listener, app, &settings.http, stop_rx).await,
    }
    ticker.abort();
    let _ = ticker.await;
    for task in message_tasks {
        task.abort();
        let _ = task.await;
    }
    let failure = writer.failure();
    drop(writer);
    // The writer thread ends once the last handle is gone; it finishes its batch first.
    tokio::task::spawn_blocking(move || thread.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
    match failure {
        // Not a clean stop: the service manager must restart the server.
        Some(reason) => Err(anyhow::anyhow!("the writer failed: {reason}")),
        None => Ok(()),
    }
}

/// Ends the endless event streams (so the graceful shutdown can finish) when asked to stop, or
/// `grace` after the writer failed.
async fn stop_streams_on(
    shutdown: impl Future<Output = ()>,
    failing: Writer,
    grace: Duration,
    stop_tx: watch::Sender<bool>,
) {
    tokio::pin!(shutdown);
    tokio::select! {
        _ = &mut shutdown => {}
        reason = failing.failed() => {
            tracing::error!(reason = %reason, "stopping in {grace:?}: the writer failed");
            tokio::select! {
                _ = &mut shutdown => {}
                _ = tokio::time::sleep(grace) => {}
            }
        }
    }
    let _ = stop_tx.send(true);
}

/// Sessions from the database; the configuration's secrets checked against the address.
async fn prepare_auth(
    config: Arc<Config>,
    db_path: &std::path::Path,
    clock: &Clock,
    settings: &Settings,
    listen: SocketAddr,
) -> anyhow::Result<Arc<Auth>> {
    let auth = Arc::new(Auth::open(
        config.clone(),
        db_path,
        clock.clone(),
        settings.auth.clone(),
    )?);
    let a = auth.clone();
    let found = tokio::task::spawn_blocking(move || {
        security::findings(&config, |hash, pw| a.verify(hash, pw))
    })
    .await?;
    security::startup_verdict(listen, &found, settings.allow_sample_credentials)
        .map_err(|m| anyhow::anyhow!(m))?;
    if !found.is_empty() {
        let list: Vec<String> = found.iter().map(ToString::to_string).collect();
        tracing::warn!(
            "SAMPLE OR WEAK SECRETS IN USE ({}): anyone who read the example can log in or act as a device. \
             Fine for a demo on this machine only; never on a LAN. {}",
            found.len(),
            list.join("; ")
        );
    }
    Ok(auth)
}

/// Accept connections until `stop` turns true, each with the header read timeout, at most
/// `limits.max_connections` at once; then let open connections finish.
async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &HttpLimits,
    mut stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // Each connection holds a receiver; `closed()` says when the last one is gone.
    let (open_tx, open_rx) = watch::channel(());
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
            _ = stopped(&mut stop) => break,
        };
        let (tcp, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        // Calls are small writes that must leave at once, not wait for Nagle's algorithm.
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let conn = http.serve_connection(TokioIo::new(tcp), service);
        let mut stop = stop.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, %peer, "connection ended");
                    }
                }
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.as_mut().await;
                }
            }
            drop((slot, open));
        });
    }
    drop(open_rx);
    drop(listener);
    open_tx.closed().await;
}

/// Completes once the server is told to stop (the guard `wait_for` returns is not `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}

/// How often the hall is looked at for alerts with nothing else happening: a cause is raised at
/// most this late.
const ALERT_TICK: Duration = Duration::from_secs(15);

/// Rolls the day over at local midnight even when nobody takes a ticket, so displays reset and
/// yesterday's waiting tickets expire on time, and raises and clears the supervisor's alerts. The
/// zone is read from the live configuration each turn: an admin may change it while the hall
/// runs.
async fn day_ticker(
    writer: Writer,
    hall: Arc<RwLock<Hall>>,
    presence: Arc<crate::presence::Presence>,
    clock: Clock,
) {
    loop {
        // Taken before the tick, so a test's clock moved past midnight at any point after it
        // wakes this loop for another tick.
        let moved = clock.next_move();
        let silent = {
            let config = hall
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .config()
                .clone();
            presence.silent(
                config.devices.iter().map(|d| d.id.as_str()),
                clock.now(),
                config.alerts.device_silent_secs,
            )
        };
        if writer
            .execute(Command::Tick { silent }, Actor::system())
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
        // Until midnight (at most the alerts' tick, so alerts come soon and a changed zone or a
        // stepped system clock is seen), or until a test moves its manual clock.
        tokio::select! {
            _ = tokio::time::sleep(until.min(ALERT_TICK) + Duration::from_millis(5)) => {}
            _ = async {
                match moved {
                    Some(m) => m.await,
                    None => std::future::pending().await,
                }
            } => {}
        }
    }
}
