//! The stored log has a format of its own (issue 12 item 3): golden fixtures written by this
//! version, read back by the current code.
//!
//! - `fixtures/events-v1.jsonl`: one stored entry of every event kind (format 1), in log order.
//! - `fixtures/antri-v1.db`: the database the same day left behind (schema and log of this version).
//!
//! Both were written by `write_fixtures` below (`cargo test -p ticket-server --test stored_format
//! -- --ignored write_fixtures`) and are checked in. Never regenerate them to make a test pass: a
//! later version must read what this one wrote. A new format gets new fixtures beside these.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use antri_wire::{Category, DeviceReport, EventKind, PauseReason, PrinterStatus};
use chrono::{DateTime, Duration, FixedOffset};
use common::{officer, start_with_clock, KIOSK, RATING_1};
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::store::log::{decode_logged, decode_public};
use ticket_server::store::record::{Record, FORMAT};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn lines() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("events-v1.jsonl"))
        .expect("the golden log is checked in")
        .lines()
        .map(str::to_string)
        .collect()
}

const KINDS: [&str; 12] = [
    "ticket_issued",
    "ticket_called",
    "ticket_serving",
    "ticket_done",
    "ticket_no_show",
    "ticket_transferred",
    "ticket_cancelled",
    "counter_changed",
    "day_started",
    "device_status",
    "ticket_rated",
    "config_changed",
];

#[test]
fn every_kind_stored_in_format_1_reads_back_and_is_still_written_so() {
    let lines = lines();
    let mut kinds = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let stored: Value = serde_json::from_str(line).unwrap();
        assert_eq!(stored["v"], 1, "line {}", i + 1);
        kinds.insert(stored["type"].as_str().unwrap().to_string());
        let seq = stored["seq"].as_i64().unwrap();
        let logged = decode_logged(seq, line).unwrap_or_else(|e| panic!("line {}: {e}", i + 1));
        // This version still writes format 1, byte for byte the same JSON.
        let rewritten: Value = serde_json::from_str(&Record::of(&logged).encode()).unwrap();
        assert_eq!(rewritten, stored, "line {}", i + 1);
        // Served: never the tracking code.
        let public = serde_json::to_string(&decode_public(seq, line).unwrap()).unwrap();
        if let Some(code) = stored["tracking_code"].as_str() {
            assert_eq!(logged.tracking_code.as_deref(), Some(code));
            assert!(!public.contains(code), "{public}");
        }
    }
    assert_eq!(FORMAT, 1);
    assert_eq!(
        kinds,
        KINDS.iter().map(|k| k.to_string()).collect(),
        "the golden log has every kind"
    );

    // What the entries mean, read through the current wire types.
    let events: Vec<_> = lines
        .iter()
        .map(|l| {
            let seq = serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_i64()
                .unwrap();
            decode_logged(seq, l).unwrap()
        })
        .collect();
    let find = |kind: &str| {
        events
            .iter()
            .find(|e| ticket_server::store::log::type_name(&e.kind) == kind)
            .unwrap()
    };
    let EventKind::TicketIssued { ticket } = &find("ticket_issued").kind else {
        unreachable!()
    };
    assert_eq!(
        (ticket.number.as_str(), ticket.service.as_str()),
        ("KTP-001", "ktp")
    );
    assert_eq!(ticket.category, Category::Regular);
    assert_eq!(find("ticket_issued").actor.id, "kiosk-1");
    assert!(find("ticket_issued").tracking_code.is_some());
    let EventKind::TicketRated { ticket, score, .. } = &find("ticket_rated").kind else {
        unreachable!()
    };
    assert_eq!((ticket.number.as_str(), *score), ("KTP-002", 4));
    let paused = events.iter().find_map(|e| match &e.kind {
        EventKind::CounterChanged { counter } => match &counter.state {
            antri_wire::CounterState::Paused { reason, note, .. } => {
                Some((counter.number, *reason, note.clone()))
            }
            _ => None,
        },
        _ => None,
    });
    assert_eq!(
        paused,
        Some((1, PauseReason::Prayer, Some("Zuhur".to_string())))
    );
    let EventKind::DeviceStatus { device, report } = &find("device_status").kind else {
        unreachable!()
    };
    assert_eq!(
        (device.as_str(), report.printer),
        ("kiosk-1", PrinterStatus::PaperOut)
    );
    let EventKind::TicketTransferred { ticket, from, .. } = &find("ticket_transferred").kind else {
        unreachable!()
    };
    assert_eq!(
        (
            ticket.number.as_str(),
            ticket.service.as_str(),
            from.as_str()
        ),
        ("KTP-003", "kk", "ktp")
    );
    let EventKind::ConfigChanged { summary, .. } = &find("config_changed").kind else {
        unreachable!()
    };
    assert!(summary.contains("ktp: quota"), "{summary}");
    let days: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DayStarted { day, expired } => Some((day.to_string(), *expired)),
            _ => None,
        })
        .collect();
    assert_eq!(
        days,
        [("2026-11-24".to_string(), 0), ("2026-11-25".to_string(), 1)]
    );
}

#[test]
fn an_entry_of_an_unknown_future_format_is_refused_not_guessed() {
    let line = lines()[0].replacen("\"v\":1", "\"v\":2", 1);
    let err = decode_logged(1, &line).unwrap_err().to_string();
    assert!(err.contains("format 2"), "{err}");
}

fn wednesday_morning() -> DateTime<FixedOffset> {
    "2026-11-25T10:00:00+07:00".parse().unwrap()
}

