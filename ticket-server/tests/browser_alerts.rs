//! The supervisor's dashboard in a real headless Chromium while a service falls behind its
//! target: the alert appears by itself (live), chimes until acknowledged, and shows who
//! acknowledged it. Screenshot to `$CARGO_TARGET_TMPDIR/screenshots/` (docs/screenshots/ with
//! `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use chrono::{DateTime, Duration};
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_sounds_an_alert_until_a_supervisor_acknowledges_it() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-11-24T09:00:00+07:00").unwrap());
    let mut config = Config::example();
    // Only the queue's alert in this picture.
    config.alerts.device_silent_secs = 3600;
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock.clone()).await;
    server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();

    let b = Browser::start(1400, 1000).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#kpis", "menunggu").await;
    let hidden = b
        .script(r#"return document.getElementById("alerts").classList.contains("hidden");"#)
        .await;
    assert_eq!(hidden, json!(true), "no alert before the target passes");

    // 09:31: the KTP visitor has waited past the 30-minute target; nobody touches the page.
    clock.advance(Duration::minutes(31));
    let text = b.wait_text("#alert-list", "melewati target 30 menit").await;
    assert!(text.contains("past its 30 min target"), "{text}");
    let chimes = b
        .script("return Number(document.body.dataset.chimes || 0);")
        .await;
    assert!(
        chimes.as_u64().unwrap() >= 1,
        "a new alert chimes at once: {chimes}"
    );
    screenshot(&b, "dashboard-alert.png").await;

    b.click("#alert-list button.ack").await;
    b.wait_text("#alert-list", "dilihat supervisor").await;
    let buttons = b
        .script(r##"return document.querySelectorAll("#alert-list button.ack").length;"##)
        .await;
    assert_eq!(
        buttons,
        json!(0),
        "acknowledged: nothing left to acknowledge"
    );
    b.quit().await;
    server.stop().await;
}

async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}
