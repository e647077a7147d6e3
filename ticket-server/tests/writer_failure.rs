//! Failure is loud (issue 12 item 4): a writer that panics or whose commits keep failing makes
//! `/healthz` answer 503 with the reason, refuses every write with it, and stops the server with an
//! error (so systemd restarts it); what was acknowledged before is still there after the restart.
//! And an admin's change reaches `auth` in the writer's step, even if the admin hangs up.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use antri_wire::client::{ClientError, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use common::{tuesday, InProcess, KIOSK, KIOSK_2};
use serde_json::Value;
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::queue::Command;
use ticket_server::server::Settings;
use ticket_server::store::writer::FaultHook;
use tokio::io::AsyncWriteExt;

/// A guard against a hang, not a wait: every step below completes by itself.
const GUARD: Duration = Duration::from_secs(60);

/// The sample building on a manual clock at Tuesday 09:00, with `settings`.
async fn start(db: &Path, settings: Settings) -> InProcess {
    let clock = Clock::manual(tuesday());
    InProcess::start_with_settings(db, Config::example(), clock, settings).await
}

async fn healthz(server: &InProcess) -> (u16, Value) {
    let r = reqwest::get(format!("{}/healthz", server.url()))
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn long_grace() -> Settings {
    Settings {
        // Long enough to look at /healthz; the tests stop the server themselves.
        failure_grace: Duration::from_secs(3600),
        ..Settings::default()
    }
}

fn api_code(e: &ClientError) -> (u16, String) {
    match e {
        ClientError::Api { status, body } => (*status, body.error.code.clone()),
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test]
async fn commits_that_keep_failing_make_healthz_503_and_the_server_exit_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start(&db, long_grace()).await;
    let kiosk = server.client(Some(KIOSK));
    let kept = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(kept.ticket.number, "KTP-001");
    assert_eq!(healthz(&server).await.0, 200);

    // The disk "fails": every insert into the log is refused from now on.
    let sql = rusqlite::Connection::open(&db).unwrap();
    sql.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;",
    )
    .unwrap();
    for i in 1..=ticket_server::store::writer::MAX_FAILED_COMMITS {
        let e = kiosk.issue("ktp", Category::Regular).await.unwrap_err();
        assert_eq!(api_code(&e), (503, "not_stored".into()), "attempt {i}: {e}");
    }
    // It gave up: loud on /healthz, and every write says why.
    let (status, health) = healthz(&server).await;
    assert_eq!(status, 503, "{health}");
    assert_eq!(health["status"], "failed");
    let reason = health["reason"].as_str().unwrap();
    assert!(
        reason.contains("3 commits in a row failed") && reason.contains("disk on fire"),
        "{reason}"
    );
    let e = kiosk.issue("ktp", Category::Regular).await.unwrap_err();
    assert_eq!(api_code(&e), (503, "store_failed".into()), "{e}");
    assert!(e.to_string().contains("disk on fire"), "{e}");

    // Not a clean stop: `main` returns this error, so the process exits non-zero.
    let ended = server.shutdown().await.unwrap_err().to_string();
    assert!(
        ended.contains("the writer failed") && ended.contains("disk on fire"),
        "{ended}"
    );

    // The operator fixes the disk; the restarted server has everything it acknowledged, and
    // nothing it refused (the numbers go on from KTP-001).
    sql.execute_batch("DROP TRIGGER refuse").unwrap();
    drop(sql);
    let server = start(&db, long_grace()).await;
    let kiosk = server.client(Some(KIOSK));
    assert_eq!(healthz(&server).await.0, 200);
    assert_eq!(
        kiosk.track(&kept.tracking_code).await.unwrap().number,
        "KTP-001"
    );
    let next = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(next.ticket.number, "KTP-002");
    server.shutdown().await.unwrap();
}

/// A writer that panics on the first ticket for `kk`.
fn panics_on_kk() -> Option<FaultHook> {
    Some(FaultHook(Arc::new(|cmd: &Command| {
        if let Command::Issue { service, .. } = cmd {
            assert_ne!(service, "kk", "injected fault");
        }
    })))
}