#[tokio::test]
async fn a_database_written_by_this_version_is_migrated_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    std::fs::copy(fixtures().join("antri-v1.db"), &db).expect("the golden database is checked in");
    let server = start_with_clock(&db, Config::example(), Clock::manual(wednesday_morning())).await;
    let supervisor = officer(&server.client(None), "supervisor").await;
    let token = supervisor.token().unwrap().to_string();

    // The whole log, served as the golden file's entries say (and without their codes).
    let log: Value = server
        .get_json("/api/v1/log?after=0&limit=1000", Some(&token))
        .await
        .1;
    let lines = lines();
    let expected: Vec<Value> = lines
        .iter()
        .map(|l| {
            let seq = serde_json::from_str::<Value>(l).unwrap()["seq"]
                .as_i64()
                .unwrap();
            serde_json::to_value(decode_public(seq, l).unwrap()).unwrap()
        })
        .collect();
    // Starting up may add to the log (the ticker's alerts on this morning's hall), never before
    // the golden entries.
    let (served, added) = log
        .as_array()
        .unwrap()
        .split_at(expected.len().min(log.as_array().unwrap().len()));
    assert_eq!(served.len(), expected.len());
    for a in added {
        assert!(
            a["type"].as_str().is_some_and(|t| t.starts_with("alert_")),
            "only the ticker's alerts come after the golden entries: {a}"
        );
    }
    for (s, e) in served.iter().zip(&expected) {
        assert_eq!(s, e);
    }

    // A ticket is still found by its code, and the day's figures are there.
    let code = lines
        .iter()
        .find_map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["tracking_code"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap();
    let tracked: Value = server
        .get_json(&format!("/api/v1/track/{code}"), None)
        .await
        .1;
    assert_eq!(tracked["number"], "KTP-001");
    let stats: Value = server
        .get_json(
            "/api/v1/stats?from=2026-11-24&to=2026-11-24&by=service",
            Some(&token),
        )
        .await
        .1;
    let ktp = stats["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "ktp")
        .unwrap_or_else(|| panic!("{stats}"));
    // KTP-001 no-show, KTP-002 served (KTP-003 went on to kk).
    assert_eq!(
        (&ktp["issued"], &ktp["served"], &ktp["no_shows"]),
        (&json!(2), &json!(1), &json!(1)),
        "{ktp}"
    );
    // The admin's change is still the configuration in force, and today goes on from it.
    let services: Value = server.get_json("/api/v1/services", None).await.1;
    let ktp = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ktp")
        .unwrap();
    assert_eq!(ktp["quota"], 77);
    let next = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    assert_eq!(next.ticket.number, "KTP-002");
    server.stop().await;
    let version: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, ticket_server::store::migrations::VERSION);
}

/// Writes the fixtures: a Tuesday with every kind of event, and the first ticket of Wednesday.
#[tokio::test]
#[ignore = "writes the golden fixtures; run only to add those of a new format"]
async fn write_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = Clock::manual(common::tuesday());
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let url = server.url();
    let http = reqwest::Client::new();
    let kiosk = server.client(Some(KIOSK));
    let min = |m| clock.advance(Duration::minutes(m));

    let ktp1 = kiosk.issue("ktp", Category::Regular).await.unwrap();
    kiosk.issue("ktp", Category::Elderly).await.unwrap();
    let kk1 = kiosk.issue("kk", Category::Regular).await.unwrap();
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(ktp1.ticket.number, "KTP-001");
    let p1 = officer(&server.client(None), "petugas1").await;
    min(2);
    p1.counter_action(1, "open").await.unwrap();
    let called = p1.call_next(1).await.unwrap();
    assert_eq!(called.ticket.unwrap().number, "KTP-002");
    p1.counter_action(1, "recall").await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    min(5);
    p1.counter_action(1, "finish").await.unwrap();
    let rated = http
        .post(format!("{url}/api/v1/ratings"))
        .bearer_auth(RATING_1)
        .json(&json!({"number": "KTP-002", "score": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 201, "{}", rated.text().await.unwrap());
    min(1);
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KTP-001"
    );
    p1.counter_action(1, "no-show").await.unwrap();
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KTP-003"
    );
    p1.transfer(1, "kk").await.unwrap();
    let cancelled = http
        .post(format!("{url}/api/v1/track/{}/cancel", kk1.tracking_code))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    p1.pause(1, PauseReason::Prayer, Some("Zuhur".into()))
        .await
        .unwrap();
    kiosk
        .report_device_status(&DeviceReport {
            printer: PrinterStatus::PaperOut,
            detail: Some("kertas habis".into()),
        })
        .await
        .unwrap();
    let admin = officer(&server.client(None), "admin").await;
    let config: Value = http
        .get(format!("{url}/api/v1/admin/config"))
        .bearer_auth(admin.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut services = config["document"]["services"].clone();
    for s in services.as_array_mut().unwrap() {
        if s["id"] == "ktp" {
            s["quota"] = json!(77);
        }
    }
    let saved = http
        .put(format!("{url}/api/v1/admin/config/services"))
        .bearer_auth(admin.token().unwrap())
        .json(&services)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    // Wednesday: the day rolls over (KTP-003, waiting in kk, expires) at the first ticket.
    clock.advance(Duration::hours(24));
    let wed = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(wed.ticket.number, "KTP-001");
    server.stop().await;

    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT payload FROM events ORDER BY seq")
        .unwrap();
    let payloads: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    // Sessions are nobody's business in a fixture.
    conn.execute_batch("DELETE FROM sessions").unwrap();
    std::fs::create_dir_all(fixtures()).unwrap();
    std::fs::write(
        fixtures().join("events-v1.jsonl"),
        payloads.join("\n") + "\n",
    )
    .unwrap();
    let target = fixtures().join("antri-v1.db");
    let _ = std::fs::remove_file(&target);
    conn.execute("VACUUM INTO ?1", [target.to_str().unwrap()])
        .unwrap();
}
