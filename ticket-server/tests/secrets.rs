//! Secrets reach only their holder. Through a whole day of ticket lives — issue, call, recall,
//! start, finish, no-show, transfer, a visitor's cancel, ratings on the tablet and on the phone, an
//! admin's reconfiguration with a new device and a new user — every kind of principal (no
//! credentials, each device kind, each role) holds the live event stream and polls every readable
//! route of the router's table, and each ticket's phone holds its live view. Every byte each of them receives (status, headers, body; the cells
//! of an XLSX export) is searched for every secret the test saw created: tracking codes, device
//! tokens, password hashes and new passwords, session tokens and CSRF tokens. A secret may appear
//! only in what goes to its holder: a tracking code in the issue answer to the kiosk that printed
//! it and in the `/track/{code}` answers to whoever presented it; a session's token and CSRF token
//! in its own user's login and `/me` answers; device tokens and password hashes nowhere.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use antri_wire::DeviceKind;
use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use ticket_server::config::Config;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Nobody,
    Kiosk,
    NewKiosk,
    Display,
    Rating,
    Officer,
    Supervisor,
    Admin,
}

/// One thing a principal received.
struct Received {
    who: Who,
    what: String,
    /// The secrets this answer may carry because it goes to their holder.
    holds: Vec<String>,
    bytes: Vec<u8>,
}

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Received>>>);

impl Seen {
    fn push(&self, r: Received) -> usize {
        let mut v = self.0.lock().unwrap();
        v.push(r);
        v.len() - 1
    }

    /// The answer at `index` went to the holder of `secrets` (known once it is read).
    fn holds(&self, index: usize, secrets: &[&str]) {
        let mut v = self.0.lock().unwrap();
        v[index].holds.extend(secrets.iter().map(|s| s.to_string()));
    }
}

struct Caller {
    who: Who,
    token: Option<String>,
    /// The secrets this caller holds (its token; a user's session's CSRF token).
    own: Vec<String>,
    url: String,
    http: reqwest::Client,
    seen: Seen,
}

struct Answer {
    status: StatusCode,
    json: Value,
    index: usize,
}

impl Caller {
    /// Send a request and record every byte of the answer as received by this caller.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        holds: &[&str],
    ) -> Answer {
        let mut rb = self
            .http
            .request(method.clone(), format!("{}{path}", self.url));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.unwrap();
        let status = resp.status();
        let mut bytes = format!("{status}\n").into_bytes();
        for (k, v) in resp.headers() {
            bytes.extend_from_slice(k.as_str().as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(v.as_bytes());
            bytes.push(b'\n');
        }
        let xlsx = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("spreadsheetml"));
        let body = resp.bytes().await.unwrap();
        bytes.extend_from_slice(&body);
        if xlsx {
            // The workbook is compressed: search its cells as text too.
            use calamine::Reader;
            let mut book = calamine::Xlsx::new(std::io::Cursor::new(body.to_vec())).unwrap();
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).unwrap();
                for row in range.rows() {
                    for cell in row {
                        bytes.extend_from_slice(cell.to_string().as_bytes());
                        bytes.push(b'\t');
                    }
                }
            }
        }
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let index = self.seen.push(Received {
            who: self.who,
            what: format!("{method} {path}"),
            holds: holds
                .iter()
                .map(|s| s.to_string())
                .chain(self.own.iter().cloned())
                .collect(),
            bytes,
        });
        Answer {
            status,
            json,
            index,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[]).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body), &[]).await
    }

    /// Hold the live event stream; every byte goes to `seen` when the stream is stopped.
    fn subscribe(&self, after: Option<u64>) -> Stream {
        let path = match after {
            Some(a) => format!("/api/v1/events?after={a}"),
            None => "/api/v1/events".to_string(),
        };
        self.hold(&path, &[], false)
    }

    /// Follow a ticket's live view as the holder of its code (a visitor's phone).
    fn follow(&self, code: &str) -> Stream {
        self.hold(&format!("/api/v1/track/{code}/stream"), &[code], true)
    }

    /// Hold the stream at `path`, whose answer may carry `holds`; `ends`: it may end by itself.
    fn hold(&self, path: &str, holds: &[&str], ends: bool) -> Stream {
        let mut rb = self.http.get(format!("{}{path}", self.url));
        if let Some(t) = &self.token {
            rb = rb.bearer_auth(t);
        }
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let task = tokio::spawn(async move {
            let mut resp = rb.send().await.unwrap();
            sink.lock()
                .unwrap()
                .extend_from_slice(format!("{}\n", resp.status()).as_bytes());
            while let Ok(Some(chunk)) = resp.chunk().await {
                sink.lock().unwrap().extend_from_slice(&chunk);
            }
        });
        Stream {
            who: self.who,
            own: self
                .own
                .iter()
                .cloned()
                .chain(holds.iter().map(|h| h.to_string()))
                .collect(),
            what: format!("GET {path}"),
            ends,
            buf,
            task,
        }
    }
}

