//! The real ticket server in-process on 127.0.0.1, with the sample building unless told otherwise.
//!
//! [`Server`] runs on its own runtime thread, for synchronous tests (the kiosk's and the display's
//! UI tests, which own their thread): stop it and start it again on the same port and database to
//! play "server down, server back". [`InProcess`] runs on the caller's tokio runtime, for
//! `#[tokio::test]`s.

use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::time::Duration;

use antri_wire::client::{Client, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::DeviceReport;
use chrono::{DateTime, FixedOffset};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::{run_with, ServerOptions, Settings};
use tokio::sync::oneshot;

use crate::demo::{DISPLAY_HALL_TOKEN, OPEN_TUESDAY};

/// A change to the sample building before the server reads it (e.g. a tiny quota).
pub type Tweak = fn(&mut Config);

/// The real ticket server on its own runtime thread, its database in a temp dir.
pub struct Server {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    clock_start: DateTime<FixedOffset>,
    tweak: Tweak,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// The sample building, its clock at [`OPEN_TUESDAY`].
    pub fn start() -> Server {
        Server::start_at(OPEN_TUESDAY)
    }

    /// The sample building, its clock starting at `clock_start` (RFC 3339) and running on.
    pub fn start_at(clock_start: &str) -> Server {
        Server::start_with(clock_start, |_| {})
    }

    /// The sample building changed by `tweak`, its clock starting at `clock_start`.
    pub fn start_with(clock_start: &str, tweak: Tweak) -> Server {
        let mut s = Server {
            addr: "127.0.0.1:0".parse().unwrap(),
            dir: tempfile::tempdir().expect("temp dir"),
            clock_start: clock_start.parse().expect("an RFC 3339 clock start"),
            tweak,
            stop: None,
            thread: None,
        };
        s.run(StdListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        s
    }

    fn run(&mut self, listener: StdListener) {
        self.addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let mut config = Config::example();
        (self.tweak)(&mut config);
        let opts = ServerOptions {
            config,
            db_path: self.db_path(),
            clock: Clock::starting_at(self.clock_start),
        };
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                run_with(listener, opts, Settings::default(), async move {
                    let _ = rx.await;
                })
                .await
                .expect("ticket server runs");
            });
            // Dropping the runtime ends the open event streams too: clients see the server gone.
        });
        self.stop = Some(tx);
        self.thread = Some(thread);
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("antri.db")
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client of this server, with a device's or a user's token.
    pub fn client(&self, token: Option<&str>) -> Client {
        Client::new(&self.url(), token.map(str::to_string))
    }

    /// Graceful shutdown; waits until the writer has stopped.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread ends");
        }
    }

    /// Back on the same address and database, as after a restart.
    pub fn restart(&mut self) {
        self.stop();
        let listener = StdListener::bind(self.addr).expect("rebind the same port");
        self.run(listener);
    }

    /// What the server's device list (the supervisor's dashboard) says about device `id` (e.g.
    /// "kiosk-1"), from the first snapshot of the event stream; `None` without one within 5 s.
    pub fn device_report(&self, id: &str) -> Option<DeviceReport> {
        let client = self.client(Some(DISPLAY_HALL_TOKEN));
        crate::block_on(async move {
            let mut rx = client.subscribe(None);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(Some(StreamItem::Message(StreamMessage::Snapshot(s)))) => {
                        return s
                            .devices
                            .into_iter()
                            .find(|d| d.id == id)
                            .and_then(|d| d.report);
                    }
                    Ok(Some(_)) => continue,
                    _ => return None,
                }
            }
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The real ticket server as a task of the caller's tokio runtime.
pub struct InProcess {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl InProcess {
    /// The sample building on `db`, its clock at [`OPEN_TUESDAY`].
    pub async fn start(db: &Path) -> InProcess {
        InProcess::start_with(db, Config::example()).await
    }

    /// `config` on `db`, its clock at [`OPEN_TUESDAY`].
    pub async fn start_with(db: &Path, config: Config) -> InProcess {
        let clock = Clock::starting_at(crate::demo::open_tuesday());
        InProcess::start_with_clock(db, config, clock).await
    }

    /// `config` on `db` with `clock` (e.g. [`Clock::manual`], moved by the test).
    pub async fn start_with_clock(db: &Path, config: Config, clock: Clock) -> InProcess {
        InProcess::start_with_settings(db, config, clock, Settings::default()).await
    }

    /// Everything chosen by the test, down to the server's [`Settings`].
    pub async fn start_with_settings(
        db: &Path,
        config: Config,
        clock: Clock,
        settings: Settings,
    ) -> InProcess {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        InProcess::serve(listener, db, config, clock, settings)
    }

    /// On a listener the test bound itself (e.g. the address of a server it stopped, to play a
    /// restart).
    pub fn serve(
        listener: tokio::net::TcpListener,
        db: &Path,
        config: Config,
        clock: Clock,
        settings: Settings,
    ) -> InProcess {
        let addr = listener.local_addr().unwrap();
        let (stop, rx) = oneshot::channel::<()>();
        let opts = ServerOptions {
            config,
            db_path: db.to_path_buf(),
            clock,
        };
        let task = tokio::spawn(run_with(listener, opts, settings, async {
            let _ = rx.await;
        }));
        InProcess {
            addr,
            stop: Some(stop),
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn client(&self, token: Option<&str>) -> Client {
        Client::new(&self.url(), token.map(str::to_string))
    }

    /// `GET path` (e.g. `/api/v1/stats?…`) as the holder of `token` (or nobody): the status and
    /// the body as JSON (a body that is not JSON, a CSV export say, as a JSON string).
    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new().get(format!("{}{path}", self.url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, body)
    }

    /// Graceful shutdown; waits until the writer has stopped and returns how the server ended.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        let _ = self.stop.take().unwrap().send(());
        self.exited().await
    }

    /// How the server ended, without asking it to stop (e.g. it stops by itself after its writer
    /// failed). Bounded by a guard against a hang, not a wait: a server stops well within it.
    pub async fn exited(self) -> anyhow::Result<()> {
        tokio::time::timeout(Duration::from_secs(60), self.task)
            .await
            .expect("the server stops")
            .unwrap()
    }

    /// Graceful shutdown; panics if the server ended with an error.
    pub async fn stop(self) {
        self.shutdown().await.unwrap();
    }
}
