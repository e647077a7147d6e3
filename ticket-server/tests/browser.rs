//! The pages in a real headless Chromium: an officer logs in and calls the next ticket with one key,
//! and a display subscriber sees that call; the visitor's tracking page turns to "Silakan menuju
//! loket" by itself. Screenshots of both go to docs/screenshots/.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use antri_wire::client::StreamItem;
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use common::webdriver::Browser;
use common::*;

fn screenshot(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/screenshots")
        .join(name)
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
    b.wait_text("#lokets", "Loket 1", 10).await;
    b.click("#lokets button").await;
    b.wait_text("#waiting", "KTP-001", 10).await;
    b.wait_text("#waiting", "KIA-001", 10).await;
    // Under the ratio policy the loket's first call may take the elderly visitor first.
    b.press("n").await;
    let called = b.wait_text("#current-number", "-001", 10).await;
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
    b.press("s").await;
    b.wait_text("#current-meta", "serving", 10).await;
    b.press("n").await;
    b.wait_text("#current-number", &first.ticket.number, 10)
        .await;
    b.screenshot(&screenshot("officer-console.png")).await;
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
    b.wait_text("#number", "SK-002", 10).await;
    let waiting = b.wait_text("#state", "Menunggu", 10).await;
    assert!(waiting.contains("1\nantrian sebelum Anda"), "{waiting}");
    b.screenshot(&screenshot("tracking-waiting.png")).await;

    let officer = officer(&server.client(None), "petugas8").await; // lokets 15 (SKCK) and 16
    officer.call_next(15).await.unwrap();
    officer.counter_action(15, "start").await.unwrap();
    officer.call_next(15).await.unwrap();
    // The page polls every 5 s.
    let called = b.wait_text("#state", "Silakan menuju loket 15", 12).await;
    assert!(called.contains("Please go to counter 15"));
    b.screenshot(&screenshot("tracking-called.png")).await;
    b.quit().await;
    server.stop().await;
}
