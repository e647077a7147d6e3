//! Every number from outside is range-checked (issue 12 item 5): any value of any query or path
//! parameter of every route that takes one is answered without a 5xx, a bad one with 400 naming
//! the parameter, and nothing wraps (`/log?after=18446744073709551615` once returned the first
//! events: u64 → -1 in SQL).

mod common;

use std::sync::OnceLock;

use antri_wire::Category;
use chrono::Duration;
use common::{officer, start_with_clock, tuesday, DISPLAY, KIOSK};
use proptest::prelude::*;
use serde_json::Value;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

struct Hall {
    rt: tokio::runtime::Runtime,
    url: String,
    supervisor: String,
    admin: String,
    /// The newest sequence number: the log has nothing after it.
    last_seq: u64,
    _dir: tempfile::TempDir,
}

/// One server for every case, with a few events in its log.
fn hall() -> &'static Hall {
    static HALL: OnceLock<Hall> = OnceLock::new();
    HALL.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (url, supervisor, admin, last_seq) = rt.block_on(async {
            let clock = Clock::manual(tuesday());
            let server = start_with_clock(
                &dir.path().join("antri.db"),
                Config::example(),
                clock.clone(),
            )
            .await;
            let kiosk = server.client(Some(KIOSK));
            for _ in 0..3 {
                kiosk.issue("ktp", Category::Regular).await.unwrap();
            }
            let p1 = officer(&server.client(None), "petugas1").await;
            clock.advance(Duration::minutes(3));
            p1.call_next(1).await.unwrap();
            let supervisor = officer(&server.client(None), "supervisor").await;
            let admin = officer(&server.client(None), "admin").await;
            let last: Value = reqwest::get(format!("{}/healthz", server.url()))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let url = server.url();
            // The server runs on `rt` for the rest of the test binary.
            std::mem::forget(server);
            (
                url,
                supervisor.token().unwrap().to_string(),
                admin.token().unwrap().to_string(),
                last["seq"].as_u64().unwrap(),
            )
        });
        Hall {
            rt,
            url,
            supervisor,
            admin,
            last_seq,
            _dir: dir,
        }
    })
}

/// Values a parameter may be sent: numbers of every size and sign, dates of every year, junk.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..40).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just(u64::MAX.to_string()),
        Just("18446744073709551616".to_string()),
        Just((i64::MAX as u64 + 1).to_string()),
        Just(u32::MAX.to_string()),
        Just("4294967296".to_string()),
        (1960i32..2100, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (2025i32..2027, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        (-300_000i32..300_000, 0u32..15, 0u32..34)
            .prop_map(|(y, m, d)| format!("{y:+}-{m:02}-{d:02}")),
        Just("+262143-12-31".to_string()),
        Just("9999-12-31".to_string()),
        Just("2026-11-24".to_string()),
        "[a-z0-9 .%+-]{0,12}",
        Just("service".to_string()),
        Just("xlsx".to_string()),
    ]
}

/// (path, query parameters, token) of every GET route that reads a query string.
const QUERIED: &[(&str, &[&str], Who)] = &[
    ("/api/v1/log", &["after", "limit"], Who::Supervisor),
    ("/api/v1/stats", &["from", "to", "by"], Who::Supervisor),
    ("/api/v1/stats/hourly", &["from", "to"], Who::Supervisor),
    (
        "/api/v1/stats/export",
        &["from", "to", "by", "format"],
        Who::Supervisor,
    ),
    (
        "/api/v1/satisfaction",
        &["from", "to", "by"],
        Who::Supervisor,
    ),
    (
        "/api/v1/admin/audit",
        &["from", "to", "actor", "kind", "page", "per_page"],
        Who::Admin,
    ),
    ("/api/v1/events", &["after"], Who::Display),
];

/// Routes with a parameter in the path: `{}` is replaced by the value.
const PATHED: &[(&str, Who)] = &[
    ("/api/v1/counters/{}", Who::Supervisor),
    ("/api/v1/counters/{}/waiting", Who::Supervisor),
    ("/api/v1/track/{}", Who::Supervisor),
    ("/rate/{}", Who::Supervisor),
    ("/t/{}", Who::Supervisor),
];