struct Stream {
    who: Who,
    own: Vec<String>,
    what: String,
    /// A ticket's stream ends by itself once the ticket is finished.
    ends: bool,
    buf: Arc<Mutex<Vec<u8>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Stream {
    /// Wait until the stream has delivered `marker` (event `id: N`, a ticket's `data:` view) or
    /// has ended, then stop it.
    async fn stop(self, marker: &str, seen: &Seen) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let done = {
                let b = self.buf.lock().unwrap();
                String::from_utf8_lossy(&b).contains(marker)
            };
            if done || self.task.is_finished() || tokio::time::Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.task.abort();
        let bytes = self.buf.lock().unwrap().clone();
        let reached = String::from_utf8_lossy(&bytes).contains(marker);
        if self.ends {
            assert!(
                reached || self.task.is_finished(),
                "{} did not reach {marker:?}",
                self.what
            );
        } else if self.who != Who::Nobody {
            assert!(
                reached,
                "{:?}'s stream {} did not reach {marker}",
                self.who, self.what
            );
        }
        seen.push(Received {
            who: self.who,
            what: self.what,
            holds: self.own,
            bytes,
        });
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Every GET route of the router's table, made concrete: lokets 1–3 for `{n}` and the tracking
/// codes for `{code}` (each request with a code is made by the code's holder), with the required
/// query parameters of the OpenAPI document; both export formats.
fn readable(doc: &Value, codes: &[String]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (method, path) in ticket_server::api::router::routes() {
        // The live streams are held through the day instead (they never end).
        if method != Method::GET
            || path == "/api/v1/events"
            || path == "/api/v1/track/{code}/stream"
        {
            continue;
        }
        let op = &doc["paths"][path]["get"];
        let query: Vec<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| {
                let value = match p["schema"]["format"].as_str() {
                    Some("date") => TUESDAY_MORNING[..10].to_string(),
                    _ => "1".to_string(),
                };
                format!("{}={value}", p["name"].as_str().unwrap())
            })
            .collect();
        let mut variants = vec![(path.to_string(), Vec::new())];
        let expand = |variants: Vec<(String, Vec<String>)>,
                      param: &str,
                      values: &[(String, Option<String>)]| {
            variants
                .into_iter()
                .flat_map(|(p, holds)| {
                    if !p.contains(param) {
                        return vec![(p, holds)];
                    }
                    values
                        .iter()
                        .map(|(v, held)| {
                            let mut h = holds.clone();
                            h.extend(held.clone());
                            (p.replace(param, v), h)
                        })
                        .collect()
                })
                .collect::<Vec<_>>()
        };
        let lokets: Vec<(String, Option<String>)> =
            (1..=3).map(|n| (n.to_string(), None)).collect();
        let code_values: Vec<(String, Option<String>)> =
            codes.iter().map(|c| (c.clone(), Some(c.clone()))).collect();
        variants = expand(variants, "{n}", &lokets);
        variants = expand(variants, "{counter}", &lokets);
        variants = expand(variants, "{code}", &code_values);
        for name in [
            "common.js",
            "officer.js",
            "dashboard.js",
            "admin.js",
            "rate.js",
        ] {
            if path == "/static/{name}" {
                out.push((format!("/static/{name}"), Vec::new()));
            }
        }
        if path == "/static/{name}" {
            continue;
        }
        for (p, holds) in variants {
            let mut extra = vec![String::new()];
            if path == "/api/v1/stats/export" {
                extra = vec!["&format=csv".into(), "&format=xlsx".into()];
            }
            if path == "/api/v1/stats/officers" {
                extra = vec![String::new(), "&format=csv".into(), "&format=xlsx".into()];
            }
            if path == "/api/v1/log" {
                extra = vec!["?limit=1000".into()];
            }
            if path == "/api/v1/admin/audit" {
                extra = vec!["?per_page=500".into(), "?per_page=500&actor=visitor".into()];
            }
            for e in extra {
                let url = if query.is_empty() {
                    format!("{p}{e}")
                } else {
                    format!("{p}?{}{e}", query.join("&"))
                };
                out.push((url, holds.clone()));
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_anyone_but_its_holder_through_a_whole_day() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let seen = Seen::default();
    let config = Config::example();
    let token_of = |id: &str| {
        config
            .devices
            .iter()
            .find(|d| d.id == id)
            .unwrap_or_else(|| panic!("the sample building has device {id}"))
            .token
            .clone()
    };
    let device_of = |kind: DeviceKind| {
        config
            .devices
            .iter()
            .find(|d| d.kind == kind && (kind != DeviceKind::Rating || d.counter == Some(1)))
            .unwrap()
            .id
            .clone()
    };
    let caller = |who: Who, token: Option<String>, own: Vec<String>| Caller {
        who,
        own: own.into_iter().chain(token.clone()).collect(),
        token,
        url: url.clone(),
        http: reqwest::Client::new(),
        seen: seen.clone(),
    };
    let device = |who: Who, kind: DeviceKind| caller(who, Some(token_of(&device_of(kind))), vec![]);
    let visitor = caller(Who::Nobody, None, vec![]);
    let kiosk = device(Who::Kiosk, DeviceKind::Kiosk);
    let display = device(Who::Display, DeviceKind::Display);
    let tablet = device(Who::Rating, DeviceKind::Rating);

    // Secrets: (what, the secret). Holders are marked on the answers that may carry them.
    let mut secrets: Vec<(String, String)> = Vec::new();
    for d in &config.devices {
        secrets.push((format!("token of device {}", d.id), d.token.clone()));
    }
    for u in &config.users {
        secrets.push((
            format!("password hash of {}", u.username),
            u.password_hash.clone(),
        ));
    }

    // Users log in (the answer goes to the user: it holds their session and CSRF tokens).
    let login = |who: Who, username: &'static str| {
        let visitor = &visitor;
        let caller = &caller;
        async move {
            let a = visitor
                .post(
                    "/api/v1/login",
                    json!({"username": username, "password": PASSWORD}),
                )
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.json);
            let token = a.json["token"].as_str().unwrap().to_string();
            let csrf = a.json["csrf"].as_str().unwrap().to_string();
            visitor.seen.holds(a.index, &[&token, &csrf]);
            let c = caller(who, Some(token.clone()), vec![csrf.clone()]);
            assert_eq!(c.get("/api/v1/me").await.json["csrf"], csrf.as_str());
            (c, token, csrf)
        }
    };
    let (officer, t1, c1) = login(Who::Officer, "petugas1").await; // lokets 1 and 2
    let (supervisor, t2, c2) = login(Who::Supervisor, "supervisor").await;
    let (admin, t3, c3) = login(Who::Admin, "admin").await;
    for (user, t, c) in [
        ("petugas1", t1, c1),
        ("supervisor", t2, c2),
        ("admin", t3, c3),
    ] {
        secrets.push((format!("session token of {user}"), t));
        secrets.push((format!("CSRF token of {user}"), c));
    }

    // Everyone holds the stream from the start of the day (no credentials: refused).
    let callers = [
        &visitor,
        &kiosk,
        &display,
        &tablet,
        &officer,
        &supervisor,
        &admin,
    ];
    let streams: Vec<Stream> = callers.iter().map(|c| c.subscribe(None)).collect();

    // Morning: tickets for KTP and KK; the kiosk's answer holds the code it prints.
    let mut phones: Vec<(String, Stream)> = Vec::new();
    let mut codes: BTreeMap<String, String> = BTreeMap::new(); // number → code
    for (service, category) in [
        ("ktp", "regular"),
        ("ktp", "regular"),
        ("ktp", "elderly"),
        ("kk", "regular"),
        ("ktp", "regular"),
        ("ktp", "disability"),
        ("kk", "regular"),
        ("ktp", "regular"),
        ("ktp", "regular"),
    ] {
        let a = kiosk
            .post(
                "/api/v1/tickets",
                json!({"service": service, "category": category}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
        let code = a.json["tracking_code"].as_str().unwrap().to_string();
        kiosk.seen.holds(a.index, &[&code]);
        // The visitor's phone follows the ticket from now on.
        phones.push((code.clone(), visitor.follow(&code)));
        codes.insert(a.json["ticket"]["number"].as_str().unwrap().into(), code);
    }
    let act = |n: u32, action: &'static str, body: Value| {
        let officer = &officer;
        async move {
            let a = officer
                .post(&format!("/api/v1/counters/{n}/{action}"), body)
                .await;
            assert_eq!(a.status, StatusCode::OK, "{action} at {n}: {}", a.json);
            a.json["ticket"]["number"].as_str().map(str::to_string)
        }
    };
    // Loket 1: call, recall, serve, finish; the tablet rates it.
    let first = act(1, "call-next", json!({})).await.unwrap();
    act(1, "recall", json!({})).await;
    act(1, "start", json!({})).await;
    act(1, "finish", json!({})).await;
    let a = tablet
        .post("/api/v1/ratings", json!({"number": first, "score": 4}))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    // The next does not come; the one after is sent to KK.
    act(1, "call-next", json!({})).await;
    act(1, "no-show", json!({})).await;
    act(1, "call-next", json!({})).await;
    act(1, "transfer", json!({"service": "kk"})).await;
    // Loket 2 serves one; its visitor rates on the phone.
    let served = act(2, "call-next", json!({})).await.unwrap();
    act(2, "start", json!({})).await;
    act(2, "finish", json!({})).await;
    let code = &codes[&served];
    let a = visitor
        .send(
            Method::POST,
            &format!("/api/v1/track/{code}/rating"),
            Some(json!({"score": 3})),
            &[code],
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    // A waiting visitor gives up and cancels on the phone.
    let mut cancelled = None;
    for code in codes.values() {
        let a = visitor
            .send(Method::GET, &format!("/api/v1/track/{code}"), None, &[code])
            .await;
        if a.json["status"] == "waiting" {
            let a = visitor
                .send(
                    Method::POST,
                    &format!("/api/v1/track/{code}/cancel"),
                    None,
                    &[code],
                )
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.json);
            cancelled = Some(code.clone());
            break;
        }
    }
    assert!(cancelled.is_some(), "a ticket was waiting to be cancelled");

    // The admin reconfigures: a quota, a new kiosk with its token, a new officer with a password.
    let cfg = admin.get("/api/v1/admin/config").await.json;
    let mut services = cfg["document"]["services"].clone();
    for s in services.as_array_mut().unwrap() {
        if s["id"] == "ktp" {
            s["quota"] = json!(90);
        }
    }
    let a = admin
        .send(
            Method::PUT,
            "/api/v1/admin/config/services",
            Some(services),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let new_token = "new-kiosk-token-7f3a9c2e51d84b60";
    let new_password = "kata-sandi-baru-petugas13";
    secrets.push(("token of the new kiosk".into(), new_token.into()));
    secrets.push(("new officer's password".into(), new_password.into()));
    let mut devices = cfg["document"]["devices"].clone();
    devices.as_array_mut().unwrap().push(json!({
        "id": "kiosk-baru", "kind": "kiosk", "name": "Kiosk baru", "token": new_token
    }));
    let a = admin
        .send(
            Method::PUT,
            "/api/v1/admin/config/devices",
            Some(devices),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let mut users = cfg["document"]["users"].clone();
    users.as_array_mut().unwrap().push(json!({
        "username": "petugas13", "name": "Petugas Baru", "role": "officer", "counters": [3],
        "password": new_password
    }));
    let a = admin
        .send(Method::PUT, "/api/v1/admin/config/users", Some(users), &[])
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    // Devices kept their tokens: the hall display still reads, the new kiosk issues.
    assert_eq!(display.get("/api/v1/counters").await.status, StatusCode::OK);
    let new_kiosk = caller(Who::NewKiosk, Some(new_token.into()), vec![]);
    let a = new_kiosk
        .post(
            "/api/v1/tickets",
            json!({"service": "ktp", "category": "regular"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
    let code = a.json["tracking_code"].as_str().unwrap().to_string();
    new_kiosk.seen.holds(a.index, &[&code]);
    phones.push((code.clone(), visitor.follow(&code)));
    codes.insert(a.json["ticket"]["number"].as_str().unwrap().into(), code);
    // The afternoon: a visitor called to loket 1 and not there yet; others still wait.
    act(1, "call-next", json!({})).await;

    // Every principal polls every readable route: the loket's current ticket, who waits, the log,
    // the audit page, the exports, the tracking routes (with each code, by its holder)...
    let doc = visitor.get("/api/v1/openapi.json").await.json;
    let all_codes: Vec<String> = codes.values().cloned().collect();
    let everyone = [
        &visitor,
        &kiosk,
        &new_kiosk,
        &display,
        &tablet,
        &officer,
        &supervisor,
        &admin,
    ];
    let mut polled = 0;
    for (path, holds) in readable(&doc, &all_codes) {
        let holds: Vec<&str> = holds.iter().map(String::as_str).collect();
        for c in everyone {
            c.send(Method::GET, &path, None, &holds).await;
            polled += 1;
        }
    }
    assert!(polled > 200, "{polled} requests polled");
    // A subscriber that resumes from the start gets the whole day from the stored log.
    let resumed: Vec<Stream> = everyone.iter().map(|c| c.subscribe(Some(0))).collect();

    let last = visitor.get("/healthz").await.json;
    let last = last["seq"]
        .as_u64()
        .expect("/healthz names the newest sequence number");
    for s in streams.into_iter().chain(resumed) {
        s.stop(&format!("id: {last}\n"), &seen).await;
    }
    // Each phone's stream has the ticket's view as it is now (or ended with the finished ticket).
    for (code, s) in phones {
        let now = reqwest::get(format!("{url}/api/v1/track/{code}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        s.stop(&format!("data: {now}\n"), &seen).await;
    }

    let received: Vec<Received> = std::mem::take(&mut *seen.0.lock().unwrap());
    // Each secret was created and seen where it belongs (so the search can find it) ...
    for code in codes.values() {
        assert!(
            received
                .iter()
                .any(|r| r.holds.contains(code) && contains(&r.bytes, code)),
            "tracking code {code} reached its holder"
        );
    }
    // ... and nowhere else.
    let mut leaks = Vec::new();
    for r in received.iter() {
        for (what, secret) in &secrets {
            if !r.holds.contains(secret) && contains(&r.bytes, secret) {
                leaks.push(format!("{what} sent to {:?} in {}", r.who, r.what));
            }
        }
        for (number, code) in &codes {
            if !r.holds.contains(code) && contains(&r.bytes, code) {
                leaks.push(format!(
                    "tracking code of {number} sent to {:?} in {}",
                    r.who, r.what
                ));
            }
        }
        if contains(&r.bytes, "$argon2") {
            leaks.push(format!("a password hash sent to {:?} in {}", r.who, r.what));
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));

    // The day happened, and everyone saw it: every stream has the issues, the calls, the
    // visitor's cancel and rating (named by number), and the admin's changes.
    for r in received
        .iter()
        .filter(|r| r.what.starts_with("GET /api/v1/events"))
    {
        let text = String::from_utf8_lossy(&r.bytes);
        if r.who == Who::Nobody {
            assert!(text.starts_with("401"), "{text}");
            continue;
        }
        for kind in [
            "ticket_issued",
            "ticket_called",
            "ticket_no_show",
            "ticket_transferred",
            "ticket_cancelled",
            "ticket_rated",
            "config_changed",
        ] {
            assert!(text.contains(kind), "{:?} {} lacks {kind}", r.who, r.what);
        }
        assert!(
            text.contains(&format!(r#""actor":{{"kind":"visitor","id":"{served}"}}"#)),
            "the visitor's rating is attributed by the ticket's number"
        );
    }
    server.stop().await;
}
