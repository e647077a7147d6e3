//! Messages through the building's gateway, against a local fake gateway that misbehaves (refused,
//! closed, silent, 500) before it accepts: every message reaches it once per idempotency key,
//! signed with the shared secret; nothing goes to visitors who did not agree; a restart loses no
//! queued message; the number is in no event, export or log line, and shown only masked.
//! The server runs on a manual clock: a retry happens when the test moves it, not by waiting.

mod common;

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use antri_wire::Category;
use chrono::DateTime;
use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b";
const PHONE_TYPED: &str = "0812-3456-7890";
/// The number in each of the forms it could leak in.
const PHONE_FORMS: [&str; 3] = ["+6281234567890", "081234567890", "81234567890"];
const MASKED: &str = "0812****7890";

/// The sample building with a gateway at `addr`.
fn config(addr: SocketAddr, secret: &str) -> Config {
    config_reminding(addr, secret, 60)
}

fn config_reminding(addr: SocketAddr, secret: &str, reminder_minutes: u32) -> Config {
    Config::from_toml_str(&format!(
        "{EXAMPLE_TOML}\n[messages]\nwebhook_url = \"http://{addr}/antri\"\nsecret = \"{secret}\"\n\
         timeout_ms = 300\nmax_attempts = 8\nbackoff_seconds = 10\nbackoff_max_seconds = 60\n\
         reminder_minutes = {reminder_minutes}\nnear_places = 2\n"
    ))
    .unwrap()
}

/// The server with a gateway at `addr`, on a manual clock at Tuesday 09:00.
async fn on_tuesday(db: &std::path::Path, addr: SocketAddr) -> (InProcess, Clock) {
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(db, config(addr, SECRET), clock.clone()).await;
    (server, clock)
}

/// Every log line of this test binary (the server's tracing, at debug).
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = buf.clone();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || Capture(writer.clone()))
            .init();
        buf
    })
    .clone()
}

struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What the fake gateway does with the next connection.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Read the request, then close without an answer.
    Close,
    /// Read the request and say nothing (the server's timeout ends it).
    Silent,
    /// Answer 500.
    Fail,
}

#[derive(Clone, Default)]
struct Seen {
    /// Requests by kind of outcome.
    requests: usize,
    /// Accepted messages by idempotency key: how often, and the last body.
    accepted: BTreeMap<String, (usize, Value)>,
    bad_signatures: usize,
}

/// A gateway on 127.0.0.1 that plays `script` (one act per connection), then verifies each
/// request's signature with `secret`: 401 if it is wrong, 200 if it is right.
struct Gateway {
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl Gateway {
    async fn start(addr: SocketAddr, secret: &'static str, script: &[Act]) -> Gateway {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let script = Arc::new(Mutex::new(script.iter().copied().collect::<VecDeque<_>>()));
        let s = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let act = script.lock().unwrap().pop_front();
                tokio::spawn(serve(tcp, act, secret, s.clone()));
            }
        });
        Gateway { seen, task }
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().requests
    }

    fn stop(self) {
        self.task.abort();
    }
}

async fn serve(
    mut tcp: tokio::net::TcpStream,
    act: Option<Act>,
    secret: &str,
    seen: Arc<Mutex<Seen>>,
) {
    let Some((head, body)) = read_request(&mut tcp).await else {
        return;
    };
    seen.lock().unwrap().requests += 1;
    let status = match act {
        Some(Act::Close) => return,
        Some(Act::Silent) => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            return;
        }
        Some(Act::Fail) => 500,
        None => {
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| {
                        let (k, v) = l.split_once(':')?;
                        k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
                    })
                    .unwrap_or_default()
            };
            let key = header("idempotency-key");
            let mut seen = seen.lock().unwrap();
            if verify(secret, &header("x-antri-signature"), &body) {
                let body: Value = serde_json::from_str(&body).unwrap();
                let entry = seen.accepted.entry(key).or_insert((0, Value::Null));
                entry.0 += 1;
                entry.1 = body;
                200
            } else {
                seen.bad_signatures += 1;
                401
            }
        }
    };
    let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    let _ = tcp.write_all(answer.as_bytes()).await;
}

