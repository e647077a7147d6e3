//! Backup while the hall is busy, restore, and carry on: a backup taken by `ticket-server backup`
//! while kiosks keep issuing holds every ticket acknowledged before it started; `ticket-server
//! restore` refuses a database a server is using, and a server started on the restored copy
//! continues the numbering.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use antri_wire::Category;
use common::*;
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};

const BIN: &str = env!("CARGO_BIN_EXE_ticket-server");
const SERVICES: [&str; 4] = ["ktp", "kk", "pkb", "skck"];
/// Bounded load: this many kiosks, each issuing at most this many tickets.
const KIOSKS: usize = 4;
const PER_KIOSK: usize = 120;

/// The sample building without quotas, so the load is not cut short by them.
fn config() -> Config {
    let text: String = EXAMPLE_TOML
        .lines()
        .filter(|l| !l.starts_with("quota ="))
        .map(|l| format!("{l}\n"))
        .collect();
    Config::from_toml_str(&text).unwrap()
}

struct Acked {
    id: u64,
    number: String,
    at: Instant,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_under_load_restores_every_acknowledged_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let backup = dir.path().join("backups").join("antri-1.db");
    std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
    let server = start_with_clock(&live, config(), Clock::starting_at(tuesday())).await;

    let acked = Arc::new(Mutex::new(Vec::<Acked>::new()));
    let mut kiosks = Vec::new();
    for k in 0..KIOSKS {
        let client = server.client(Some(KIOSK));
        let acked = acked.clone();
        kiosks.push(tokio::spawn(async move {
            for i in 0..PER_KIOSK {
                let service = SERVICES[(k + i) % SERVICES.len()];
                let t = client.issue(service, Category::Regular).await.unwrap();
                acked.lock().unwrap().push(Acked {
                    id: t.ticket.id,
                    number: t.ticket.number,
                    at: Instant::now(),
                });
            }
        }));
    }
    // Back up in the middle of the load.
    while acked.lock().unwrap().len() < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let backup_started = Instant::now();
    let out = tokio::task::spawn_blocking({
        let (live, backup) = (live.clone(), backup.clone());
        move || {
            Command::new(BIN)
                .args(["backup", "--db"])
                .arg(&live)
                .arg("--to")
                .arg(&backup)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let still_issuing = acked.lock().unwrap().len() < KIOSKS * PER_KIOSK;
    // Restoring over the live database is refused while its server runs.
    let refused = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(&backup)
        .arg("--db")
        .arg(&live)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("already in use"), "{why}");
    for k in kiosks {
        k.await.unwrap();
    }
    server.stop().await;
    let acked = Arc::try_unwrap(acked).ok().unwrap().into_inner().unwrap();
    let before: Vec<&Acked> = acked.iter().filter(|a| a.at < backup_started).collect();
    assert!(before.len() >= 100);
    eprintln!(
        "{} tickets acknowledged before the backup started, {} in all; load still running after the backup: {still_issuing}",
        before.len(),
        acked.len()
    );

    // Restore into a fresh path.
    let restored = dir.path().join("restored").join("antri.db");
    let out = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(&backup)
        .arg("--db")
        .arg(&restored)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "restore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("integrity ok"), "{said}");

    // Every ticket acknowledged before the backup began is in the restored database.
    {
        let conn = rusqlite::Connection::open(&restored).unwrap();
        let mut stmt = conn
            .prepare("SELECT number FROM tickets WHERE id = ?1")
            .unwrap();
        for a in &before {
            let number: String = stmt
                .query_row([a.id as i64], |r| r.get(0))
                .unwrap_or_else(|e| panic!("ticket {} ({}) lost: {e}", a.number, a.id));
            assert_eq!(number, a.number);
        }
        let count: i64 = conn
            .query_row("SELECT COUNT(*) FROM tickets", [], |r| r.get(0))
            .unwrap();
        assert!(said.contains(&format!("{count} tickets")), "{said}");
    }

    // A server on the restored copy carries on: the next KTP number follows the last one in it.
    let last_ktp: u32 = {
        let conn = rusqlite::Connection::open(&restored).unwrap();
        conn.query_row(
            "SELECT MAX(CAST(substr(number, 5) AS INTEGER)) FROM tickets WHERE issued_service = 'ktp'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let server = start_with_clock(&restored, config(), Clock::starting_at(tuesday())).await;
    let kiosk = server.client(Some(KIOSK));
    let t = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(t.ticket.number, format!("KTP-{:03}", last_ktp + 1));
    // And the restored tickets are there for visitors following them.
    let anon = server.client(None);
    let first = &before[0];
    let conn = rusqlite::Connection::open(&restored).unwrap();
    let code: String = conn
        .query_row(
            "SELECT tracking_code FROM tickets WHERE id = ?1",
            [first.id as i64],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let tracked = anon.track(&code).await.unwrap();
    assert_eq!(tracked.number, first.number);
    server.stop().await;
}

#[test]
fn restore_refuses_a_broken_backup_and_backup_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.db");
    std::fs::write(&bad, b"this is not a database at all, just text").unwrap();
    let out = Command::new(BIN)
        .args(["restore", "--from"])
        .arg(&bad)
        .arg("--db")
        .arg(dir.path().join("x.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("not a database"), "{why}");
    let out = Command::new(BIN)
        .args(["backup", "--db"])
        .arg(dir.path().join("missing.db"))
        .arg("--to")
        .arg(dir.path().join("b.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains("no database at"), "{why}");
}