#[derive(Clone, Copy, Debug)]
enum Who {
    Supervisor,
    Admin,
    Display,
}

fn token(who: Who) -> String {
    match who {
        Who::Supervisor => hall().supervisor.clone(),
        Who::Admin => hall().admin.clone(),
        Who::Display => DISPLAY.to_string(),
    }
}

fn encode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Status and, unless it is the endless event stream, the JSON body (`Null` if not JSON).
fn get(path_and_query: &str, who: Who) -> (u16, Value) {
    let h = hall();
    h.rt.block_on(async {
        let resp = reqwest::Client::new()
            .get(format!("{}{path_and_query}", h.url))
            .bearer_auth(token(who))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let streaming = resp
            .headers()
            .get("content-type")
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        if streaming {
            return (status, Value::Null);
        }
        let body = resp.bytes().await.unwrap();
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn query_parameters_never_wrap_or_fail_the_server(
        route in 0..QUERIED.len(),
        values in proptest::collection::vec(proptest::option::of(value()), 6),
    ) {
        let (path, params, who) = QUERIED[route];
        let sent: Vec<(&str, &String)> = params
            .iter()
            .zip(&values)
            .filter_map(|(p, v)| Some((*p, v.as_ref()?)))
            .collect();
        let query: Vec<String> = sent.iter().map(|(p, v)| format!("{p}={}", encode(v))).collect();
        let url = format!("{path}?{}", query.join("&"));
        let (status, body) = get(&url, who);
        prop_assert!(status < 500, "{url}: {status} {body}");
        if status == 400 {
            // The message names the parameter that was wrong (or missing).
            let message = body["error"]["message"].as_str().unwrap_or_default();
            prop_assert!(
                params.iter().any(|p| message.contains(p)),
                "{url}: 400 without naming a parameter: {message}"
            );
        }
        if path == "/api/v1/log" && status == 200 {
            let after: u64 = sent
                .iter()
                .find(|(p, _)| *p == "after")
                .map_or(Some(0), |(_, v)| v.trim().parse().ok())
                .expect("a 200 had a number for after");
            for e in body.as_array().unwrap() {
                let seq = e["seq"].as_u64().unwrap();
                prop_assert!(seq > after, "{url}: event {seq} is not after {after}");
            }
            if after >= hall().last_seq {
                prop_assert_eq!(body.as_array().unwrap().len(), 0, "{}", url);
            }
        }
    }

    #[test]
    fn path_parameters_never_fail_the_server(route in 0..PATHED.len(), v in value()) {
        let (path, who) = PATHED[route];
        let url = path.replace("{}", &encode(&v).replace('+', "%20"));
        let (status, body) = get(&url, who);
        prop_assert!(status < 500, "{url}: {status} {body}");
    }
}

#[test]
fn the_log_after_the_largest_number_is_refused_by_name_not_wrapped() {
    let (status, body) = get("/api/v1/log?after=18446744073709551615", Who::Supervisor);
    assert_eq!(status, 400, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("after: "), "{message}");
    let (status, body) = get("/api/v1/log?after=18446744073709551616", Who::Supervisor);
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("after: "),
        "{body}"
    );
    // The largest accepted position is past the end: nothing, not the first events.
    let (status, body) = get(&format!("/api/v1/log?after={}", i64::MAX), Who::Supervisor);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!([]));
    let (status, body) = get(
        "/api/v1/stats?from=%2B10000-01-01&to=%2B10000-01-02",
        Who::Supervisor,
    );
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("from: +10000-01-01 is out of range"),
        "{body}"
    );
}

#[test]
fn a_bad_value_in_a_loket_actions_body_is_named() {
    let h = hall();
    let (status, body) = h.rt.block_on(async {
        let p1 = officer(&antri_wire::client::Client::new(&h.url, None), "petugas1").await;
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/counters/1/pause", h.url))
            .bearer_auth(p1.token().unwrap())
            .json(&serde_json::json!({"reason": 5}))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    });
    assert_eq!(status, 422, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("reason: "), "{message}");
}
