//! The visitor's phone (a 360×640 headless Chromium with notifications allowed) follows its ticket
//! live while an officer calls the queue down to it: the "your turn is near" banner and one
//! notification when it comes within the places the visitor chose, the full-screen "your number is
//! called — counter 7" with another, and a server restart in the middle that the page rides out
//! without a reload. Screenshots of both alerts go to `$CARGO_TARGET_TMPDIR/screenshots/`
//! (docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use std::time::Duration;

use antri_testkit::browser::Browser;
use antri_wire::client::Client;
use antri_wire::Category;
use common::*;
use serde_json::Value;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}

/// Put a recorder around the page's `Notification`: every notification the page creates is kept
/// in `window.__made` (its title), and still created. The permission the browser reports.
const RECORD_NOTIFICATIONS: &str = r#"
    const Real = window.Notification;
    window.__made = [];
    class Recorded extends Real {
        constructor(title, options) { super(title, options); window.__made.push(title); }
    }
    Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
    Recorded.requestPermission = (...a) => Real.requestPermission(...a);
    window.Notification = Recorded;
    return Real.permission;
"#;

async fn made(b: &Browser) -> Vec<String> {
    match b.script("return window.__made").await {
        Value::Array(a) => a
            .into_iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        other => panic!("no recorder in the page: {other:?}"),
    }
}

/// The loket finishes with its visitor and calls the next one.
async fn next(officer: &Client) {
    officer.counter_action(7, "start").await.unwrap();
    officer.call_next(7).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_warns_when_the_turn_is_near_and_when_called_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;
    let addr = server.addr;
    let kiosk = server.client(Some(KIOSK));
    for _ in 0..4 {
        kiosk.issue("pkb", Category::Regular).await.unwrap();
    }
    let mine = kiosk.issue("pkb", Category::Regular).await.unwrap();
    assert_eq!(mine.ahead, 4);

    let b = Browser::start_phone_granting_notifications(360, 640).await;
    b.goto(
        &mine
            .tracking_url
            .replace("http://127.0.0.1:8080", &server.url()),
    )
    .await;
    b.wait_text("#number", &mine.ticket.number).await;
    let waiting = b.wait_text("#state", "Menunggu").await;
    assert!(waiting.contains("4\nantrian sebelum Anda"), "{waiting}");
    assert_eq!(b.script(RECORD_NOTIFICATIONS).await, "granted");
    // Warn at 3 places ahead (the default), and turn the alerts on.
    assert_eq!(b.text("#near-n").await, "3");
    b.click("#alerts-toggle").await;
    let on = b.wait_text("#alerts-state", "Peringatan aktif").await;
    assert!(
        on.contains("notifikasi") && on.contains("Alerts on"),
        "{on}"
    );
    assert!(made(&b).await.is_empty(), "nothing is near yet");

    // The officer of lokets 7 and 8 (PKB) calls: 3 ahead now, within the chosen 3.
    let officer = officer(&server.client(None), "petugas4").await;
    officer.call_next(7).await.unwrap();
    let near = b
        .wait_text("#near", "Giliran Anda sebentar lagi — 3 antrian lagi")
        .await;
    assert!(near.contains("Your turn is near — 3 ahead"), "{near}");
    let titles = made(&b).await;
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(
        titles[0].contains("Giliran Anda sebentar lagi"),
        "{titles:?}"
    );
    // The visitor looks at the top of the page: ticket, banner, position.
    b.script("window.scrollTo(0, 0)").await;
    screenshot(&b, "tracking-near.png").await;
    // Back online (or awake): the page opens a fresh stream rather than trust the old socket.
    let reopened = b
        .script(
            "const old = source; window.dispatchEvent(new Event('online')); \
             return source !== old && source.readyState !== EventSource.CLOSED",
        )
        .await;
    assert_eq!(reopened, true);
    // Moving closer keeps the banner up to date, without another notification (once per crossing).
    next(&officer).await;
    b.wait_text("#near", "2 antrian lagi").await;
    assert_eq!(made(&b).await.len(), 1);

    // The server restarts while the page is open: the page says it is offline, then picks up.
    server.stop().await;
    b.wait_text("#conn", "Tidak tersambung, mencoba lagi…")
        .await;
    let server = serve_again(addr, &db, Config::example(), Clock::starting_at(tuesday())).await;
    // Sessions outlive a restart: the officer goes on with the same login.
    next(&officer).await;
    b.wait_text_within("#near", "1 antrian lagi", Duration::from_secs(20))
        .await;
    assert_eq!(
        b.script("return document.getElementById('conn').hidden")
            .await,
        true,
        "back online"
    );

    next(&officer).await;
    b.wait_text("#near", "Giliran Anda berikutnya").await;
    next(&officer).await;
    let called = b
        .wait_text("#overlay", "Nomor Anda dipanggil — loket 7")
        .await;
    assert!(
        called.contains("Your number is called — counter 7"),
        "{called}"
    );
    assert_eq!(b.text("#overlay-number").await, mine.ticket.number);
    let titles = made(&b).await;
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[1].contains("dipanggil — loket 7"), "{titles:?}");
    assert_eq!(
        b.script("return document.body.dataset.notifications").await,
        "2"
    );
    screenshot(&b, "tracking-called-alert.png").await;

    // Closed, the page under it says where to go.
    b.click("#overlay-close").await;
    b.wait_text("#state", "Silakan menuju loket 7").await;
    assert_eq!(
        b.script("return document.getElementById('overlay').hidden")
            .await,
        true
    );
    b.quit().await;
    server.stop().await;
}

/// A browser without EventSource (or behind a proxy that keeps breaking the stream) is served by
/// polling the plain view every 5 s: the page still follows the ticket to its call. An unknown
/// code says "ticket not found".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_eventsource_the_page_polls_and_still_follows_the_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    kiosk.issue("pkb", Category::Regular).await.unwrap();
    let mine = kiosk.issue("pkb", Category::Regular).await.unwrap();

    let b = Browser::start_phone_granting_notifications(360, 640).await;
    b.goto(
        &mine
            .tracking_url
            .replace("http://127.0.0.1:8080", &server.url()),
    )
    .await;
    b.wait_text("#state", "1\nantrian sebelum Anda").await;
    // As in a browser that has none: the page's own way in (`listen`) now falls back to polling.
    b.script("window.EventSource = undefined; stopLive(); listen();")
        .await;
    assert_eq!(
        b.script("return source === null && polling !== null").await,
        true
    );

    let officer = officer(&server.client(None), "petugas4").await;
    officer.call_next(7).await.unwrap();
    // One poll is at most 5 s away.
    b.wait_text_within("#state", "0\nantrian sebelum Anda", Duration::from_secs(12))
        .await;
    next(&officer).await;
    b.wait_text_within(
        "#overlay",
        "Nomor Anda dipanggil — loket 7",
        Duration::from_secs(12),
    )
    .await;

    // A code that names no ticket: the stream is refused (404), and the page says so.
    b.goto(&format!("{}/t/ABCDEFGH2345", server.url())).await;
    b.wait_text("#state", "Tiket tidak ditemukan").await;
    assert_eq!(
        b.script("return document.getElementById('conn').hidden")
            .await,
        true
    );
    b.quit().await;
    server.stop().await;
}
