//! A restart rebuilds exactly the hall that was running (issue 12 item 2): each configuration is
//! put into force at the sequence number where it took effect, not the newest one over the whole
//! day. The case that used to differ: the priority ratio changed at mid-morning. Two halls run the
//! same morning on the same manual clock; one is restarted right after the change. The order in
//! which loket 1 then calls its tickets must be the same in both.

mod common;

use antri_testkit::ADMIN;
use antri_wire::Category;
use chrono::Duration;
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

/// The morning up to the change, on `db`; returns the server (restarted first if `restart`).
async fn morning(db: &std::path::Path, clock: &Clock, restart: bool) -> InProcess {
    let server = start_with_clock(db, Config::example(), clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    // 09:00 under "one priority after every 2 regular": two regular visitors, called and served.
    for _ in 0..2 {
        kiosk.issue("ktp", Category::Regular).await.unwrap();
    }
    for _ in 0..2 {
        clock.advance(Duration::minutes(3));
        p1.call_next(1).await.unwrap();
        p1.counter_action(1, "start").await.unwrap();
        p1.counter_action(1, "finish").await.unwrap();
    }
    // 09:10 the admin asks for one priority ticket after every 6 regular ones.
    let token = admin_token(&server).await;
    let resp = reqwest::Client::new()
        .put(format!("{}/api/v1/admin/config/building", server.url()))
        .bearer_auth(token)
        .json(
            &json!({"queue": {"priority": "ratio", "regular_per_priority": 6, "number_digits": 3}}),
        )
        .send()
        .await
        .unwrap();
    let status = resp.status();
    assert_eq!(status, 200, "{}", resp.text().await.unwrap());
    if restart {
        server.stop().await;
        start_with_clock(db, Config::example(), clock.clone()).await
    } else {
        server
    }
}

async fn admin_token(server: &InProcess) -> String {
    server
        .client(None)
        .login(ADMIN, PASSWORD)
        .await
        .expect("admin logs in")
        .token
}

/// After the change: an elderly visitor and two regular ones arrive; loket 1 calls them all.
async fn rest_of_the_morning(server: &InProcess, clock: &Clock) -> Vec<String> {
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    kiosk.issue("ktp", Category::Elderly).await.unwrap();
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let mut called = Vec::new();
    for _ in 0..3 {
        clock.advance(Duration::minutes(3));
        let t = p1.call_next(1).await.unwrap().ticket.unwrap();
        called.push(t.number);
        p1.counter_action(1, "start").await.unwrap();
        p1.counter_action(1, "finish").await.unwrap();
    }
    called
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_after_a_mid_morning_change_keeps_the_call_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut orders = Vec::new();
    for restart in [false, true] {
        let db = dir.path().join(format!("antri-{restart}.db"));
        let clock = Clock::manual(tuesday());
        let server = morning(&db, &clock, restart).await;
        orders.push(rest_of_the_morning(&server, &clock).await);
        server.stop().await;
    }
    // Two regular tickets were served since the day began: under the new ratio the next two
    // regular ones come before the elderly visitor, who is the 6th after the last priority.
    assert_eq!(
        orders[0],
        ["KTP-004", "KTP-005", "KTP-003"],
        "the hall that ran on"
    );
    assert_eq!(orders[1], orders[0], "the hall rebuilt after the restart");
}
