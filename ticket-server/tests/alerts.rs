//! The supervisor is told, not left to look: each cause raises one alert, a supervisor
//! acknowledges it (logged with who), and it clears when the cause is gone — on the injected
//! clock, whose moves wake the server's ticker, so no test waits for real time to pass.

mod common;

use std::time::Duration as StdDuration;

use antri_wire::{Category, DeviceReport, PauseReason, PrinterStatus};
use chrono::{DateTime, Duration};
use common::*;
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;

/// The alerts in force, as the supervisor's dashboard reads them.
async fn alerts(server: &InProcess, token: Option<&str>) -> Vec<Value> {
    let (status, body) = server.get_json("/api/v1/alerts", token).await;
    assert_eq!(status, 200, "{body}");
    body["active"].as_array().unwrap().clone()
}

/// Wait (bounded) until the ticker has looked at the hall after the clock moved and `pred` holds.
async fn until(
    server: &InProcess,
    token: Option<&str>,
    what: &str,
    pred: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    for _ in 0..250 {
        let a = alerts(server, token).await;
        if pred(&a) {
            return a;
        }
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    panic!("{what}: alerts are {:?}", alerts(server, token).await);
}

fn of<'a>(a: &'a [Value], kind: &str, subject: &str) -> Option<&'a Value> {
    a.iter()
        .find(|x| x["kind"] == kind && x["subject"] == subject)
}

