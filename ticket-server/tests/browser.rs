//! The pages in a real headless Chromium: an officer logs in and calls the next ticket with one key,
//! and a display subscriber sees that call; the visitor's tracking page turns to "Silakan menuju
//! loket" by itself (its live stream), says the estimated wait in the printed ticket's words and names a priority
//! ticket's category. Screenshots of both go to `$CARGO_TARGET_TMPDIR/screenshots/`
//! (docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use std::time::Duration;

use antri_testkit::browser::Browser;
use antri_wire::client::StreamItem;
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use common::*;

/// The page as it is now, to `$CARGO_TARGET_TMPDIR/screenshots/<name>` (and docs/screenshots/ with
/// `ANTRI_UPDATE_SCREENSHOTS=1`), after the test has checked what it shows through the page's text.
async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_calls_next_with_one_key_and_the_display_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    let first = kiosk.issue("ktp", Category::Regular).await.unwrap();
    kiosk.issue("kia", Category::Elderly).await.unwrap();
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let mut display = server.client(Some(DISPLAY)).subscribe(None);

    let b = Browser::start(1280, 800).await;
    b.goto(&format!("{}/officer", server.url())).await;
    b.type_into("#username", "petugas1").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    // petugas1 has lokets 1 and 2: pick 1.
    b.wait_text("#lokets", "Loket 1").await;
    b.click("#lokets button").await;
    b.wait_text("#waiting", "KTP-001").await;
    b.wait_text("#waiting", "KIA-001").await;
    // Under the ratio policy the loket's first call may take the elderly visitor first.
    b.press('n').await;
    let called = b.wait_text("#current-number", "-001").await;
    assert_eq!(called, "KIA-001");

    // The hall display's stream carries the same call.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let item = tokio::time::timeout_at(deadline, display.recv())
            .await
            .expect("display sees the call")
            .unwrap();
        if let StreamItem::Message(StreamMessage::Event(e)) = item {
            if let EventKind::TicketCalled {
                ticket, counter, ..
            } = &e.kind
            {
                assert_eq!((ticket.number.as_str(), *counter), ("KIA-001", 1));
                assert_eq!(e.actor.id, "petugas1");
                break;
            }
        }
    }
    // Start serving (S), then the next call (N) finishes it and calls the longest-waiting KTP.
    b.press('s').await;
    b.wait_text("#current-meta", "serving").await;
    b.press('n').await;
    b.wait_text("#current-number", &first.ticket.number).await;
    screenshot(&b, "officer-console.png").await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracking_page_turns_to_go_to_loket_when_called() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    kiosk.issue("skck", Category::Regular).await.unwrap();
    let mine = kiosk.issue("skck", Category::Regular).await.unwrap();

    // A phone-sized window.
    let b = Browser::start(412, 860).await;
    b.goto(
        &mine
            .tracking_url
            .replace("http://127.0.0.1:8080", &server.url()),
    )
    .await;
    b.wait_text("#number", "SK-002").await;
    let waiting = b.wait_text("#state", "Menunggu").await;
    assert!(waiting.contains("1\nantrian sebelum Anda"), "{waiting}");
    // The estimated wait in the words the printed ticket and the kiosk use for this ticket.
    let words = antri_wire::wait::estimated_wait(mine.ahead, mine.estimated_wait_secs);
    assert!(words.id.starts_with("sekitar "), "{words:?}");
    assert!(
        waiting.contains(&format!(
            "{}\nperkiraan tunggu\nestimated wait: {}",
            words.id, words.en
        )),
        "{waiting}"
    );
    assert_eq!(
        b.script("return document.getElementById('priority').hidden")
            .await,
        serde_json::Value::Bool(true),
        "a regular ticket names no category"
    );
    screenshot(&b, "tracking-waiting.png").await;

    let officer = officer(&server.client(None), "petugas8").await; // lokets 15 (SKCK) and 16
    officer.call_next(15).await.unwrap();
    officer.counter_action(15, "start").await.unwrap();
    officer.call_next(15).await.unwrap();
    // The page follows the ticket's live stream.
    let called = b.wait_text("#state", "Silakan menuju loket 15").await;
    assert!(called.contains("Please go to counter 15"));
    // Over it, the full-screen call (tests/browser_track_alerts.rs); closed, the page stays.
    b.wait_text("#overlay", "Nomor Anda dipanggil — loket 15")
        .await;
    b.click("#overlay-close").await;
    screenshot(&b, "tracking-called.png").await;

    // A priority ticket's page names its category; with nobody ahead its wait is "segera", as the
    // paper says.
    let elder = kiosk.issue("skck", Category::Elderly).await.unwrap();
    assert_eq!(elder.ahead, 0);
    b.goto(
        &elder
            .tracking_url
            .replace("http://127.0.0.1:8080", &server.url()),
    )
    .await;
    b.wait_text("#number", "SK-003").await;
    let priority = b.wait_text("#priority", "Prioritas").await;
    assert_eq!(priority, "Prioritas: Lansia\nPriority: Elderly");
    let waiting = b.wait_text("#state", "Menunggu").await;
    let words = antri_wire::wait::estimated_wait(elder.ahead, elder.estimated_wait_secs);
    assert_eq!((words.id.as_str(), words.en.as_str()), ("segera", "soon"));
    assert!(
        waiting.contains("segera\nperkiraan tunggu\nestimated wait: soon"),
        "{waiting}"
    );
    screenshot(&b, "tracking-priority.png").await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisor_sees_the_seeded_day_and_the_xlsx_holds_the_same_figures() {
    use calamine::Reader;
    let dir = tempfile::tempdir().unwrap();
    let clock = ticket_server::clock::Clock::manual(tuesday());
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        ticket_server::config::Config::example(),
        clock.clone(),
    )
    .await;
    seed_day(&server, &clock).await;

    let b = Browser::start(1400, 2000).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    // The seeded day, as the hand-computed figures say (minutes:seconds).
    let ktp = b.wait_text("#history-rows tr[data-key='ktp']", "KTP").await;
    assert_eq!(ktp, "KTP Elektronik 4 2 1 7:00 8:00 5:00 10:00 100%");
    let kk = b.text("#history-rows tr[data-key='kk']").await;
    assert_eq!(kk, "Kartu Keluarga 1 1 0 18:00 18:00 2:00 2:00 100%");
    screenshot(&b, "dashboard.png").await;
    b.quit().await;

    // The XLSX export opens and holds the same figures as the API.
    let sup = officer(&server.client(None), "supervisor").await;
    let day = tuesday().date_naive();
    let api = sup
        .stats(day, day, antri_wire::StatsGroup::Service)
        .await
        .unwrap();
    let bytes = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/stats/export?from={day}&to={day}&by=service&format=xlsx",
            server.url()
        ))
        .bearer_auth(sup.token().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("a valid XLSX");
    let sheet = book.worksheet_range("Statistik").unwrap();
    let rows: Vec<_> = sheet.rows().collect();
    assert_eq!(rows[0][0].to_string(), "key");
    assert_eq!(rows.len(), api.rows.len() + 1);
    for (r, want) in rows[1..].iter().zip(&api.rows) {
        assert_eq!(r[0].to_string(), want.key);
        let num = |i: usize| r[i].to_string().parse::<f64>().ok();
        assert_eq!(num(2), Some(want.issued as f64));
        assert_eq!(num(3), Some(want.served as f64));
        assert_eq!(num(4), Some(want.no_shows as f64));
        assert_eq!(num(6), want.wait_median_secs.map(f64::from));
        assert_eq!(num(9), want.service_p90_secs.map(f64::from));
        assert_eq!(num(10), want.within_target);
    }
    server.stop().await;
}
