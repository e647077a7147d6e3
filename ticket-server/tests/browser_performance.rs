//! The officer performance panel and the "no choosing" console in a real headless Chromium.

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

/// The seeded day (`common::seed_day`, all by petugas1, now 09.20 WIB), by hand: served 3
/// (KTP-001 300 s, KTP-003 600 s, KK-001 120 s: median 5:00); each started at its call (walk
/// 0:00); loket 1 open 09.02–09.20 and loket 2 09.18–09.20 (open 20:00); idle 09.07–09.08 only,
/// when KTP-002 had gone (no-show) and KTP-003 waited; one no-show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_shows_the_seeded_days_figures_and_defines_them() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    seed_day(&server, &clock).await;

    let b = Browser::start(1400, 2400).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    let row = b
        .wait_text("#officer-rows tr[data-officer='petugas1']", "Siti")
        .await;
    assert_eq!(
        row,
        "Siti Rahayu (petugas1) Semua · All 3 5:00 0:00 1:00 20:00 0 1 0"
    );
    let definitions = b
        .script("return document.getElementById('officer-definitions').textContent")
        .await;
    let definitions = definitions.as_str().unwrap();
    for words in [
        "Luang saat ada antrean",
        "Idle while waited",
        "not paused",
        "tidak jeda",
    ] {
        assert!(definitions.contains(words), "{words}: {definitions}");
    }
    b.script("document.getElementById('officers-panel').scrollIntoView()")
        .await;
    let shot = antri_testkit::screenshot_path!("dashboard-officers.png");
    b.screenshot(&shot).await;
    let csv = b
        .script("return document.getElementById('officers-csv').getAttribute('href')")
        .await;
    assert_eq!(
        csv.as_str().unwrap(),
        "/api/v1/stats/officers?from=2026-11-24&to=2026-11-24&format=csv"
    );
    b.quit().await;
    server.stop().await;
}

/// Under "no choosing" the console has no "Call number" and says why; when the admin turns the
/// mode off, the button comes back without a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_hides_call_number_under_no_choosing_and_follows_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let config = no_choosing_config();
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        config,
        Clock::manual(tuesday()),
    )
    .await;
    server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();

    let b = Browser::start(1280, 900).await;
    b.goto(&format!("{}/officer", server.url())).await;
    b.type_into("#username", "petugas1").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#lokets", "Loket 1").await;
    b.click("#lokets button").await;
    b.wait_text("#waiting", "KTP-001").await;
    let note = b.wait_text("#no-choosing", "supervisor").await;
    assert!(note.contains("Mode tanpa memilih"), "{note}");
    let hidden = "return document.getElementById('act-call').classList.contains('hidden')";
    assert_eq!(b.script(hidden).await, json!(true));

    // The admin turns the mode off in the building section.
    set_no_choosing(&server, false).await;
    // The console hears the change on its event stream and shows the button again.
    b.wait_text("#act-call", "Panggil nomor").await;
    let note_hidden = "return document.getElementById('no-choosing').classList.contains('hidden')";
    assert_eq!(b.script(note_hidden).await, json!(true));
    b.quit().await;
    server.stop().await;
}

/// Under "no choosing" a supervisor uses the console to call a specific number to a loket its
/// officer has open; every other action there stays the officer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_calls_a_number_from_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        no_choosing_config(),
        Clock::manual(tuesday()),
    )
    .await;
    let kiosk = server.client(Some(KIOSK));
    for _ in 0..2 {
        kiosk.issue("ktp", Category::Regular).await.unwrap();
    }
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();

    let b = Browser::start(1280, 900).await;
    b.goto(&format!("{}/officer", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#lokets", "Loket 20").await;
    b.click("#lokets button").await;
    b.wait_text("#waiting", "KTP-002").await;
    b.wait_text("#supervising", "Supervisor").await;
    let enabled = "return [...document.querySelectorAll('.actions button')].filter((b) => !b.disabled).map((b) => b.id)";
    assert_eq!(b.script(enabled).await, json!(["act-call"]));
    b.click("#act-call").await;
    b.type_into("#call-number", "KTP-002").await;
    b.click("#confirm-ok").await;
    b.wait_text("#current-number", "KTP-002").await;
    // The log names the supervisor as the caller.
    let sup = officer(&server.client(None), "supervisor").await;
    let (_, log) = server
        .get_json("/api/v1/log?after=0&limit=100", sup.token())
        .await;
    let call = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "ticket_called" && e["ticket"]["number"] == "KTP-002")
        .expect("the call is in the log");
    assert_eq!(call["actor"]["id"], "supervisor");
    b.quit().await;
    server.stop().await;
}