/// Tuesday 09:00 WIB, with every device "connected" in the sense that the silence limit is far:
/// the device test below has its own server.
fn tuesday_clock() -> Clock {
    Clock::manual(DateTime::parse_from_rfc3339("2026-11-24T09:00:00+07:00").unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_past_its_target_raises_one_alert_acknowledged_then_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = tuesday_clock();
    let mut config = Config::example();
    // Devices are not the subject here: an hour before one counts as silent.
    config.alerts.device_silent_secs = 3600;
    let server = start_with_clock(&db, config.clone(), clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token().map(str::to_string);
    let sup = sup.as_deref();

    let t = kiosk.issue("ktp", Category::Regular).await.unwrap();
    // 30 minutes is the target: at 30 nothing, past it one alert, however many ticks see it.
    clock.advance(Duration::minutes(30));
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert!(of(&alerts(&server, sup).await, "wait_over_target", "ktp").is_none());
    clock.advance(Duration::minutes(1));
    let a = until(&server, sup, "the KTP queue past its target", |a| {
        of(a, "wait_over_target", "ktp").is_some()
    })
    .await;
    let alert = of(&a, "wait_over_target", "ktp").unwrap().clone();
    assert!(
        alert["message"]["id"]
            .as_str()
            .unwrap()
            .contains("tunggu terlama 31 menit, melewati target 30 menit"),
        "{alert}"
    );
    for _ in 0..3 {
        clock.advance(Duration::minutes(1));
    }
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    let again = alerts(&server, sup).await;
    assert_eq!(again.len(), a.len(), "raised once: {again:?}");
    assert_eq!(
        of(&again, "wait_over_target", "ktp").unwrap()["id"],
        alert["id"]
    );

    // Nobody but a supervisor or admin reads or acknowledges alerts.
    let id = alert["id"].as_u64().unwrap();
    let p1 = officer(&server.client(None), "petugas1").await;
    for token in [None, Some(KIOSK), Some(DISPLAY), Some(RATING_1), p1.token()] {
        let (status, _) = server.get_json("/api/v1/alerts", token).await;
        assert!(
            status == 401 || status == 403,
            "{token:?} read alerts: {status}"
        );
        let mut req =
            reqwest::Client::new().post(format!("{}/api/v1/alerts/{id}/acknowledge", server.url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let status = req.send().await.unwrap().status().as_u16();
        assert!(
            status == 401 || status == 403,
            "{token:?} acknowledged: {status}"
        );
    }
    let ack = |token: Option<&str>| {
        let mut req =
            reqwest::Client::new().post(format!("{}/api/v1/alerts/{id}/acknowledge", server.url()));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, acked) = ack(sup).await;
    assert_eq!(
        (status, &acked["acknowledged_by"]),
        (200, &json!("supervisor"))
    );
    let admin = officer(&server.client(None), "admin").await;
    let (status, twice) = ack(admin.token()).await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (409, Some("already_acknowledged"))
    );
    assert!(twice["error"]["message"]
        .as_str()
        .unwrap()
        .contains("supervisor"));

    // Alerts are rebuilt from the log after a restart, acknowledgement included.
    server.stop().await;
    let server = start_with_clock(&db, config, clock.clone()).await;
    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token().map(str::to_string);
    let sup = sup.as_deref();
    let after = alerts(&server, sup).await;
    assert_eq!(
        of(&after, "wait_over_target", "ktp").unwrap()["acknowledged_by"],
        "supervisor"
    );

    // The visitor is called: the cause is gone, and so is the alert.
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        t.ticket.number
    );
    clock.advance(Duration::seconds(1));
    until(&server, sup, "the alert cleared", |a| {
        of(a, "wait_over_target", "ktp").is_none()
    })
    .await;

    // The log says it all: raised by the system, acknowledged by the supervisor, cleared.
    let (_, log) = server.get_json("/api/v1/log?after=0&limit=500", sup).await;
    let entries = log["entries"]
        .as_array()
        .or(log.as_array())
        .cloned()
        .unwrap_or_default();
    let text = serde_json::to_string(&log).unwrap();
    assert!(
        text.contains("alert_raised") && text.contains("alert_cleared"),
        "{text}"
    );
    let acked: Vec<&Value> = entries
        .iter()
        .filter(|e| e["type"] == "alert_acknowledged")
        .collect();
    assert_eq!(acked.len(), 1, "{entries:?}");
    assert_eq!(acked[0]["actor"]["id"], "supervisor");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_pause_a_printer_fault_and_a_quota_running_out_each_alert_and_clear() {
    let dir = tempfile::tempdir().unwrap();
    let clock = tuesday_clock();
    let mut config = Config::example();
    config.alerts.device_silent_secs = 3600;
    // A small quota: 10 % of 10 is one ticket left.
    let kk = config.services.iter_mut().find(|s| s.id == "kk").unwrap();
    kk.quota = Some(10);
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock.clone()).await;
    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token().map(str::to_string);
    let sup = sup.as_deref();
    let kiosk = server.client(Some(KIOSK));

    // Loket 1 pauses for 31 minutes (the limit is 30).
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    p1.pause(1, PauseReason::Break, None).await.unwrap();
    clock.advance(Duration::minutes(31));
    until(&server, sup, "a long pause", |a| {
        of(a, "paused_too_long", "1").is_some()
    })
    .await;
    p1.counter_action(1, "resume").await.unwrap();
    clock.advance(Duration::seconds(1));
    until(&server, sup, "the pause over", |a| {
        of(a, "paused_too_long", "1").is_none()
    })
    .await;

    // The kiosk's printer: paper near its end is worth an alert, out of paper too; fixed, gone.
    kiosk
        .report_device_status(&DeviceReport {
            printer: PrinterStatus::PaperNearEnd,
            detail: None,
        })
        .await
        .unwrap();
    clock.advance(Duration::seconds(1));
    let a = until(&server, sup, "paper low", |a| {
        of(a, "printer", "kiosk-1").is_some()
    })
    .await;
    assert!(of(&a, "printer", "kiosk-1").unwrap()["message"]["id"]
        .as_str()
        .unwrap()
        .contains("kertas hampir habis"));
    kiosk
        .report_device_status(&DeviceReport {
            printer: PrinterStatus::Ok,
            detail: None,
        })
        .await
        .unwrap();
    clock.advance(Duration::seconds(1));
    until(&server, sup, "printer fixed", |a| {
        of(a, "printer", "kiosk-1").is_none()
    })
    .await;

    // KK's quota of 10: eight issued leaves 2 (20 %), nine leaves 1 (10 %).
    for _ in 0..8 {
        kiosk.issue("kk", Category::Regular).await.unwrap();
    }
    clock.advance(Duration::seconds(1));
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert!(of(&alerts(&server, sup).await, "quota_low", "kk").is_none());
    kiosk.issue("kk", Category::Regular).await.unwrap();
    clock.advance(Duration::seconds(1));
    let a = until(&server, sup, "quota low", |a| {
        of(a, "quota_low", "kk").is_some()
    })
    .await;
    assert!(of(&a, "quota_low", "kk").unwrap()["message"]["en"]
        .as_str()
        .unwrap()
        .contains("1 of its quota of 10 left"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_without_its_live_connection_for_two_minutes_is_an_alert_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let clock = tuesday_clock();
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token().map(str::to_string);
    let sup = sup.as_deref();
    // The hall display holds its stream; nobody else is connected.
    let display = server.client(Some(DISPLAY));
    let mut stream = display.subscribe(None);
    tokio::time::timeout(StdDuration::from_secs(10), stream.recv())
        .await
        .expect("the display's stream answers");
    clock.advance(Duration::seconds(119));
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert!(alerts(&server, sup).await.is_empty(), "not yet two minutes");
    clock.advance(Duration::seconds(1));
    let a = until(&server, sup, "silent devices", |a| {
        of(a, "device_silent", "kiosk-1").is_some()
    })
    .await;
    assert!(of(&a, "device_silent", "display-hall").is_none(), "{a:?}");
    // The kiosk comes back: its alert clears on the next tick.
    let kiosk = server.client(Some(KIOSK));
    let mut back = kiosk.subscribe(None);
    tokio::time::timeout(StdDuration::from_secs(10), back.recv())
        .await
        .expect("the kiosk's stream answers");
    clock.advance(Duration::seconds(1));
    until(&server, sup, "kiosk back", |a| {
        of(a, "device_silent", "kiosk-1").is_none()
    })
    .await;
    // After closing time nobody is expected: the display leaving at 16:00 raises nothing.
    drop(stream);
    drop(back);
    clock.advance(Duration::hours(8));
    // (The supervisor's session has expired by then: a new login.)
    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token();
    until(&server, sup, "no device alerts after hours", |a| {
        a.iter().all(|x| x["kind"] != "device_silent")
    })
    .await;
    server.stop().await;
}
