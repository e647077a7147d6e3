//! The second listener (`--public-listen`), the one a city puts behind a TLS reverse proxy facing
//! the internet: it answers the visitor-facing routes and nothing else — no staff, device or admin
//! route, whatever credentials are sent — while the LAN listener answers everything. Behind the
//! proxy, the booking limit counts the address the proxy forwards, not the proxy's own.

mod common;

use common::*;
use serde_json::json;
use ticket_server::api::router::{routes, PUBLIC};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::{run_with_public, ServerOptions, Settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_listener_answers_only_the_visitors_routes() {
    let dir = tempfile::tempdir().unwrap();
    let lan = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let lan_url = format!("http://{}", lan.local_addr().unwrap());
    let public_url = format!("http://{}", public.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let clock = Clock::starting_at(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T07:00:00+07:00").unwrap(),
    );
    let server = tokio::spawn(run_with_public(
        lan,
        Some(public),
        ServerOptions {
            config: Config::example(),
            db_path: dir.path().join("antri.db"),
            clock,
        },
        Settings::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let http = reqwest::Client::new();
    // Wait for the LAN side, then log in there: the admin's token must not open the public side.
    let lan_client = antri_wire::client::Client::new(&lan_url, None);
    let mut login = None;
    for _ in 0..100 {
        if let Ok(l) = lan_client.login("admin", PASSWORD).await {
            login = Some(l);
            break;
        }
        tokio::task::yield_now().await;
    }
    let admin = login.expect("the server answers").token;
    // A code that finds nothing: the route still answers (404 of its own), which is what counts.
    let code = "ABCDEFGH";

    for (method, path) in routes() {
        let concrete = concrete_path(path, code);
        for token in [None, Some(admin.as_str()), Some(KIOSK)] {
            let mut req = http.request(method.clone(), format!("{public_url}{concrete}"));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            if method == reqwest::Method::POST || method == reqwest::Method::PUT {
                req = req.json(&json!({}));
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap_or_default();
            let unrouted = status == 404 && body.contains("no_such_route");
            let public = PUBLIC.contains(&(method.as_str(), path));
            assert_eq!(
                unrouted, !public,
                "{method} {path} on the public listener (token {token:?}): {status} {body}"
            );
        }
    }
    // The staff's routes answer on the LAN listener as before.
    let resp = http
        .get(format!("{lan_url}/api/v1/admin/config"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    // Through the proxy every phone arrives from 127.0.0.1; each is limited by its own address.
    let book = |nik: String, from: &'static str| {
        let http = http.clone();
        let url = public_url.clone();
        async move {
            http.post(format!("{url}/api/v1/bookings"))
                .header("x-forwarded-for", from)
                .json(&json!({"service": "paspor-baru", "date": "2026-11-26", "session": 0, "nik": nik}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..20 {
        assert_ne!(
            book(format!("327504520885{:04}", i + 1), "203.0.113.7").await,
            429
        );
    }
    assert_eq!(book("3275045208850099".into(), "203.0.113.7").await, 429);
    // Another phone behind the same proxy is not affected; a forged first entry changes nothing.
    assert_ne!(
        book("3275045208850098".into(), "198.51.100.1, 203.0.113.8").await,
        429
    );
    assert_eq!(
        book("3275045208850097".into(), "198.51.100.1, 203.0.113.7").await,
        429
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