/// `t=<unix>,v1=<hex>` checked as a gateway developer would from docs/architecture.md.
fn verify(secret: &str, signature: &str, body: &str) -> bool {
    let mut parts = signature.split(',');
    let (Some(t), Some(v1)) = (
        parts.next().and_then(|p| p.strip_prefix("t=")),
        parts.next().and_then(|p| p.strip_prefix("v1=")),
    ) else {
        return false;
    };
    let Ok(bytes) = (0..v1.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(v1.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

async fn read_request(tcp: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tcp.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= length {
                return Some((head.to_string(), body.to_string()));
            }
        }
    }
}

/// A free port on loopback that nothing listens on (yet): connections are refused.
async fn free_addr() -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap()
}

async fn supervisor_token(server: &InProcess) -> String {
    officer(&server.client(None), "supervisor")
        .await
        .token()
        .unwrap()
        .to_string()
}

async fn deliveries(server: &InProcess, token: &str) -> Value {
    let (status, log) = server.get_json("/api/v1/messages", Some(token)).await;
    assert_eq!(status, 200, "{log}");
    log
}

/// Poll the delivery log until `done` holds (the server's tasks work in the background); the
/// bound is a guard against a hang, not a wait for time to pass.
async fn until(
    server: &InProcess,
    token: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..600 {
        let log = deliveries(server, token).await;
        if done(&log) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "timed out waiting for {what}: {}",
        deliveries(server, token).await
    );
}

/// No pending message is due at the clock's time: the worker has tried all it could.
fn settled(log: &Value, clock: &Clock) -> bool {
    log["rows"].as_array().unwrap().iter().all(|r| {
        r["status"] != "pending"
            || DateTime::parse_from_rfc3339(r["next_at"].as_str().unwrap()).unwrap() > clock.now()
    })
}

fn rows_of<'a>(log: &'a Value, kind: &str) -> Vec<&'a Value> {
    log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .collect()
}

