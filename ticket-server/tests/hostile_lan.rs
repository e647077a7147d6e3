//! The server as a hostile visitor on the hall's LAN meets it, all on loopback: login storms from
//! one address while the officer logs in from another (127.0.0.2 vs 127.0.0.1), sessions across
//! kill -9, half-sent requests, oversized bodies, the security headers, exports that open in a
//! spreadsheet.

mod common;

use std::net::IpAddr;
use std::time::Duration;

use antri_wire::client::Client;
use antri_wire::Category;
use common::{spawn_binary, tuesday, InProcess, KIOSK, PASSWORD};
use reqwest::StatusCode;
use serde_json::Value;
use ticket_server::api::hygiene::HttpLimits;
use ticket_server::auth::AuthOptions;
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const GUESSER: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));
const OFFICER_PC: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));

async fn start(db: &std::path::Path, settings: Settings) -> InProcess {
    let clock = Clock::starting_at(tuesday());
    InProcess::start_with_settings(db, Config::example(), clock, settings).await
}

/// An HTTP client whose connections come from `from`.
fn from(from: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from)
        .build()
        .unwrap()
}

async fn login(c: &reqwest::Client, url: &str, user: &str, pw: &str) -> (StatusCode, Value) {
    let r = c
        .post(format!("{url}/api/v1/login"))
        .json(&serde_json::json!({ "username": user, "password": pw }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let retry = r.headers().get("retry-after").is_some();
    let body: Value = r.json().await.unwrap();
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        assert!(retry, "{status} without Retry-After: {body}");
    }
    (status, body)
}

async fn password_checks(url: &str) -> u64 {
    let text = reqwest::get(format!("{url}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("antri_password_checks_total "))
        .and_then(|v| v.parse().ok())
        .expect("the metric is there")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessing_storm_is_counted_before_checking_and_never_locks_the_officer_out() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("a.db"), Settings::default()).await;
    let url = server.url();
    let guesser = from(GUESSER);

    // 100 wrong guesses for petugas1 at once, from the guest Wi-Fi.
    let storm: Vec<_> = (0..100)
        .map(|i| {
            let (c, url) = (guesser.clone(), url.clone());
            tokio::spawn(async move { login(&c, &url, "petugas1", &format!("tebak{i}")).await })
        })
        .collect();
    let mut wrong = 0;
    for t in storm {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["error"]["code"], "login_throttled", "{body}")
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(body["error"]["code"], "login_busy", "{body}")
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let checked = password_checks(&url).await;
    assert!(
        wrong <= 5,
        "{wrong} guesses were checked and answered wrong"
    );
    assert!(checked <= 5, "{checked} passwords checked for 100 guesses");

    // The right password from the guessing address is refused too…
    let (status, _) = login(&guesser, &url, "petugas1", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // …but the officer at their own PC logs in and works.
    let (status, body) = login(&from(OFFICER_PC), &url, "petugas1", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let officer = Client::new(&url, Some(body["token"].as_str().unwrap().to_string()));
    officer.counter_action(1, "open").await.unwrap();

    // 300 logins with names nobody has, at once, from one address: the per-address limit means
    // only a handful of argon2 checks run.
    let before = password_checks(&url).await;
    let storm: Vec<_> = (0..300)
        .map(|i| {
            let (c, url) = (from(IpAddr::from([127, 0, 0, 3])), url.clone());
            tokio::spawn(async move { login(&c, &url, &format!("siapa{i}"), "x").await.0 })
        })
        .collect();
    for t in storm {
        let status = t.await.unwrap();
        assert!(
            [
                StatusCode::UNAUTHORIZED,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::SERVICE_UNAVAILABLE
            ]
            .contains(&status),
            "{status}"
        );
    }
    let checked = password_checks(&url).await - before;
    assert!(
        checked <= 20,
        "{checked} checks for 300 unknown names from one address"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_few_checks_at_once_logins_are_told_to_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        auth: AuthOptions {
            checks_at_once: 1,
            check_wait: Duration::ZERO,
            ..AuthOptions::default()
        },
        ..Settings::default()
    };
    let server = start(&dir.path().join("a.db"), settings).await;
    let url = server.url();
    // Sixteen officers from sixteen addresses at once: one check runs, the others that find it
    // busy are answered 503 with Retry-After at once, and nothing is counted against them.
    let storm: Vec<_> = (1..=16u8)
        .map(|i| {
            let (c, url) = (from(IpAddr::from([127, 0, 1, i])), url.clone());
            let user = format!("petugas{}", 1 + (i - 1) % 12);
            tokio::spawn(async move { login(&c, &url, &user, PASSWORD).await })
        })
        .collect();
    let mut busy = 0;
    for t in storm {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::OK => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(body["error"]["code"], "login_busy");
                busy += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(busy > 0, "sixteen parallel checks were never bounded");
    server.stop().await;
}

#[tokio::test]
async fn an_officer_logged_in_before_kill_9_acts_again_without_logging_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let mut server = spawn_binary(&db);
    let anon = Client::new(&server.url, None);
    let login = anon.login("petugas1", PASSWORD).await.unwrap();
    let officer = anon.with_token(login.token.clone());
    officer.counter_action(1, "open").await.unwrap();
    Client::new(&server.url, Some(KIOSK.into()))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    // The database holds a hash of the session, never the token.
    let raw = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        assert!(
            !bytes
                .windows(login.token.len())
                .any(|w| w == login.token.as_bytes()),
            "the session token is on disk"
        );
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();

    let mut again = spawn_binary(&db);
    let officer = Client::new(&again.url, Some(login.token.clone()));
    let called = officer.call_next(1).await.expect("still logged in");
    assert_eq!(called.ticket.unwrap().number, "KTP-001");
    // The page's CSRF token is the same after the restart (it is derived from the session).
    let me: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/me", again.url))
        .bearer_auth(&login.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["csrf"], login.csrf);
    // Logging out ends it for good, restart or not.
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/logout", again.url))
        .bearer_auth(&login.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(officer.call_next(1).await.is_err());
    again.child.kill().unwrap();
    again.child.wait().unwrap();
    let again = spawn_binary(&db);
    let officer = Client::new(&again.url, Some(login.token.clone()));
    assert!(officer.call_next(1).await.is_err());
    let mut child = again.child;
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_dropped_and_event_streams_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        http: HttpLimits {
            header_timeout: Duration::from_millis(300),
            body_timeout: Duration::from_millis(300),
            ..HttpLimits::default()
        },
        ..Settings::default()
    };
    let server = start(&dir.path().join("a.db"), settings).await;
    let url = server.url();
    // A display's event stream, open from the start.
    let mut stream = Client::new(&url, Some(common::DISPLAY.into())).subscribe(None);

    // Half a request head, then nothing: the server hangs up within the timeout.
    let started = std::time::Instant::now();
    let mut sock = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    sock.write_all(b"GET /api/v1/services HTTP/1.1\r\nHost: antri\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf))
        .await
        .expect("the server closes a half-sent head")
        .unwrap_or(0);
    let _ = n;
    assert!(started.elapsed() < Duration::from_secs(5));

    // A whole request, answered, then silence: the idle keep-alive connection is not held either.
    let mut sock = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    sock.write_all(b"GET /healthz HTTP/1.1\r\nHost: antri\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf))
        .await
        .expect("the server closes an idle keep-alive connection")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));

    // A whole head but half the body it announced: 408 as JSON, then the connection closes.
    let mut sock = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    sock.write_all(
        b"POST /api/v1/login HTTP/1.1\r\nHost: antri\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"username\":",
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf))
        .await
        .expect("the server closes a half-sent body")
        .unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"body_timeout\""), "{text}");

    // The stream outlived both timeouts: a ticket issued now reaches it.
    Client::new(&url, Some(KIOSK.into()))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(item) = stream.recv().await {
            if let antri_wire::client::StreamItem::Message(
                antri_wire::event::StreamMessage::Event(e),
            ) = item
            {
                if matches!(e.kind, antri_wire::EventKind::TicketIssued { .. }) {
                    return true;
                }
            }
        }
        false
    })
    .await;
    assert_eq!(got, Ok(true), "the event stream was cut");
    server.stop().await;
}

