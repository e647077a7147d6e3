//! The public transparency view, for anyone without logging in: today's figures per service with
//! its published standard, last month's SKM grade per agency — and nothing about any person or
//! ticket. Also in a phone-sized Chromium.

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use chrono::{DateTime, Duration};
use common::*;
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizens_see_todays_figures_the_standard_and_last_months_grade_and_nothing_personal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    // October: two KTP visitors served and surveyed, one all 4s and one all 3s (IKM 87.50, B).
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-10-20T09:00:00+07:00").unwrap());
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    let mut secrets = vec!["petugas1".to_string()];
    for score in [4, 3] {
        let t = kiosk.issue("ktp", Category::Regular).await.unwrap();
        clock.advance(Duration::minutes(5));
        p1.call_next(1).await.unwrap();
        p1.counter_action(1, "start").await.unwrap();
        p1.counter_action(1, "finish").await.unwrap();
        let r = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/track/{}/survey",
                server.url(),
                t.tracking_code
            ))
            .json(&json!({"answers": vec![score; 9]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        secrets.push(t.tracking_code.clone());
    }
    server.stop().await;

    // Tuesday 24 November, 09:00: one KTP served after 10 minutes (target 30), one waits.
    clock.advance(Duration::days(35));
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    let served = kiosk.issue("ktp", Category::Regular).await.unwrap();
    let waiting = kiosk.issue("ktp", Category::Elderly).await.unwrap();
    clock.advance(Duration::minutes(10));
    assert_eq!(
        p1.call_next(1).await.unwrap().ticket.unwrap().number,
        waiting.ticket.number,
        "priority first"
    );
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    secrets.extend([served.tracking_code.clone(), waiting.tracking_code.clone()]);
    secrets.extend([served.ticket.number.clone(), waiting.ticket.number.clone()]);

    let (status, hall) = server.get_json("/api/v1/public/hall", None).await;
    assert_eq!(status, 200, "{hall}");
    let ktp = hall["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ktp")
        .unwrap();
    assert_eq!(
        (
            &ktp["waiting"],
            &ktp["served_today"],
            &ktp["wait_median_secs"],
            &ktp["target_wait_secs"]
        ),
        (&json!(1), &json!(1), &json!(600), &json!(1800))
    );
    assert_eq!(ktp["standard"]["cost"]["id"], "Gratis");
    let passport = hall["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "paspor-baru")
        .unwrap();
    assert_eq!(
        passport["standard"]["bring"][1]["id"],
        "Kartu Keluarga asli"
    );
    let dukcapil = hall["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "dukcapil")
        .unwrap();
    // NRR 3.5 on every element: IKM 3.5, × 25 = 87.50 → B ("Baik").
    assert_eq!(
        (
            &dukcapil["skm"]["grade"],
            &dukcapil["skm"]["ikm_unit"],
            &dukcapil["skm"]["respondents"]
        ),
        (&json!("B"), &json!(87.5), &json!(2))
    );
    assert_eq!(dukcapil["skm"]["from"], "2026-10-01");
    assert_eq!(dukcapil["skm"]["sample_too_small"], false);
    let imigrasi = hall["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "imigrasi")
        .unwrap();
    assert_eq!(imigrasi["skm"], Value::Null, "no survey, no grade");
    let text = hall.to_string();
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "the public view holds {s}");
    }

    // The page, on a phone.
    let b = Browser::start(390, 844).await;
    b.goto(&format!("{}/transparansi", server.url())).await;
    let row = b.wait_text("#services", "KTP Elektronik").await;
    assert!(row.contains("10 mnt / 30 mnt"), "{row}");
    let cards = b.wait_text("#agencies", "Baik").await;
    assert!(cards.contains("IKM 87,50"), "{cards}");
    let path = antri_testkit::screenshot_path!("transparency.png");
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
    b.quit().await;
    server.stop().await;
}
