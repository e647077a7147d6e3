//! The supervisor's dashboard shows the messages' delivery log in a real headless Chromium:
//! Indonesian first, the number masked, the gateway's last error.

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use common::*;
use serde_json::json;
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_lists_messages_masked_with_their_last_error() {
    let dir = tempfile::tempdir().unwrap();
    // A gateway nobody listens on: the message waits for a retry, with its error.
    let gateway = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let config = Config::from_toml_str(&format!(
        "{EXAMPLE_TOML}\n[messages]\nwebhook_url = \"http://{gateway}/antri\"\n\
         secret = \"b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b\"\n"
    ))
    .unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock).await;
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/track/{}/messages",
            server.url(),
            t.tracking_code
        ))
        .json(&json!({"phone": "0812-3456-7890", "consent": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let b = Browser::start(1400, 2000).await;
    b.goto(&format!("{}/dashboard", server.url())).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    // Read once at login (and every 15 s): the first attempt has failed by then or the test
    // reloads until it has.
    let mut row = String::new();
    for _ in 0..50 {
        row = b.wait_text("#message-rows", "0812****7890").await;
        if row.contains("cannot connect") {
            break;
        }
        b.goto(&format!("{}/dashboard", server.url())).await;
    }
    assert!(row.contains("Giliran hampir tiba"), "{row}");
    assert!(row.contains("KTP-001") && row.contains("Menunggu"), "{row}");
    assert!(row.contains("cannot connect"), "{row}");
    let page = b.text("body").await;
    assert!(!page.contains("3456"), "the number shows unmasked");
    assert!(b.text("#messages-state").await.contains("Menunggu 1"));
    b.script("document.getElementById('messages-panel').scrollIntoView()")
        .await;
    let path = antri_testkit::screenshot_path!("dashboard-messages.png");
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
    b.quit().await;
    server.stop().await;
}
