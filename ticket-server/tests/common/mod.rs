//! Starting a real ticket server for a test: in-process on 127.0.0.1:0 (the shared kit's
//! [`InProcess`], with this crate's short names for the sample credentials), or as its own process
//! (for kill -9); and a small day with known figures.

#![allow(dead_code, unused_imports)] // each test file uses a different part of this

use std::path::Path;
use std::process::{Child, Stdio};

pub use antri_testkit::{
    open_tuesday as tuesday, InProcess, DISPLAY_HALL_TOKEN as DISPLAY, KIOSK_2_TOKEN as KIOSK_2,
    KIOSK_TOKEN as KIOSK, OPEN_TUESDAY as TUESDAY_MORNING, PASSWORD,
    RATING_LOKET_1_TOKEN as RATING_1,
};
use antri_wire::client::Client;
use antri_wire::Category;
use chrono::Duration;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

pub async fn start_in_process(db: &Path) -> InProcess {
    InProcess::start(db).await
}

pub async fn start_with(db: &Path, config: Config) -> InProcess {
    InProcess::start_with(db, config).await
}

pub async fn start_with_clock(db: &Path, config: Config, clock: Clock) -> InProcess {
    InProcess::start_with_clock(db, config, clock).await
}

/// A server back on `addr` (one that was stopped) and its database, as after a restart.
pub async fn serve_again(
    addr: std::net::SocketAddr,
    db: &Path,
    config: Config,
    clock: Clock,
) -> InProcess {
    // The old listener's socket may take a moment to be released.
    let listener = loop {
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => break l,
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    };
    InProcess::serve(
        listener,
        db,
        config,
        clock,
        ticket_server::server::Settings::default(),
    )
}

/// The real binary, as its own process.
pub struct Process {
    pub child: Child,
    pub url: String,
}

pub fn spawn_binary(db: &Path) -> Process {
    let (child, url) = antri_testkit::process::listening(
        antri_testkit::process::serve_command(
            Path::new(env!("CARGO_BIN_EXE_ticket-server")),
            TUESDAY_MORNING,
        )
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::inherit()),
    )
    .expect("the ticket-server binary starts and listens");
    Process { child, url }
}

pub async fn officer(c: &Client, username: &str) -> Client {
    let login = c
        .login(username, PASSWORD)
        .await
        .expect("demo officer logs in");
    c.with_token(login.token)
}

/// Serve one ticket of `service` at loket `counter` to the end; returns (number, tracking code).
pub async fn serve_one(
    server: &InProcess,
    officer: &Client,
    service: &str,
    counter: u32,
) -> (String, String) {
    let t = server
        .client(Some(KIOSK))
        .issue(service, Category::Regular)
        .await
        .unwrap();
    let called = officer.call_next(counter).await.unwrap();
    assert_eq!(called.ticket.unwrap().number, t.ticket.number);
    officer.counter_action(counter, "start").await.unwrap();
    officer.counter_action(counter, "finish").await.unwrap();
    (t.ticket.number, t.tracking_code)
}

/// A small day with known figures (on a manual clock at Tuesday 09:00):
/// KTP-001 waits 120 s, served 300 s; KTP-002 waits 420 s, no-show; KTP-003 waits 480 s, served
/// 600 s; KTP-004 cancelled by the visitor; KK-001 (elderly) waits 1080 s at loket 2, served 120 s.
/// All by petugas1.
pub async fn seed_day(server: &InProcess, clock: &Clock) {
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    let min = |m| clock.advance(Duration::minutes(m));

    // 09:00 — four KTP tickets and one KK.
    let mut ktp = Vec::new();
    for _ in 0..4 {
        ktp.push(kiosk.issue("ktp", Category::Regular).await.unwrap());
    }
    kiosk.issue("kk", Category::Elderly).await.unwrap();
    min(2); // 09:02 KTP-001 called (waited 120 s), served 300 s
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KTP-001"
    );
    p1.counter_action(1, "start").await.unwrap();
    min(5); // 09:07 KTP-002 called (420 s), does not come
    p1.counter_action(1, "finish").await.unwrap();
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KTP-002"
    );
    p1.counter_action(1, "no-show").await.unwrap();
    min(1); // 09:08 KTP-003 called (480 s), served 600 s
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KTP-003"
    );
    p1.counter_action(1, "start").await.unwrap();
    // The visitor with KTP-004 gives up and cancels on their phone.
    let http = reqwest::Client::new();
    let cancel = http
        .post(format!(
            "{}/api/v1/track/{}/cancel",
            server.url(),
            ktp[3].tracking_code
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 200);
    min(10); // 09:18 KTP-003 done; KK-001 called at loket 2 (1080 s), served 120 s
    p1.counter_action(1, "finish").await.unwrap();
    assert_eq!(
        p1.call_next(2).await.unwrap().ticket.unwrap().number,
        "KK-001"
    );
    p1.counter_action(2, "start").await.unwrap();
    min(2);
    p1.counter_action(2, "finish").await.unwrap();
}

/// An admin replaces one section of the configuration (as the admin page does); it must take.
pub async fn admin_put(server: &InProcess, token: &str, section: &str, body: serde_json::Value) {
    let resp = reqwest::Client::new()
        .put(format!("{}/api/v1/admin/config/{section}", server.url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    assert_eq!(status, 200, "{section}: {}", resp.text().await.unwrap());
}

/// The sample building with "no choosing" on (`queue.no_choosing = true`).
pub fn no_choosing_config() -> Config {
    let toml = ticket_server::config::EXAMPLE_TOML.replacen(
        "no_choosing = false",
        "no_choosing = true",
        1,
    );
    assert_ne!(toml, ticket_server::config::EXAMPLE_TOML);
    Config::from_toml_str(&toml).unwrap()
}

/// The admin turns "no choosing" (`queue.no_choosing`) on or off in the building section.
pub async fn set_no_choosing(server: &InProcess, on: bool) {
    let admin = officer(&server.client(None), "admin").await;
    let token = admin.token().unwrap();
    let (_, config) = server.get_json("/api/v1/admin/config", Some(token)).await;
    let doc = &config["document"];
    let mut queue = doc["queue"].clone();
    queue["no_choosing"] = serde_json::json!(on);
    let body =
        serde_json::json!({"building": doc["building"], "queue": queue, "hours": doc["hours"]});
    admin_put(server, token, "building", body).await;
}

/// A route's path with its parameters filled in for a walk over every route: loket 1, the `open`
/// action, the `agencies` section, the bookable `paspor-baru`, a static file, and `code`.
pub fn concrete_path(path: &str, code: &str) -> String {
    path.replace("{n}", "1")
        .replace("{counter}", "1")
        .replace("{action}", "open")
        .replace("{code}", code)
        .replace("{section}", "agencies")
        .replace("{id}", "1")
        .replace("{service}", "paspor-baru")
        .replace("{name}", "common.js")
}