async fn opt_in(server: &InProcess, code: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/track/{code}/messages", server.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

/// A KTP ticket whose visitor opts in with `phone` (the building's places): it and the answer.
async fn agreeing_ticket(server: &InProcess, phone: &str) -> (antri_wire::IssuedTicket, Value) {
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let (status, answer) = opt_in(
        server,
        &t.tracking_code,
        json!({"phone": phone, "consent": true}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    (t, answer)
}

/// Move the clock past the longest backoff until every message is delivered or failed.
async fn retry_until_settled(server: &InProcess, token: &str, clock: &Clock) -> Value {
    for _ in 0..12 {
        let log = until(server, token, "the due messages to be tried", |l| {
            settled(l, clock)
        })
        .await;
        if log["pending"] == 0 {
            return log;
        }
        clock.advance(chrono::Duration::seconds(61));
    }
    panic!(
        "messages still pending: {}",
        deliveries(server, token).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_reaches_a_misbehaving_gateway_once_signed_and_only_with_consent() {
    let log_lines = captured_log();
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let (server, clock) = on_tuesday(&dir.path().join("a.db"), addr).await;
    let sup = supervisor_token(&server).await;
    let kiosk = server.client(Some(KIOSK));
    let mut tickets = Vec::new();
    for _ in 0..4 {
        tickets.push(kiosk.issue("ktp", Category::Regular).await.unwrap());
    }
    // The fourth agrees (warn at 2 ahead); the third gives no number.
    let (status, sub) = opt_in(
        &server,
        &tickets[3].tracking_code,
        json!({"phone": PHONE_TYPED, "consent": true, "places": 2}),
    )
    .await;
    assert_eq!(status, 200, "{sub}");
    assert_eq!(
        sub,
        json!({"number": "KTP-004", "active": true, "phone_masked": MASKED, "places": 2})
    );

    // The gateway is down (refused) while the queue moves: KTP-004 comes near, is called, misses.
    let p1 = officer(&server.client(None), "petugas1").await;
    for expect in ["KTP-001", "KTP-002", "KTP-003", "KTP-004"] {
        let called = p1.call_next(1).await.unwrap().ticket.unwrap();
        assert_eq!(called.number, expect);
        if expect == "KTP-004" {
            p1.counter_action(1, "no-show").await.unwrap();
        } else {
            p1.counter_action(1, "start").await.unwrap();
            p1.counter_action(1, "finish").await.unwrap();
        }
    }
    let log = until(&server, &sup, "three messages tried once", |l| {
        l["rows"].as_array().unwrap().len() == 3 && settled(l, &clock)
    })
    .await;
    for r in log["rows"].as_array().unwrap() {
        assert_eq!(r["ticket"], "KTP-004", "{r}");
        assert_eq!(r["phone_masked"], MASKED);
        assert_eq!(
            (r["status"].as_str(), r["attempts"].as_u64()),
            (Some("pending"), Some(1)),
            "{r}"
        );
        assert!(
            r["last_error"]
                .as_str()
                .unwrap()
                .starts_with("cannot connect"),
            "{r}"
        );
    }

    // Up again, it closes a connection, keeps silent, answers 500, and then works.
    let gateway = Gateway::start(addr, SECRET, &[Act::Close, Act::Silent, Act::Fail]).await;
    let log = retry_until_settled(&server, &sup, &clock).await;
    assert_eq!(
        (log["delivered"].as_u64(), log["failed"].as_u64()),
        (Some(3), Some(0)),
        "{log}"
    );
    assert_eq!(log["rows"].as_array().unwrap().len(), 3, "{log}");
    let seen = gateway.seen.lock().unwrap().clone();
    assert_eq!(seen.bad_signatures, 0);
    assert!(
        seen.requests >= 3 + 3,
        "every failure was retried: {}",
        seen.requests
    );
    let keys: Vec<&String> = seen.accepted.keys().collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    for (key, (times, body)) in &seen.accepted {
        assert_eq!(*times, 1, "{key} delivered {times} times");
        assert_eq!(body["to"], PHONE_FORMS[0]);
        assert_eq!(body["idempotency_key"], key.as_str());
        assert_eq!(body["ticket"], "KTP-004");
        assert!(!body.to_string().contains(&tickets[3].tracking_code));
    }
    let kinds: Vec<&str> = seen
        .accepted
        .values()
        .map(|(_, b)| b["kind"].as_str().unwrap())
        .collect();
    for kind in ["turn_near", "called", "no_show"] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let called = seen
        .accepted
        .values()
        .find(|(_, b)| b["kind"] == "called")
        .unwrap();
    assert_eq!(called.1["counter"]["number"], 1);
    assert_eq!(called.1["time"], "09.00 WIB");
    assert!(called.1["text"]["id"]
        .as_str()
        .unwrap()
        .contains("dipanggil ke"));
    assert!(called.1["text"]["en"]
        .as_str()
        .unwrap()
        .contains("is called to"));
    let near = seen
        .accepted
        .values()
        .find(|(_, b)| b["kind"] == "turn_near")
        .unwrap();
    assert!(near.1["ahead"].as_u64().unwrap() <= 2, "{}", near.1);
    // Nothing for KTP-001..003, whose visitors gave no number.
    assert!(seen
        .accepted
        .values()
        .all(|(_, b)| b["ticket"] == "KTP-004"));

    // The number is nowhere but masked: not in the events, the exports, the audit, the log lines.
    let admin = officer(&server.client(None), "admin").await;
    let admin = admin.token().unwrap().to_string();
    let day = &TUESDAY_MORNING[..10];
    for path in [
        "/api/v1/log?after=0".to_string(),
        format!("/api/v1/stats/export?from={day}&to={day}&by=service&format=csv"),
        "/api/v1/admin/audit?per_page=500".to_string(),
        "/api/v1/dashboard/now".to_string(),
        "/api/v1/messages".to_string(),
        "/metrics".to_string(),
    ] {
        let (status, body) = server.get_json(&path, Some(&admin)).await;
        assert_eq!(status, 200, "{path}: {body}");
        for form in PHONE_FORMS {
            assert!(!body.to_string().contains(form), "{path} shows {form}");
        }
    }
    let lines = String::from_utf8_lossy(&log_lines.lock().unwrap()).to_string();
    assert!(lines.contains("serving"), "the server's log is captured");
    for form in PHONE_FORMS {
        assert!(!lines.contains(form), "a log line shows {form}");
    }
    server.stop().await;
    gateway.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_loses_no_queued_message_and_a_booking_needs_consent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let addr = free_addr().await;
    // Monday 07:00: Tuesday's sessions open for booking.
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-11-23T07:00:00+07:00").unwrap());
    let server = start_with_clock(&db, config(addr, SECRET), clock.clone()).await;
    let sup = supervisor_token(&server).await;
    let book = |nik: &'static str, phone: Option<&'static str>| {
        let url = server.url();
        async move {
            let resp = reqwest::Client::new()
                .post(format!("{url}/api/v1/bookings"))
                .json(
                    &json!({"service": "paspor-baru", "date": "2026-11-24", "session": 1,
                              "nik": nik, "phone": phone, "reminders": phone.is_some()}),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 201);
        }
    };
    book("3275045208850001", Some("+62 812 3456 7890")).await;
    // No agreement: a number typed without `reminders` is not kept, and nothing is sent.
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/bookings", server.url()))
        .json(
            &json!({"service": "paspor-baru", "date": "2026-11-24", "session": 2,
                      "nik": "3171012505900002", "phone": "081298765432", "reminders": false}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let log = until(&server, &sup, "the confirmation tried", |l| {
        rows_of(l, "booking_confirmed")
            .first()
            .is_some_and(|r| r["attempts"] == 1)
    })
    .await;
    assert_eq!(
        log["rows"].as_array().unwrap().len(),
        2,
        "confirmation and reminder: {log}"
    );
    let reminder = rows_of(&log, "reminder")[0].clone();
    // Due an hour before the 09:00 session, not yet tried.
    assert_eq!(reminder["attempts"], 0);
    assert!(
        reminder["next_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-24T08:00:00"),
        "{reminder}"
    );
    assert_eq!(reminder["booking"], 1);
    assert_eq!(reminder["phone_masked"], MASKED);

    // Stopped with the confirmation undelivered, started again on the same database.
    server.stop().await;
    let gateway = Gateway::start(addr, SECRET, &[]).await;
    let server = start_with_clock(&db, config(addr, SECRET), clock.clone()).await;
    let sup = supervisor_token(&server).await;
    clock.advance(chrono::Duration::seconds(61));
    until(&server, &sup, "the confirmation delivered", |l| {
        l["delivered"] == 1
    })
    .await;
    // The reminder waits for its time: Tuesday 08:00.
    clock.advance(chrono::Duration::hours(25));
    // (A session ends 16 h after login: the supervisor logs in again.)
    let sup = supervisor_token(&server).await;
    let log = until(&server, &sup, "the reminder delivered", |l| {
        l["delivered"] == 2
    })
    .await;
    assert_eq!(log["pending"], 0);
    let seen = gateway.seen.lock().unwrap().clone();
    let kinds: Vec<(&String, usize)> = seen.accepted.iter().map(|(k, (n, _))| (k, *n)).collect();
    assert_eq!(
        kinds,
        vec![
            (&"booking:1:confirmed".to_string(), 1),
            (&"booking:1:reminder:2026-11-24:1".to_string(), 1)
        ]
    );
    assert!(seen
        .accepted
        .values()
        .all(|(_, b)| b["to"] == PHONE_FORMS[0] && b["ticket"].is_null()));
    let reminder = &seen.accepted["booking:1:reminder:2026-11-24:1"].1;
    assert_eq!(reminder["time"], "09.00 WIB");
    let words = reminder["text"]["id"].as_str().unwrap();
    assert!(
        words.starts_with("Pengingat: reservasi Paspor Baru") && words.contains("09.00 WIB"),
        "{words}"
    );
    assert!(reminder["text"]["en"]
        .as_str()
        .unwrap()
        .starts_with("Reminder: your New passport booking"));
    assert_eq!(reminder["service"]["id"], "paspor-baru");
    server.stop().await;
    gateway.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_with_another_secret_refuses_and_the_message_fails_without_retries() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let gateway = Gateway::start(addr, "another-secret-the-gateway-holds-0123", &[]).await;
    let (server, _) = on_tuesday(&dir.path().join("a.db"), addr).await;
    let sup = supervisor_token(&server).await;
    // Alone in the queue: its turn is near at once.
    let (t, _) = agreeing_ticket(&server, PHONE_TYPED).await;
    let log = until(&server, &sup, "the message refused", |l| l["failed"] == 1).await;
    let row = &log["rows"][0];
    assert_eq!(
        (row["kind"].as_str(), row["http_status"].as_u64()),
        (Some("turn_near"), Some(401))
    );
    assert_eq!(row["attempts"], 1);
    assert!(
        row["last_error"]
            .as_str()
            .unwrap()
            .contains("refused: HTTP 401"),
        "{row}"
    );
    assert_eq!(gateway.requests(), 1);
    assert_eq!(gateway.seen.lock().unwrap().bad_signatures, 1);
    assert!(gateway.seen.lock().unwrap().accepted.is_empty());

    // Stopping erases the number: the log keeps no mask of it either way after retention, and
    // nothing more is queued for the ticket.
    let resp = reqwest::Client::new()
        .delete(format!(
            "{}/api/v1/track/{}/messages",
            server.url(),
            t.tracking_code
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let stopped: Value = resp.json().await.unwrap();
    assert_eq!(stopped["active"], false);
    assert_eq!(stopped["phone_masked"], Value::Null);
    server.stop().await;
    gateway.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_opt_in_is_checked_by_field_and_the_log_is_for_supervisors() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let (server, clock) = on_tuesday(&dir.path().join("a.db"), addr).await;
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let code = t.tracking_code.as_str();
    for (body, status, error, field) in [
        (
            json!({"phone": PHONE_TYPED, "consent": false}),
            422,
            "consent_required",
            "consent:",
        ),
        (
            json!({"phone": "021-555-1234", "consent": true}),
            422,
            "invalid_phone",
            "phone:",
        ),
        (
            json!({"phone": "0812", "consent": true}),
            422,
            "invalid_phone",
            "phone:",
        ),
        (
            json!({"phone": PHONE_TYPED, "consent": true, "places": 21}),
            422,
            "invalid_places",
            "places:",
        ),
        (
            json!({"phone": PHONE_TYPED, "consent": true, "places": 0}),
            422,
            "invalid_places",
            "places:",
        ),
        (
            json!({"phone": PHONE_TYPED}),
            422,
            "invalid_body",
            "consent",
        ),
    ] {
        let (got, answer) = opt_in(&server, code, body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        assert_eq!(answer["error"]["code"], error, "{body}: {answer}");
        assert!(
            answer["error"]["message"].as_str().unwrap().contains(field),
            "{answer}"
        );
    }
    let (got, answer) = opt_in(
        &server,
        "NOSUCHCODE1",
        json!({"phone": PHONE_TYPED, "consent": true}),
    )
    .await;
    assert_eq!(
        (got, answer["error"]["code"].as_str()),
        (404, Some("unknown_ticket"))
    );

    // Who may read the delivery log.
    let token = |name: &'static str| {
        let c = server.client(None);
        async move { officer(&c, name).await.token().unwrap().to_string() }
    };
    let mut callers: Vec<(Option<String>, u16)> = vec![
        (None, 401),
        (Some(KIOSK.to_string()), 403),
        (Some(DISPLAY.to_string()), 403),
        (Some(RATING_1.to_string()), 403),
    ];
    callers.push((Some(token("petugas1").await), 403));
    callers.push((Some(token("supervisor").await), 200));
    callers.push((Some(token("admin").await), 200));
    for (who, status) in callers {
        let (got, body) = server.get_json("/api/v1/messages", who.as_deref()).await;
        assert_eq!(got, status, "{who:?}: {body}");
    }
    server.stop().await;

    // Without a gateway the building takes no numbers at all.
    let dir = tempfile::tempdir().unwrap();
    let server = start_with_clock(&dir.path().join("b.db"), Config::example(), clock).await;
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let (got, answer) = opt_in(
        &server,
        &t.tracking_code,
        json!({"phone": PHONE_TYPED, "consent": true}),
    )
    .await;
    assert_eq!(
        (got, answer["error"]["code"].as_str()),
        (409, Some("messages_off"))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_number_is_erased_at_the_retention_and_the_secret_never_leaves_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let addr = free_addr().await;
    let gateway = Gateway::start(addr, SECRET, &[]).await;
    let (server, clock) = on_tuesday(&db, addr).await;
    let sup = supervisor_token(&server).await;
    agreeing_ticket(&server, PHONE_TYPED).await;
    until(&server, &sup, "turn near delivered", |l| {
        l["delivered"] == 1
    })
    .await;
    let stored = |sql: &str| -> Vec<Option<String>> {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        stored("SELECT phone FROM message_contacts"),
        vec![Some(PHONE_FORMS[0].to_string())]
    );
    // Nothing of it in the event log, in any form.
    for payload in stored("SELECT payload FROM events") {
        for form in PHONE_FORMS {
            assert!(
                !payload.as_deref().unwrap_or("").contains(form),
                "an event holds {form}"
            );
        }
    }

    // The admin page never receives the secret, and a save without it keeps it.
    let admin = officer(&server.client(None), "admin").await;
    let admin = admin.token().unwrap().to_string();
    let (status, doc) = server.get_json("/api/v1/admin/config", Some(&admin)).await;
    assert_eq!(status, 200);
    assert!(
        !doc.to_string().contains(SECRET),
        "the admin page got the secret"
    );
    let mut messages = doc["document"]["messages"].clone();
    assert_eq!(messages["near_places"], 2);
    messages["near_places"] = json!(4);
    let saved = reqwest::Client::new()
        .put(format!("{}/api/v1/admin/config/building", server.url()))
        .bearer_auth(&admin)
        .json(&json!({"messages": messages}))
        .send()
        .await
        .unwrap();
    let status = saved.status();
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(status, 200, "{saved}");
    assert!(
        saved["summary"]
            .as_str()
            .unwrap()
            .contains("near_places 2 → 4"),
        "{saved}"
    );
    assert!(!saved.to_string().contains(SECRET));
    let (_, audit) = server
        .get_json("/api/v1/admin/audit?per_page=500", Some(&admin))
        .await;
    assert!(!audit.to_string().contains(SECRET));
    // Still signed with the same secret: the gateway accepts the next message.
    let (_, sub) = agreeing_ticket(&server, "081298765432").await;
    assert_eq!(sub["places"], 4, "the new default: {sub}");
    until(&server, &sup, "the second delivered", |l| {
        l["delivered"] == 2
    })
    .await;
    assert_eq!(gateway.seen.lock().unwrap().bad_signatures, 0);

    // 31 days later (retention 30) the day's start erases the numbers, and the day's messages
    // leave the delivery log.
    clock.advance(chrono::Duration::days(31));
    let sup = supervisor_token(&server).await;
    until(&server, &sup, "the day's messages gone", |l| {
        l["rows"].as_array().unwrap().is_empty() && l["delivered"] == 0
    })
    .await;
    assert_eq!(
        stored("SELECT phone FROM message_contacts"),
        vec![None, None]
    );
    server.stop().await;
    gateway.stop();
}

/// kill -9 while lokets call tickets whose visitors opted in, the gateway down: after a restart
/// every `called` and `no_show` the log holds reaches the gateway, each key once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_calling_loses_and_repeats_no_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let addr = free_addr().await;
    // The binary runs on a real clock: retries a second apart.
    let file = dir.path().join("building.toml");
    std::fs::write(
        &file,
        format!(
            "{EXAMPLE_TOML}\n[messages]\nwebhook_url = \"http://{addr}/antri\"\nsecret = \"{SECRET}\"\n\
             timeout_ms = 300\nmax_attempts = 50\nbackoff_seconds = 1\nbackoff_max_seconds = 2\n"
        ),
    )
    .unwrap();
    let spawn = || {
        antri_testkit::process::listening(
            antri_testkit::process::serve_command(
                std::path::Path::new(env!("CARGO_BIN_EXE_ticket-server")),
                TUESDAY_MORNING,
            )
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(&file)
            .env("RUST_LOG", "warn")
            .stderr(std::process::Stdio::inherit()),
        )
        .expect("the ticket-server binary starts")
    };
    let (mut child, url) = spawn();
    let anon = antri_wire::client::Client::new(&url, None);
    let kiosk = antri_wire::client::Client::new(&url, Some(KIOSK.into()));
    let http = reqwest::Client::new();
    for _ in 0..40 {
        let t = kiosk.issue("ktp", Category::Regular).await.unwrap();
        let r = http
            .post(format!("{url}/api/v1/track/{}/messages", t.tracking_code))
            .json(&json!({"phone": PHONE_TYPED, "consent": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let p1 = officer(&anon, "petugas1").await;
    let caller = tokio::spawn(async move {
        let mut calls = 0;
        while p1.call_next(1).await.is_ok() && p1.counter_action(1, "no-show").await.is_ok() {
            calls += 1;
        }
        calls
    });
    // Killed in the middle of the calls (bounded by time too).
    let sup = officer(&anon, "supervisor").await;
    for _ in 0..1000 {
        let (_, log) = get(&http, &url, "/api/v1/messages", sup.token()).await;
        if log["rows"].as_array().is_some_and(|r| r.len() >= 20) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let calls = caller.await.unwrap();
    assert!(calls >= 3, "the lokets called before the kill: {calls}");
    // How far the deriver had come: the events it had not handled are derived after the restart.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (behind, queued): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT MAX(seq) FROM events) - (SELECT seq FROM message_cursor),
                    (SELECT COUNT(*) FROM outbox)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    eprintln!(
        "kill -9 after {calls} calls: the deriver {behind} events behind, {queued} messages queued"
    );
    let gateway = Gateway::start(addr, SECRET, &[]).await;
    let (mut child, url) = spawn();
    let anon = antri_wire::client::Client::new(&url, None);
    let sup = officer(&anon, "supervisor").await;
    let mut expected = Vec::new();
    let (_, events) = get(&http, &url, "/api/v1/log?after=0&limit=1000", sup.token()).await;
    for e in events.as_array().unwrap() {
        let kind = match e["type"].as_str().unwrap() {
            "ticket_called" => "called",
            "ticket_no_show" => "no_show",
            _ => continue,
        };
        expected.push(format!("ticket:{}:{kind}:{}", e["ticket"]["id"], e["seq"]));
    }
    assert!(expected.len() >= 6, "{expected:?}");
    let mut log = Value::Null;
    for _ in 0..400 {
        (_, log) = get(&http, &url, "/api/v1/messages", sup.token()).await;
        if log["pending"] == 0 && gateway.seen.lock().unwrap().accepted.len() >= expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let seen = gateway.seen.lock().unwrap().clone();
    for key in &expected {
        let times = seen.accepted.get(key).map(|(n, _)| *n);
        assert_eq!(times, Some(1), "{key}: {times:?} deliveries; log {log}");
    }
    assert!(
        seen.accepted.values().all(|(n, _)| *n == 1),
        "a key delivered twice"
    );
    assert_eq!(log["failed"], 0, "{log}");
    child.kill().unwrap();
    child.wait().unwrap();
    gateway.stop();
}

async fn get(http: &reqwest::Client, url: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = http.get(format!("{url}{path}"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.unwrap();
    (
        resp.status().as_u16(),
        resp.json().await.unwrap_or(Value::Null),
    )
}

/// A booking's messages follow it: moved (a new confirmation, the reminder moved), reminded,
/// missed (no-show), checked in (the pending reminder called off) and called, to the number given
/// on the booking page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bookings_messages_follow_it_from_booking_to_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let gateway = Gateway::start(addr, SECRET, &[]).await;
    let clock = Clock::manual(DateTime::parse_from_rfc3339("2026-11-23T07:00:00+07:00").unwrap());
    // Reminded 20 minutes before: inside the check-in window (from 30 minutes before).
    let config = config_reminding(addr, SECRET, 20);
    let server = start_with_clock(&dir.path().join("a.db"), config.clone(), clock.clone()).await;
    let post = |path: String, body: Value| {
        let url = server.url();
        async move {
            let resp = reqwest::Client::new()
                .post(format!("{url}{path}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            resp.json::<Value>().await.unwrap()
        }
    };
    let book = |session: u32, nik: &'static str| {
        post(
            "/api/v1/bookings".into(),
            json!({"service": "paspor-baru", "date": "2026-11-24", "session": session,
                   "nik": nik, "phone": PHONE_TYPED, "reminders": true}),
        )
    };
    let a = book(0, "3275045208850001").await;
    book(1, "3171012505900002").await;
    let a_code = a["code"].as_str().unwrap().to_string();
    post(
        format!("/api/v1/bookings/{a_code}/reschedule"),
        json!({"date": "2026-11-24", "session": 2}),
    )
    .await;
    let sup = supervisor_token(&server).await;
    until(&server, &sup, "three confirmations", |l| {
        l["delivered"] == 3
    })
    .await;

    // Tuesday 08:41: B's reminder (its session at 09:00). 09:16: B never came.
    clock.advance(chrono::Duration::minutes(24 * 60 + 101));
    let sup = supervisor_token(&server).await;
    until(&server, &sup, "B's reminder", |l| l["delivered"] == 4).await;
    clock.advance(chrono::Duration::minutes(35));
    until(&server, &sup, "B's no-show", |l| l["delivered"] == 5).await;
    // 09:35: A checks in before its reminder (09:40) and is called at a passport loket.
    clock.advance(chrono::Duration::minutes(19));
    let kiosk = server.client(Some(KIOSK));
    let ticket = kiosk.check_in(&a_code, Category::Regular).await.unwrap();
    let loket = config
        .counters
        .iter()
        .find(|c| c.services.iter().any(|s| s == "paspor-baru"))
        .unwrap()
        .number;
    let name = &config
        .users
        .iter()
        .find(|u| u.counters.contains(&loket))
        .unwrap()
        .username;
    let officer = officer(&server.client(None), name).await;
    officer.call_next(loket).await.unwrap();
    let log = until(&server, &sup, "A's turn near and call", |l| {
        l["delivered"] == 7
    })
    .await;

    // Bookings are numbered as made (the holder's view has no id: the log names them so).
    let (a_id, b_id) = (Some(1), Some(2));
    let mut rows: Vec<(String, String, Option<u64>)> = log["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["phone_masked"], MASKED, "{r}");
            (
                r["kind"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                r["booking"].as_u64(),
            )
        })
        .collect();
    rows.sort();
    let row = |kind: &str, status: &str, id| (kind.to_string(), status.to_string(), id);
    let mut want = vec![
        row("booking_confirmed", "delivered", a_id),
        row("booking_confirmed", "delivered", a_id),
        row("booking_confirmed", "delivered", b_id),
        row("called", "delivered", a_id),
        row("no_show", "delivered", b_id),
        // A's reminders: the session it left, and the one it checked in for early.
        row("reminder", "cancelled", a_id),
        row("reminder", "cancelled", a_id),
        row("reminder", "delivered", b_id),
        row("turn_near", "delivered", a_id),
    ];
    want.sort();
    assert_eq!(rows, want, "{log}");
    let seen = gateway.seen.lock().unwrap().clone();
    let called = seen
        .accepted
        .values()
        .find(|(_, b)| b["kind"] == "called")
        .unwrap();
    assert_eq!(called.1["ticket"], ticket.issued.ticket.number.as_str());
    assert_eq!(called.1["to"], PHONE_FORMS[0]);
    assert!(seen.accepted.values().all(|(n, _)| *n == 1));
    server.stop().await;
    gateway.stop();
}

/// With `alerts = true` the supervisor's alerts go to the gateway as well, once each, signed,
/// addressed to "supervisor" — and a visitor who did not agree still gets nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supervisors_alerts_reach_the_gateway_once_when_the_building_asks() {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr().await;
    let gateway = Gateway::start(addr, SECRET, &[Act::Fail]).await;
    let mut config = Config::from_toml_str(&format!(
        "{EXAMPLE_TOML}\n[messages]\nwebhook_url = \"http://{addr}/antri\"\nsecret = \"{SECRET}\"\n\
         timeout_ms = 300\nbackoff_seconds = 10\nbackoff_max_seconds = 60\nalerts = true\n"
    ))
    .unwrap();
    // Only the queue's alert here: devices count as silent after an hour.
    config.alerts.device_silent_secs = 3600;
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&dir.path().join("a.db"), config, clock.clone()).await;
    let sup = supervisor_token(&server).await;
    server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    // 09:31: past the 30-minute target. The first attempt meets a 500, the retry is accepted.
    clock.advance(chrono::Duration::minutes(31));
    until(&server, &sup, "the alert queued", |l| {
        !rows_of(l, "alert").is_empty()
    })
    .await;
    let log = retry_until_settled(&server, &sup, &clock).await;
    let alerts = rows_of(&log, "alert");
    assert_eq!(alerts.len(), 1, "{log}");
    assert_eq!(alerts[0]["status"], "delivered", "{log}");
    let seen = gateway.seen.lock().unwrap().clone();
    assert_eq!(seen.bad_signatures, 0);
    assert_eq!(
        seen.accepted.len(),
        1,
        "only the alert: {:?}",
        seen.accepted
    );
    let (key, (times, body)) = seen.accepted.iter().next().unwrap();
    assert!(key.starts_with("alert:"), "{key}");
    assert_eq!(*times, 1);
    assert_eq!(body["to"], "supervisor");
    assert_eq!(body["alert"]["kind"], "wait_over_target");
    assert!(body["text"]["id"]
        .as_str()
        .unwrap()
        .contains("melewati target 30 menit"));
    server.stop().await;
    gateway.stop();
}
