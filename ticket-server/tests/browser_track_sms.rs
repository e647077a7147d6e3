//! The visitor's tracking page on a phone-sized Chromium: "Kirim SMS" takes a number only with
//! consent and shows it back masked (the delivery log has it masked too); once served, the page
//! invites to the full SKM survey and links SP4N-LAPOR! for complaints. Without a gateway the
//! card is not offered at all.

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};

fn with_gateway() -> Config {
    // A gateway nobody listens on: the opt-in is what is tested, not the delivery.
    Config::from_toml_str(&format!(
        "{EXAMPLE_TOML}\n[messages]\nwebhook_url = \"http://127.0.0.1:9/antri\"\n\
         secret = \"b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b\"\n"
    ))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_asks_for_messages_then_is_invited_to_the_survey() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        with_gateway(),
        Clock::manual(tuesday()),
    )
    .await;
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();

    let b = Browser::start(390, 844).await;
    b.goto(&format!("{}/t/{}", server.url(), t.tracking_code))
        .await;
    b.wait_text("#sms", "Kirim SMS").await;
    b.type_into("#sms-phone", "0812-3456-7890").await;
    // Without consent the browser's own check stops the form; the server would refuse too.
    b.click("#sms-send").await;
    let sent = b
        .script(r#"return document.getElementById("sms-state").textContent;"#)
        .await;
    assert!(
        !sent.to_string().contains("****"),
        "sent without consent: {sent}"
    );
    b.click("#sms-consent").await;
    b.click("#sms-send").await;
    b.wait_text("#sms-state", "0812****7890").await;
    assert!(
        !b.text("body").await.contains("3456"),
        "the number shows unmasked"
    );
    let path = antri_testkit::screenshot_path!("tracking-sms.png");
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);

    // The supervisor's delivery log will name this ticket's messages with the number masked.
    let supervisor = officer(&server.client(None), "supervisor").await;
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    p1.call_next(1).await.unwrap();
    let mut log = json!(null);
    for _ in 0..100 {
        log = server
            .get_json("/api/v1/messages", supervisor.token())
            .await
            .1;
        if log.to_string().contains("0812****7890") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(log.to_string().contains("0812****7890"), "{log}");
    assert!(!log.to_string().contains("081234567890"), "{log}");

    // Served: the card goes, the survey and the complaint service are offered.
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    b.wait_text("#state", "Selesai dilayani").await;
    let hidden = b
        .script(r#"return document.getElementById("sms").hidden;"#)
        .await;
    assert_eq!(hidden, json!(true));
    let survey = b.find("a.survey-link").await;
    assert_eq!(
        survey.attr("href").await.unwrap().as_deref(),
        Some(format!("/survey/{}", t.tracking_code).as_str())
    );
    let lapor = b.find("p.complaint a").await;
    assert_eq!(
        lapor.attr("href").await.unwrap().as_deref(),
        Some("https://www.lapor.go.id")
    );
    b.quit().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_gateway_no_messages_are_offered() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        Clock::manual(tuesday()),
    )
    .await;
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let b = Browser::start(390, 844).await;
    b.goto(&format!("{}/t/{}", server.url(), t.tracking_code))
        .await;
    b.wait_text("#state", "Menunggu dipanggil").await;
    let hidden = b
        .script(r#"return document.getElementById("sms").hidden;"#)
        .await;
    assert_eq!(hidden, json!(true), "no gateway, no card");
    b.quit().await;
    server.stop().await;
}
