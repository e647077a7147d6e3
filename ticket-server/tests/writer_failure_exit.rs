//! The real binary, whose writer's commits keep failing, exits non-zero by itself (issue 12 item
//! 4), so systemd restarts it; the restarted server has everything it acknowledged.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const KIOSK: &str = "demo-kiosk-1-token";

/// Killed when dropped, so a failing test leaves no server behind.
struct Server(Option<Child>);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn spawn(db: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ticket-server"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--clock-start",
            "2026-11-24T09:00:00+07:00",
            "--db",
        ])
        .arg(db)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
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
    (Server(Some(child)), url)
}

async fn issue(url: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{url}/api/v1/tickets"))
        .bearer_auth(KIOSK)
        .json(&json!({"service": "ktp", "category": "regular"}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn a_server_whose_commits_keep_failing_exits_non_zero_and_restarts_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let (mut child, url) = spawn(&db);
    let (status, kept) = issue(&url).await;
    assert_eq!(status, 201, "{kept}");
    let code = kept["tracking_code"].as_str().unwrap().to_string();

    let sql = rusqlite::Connection::open(&db).unwrap();
    sql.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
    )
    .unwrap();
    for _ in 0..3 {
        let (status, body) = issue(&url).await;
        assert_eq!(status, 503, "{body}");
    }
    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status(), 503);

    // It stops by itself (after its grace of a few seconds), with a failure exit code.
    let mut running = child.0.take().unwrap();
    let exited = tokio::task::spawn_blocking(move || running.wait());
    let status = tokio::time::timeout(Duration::from_secs(60), exited)
        .await
        .expect("the server exits by itself")
        .unwrap()
        .unwrap();
    assert!(!status.success(), "{status}");

    sql.execute_batch("DROP TRIGGER refuse").unwrap();
    drop(sql);
    let (_server, url) = spawn(&db);
    let tracked: Value = reqwest::get(format!("{url}/api/v1/track/{code}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tracked["number"], "KTP-001");
    let (status, next) = issue(&url).await;
    assert_eq!(
        (status, &next["ticket"]["number"]),
        (201, &json!("KTP-002"))
    );
}
