//! Bad input gets a 4xx with a JSON body that says what was wrong; each role boundary holds; every
//! documented route exists.

mod common;

use antri_wire::ErrorBody;
use common::*;
use reqwest::{Method, StatusCode};

struct Api {
    url: String,
    http: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, &str)>,
    ) -> (StatusCode, String) {
        let mut rb = self.http.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some((ctype, b)) = body {
            rb = rb.header("content-type", ctype).body(b.to_string());
        }
        let resp = rb.send().await.unwrap();
        (resp.status(), resp.text().await.unwrap())
    }

    /// Expect an error status and a JSON error body with `code`.
    async fn expect(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, &str)>,
        status: u16,
        code: &str,
    ) -> String {
        let (s, text) = self.call(method.clone(), path, token, body).await;
        assert_eq!(s.as_u16(), status, "{method} {path}: {text}");
        let err: ErrorBody = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not an error body ({e}): {text}"));
        assert_eq!(err.error.code, code, "{method} {path}: {text}");
        assert!(!err.error.message.is_empty());
        err.error.message
    }
}

const JSON: &str = "application/json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let api = Api {
        url: server.url(),
        http: reqwest::Client::new(),
    };
    let k = Some(KIOSK);
    let post = Method::POST;
    let msg = api
        .expect(
            post.clone(),
            "/api/v1/tickets",
            k,
            Some((JSON, "{\"service\": ")),
            400,
            "malformed_json",
        )
        .await;
    assert!(msg.contains("line 1"), "{msg}");
    let msg = api
        .expect(
            post.clone(),
            "/api/v1/tickets",
            k,
            Some((JSON, "{\"category\": \"regular\"}")),
            422,
            "invalid_body",
        )
        .await;
    assert!(msg.contains("missing field `service`"), "{msg}");
    let msg = api
        .expect(
            post.clone(),
            "/api/v1/tickets",
            k,
            Some((JSON, "{\"service\": \"ktp\", \"category\": \"vip\"}")),
            422,
            "invalid_body",
        )
        .await;
    assert!(msg.contains("vip"), "{msg}");
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        k,
        Some(("text/plain", "ktp")),
        415,
        "unsupported_media_type",
    )
    .await;
    let msg = api
        .expect(
            post.clone(),
            "/api/v1/tickets",
            k,
            Some((JSON, "{\"service\": \"nope\"}")),
            404,
            "unknown_service",
        )
        .await;
    assert!(msg.contains("nope"), "{msg}");
    let huge = format!("{{\"service\": \"{}\"}}", "x".repeat(100_000));
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        k,
        Some((JSON, &huge)),
        413,
        "body_too_large",
    )
    .await;

    let officer = officer(&server.client(None), "petugas1").await;
    let o = officer.token();
    api.expect(
        post.clone(),
        "/api/v1/counters/abc/call-next",
        o,
        None,
        400,
        "invalid_path",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/99/call-next",
        o,
        None,
        404,
        "unknown_counter",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/dance",
        o,
        None,
        404,
        "unknown_action",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/transfer",
        o,
        Some((JSON, "{\"to\": 3}")),
        422,
        "invalid_body",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call",
        o,
        Some((JSON, "{\"number\": \"ZZ-999\"}")),
        404,
        "unknown_ticket",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call-next",
        o,
        None,
        409,
        "queue_empty",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/recall",
        o,
        None,
        409,
        "no_current_ticket",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/nothing-here",
        None,
        None,
        404,
        "no_such_route",
    )
    .await;
    api.expect(
        Method::DELETE,
        "/api/v1/tickets",
        k,
        None,
        405,
        "method_not_allowed",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/track/not-a-code!",
        None,
        None,
        400,
        "invalid_tracking_code",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/track/ZZZZZZZZZZ",
        None,
        None,
        404,
        "unknown_ticket",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/events?after=minus",
        Some(DISPLAY),
        None,
        400,
        "invalid_query",
    )
    .await;

    let sup = officer_token(&server, "supervisor").await;
    let s = Some(sup.as_str());
    api.expect(
        Method::GET,
        "/api/v1/stats?from=2026-11-30&to=2026-11-01",
        s,
        None,
        400,
        "invalid_range",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/stats?from=yesterday&to=2026-11-01",
        s,
        None,
        400,
        "invalid_query",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/log?limit=0",
        s,
        None,
        400,
        "invalid_query",
    )
    .await;

    // A closed service says why: 07:00 on a Sunday is outside every hour of the sample building.
    let mut closed = ticket_server::config::Config::example();
    closed
        .services
        .iter_mut()
        .for_each(|s| s.hours.days.clear());
    let dir2 = tempfile::tempdir().unwrap();
    let closed_server = start_with(&dir2.path().join("a.db"), closed).await;
    let api2 = Api {
        url: closed_server.url(),
        http: reqwest::Client::new(),
    };
    let (status, text) = api2
        .call(
            post.clone(),
            "/api/v1/tickets",
            k,
            Some((JSON, "{\"service\": \"ktp\"}")),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let err: ErrorBody = serde_json::from_str(&text).unwrap();
    assert_eq!(err.error.code, "service_closed");
    assert_eq!(
        err.error.availability,
        Some(antri_wire::Availability::Closed)
    );
    closed_server.stop().await;
    server.stop().await;
}

