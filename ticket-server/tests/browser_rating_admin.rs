//! The rating tablet, the tracking page's faces, the dashboard's IKM and the admin page, in a real
//! headless Chromium against a real server and SQLite file. Screenshots go to
//! `$CARGO_TARGET_TMPDIR/screenshots/` (docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use std::time::Duration;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use common::*;

/// The page as it is now, to `$CARGO_TARGET_TMPDIR/screenshots/<name>` (and docs/screenshots/ with
/// `ANTRI_UPDATE_SCREENSHOTS=1`), after the test has checked what it shows through the page's text.
async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}

/// Serve one ticket at `counter` to the end; returns its number.
async fn serve(
    server: &InProcess,
    officer: &antri_wire::client::Client,
    service: &str,
    counter: u32,
) -> String {
    let t = server
        .client(Some(KIOSK))
        .issue(service, Category::Regular)
        .await
        .unwrap();
    officer.call_next(counter).await.unwrap();
    officer.counter_action(counter, "start").await.unwrap();
    officer.counter_action(counter, "finish").await.unwrap();
    t.ticket.number
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablet_rates_done_tickets_and_the_dashboard_shows_the_ikm() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let p1 = officer(&server.client(None), "petugas1").await;

    // The tablet at loket 1 gets its token once, through the link's fragment.
    let b = Browser::start(1280, 800).await;
    b.goto(&format!("{}/rate/1#token={RATING_1}", server.url()))
        .await;
    b.wait_text("#link", "Tersambung").await;
    b.wait_text("#loket-name", "Loket 1").await;
    // The fragment is gone from the address bar; the token is kept by the tablet.
    let href = b.script("return location.href").await;
    assert!(!href.as_str().unwrap().contains("token"), "{href}");

    // Loket 1 finishes a ticket: the tablet asks at once.
    let first = serve(&server, &p1, "ktp", 1).await;
    let asked = b.wait_text("#ask", "Bagaimana pelayanan kami?").await;
    assert!(asked.contains("How was our service?"), "{asked}");
    assert!(asked.contains(&first), "{asked}");
    for words in ["Tidak baik", "Kurang baik", "Baik", "Sangat baik"] {
        assert!(asked.contains(words), "{asked}");
    }
    screenshot(&b, "rating.png").await;
    b.click("#ask button.face[data-score='3']").await;
    b.wait_text("#thanks", "Terima kasih!").await;
    screenshot(&b, "rating-thanks.png").await;
    // …and is idle again after a few seconds.
    b.wait_text_within(
        "#idle",
        "Terima kasih atas kunjungan Anda",
        Duration::from_secs(15),
    )
    .await;

    // A ticket finished at another loket does not wake this tablet; the next one at loket 1 does.
    serve(&server, &p1, "ktp", 2).await;
    let second = serve(&server, &p1, "ktp", 1).await;
    b.wait_text("#ask-number", &second).await;
    b.click("#ask button.face[data-score='4']").await;
    b.wait_text("#thanks", "Terima kasih!").await;
    b.quit().await;

    // The dashboard's IKM, computed here independently: (3 + 4) / 2 × 25 = 87.50, grade B
    // (76.61–88.30), for the service KTP and for loket 1.
    let expected = (3.0 + 4.0) / 2.0 * 25.0;
    let b = Browser::start(1400, 2400).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    let ktp = b
        .wait_text("#satisfaction-rows tr[data-key='ktp']", "KTP")
        .await;
    assert_eq!(
        ktp,
        format!("KTP Elektronik 2 0 0 1 1 {expected:.2} B · Baik")
    );
    assert!(b
        .text("#ikm-help")
        .await
        .contains("satu pertanyaan keseluruhan"));
    b.script("document.getElementById('by').value = 'counter'")
        .await;
    b.click("#show").await;
    let l1 = b
        .wait_text("#satisfaction-rows tr[data-key='1']", "Loket 1")
        .await;
    assert!(l1.ends_with(&format!("{expected:.2} B · Baik")), "{l1}");
    screenshot(&b, "dashboard-satisfaction.png").await;
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tracking_page_offers_the_faces_once_the_ticket_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let mine = server
        .client(Some(KIOSK))
        .issue("skck", Category::Regular)
        .await
        .unwrap();
    let b = Browser::start(412, 860).await;
    b.goto(
        &mine
            .tracking_url
            .replace("http://127.0.0.1:8080", &server.url()),
    )
    .await;
    let waiting = b.wait_text("#state", "Menunggu").await;
    assert!(
        !waiting.contains("Bagaimana"),
        "no faces before the ticket is done"
    );

    let p8 = officer(&server.client(None), "petugas8").await; // loket 15 serves SKCK
    p8.call_next(15).await.unwrap();
    p8.counter_action(15, "start").await.unwrap();
    p8.counter_action(15, "finish").await.unwrap();
    // The page polls every 5 s.
    b.wait_text_within(
        "#state",
        "Bagaimana pelayanan kami?",
        Duration::from_secs(12),
    )
    .await;
    screenshot(&b, "tracking-rate.png").await;
    b.click("button.face[data-score='2']").await;
    b.wait_text("#state", "Terima kasih atas penilaian Anda")
        .await;
    assert_eq!(
        server
            .client(None)
            .track(&mine.tracking_code)
            .await
            .unwrap()
            .rating,
        Some(2)
    );
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_changes_a_quota_kiosks_see_it_and_it_survives_a_restart_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;

    let b = Browser::start(1400, 1000).await;
    b.goto(&format!("{}/admin", server.url())).await;
    b.type_into("#username", "admin").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    // (Panel titles are shown in capitals.)
    b.wait_text("#section-title", "LAYANAN").await;
    // The KTP row is the first service of the sample building.
    let quota = "#table-services tbody tr:first-child input[data-key='quota']";
    let prefix = "#table-services tbody tr:first-child input[data-key='prefix']";
    // A wrong prefix is refused, naming the field, and its input is marked.
    b.clear(prefix).await;
    b.type_into(prefix, "ktp1").await;
    b.click("#save").await;
    b.wait_text(
        "#errors",
        "services[0].prefix: \"ktp1\" must be 1–3 capital letters",
    )
    .await;
    let marked = b
        .script(&format!(
            "return document.querySelector(\"{prefix}\").classList.contains('bad')"
        ))
        .await;
    assert_eq!(marked, serde_json::Value::Bool(true));
    b.clear(prefix).await;
    b.type_into(prefix, "KTP").await;
    b.clear(quota).await;
    b.type_into(quota, "5").await;
    b.click("#save").await;
    b.wait_text("#saved", "Tersimpan").await;
    assert!(b.text("#saved").await.contains("ktp: quota 150 → 5"));
    screenshot(&b, "admin.png").await;

    // The kiosk's board shows the new quota without a restart.
    let ktp = server
        .client(Some(KIOSK))
        .services()
        .await
        .unwrap()
        .services
        .into_iter()
        .find(|s| s.id == "ktp")
        .unwrap();
    assert_eq!((ktp.quota, ktp.quota_left), (Some(5), Some(5)));
    // The other sections open with the building's values.
    b.click("#tab-building").await;
    b.wait_text("#section-title", "GEDUNG").await;
    let zone = b
        .script("return document.getElementById('f-timezone').value")
        .await;
    assert_eq!(zone, serde_json::json!("Asia/Jakarta"));
    b.click("#tab-devices").await;
    b.wait_text("#section-title", "PERANGKAT").await;
    let kinds = b
        .script(
            "return [...document.querySelectorAll('#rows select')].map((s) => s.value).join(',')",
        )
        .await;
    assert!(kinds.as_str().unwrap().ends_with(",rating"), "{kinds}");
    b.quit().await;

    // Restart on the same database (the file still says 150), a minute later: the admin's 5 stays.
    server.stop().await;
    let later = tuesday() + chrono::Duration::minutes(1);
    let server = start_with_clock(
        &db,
        ticket_server::config::Config::example(),
        ticket_server::clock::Clock::starting_at(later),
    )
    .await;
    let ktp = server
        .client(None)
        .services()
        .await
        .unwrap()
        .services
        .into_iter()
        .find(|s| s.id == "ktp")
        .unwrap();
    assert_eq!(ktp.quota, Some(5));
    // A little of the day after it, so the log has more than the change in it.
    let p1 = officer(&server.client(None), "petugas1").await;
    let kiosk = server.client(Some(KIOSK));
    kiosk.issue("ktp", Category::Elderly).await.unwrap();
    kiosk.issue("kk", Category::Regular).await.unwrap();
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    p1.call_next(2).await.unwrap();

    // Text an admin typed is shown as text, never run as HTML.
    let admin = officer(&server.client(None), "admin").await;
    let cfg: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/admin/config", server.url()))
        .bearer_auth(admin.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut agencies = cfg["document"]["agencies"].clone();
    agencies[0]["name_en"] = serde_json::json!("<img src=x onerror=\"window.pwned=1\">");
    let r = reqwest::Client::new()
        .put(format!("{}/api/v1/admin/config/agencies", server.url()))
        .bearer_auth(admin.token().unwrap())
        .json(&agencies)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // The audit log page shows who changed what.
    let b = Browser::start(1400, 1000).await;
    b.goto(&format!("{}/admin#audit", server.url())).await;
    b.type_into("#username", "admin").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#page-info", "kejadian").await;
    b.script("document.getElementById('audit-kind').value = 'config_changed'")
        .await;
    b.type_into("#audit-actor", "admin").await;
    b.click("#audit-show").await;
    let rows = b
        .wait_text("#audit-rows", "services: ktp: quota 150 → 5")
        .await;
    assert!(rows.contains("admin (user)"), "{rows}");
    // Times as everywhere else: "2026-11-24 09.05.12", the dot between hours and minutes.
    assert_eq!(
        b.script(
            r"return [...document.querySelectorAll('#audit-rows td:nth-child(2)')]
                .every((td) => /^\d{4}-\d{2}-\d{2} \d{2}\.\d{2}\.\d{2}$/.test(td.textContent))"
        )
        .await,
        serde_json::Value::Bool(true),
        "{rows}"
    );
    assert_eq!(
        b.text("#page-info").await,
        "Halaman 1 / 1 · 2 kejadian · events"
    );
    // Without the filter, the day's other events are there too, newest first, paged.
    b.script("document.getElementById('audit-kind').value = ''")
        .await;
    b.clear("#audit-actor").await;
    b.click("#audit-show").await;
    b.wait_text("#audit-rows", "day_started").await;
    b.wait_text("#audit-rows", "<img src=x onerror=").await;
    assert_eq!(
        b.script("return window.pwned === undefined").await,
        serde_json::Value::Bool(true)
    );
    screenshot(&b, "audit.png").await;
    b.quit().await;
    server.stop().await;
}
