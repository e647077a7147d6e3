//! The public booking page in a real headless Chromium at a phone's size (390×844): a visitor picks
//! agency, service, date and session, mistypes the NIK and is told which digits are wrong, books,
//! sees the code, its QR and the masked NIK, reschedules and cancels; a full session cannot be
//! picked. Screenshots go to `$CARGO_TARGET_TMPDIR/screenshots/` (docs/screenshots/ with
//! `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use antri_testkit::browser::Browser;
use chrono::DateTime;
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_books_reschedules_and_cancels_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    // Monday 07:00 WIB: the coming days' sessions are open.
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-11-23T07:00:00+07:00").unwrap());
    let server = start_with_clock(&dir.path().join("antri.db"), Config::example(), clock).await;
    // Tuesday's 13:00 session is already full (six other people).
    let http = reqwest::Client::new();
    for i in 0..6 {
        let r = http
            .post(format!("{}/api/v1/bookings", server.url()))
            .json(
                &json!({"service": "paspor-baru", "date": "2026-11-24", "session": 3,
                          "nik": format!("317101010190{:04}", i + 1)}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }

    let b = Browser::start(390, 844).await;
    b.goto(&format!("{}/booking", server.url())).await;
    b.wait_text("#agencies", "Imigrasi").await;
    b.click("#agencies input[value='imigrasi']").await;
    b.wait_text("#services", "Paspor Baru").await;
    b.click("#services input[value='paspor-baru']").await;
    b.wait_text("#dates", "Selasa, 24/11/2026").await;
    b.click("#dates input[value='2026-11-24']").await;
    b.wait_text("#sessions", "09:00–10:00").await;
    let full = b
        .script("return document.querySelector(\"#sessions input[value='3']\").disabled")
        .await;
    assert_eq!(full, json!(true), "the full session cannot be picked");
    assert!(b.text("#sessions").await.contains("penuh"));
    b.click("#sessions input[value='1']").await;

    // A NIK whose date of birth is the 31st of February.
    b.type_into("#nik", "3275043102850001").await;
    screenshot(&b, "booking-form.png").await;
    b.click("#submit").await;
    b.wait_text("#nik-error", "bukan tanggal lahir yang benar")
        .await;
    b.clear("#nik").await;
    b.type_into("#nik", "3275 0452 0885 0001").await;
    b.click("#submit").await;
    b.wait_text("#facts", "3275********0001").await;
    let code = b.text("#code").await.replace('-', "");
    assert_eq!(code.len(), 8, "{code}");
    b.wait_text("#facts", "09:00–10:00, Selasa, 24/11/2026")
        .await;
    b.wait_text("#facts", "08:30–09:15").await;
    // What to bring, as the agency publishes it, in both languages.
    let bring = b.text("#facts ul.bring").await;
    assert!(bring.contains("Kartu Keluarga asli"), "{bring}");
    assert!(bring.contains("Original family card (KK)"), "{bring}");
    let qr_loaded = b
        .script("const q = document.getElementById('qr'); return q.complete && q.naturalWidth > 0")
        .await;
    assert_eq!(qr_loaded, json!(true), "the QR picture loads");
    screenshot(&b, "booking-done.png").await;

    // Another session the same day.
    b.click("#reschedule").await;
    b.wait_text("#dates", "Selasa, 24/11/2026").await;
    b.click("#dates input[value='2026-11-24']").await;
    b.wait_text("#sessions", "14:00–15:00").await;
    b.click("#sessions input[value='4']").await;
    b.click("#submit").await;
    b.wait_text("#facts", "14:00–15:00, Selasa, 24/11/2026")
        .await;

    // Cancelled (the page asks first; the test says yes).
    b.script("window.confirm = () => true; return true").await;
    b.click("#cancel").await;
    b.wait_text("#facts", "Dibatalkan").await;
    let (_, view) = server
        .get_json(&format!("/api/v1/bookings/{code}"), None)
        .await;
    assert_eq!(view["status"], "cancelled");
    assert_eq!(view["session"], 4);
    b.quit().await;
    server.stop().await;
}

/// The officer's console marks a booked visitor in the waiting list, with the session, and once
/// called shows the masked NIK to compare with the KTP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_sees_who_booked() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-11-23T07:00:00+07:00").unwrap());
    let config = Config::example();
    let server =
        start_with_clock(&dir.path().join("antri.db"), config.clone(), clock.clone()).await;
    let booked: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/api/v1/bookings", server.url()))
        .json(
            &json!({"service": "paspor-baru", "date": "2026-11-24", "session": 1,
                      "nik": "3275045208850001"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // Tuesday 08:35: a walk-in, then the booked visitor checks in.
    clock.advance(chrono::Duration::minutes(25 * 60 + 35));
    let kiosk = server.client(Some(KIOSK));
    let walk_in = kiosk
        .issue("paspor-baru", antri_wire::Category::Regular)
        .await
        .unwrap();
    let checked = kiosk
        .check_in(
            booked["code"].as_str().unwrap(),
            antri_wire::Category::Regular,
        )
        .await
        .unwrap();
    let officer = config
        .users
        .iter()
        .find(|u| u.counters.first() == Some(&5))
        .expect("an officer whose first loket is 5")
        .username
        .clone();

    let b = Browser::start(1280, 800).await;
    b.goto(&format!("{}/officer", server.url())).await;
    b.type_into("#username", &officer).await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#lokets", "Loket 5").await;
    b.click("#lokets button").await;
    b.wait_text("#waiting", &checked.issued.ticket.number).await;
    b.wait_text("#waiting", "Reservasi 09:00–10:00").await;
    // Called (by number, as the officer's "call" does): the console shows the masked NIK the
    // booking was made with, to compare with the visitor's KTP; a walk-in shows none.
    b.script(&format!(
        r#"Antri.api("POST", "/api/v1/counters/5/call", {{ number: "{}" }}); return 0;"#,
        checked.issued.ticket.number
    ))
    .await;
    let id = b.wait_text("#current-booking", "3275********0001").await;
    assert!(id.contains("Reservasi 09:00–10:00"), "{id}");
    assert!(id.contains("KTP"), "{id}");
    screenshot(&b, "officer-booked.png").await;
    b.script(r#"Antri.api("POST", "/api/v1/counters/5/finish", {}); return 0;"#)
        .await;
    b.wait_text("#current-number", "—").await;
    b.click("#act-call-next").await;
    b.wait_text("#current-number", &walk_in.ticket.number).await;
    let hidden = b
        .script(r#"return document.getElementById("current-booking").hidden;"#)
        .await;
    assert_eq!(
        hidden,
        serde_json::Value::Bool(true),
        "a walk-in has no booking line"
    );
    b.quit().await;

    // The supervisor's dashboard (today by default) counts the booking and its check-in (nobody
    // has been called yet, so there are no waits to compare).
    let b = Browser::start(1400, 2000).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    let row = b.wait_text("#booking-rows", "09:00–10:00").await;
    assert_eq!(row, "Paspor Baru 09:00–10:00 1 1 0 0 0");
    screenshot(&b, "dashboard-bookings.png").await;
    b.quit().await;
    server.stop().await;
}
