//! Starting a real ticket server for a test: in-process on 127.0.0.1:0, or as its own process
//! (for kill -9).

#![allow(dead_code)] // each test file uses a different part of this

pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use antri_wire::client::Client;
use chrono::{DateTime, FixedOffset};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::{run, ServerOptions};
use tokio::sync::oneshot;

/// A Tuesday morning in Jakarta: every service of the sample building is open.
pub const TUESDAY_MORNING: &str = "2026-11-24T09:00:00+07:00";

pub const KIOSK: &str = "demo-kiosk-1-token";
pub const DISPLAY: &str = "demo-display-hall-token";
pub const PASSWORD: &str = "antri";

pub fn tuesday() -> DateTime<FixedOffset> {
    TUESDAY_MORNING.parse().unwrap()
}

pub struct InProcess {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl InProcess {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn client(&self, token: Option<&str>) -> Client {
        Client::new(&self.url(), token.map(str::to_string))
    }

    /// Graceful shutdown; waits until the writer has stopped.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
    }
}

pub async fn start_in_process(db: &Path) -> InProcess {
    start_with(db, Config::example()).await
}

pub async fn start_with(db: &Path, config: Config) -> InProcess {
    start_with_clock(db, config, Clock::starting_at(tuesday())).await
}

pub async fn start_with_clock(db: &Path, config: Config, clock: Clock) -> InProcess {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, rx) = oneshot::channel::<()>();
    let opts = ServerOptions {
        config,
        db_path: db.to_path_buf(),
        clock,
    };
    let task = tokio::spawn(run(listener, opts, async {
        let _ = rx.await;
    }));
    InProcess {
        addr,
        stop: Some(stop),
        task,
    }
}

/// The real binary, as its own process.
pub struct Process {
    pub child: Child,
    pub url: String,
}

pub fn spawn_binary(db: &Path) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ticket-server"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--clock-start",
            TUESDAY_MORNING,
            "--db",
        ])
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the ticket-server binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Process { child, url }
}

pub async fn officer(c: &Client, username: &str) -> Client {
    let login = c
        .login(username, PASSWORD)
        .await
        .expect("demo officer logs in");
    c.with_token(login.token)
}