#[tokio::test]
async fn errors_are_json_and_every_response_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&dir.path().join("a.db"), Settings::default()).await;
    let url = server.url();
    let http = reqwest::Client::new();
    let login = Client::new(&url, None)
        .login("petugas1", PASSWORD)
        .await
        .unwrap();

    // An oversized body on a loket action is the JSON 413, with its unit.
    let r = http
        .post(format!("{url}/api/v1/counters/1/transfer"))
        .bearer_auth(&login.token)
        .header("content-type", "application/json")
        .body(format!("{{\"service\": \"{}\"}}", "k".repeat(20_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "body_too_large");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("16384 bytes"));
    // Chunked, with no length announced: the same.
    let chunks =
        futures_util::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024])));
    let r = http
        .post(format!("{url}/api/v1/counters/1/transfer"))
        .bearer_auth(&login.token)
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "body_too_large"
    );

    // A too long username is measured in characters, as the message says.
    let r = http
        .post(format!("{url}/api/v1/login"))
        .json(&serde_json::json!({ "username": "é".repeat(64), "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "64 characters are allowed"
    );
    let r = http
        .post(format!("{url}/api/v1/login"))
        .json(&serde_json::json!({ "username": "é".repeat(65), "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("64 characters"));

    for path in [
        "/",
        "/officer",
        "/dashboard",
        "/admin",
        "/rate/1",
        "/t/ABCDEFGHJK",
        "/static/track.js",
        "/api/v1/services",
        "/api/v1/no-such-thing",
        "/healthz",
    ] {
        let r = http.get(format!("{url}{path}")).send().await.unwrap();
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        if r.status().is_client_error() {
            let body: Value = r.json().await.unwrap();
            assert!(body["error"]["code"].is_string(), "{path}: {body}");
        } else if path.starts_with("/t/") || !path.contains("api") && !path.contains('.') {
            // The pages themselves have no inline script or handler to be refused.
            let html = r.text().await.unwrap();
            assert!(!html.contains("<script>"), "{path} has an inline script");
            assert!(!html.contains("<style>"), "{path} has an inline style");
            assert!(!html.contains(" onclick="), "{path} has an inline handler");
            assert!(
                !html.contains(" style="),
                "{path} has an inline style attribute"
            );
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn exports_neutralise_cells_a_spreadsheet_would_run() {
    let dir = tempfile::tempdir().unwrap();
    // An admin named a service with a formula.
    let toml = ticket_server::config::EXAMPLE_TOML.replacen(
        r#"name_id = "KTP Elektronik""#,
        r#"name_id = '=HYPERLINK("http://evil","KTP")'"#,
        1,
    );
    let config = Config::from_toml_str(&toml).unwrap();
    assert!(config.services.iter().any(|s| s.name.id.starts_with('=')));
    let server = common::start_with(&dir.path().join("a.db"), config).await;
    let url = server.url();
    Client::new(&url, Some(KIOSK.into()))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let sup = Client::new(&url, None)
        .login("supervisor", PASSWORD)
        .await
        .unwrap();
    let day = tuesday().date_naive();
    let csv = reqwest::Client::new()
        .get(format!(
            "{url}/api/v1/stats/export?from={day}&to={day}&by=service&format=csv"
        ))
        .bearer_auth(&sup.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let labels: Vec<String> = rows.records().map(|r| r.unwrap()[1].to_string()).collect();
    assert!(
        labels.iter().any(|l| l.starts_with("'=HYPERLINK")),
        "{labels:?}"
    );
    assert!(labels.iter().all(|l| !l.starts_with('=')), "{labels:?}");
    // The XLSX too: the name is a text cell with the same apostrophe.
    let xlsx = reqwest::Client::new()
        .get(format!(
            "{url}/api/v1/stats/export?from={day}&to={day}&by=service&format=xlsx"
        ))
        .bearer_auth(&sup.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = book.worksheet_range("Statistik").unwrap();
    let labels: Vec<String> = sheet.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(
        labels.iter().any(|l| l.starts_with("'=HYPERLINK")),
        "{labels:?}"
    );
    server.stop().await;
}

#[test]
fn the_sample_secrets_are_refused_on_a_lan_address_and_reported_by_check_config() {
    let bin = env!("CARGO_BIN_EXE_ticket-server");
    let dir = tempfile::tempdir().unwrap();
    // No --config on a LAN address: refused before anything is bound, with the way out.
    let out = std::process::Command::new(bin)
        .args(["serve", "--listen", "0.0.0.0:0", "--db"])
        .arg(dir.path().join("a.db"))
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).is_empty(),
        "it never listened"
    );
    assert!(err.contains("refusing to serve on 0.0.0.0:0"), "{err}");
    assert!(err.contains("users[0].password_hash"), "{err}");
    assert!(
        err.contains("--config") && err.contains("--allow-sample-credentials"),
        "{err}"
    );

    // check-config names each weak secret by its field; a file with its own secrets passes.
    let sample = dir.path().join("sample.toml");
    std::fs::write(&sample, ticket_server::config::EXAMPLE_TOML).unwrap();
    let out = std::process::Command::new(bin)
        .arg("check-config")
        .arg(&sample)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        text.contains("devices[0].token: device \"kiosk-1\""),
        "{text}"
    );
    assert!(text.contains("users[2].password_hash"), "{text}");

    let own_hash = ticket_server::auth::hash_password("kata-sandi-gedung").unwrap();
    let mut doc = (*Config::example().document).clone();
    for u in &mut doc.users {
        u.password_hash = own_hash.clone();
    }
    for (i, d) in doc.devices.iter_mut().enumerate() {
        d.token = format!("{i}f3a9c1e7b2d84f6a0c5e9b1d7a3f8c2e6b4d0a9f1c");
    }
    let own = dir.path().join("own.toml");
    std::fs::write(&own, toml::to_string(&doc).unwrap()).unwrap();
    let out = std::process::Command::new(bin)
        .arg("check-config")
        .arg(&own)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