#[tokio::test]
async fn a_writer_that_panics_makes_healthz_503_and_refuses_writes_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start(
        &db,
        Settings {
            writer_fault: panics_on_kk(),
            ..long_grace()
        },
    )
    .await;
    let kiosk = server.client(Some(KIOSK));
    let kept = kiosk.issue("ktp", Category::Regular).await.unwrap();
    // The caller whose command was in the dying batch is told, not left hanging.
    let e = kiosk.issue("kk", Category::Regular).await.unwrap_err();
    assert_eq!(api_code(&e), (503, "store_failed".into()), "{e}");
    let (status, health) = healthz(&server).await;
    assert_eq!(status, 503, "{health}");
    let reason = health["reason"].as_str().unwrap();
    assert!(
        reason.contains("panicked") && reason.contains("injected fault"),
        "{reason}"
    );
    let e = kiosk.issue("ktp", Category::Regular).await.unwrap_err();
    assert_eq!(api_code(&e), (503, "store_failed".into()), "{e}");
    let ended = server.shutdown().await.unwrap_err().to_string();
    assert!(ended.contains("panicked"), "{ended}");

    // Restarted (without the fault): what was acknowledged is there.
    let server = start(&db, Settings::default()).await;
    let kiosk = server.client(Some(KIOSK));
    assert_eq!(
        kiosk.track(&kept.tracking_code).await.unwrap().number,
        "KTP-001"
    );
    assert_eq!(
        kiosk
            .issue("kk", Category::Regular)
            .await
            .unwrap()
            .ticket
            .number,
        "KK-001"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failed_writer_stops_the_server_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start(
        &db,
        Settings {
            writer_fault: panics_on_kk(),
            failure_grace: Duration::ZERO,
            ..Settings::default()
        },
    )
    .await;
    let kiosk = server.client(Some(KIOSK));
    let _ = kiosk.issue("kk", Category::Regular).await.unwrap_err();
    // Nobody asks it to stop: it ends on its own, with the error `main` turns into exit code 1.
    let ended = server.exited().await.unwrap_err().to_string();
    assert!(ended.contains("panicked"), "{ended}");
}

/// The sample configuration's devices without `kiosk-2` (tokens left out: kept by the server).
fn devices_without_kiosk_2(config: &Value) -> Value {
    let devices: Vec<Value> = config["document"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["id"] != "kiosk-2")
        .cloned()
        .collect();
    Value::Array(devices)
}

#[tokio::test]
async fn a_removed_device_token_stops_working_even_if_the_admin_hangs_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    // The writer holds the admin's change until the admin has gone: the change is then committed
    // whatever the HTTP server does with the abandoned request. (That a cancelled request still
    // reaches `auth` is checked exactly by `store::writer`'s own test.)
    let (reached_tx, reached) = std::sync::mpsc::channel::<()>();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let (reached_tx, release_rx) = (
        std::sync::Mutex::new(reached_tx),
        std::sync::Mutex::new(release_rx),
    );
    let hold = FaultHook(Arc::new(move |cmd: &Command| {
        if let Command::Reconfigure { .. } = cmd {
            let _ = reached_tx.lock().unwrap().send(());
            let _ = release_rx.lock().unwrap().recv_timeout(GUARD);
        }
    }));
    let server = start(
        &db,
        Settings {
            writer_fault: Some(hold),
            ..Settings::default()
        },
    )
    .await;
    let kiosk2 = server.client(Some(KIOSK_2));
    kiosk2.issue("ktp", Category::Regular).await.unwrap();
    let admin = server
        .client(None)
        .login("admin", common::PASSWORD)
        .await
        .unwrap();
    let config: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/admin/config", server.url()))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut events = server.client(Some(common::DISPLAY)).subscribe(None);
    let body = devices_without_kiosk_2(&config).to_string();

    // The admin's browser sends the change and goes away without reading the answer.
    let mut tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let request = format!(
        "PUT /api/v1/admin/config/devices HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.addr,
        admin.token,
        body.len()
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    tokio::task::spawn_blocking(move || reached.recv_timeout(GUARD))
        .await
        .unwrap()
        .expect("the change reaches the writer");
    drop(tcp);
    release.send(()).unwrap();

    // Once the change is on the stream (committed and published), the token is dead.
    tokio::time::timeout(GUARD, async {
        loop {
            match events.recv().await.expect("the stream stays up") {
                StreamItem::Message(StreamMessage::Event(e))
                    if matches!(e.kind, EventKind::ConfigChanged { .. }) =>
                {
                    break
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the change is committed although its request was abandoned");
    let e = kiosk2.issue("ktp", Category::Regular).await.unwrap_err();
    assert_eq!(api_code(&e).0, 401, "{e}");
    server.shutdown().await.unwrap();
}