async fn officer_token(server: &InProcess, user: &str) -> String {
    officer(&server.client(None), user)
        .await
        .token()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_boundary_holds() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let api = Api {
        url: server.url(),
        http: reqwest::Client::new(),
    };
    let post = Method::POST;
    let issue = Some((JSON, "{\"service\": \"ktp\"}"));
    let p1 = officer_token(&server, "petugas1").await; // lokets 1, 2
    let sup = officer_token(&server, "supervisor").await;
    let admin = officer_token(&server, "admin").await;

    // No credentials: 401.
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        None,
        issue,
        401,
        "unauthorized",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        Some("made-up-token-123"),
        issue,
        401,
        "unauthorized",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call-next",
        None,
        None,
        401,
        "unauthorized",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/events",
        None,
        None,
        401,
        "unauthorized",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/stats?from=2026-11-01&to=2026-11-24",
        None,
        None,
        401,
        "unauthorized",
    )
    .await;
    // Wrong kind of caller: 403.
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        Some(DISPLAY),
        issue,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        Some(&p1),
        issue,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/tickets",
        Some(&sup),
        issue,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call-next",
        Some(KIOSK),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call-next",
        Some(&sup),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/counters/1/call-next",
        Some(&admin),
        None,
        403,
        "forbidden",
    )
    .await;
    let msg = api
        .expect(
            post.clone(),
            "/api/v1/counters/3/call-next",
            Some(&p1),
            None,
            403,
            "forbidden",
        )
        .await;
    assert!(msg.contains("not assigned to loket 3"), "{msg}");
    api.expect(
        Method::GET,
        "/api/v1/counters/3/waiting",
        Some(&p1),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/stats?from=2026-11-01&to=2026-11-24",
        Some(&p1),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/stats?from=2026-11-01&to=2026-11-24",
        Some(KIOSK),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/log",
        Some(&p1),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        Method::GET,
        "/api/v1/devices",
        Some(DISPLAY),
        None,
        403,
        "forbidden",
    )
    .await;
    api.expect(
        post.clone(),
        "/api/v1/devices/status",
        Some(DISPLAY),
        Some((JSON, "{\"printer\": \"ok\"}")),
        403,
        "forbidden",
    )
    .await;

    // The right caller gets through.
    assert_eq!(
        api.call(post.clone(), "/api/v1/tickets", Some(KIOSK), issue)
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        api.call(
            post.clone(),
            "/api/v1/counters/1/call-next",
            Some(&p1),
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        api.call(
            Method::GET,
            "/api/v1/stats?from=2026-11-01&to=2026-11-24",
            Some(&sup),
            None
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        api.call(Method::GET, "/api/v1/devices", Some(&admin), None)
            .await
            .0,
        StatusCode::OK
    );
    // Every action is attributed in the log.
    let (_, log) = api
        .call(Method::GET, "/api/v1/log?limit=1000", Some(&sup), None)
        .await;
    let events: Vec<antri_wire::Event> = serde_json::from_str(&log).unwrap();
    let issued = events
        .iter()
        .find(|e| matches!(e.kind, antri_wire::EventKind::TicketIssued { .. }))
        .unwrap();
    assert_eq!(issued.actor.id, "kiosk-1");
    let called = events
        .iter()
        .find(|e| matches!(e.kind, antri_wire::EventKind::TicketCalled { .. }))
        .unwrap();
    assert_eq!(called.actor.id, "petugas1");

    // Logging out ends the session.
    assert_eq!(
        api.call(post.clone(), "/api/v1/logout", Some(&p1), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    api.expect(
        post.clone(),
        "/api/v1/counters/1/recall",
        Some(&p1),
        None,
        401,
        "unauthorized",
    )
    .await;

    // Wrong passwords: 401, then throttled with Retry-After.
    let wrong = Some((
        JSON,
        "{\"username\": \"petugas2\", \"password\": \"salah\"}",
    ));
    for _ in 0..ticket_server::auth::MAX_FAILURES {
        api.expect(
            post.clone(),
            "/api/v1/login",
            None,
            wrong,
            401,
            "invalid_login",
        )
        .await;
    }
    let resp = api
        .http
        .post(format!("{}/api/v1/login", api.url))
        .json(&serde_json::json!({"username": "petugas2", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().get("retry-after").is_some());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_route_exists_and_metrics_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let http = reqwest::Client::new();
    let doc: serde_json::Value = http
        .get(format!("{}/api/v1/openapi.json", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 15);
    for (path, item) in paths {
        let concrete = path
            .replace("{code}", "ABCDEFGHJK")
            .replace("{n}", "1")
            .replace("{action}", "open");
        // Every method of the path item (tests/openapi.rs checks the other way: every route is
        // documented).
        for method in item.as_object().unwrap().keys() {
            let rb = http.request(
                method.to_uppercase().parse().unwrap(),
                format!("{}{concrete}", server.url()),
            );
            let text = rb.send().await.unwrap().text().await.unwrap();
            assert!(
                !text.contains("no_such_route"),
                "{method} {path} is documented but not routed"
            );
        }
    }
    server
        .client(Some(KIOSK))
        .issue("ktp", antri_wire::Category::Regular)
        .await
        .unwrap();
    let metrics = http
        .get(format!("{}/metrics", server.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("antri_tickets_issued_today{service=\"ktp\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("antri_tickets_waiting{service=\"ktp\"} 1"));
    assert!(metrics.contains("antri_commit_seconds_count"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookie_sessions_need_the_csrf_token_for_changes() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/api/v1/login", server.url()))
        .json(&serde_json::json!({"username": "petugas1", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap().to_string();
    let login: antri_wire::LoginResponse = resp.json().await.unwrap();
    let open = |csrf: Option<&str>| {
        let mut rb = http
            .post(format!("{}/api/v1/counters/1/open", server.url()))
            .header("cookie", &session)
            .header("content-type", "application/json")
            .body("{}");
        if let Some(c) = csrf {
            rb = rb.header("x-csrf-token", c);
        }
        rb.send()
    };
    // A forged cross-site form post carries the cookie but not the token.
    let forged = open(None).await.unwrap();
    assert_eq!(forged.status(), 403);
    let err: ErrorBody = forged.json().await.unwrap();
    assert_eq!(err.error.code, "csrf");
    assert_eq!(open(Some("guess")).await.unwrap().status(), 403);
    assert_eq!(open(Some(&login.csrf)).await.unwrap().status(), 200);
    // Reading needs no token; the page gets it back after a reload from /me.
    let me: antri_wire::SessionView = http
        .get(format!("{}/api/v1/me", server.url()))
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me.csrf, login.csrf);
    server.stop().await;
}
