//! A closed day's reports do not change because the configuration did (issue 12 item 1, the
//! concrete case): removing `kia` once turned its past `within_target` into 0.0, its name into its
//! id and its id into a fake agency. Names shown for a closed day are those in force when it
//! closed (kept in `service_days`).

mod common;

use antri_wire::Category;
use chrono::Duration;
use common::{admin_put, officer, seed_day, start_with_clock, tuesday, InProcess, KIOSK, RATING_1};
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;

async fn get(server: &InProcess, token: &str, path: &str) -> Value {
    let (status, body) = server.get_json(path, Some(token)).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// Every report of Tuesday, as a supervisor reads them.
async fn reports(server: &InProcess, token: &str) -> Value {
    let day = "from=2026-11-24&to=2026-11-24";
    let mut all = serde_json::Map::new();
    for by in ["service", "agency", "counter", "officer"] {
        all.insert(
            format!("stats by {by}"),
            get(server, token, &format!("/api/v1/stats?{day}&by={by}")).await,
        );
        all.insert(
            format!("satisfaction by {by}"),
            get(
                server,
                token,
                &format!("/api/v1/satisfaction?{day}&by={by}"),
            )
            .await,
        );
        all.insert(
            format!("export by {by}"),
            get(
                server,
                token,
                &format!("/api/v1/stats/export?{day}&by={by}&format=csv"),
            )
            .await,
        );
    }
    all.insert(
        "hourly".into(),
        get(server, token, &format!("/api/v1/stats/hourly?{day}")).await,
    );
    Value::Object(all)
}

#[tokio::test]
async fn removing_renaming_and_moving_services_leaves_a_closed_day_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    seed_day(&server, &clock).await;
    // A KIA ticket: waits 2 minutes (within its 30-minute target), served, rated 3 at loket 1.
    let kiosk = server.client(Some(KIOSK));
    kiosk.issue("kia", Category::Regular).await.unwrap();
    let p1 = officer(&server.client(None), "petugas1").await;
    clock.advance(Duration::minutes(2));
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        "KIA-001"
    );
    p1.counter_action(1, "start").await.unwrap();
    clock.advance(Duration::minutes(5));
    p1.counter_action(1, "finish").await.unwrap();
    let rated = reqwest::Client::new()
        .post(format!("{}/api/v1/ratings", server.url()))
        .bearer_auth(RATING_1)
        .json(&json!({"number": "KIA-001", "score": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), 201);
    // Wednesday's first ticket closes Tuesday.
    clock.advance(Duration::hours(24));
    kiosk.issue("ktp", Category::Regular).await.unwrap();

    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup = supervisor.token().unwrap().to_string();
    let before = reports(&server, &sup).await;
    let kia = before["stats by service"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "kia")
        .unwrap()
        .clone();
    assert_eq!(
        (&kia["label"], &kia["within_target"]),
        (&json!("Kartu Identitas Anak"), &json!(1.0))
    );
    assert_eq!(
        before["stats by officer"]["rows"][0]["label"], "Siti Rahayu",
        "{}",
        before["stats by officer"]
    );

    // The admin removes KIA, renames KTP and shortens its target, moves KK to another agency,
    // renames Dukcapil and loket 1, and removes the officer who served them all.
    let admin = officer(&server.client(None), "admin").await;
    let adm = admin.token().unwrap().to_string();
    let config = get(&server, &adm, "/api/v1/admin/config").await;
    let doc = &config["document"];
    let mut counters = doc["counters"].clone();
    for c in counters.as_array_mut().unwrap() {
        c["services"].as_array_mut().unwrap().retain(|s| s != "kia");
        if c["number"] == 1 {
            c["name"] = json!("Loket Satu (baru)");
        }
    }
    admin_put(&server, &adm, "counters", counters).await;
    let mut users = doc["users"].clone();
    users
        .as_array_mut()
        .unwrap()
        .retain(|u| u["username"] != "petugas1");
    admin_put(&server, &adm, "users", users).await;
    let mut services = doc["services"].clone();
    services
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "kia");
    for s in services.as_array_mut().unwrap() {
        if s["id"] == "ktp" {
            s["name_id"] = json!("KTP-el (baru)");
            s["target_wait_minutes"] = json!(1);
        }
        if s["id"] == "kk" {
            s["agency"] = json!("imigrasi");
        }
    }
    admin_put(&server, &adm, "services", services).await;
    let mut agencies = doc["agencies"].clone();
    for a in agencies.as_array_mut().unwrap() {
        if a["id"] == "dukcapil" {
            a["name_id"] = json!("Disdukcapil (nama baru)");
        }
    }
    admin_put(&server, &adm, "agencies", agencies).await;

    let after = reports(&server, &sup).await;
    for (name, report) in before.as_object().unwrap() {
        assert_eq!(
            &after[name], report,
            "{name} changed with the configuration"
        );
    }
    // And after a restart, which loads the newest configuration.
    server.stop().await;
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let supervisor = officer(&server.client(None), "supervisor").await;
    let again = reports(&server, supervisor.token().unwrap()).await;
    assert_eq!(again, before);
    // Today, the new names are used.
    let today = get(
        &server,
        supervisor.token().unwrap(),
        "/api/v1/stats?from=2026-11-25&to=2026-11-25",
    )
    .await;
    assert_eq!(today["rows"][0]["label"], "KTP-el (baru)", "{today}");
    server.stop().await;
}

/// The same while the day is still open: a service removed today keeps its name, agency and
/// target in today's figures, and in the closed day's after midnight.
#[tokio::test]
async fn a_service_removed_today_keeps_its_figures_today_and_after_the_day_closes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    kiosk.issue("kia", Category::Regular).await.unwrap();
    let p1 = officer(&server.client(None), "petugas1").await;
    clock.advance(Duration::minutes(2));
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    clock.advance(Duration::minutes(5));
    p1.counter_action(1, "finish").await.unwrap();
    let today = |by: &'static str| {
        let server = &server;
        async move {
            // A new login each time: a day passes on the clock below, and sessions expire.
            let supervisor = officer(&server.client(None), "supervisor").await;
            get(
                server,
                supervisor.token().unwrap(),
                &format!("/api/v1/stats?from=2026-11-24&to=2026-11-24&by={by}"),
            )
            .await
        }
    };
    let (by_service, by_agency) = (today("service").await, today("agency").await);
    assert_eq!(by_service["rows"][0]["label"], "Kartu Identitas Anak");
    assert_eq!(by_service["rows"][0]["within_target"], 1.0);
    assert_eq!(by_agency["rows"][0]["key"], "dukcapil");

    let admin = officer(&server.client(None), "admin").await;
    let adm = admin.token().unwrap().to_string();
    let config = get(&server, &adm, "/api/v1/admin/config").await;
    let mut counters = config["document"]["counters"].clone();
    for c in counters.as_array_mut().unwrap() {
        c["services"].as_array_mut().unwrap().retain(|s| s != "kia");
    }
    admin_put(&server, &adm, "counters", counters).await;
    let mut services = config["document"]["services"].clone();
    services
        .as_array_mut()
        .unwrap()
        .retain(|s| s["id"] != "kia");
    admin_put(&server, &adm, "services", services).await;

    assert_eq!(today("service").await, by_service);
    assert_eq!(today("agency").await, by_agency);
    // Midnight passes; the closed day reads the same.
    clock.advance(Duration::hours(24));
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(today("service").await, by_service);
    assert_eq!(today("agency").await, by_agency);
    server.stop().await;
}
