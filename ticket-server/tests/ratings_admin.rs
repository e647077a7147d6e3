//! Ratings and the admin API at the HTTP boundary, against a real server and SQLite file:
//! one rating per done ticket, attributed; IKM computed by hand; admin changes that kiosks see at
//! once, that survive a restart and that land in the audit log; who may not touch the admin API.

mod common;

use std::time::Duration;

use antri_wire::client::StreamItem;
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn post(url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn put(url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().put(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(url: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_rating_per_done_ticket_attributed_and_counted_into_the_ikm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;
    let url = server.url();
    let p1 = officer(&server.client(None), "petugas1").await; // lokets 1 and 2, KTP among them

    // A ticket that is not done yet cannot be rated, on the tablet or by the visitor.
    let waiting = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let (s, v) = post(
        &format!("{url}/api/v1/track/{}/rating", waiting.tracking_code),
        None,
        json!({"score": 3}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "invalid_state"),
        "{v}"
    );
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("cannot be rated"));
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    let (s, v) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": waiting.ticket.number, "score": 3}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "invalid_state"),
        "{v}"
    );
    p1.counter_action(1, "finish").await.unwrap();
    let first = waiting.ticket.number.clone();

    // Bad input names what was wrong; only a rating tablet may use the tablet route.
    let (s, v) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": first, "score": 5}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_score"));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("score: 5"));
    let (s, _) = post(
        &format!("{url}/api/v1/ratings"),
        Some(KIOSK),
        json!({"number": first, "score": 4}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = post(
        &format!("{url}/api/v1/ratings"),
        None,
        json!({"number": first, "score": 4}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The tablet of loket 1 rates it; a second rating, from either place, is refused.
    let (s, v) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": first, "score": 4}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": first, "score": 1}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_rated"));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("one rating per ticket"));
    let (s, v) = post(
        &format!("{url}/api/v1/track/{}/rating", waiting.tracking_code),
        None,
        json!({"score": 1}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_rated"));

    // A ticket served at loket 2 is not the loket-1 tablet's to rate; its visitor rates it.
    let (second, second_code) = serve_one(&server, &p1, "ktp", 2).await;
    let (s, v) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": second, "score": 4}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "not_rated_here"),
        "{v}"
    );
    let (s, v) = post(
        &format!("{url}/api/v1/track/{second_code}/rating"),
        None,
        json!({"score": 2}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["rating"], 2);
    assert_eq!(
        server
            .client(None)
            .track(&second_code)
            .await
            .unwrap()
            .rating,
        Some(2)
    );

    // IKM by hand: KTP has 4 and 2 → mean 3 → 75.00, grade C; loket 1 has 4 → 100 (A); loket 2
    // has 2 → 50 (D).
    let sup = officer(&server.client(None), "supervisor").await;
    let tok = sup.token().unwrap().to_string();
    let day = tuesday().date_naive();
    let (s, by_service) = get(
        &format!("{url}/api/v1/satisfaction?from={day}&to={day}&by=service"),
        Some(&tok),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let ktp = &by_service["rows"][0];
    assert_eq!(ktp["key"], "ktp");
    assert_eq!(ktp["ratings"], 2);
    assert_eq!(ktp["by_score"], json!([0, 1, 0, 1]));
    assert_eq!(ktp["ikm"], 75.0);
    assert_eq!(
        (ktp["grade"].as_str(), ktp["grade_words"].as_str()),
        (Some("C"), Some("Kurang Baik"))
    );
    let (_, by_counter) = get(
        &format!("{url}/api/v1/satisfaction?from={day}&to={day}&by=counter"),
        Some(&tok),
    )
    .await;
    let rows = by_counter["rows"].as_array().unwrap();
    let l1 = rows.iter().find(|r| r["key"] == "1").unwrap();
    let l2 = rows.iter().find(|r| r["key"] == "2").unwrap();
    assert_eq!(
        (l1["ikm"].as_f64(), l1["grade"].as_str()),
        (Some(100.0), Some("A"))
    );
    assert_eq!(
        (l2["ikm"].as_f64(), l2["grade"].as_str()),
        (Some(50.0), Some("D"))
    );
    // An officer does not see the report.
    let (s, _) = get(
        &format!("{url}/api/v1/satisfaction?from={day}&to={day}"),
        Some(p1.token().unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The CSV export carries ratings and IKM per service.
    let csv = reqwest::Client::new()
        .get(format!(
            "{url}/api/v1/stats/export?from={day}&to={day}&by=service&format=csv"
        ))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",ratings,ikm"),
        "{csv}"
    );
    let ktp_line = csv.lines().find(|l| l.starts_with("ktp,")).unwrap();
    assert!(ktp_line.ends_with(",2,75.00"), "{ktp_line}");

    // The log says who rated: the tablet device, and the visitor by their ticket's number (never
    // the tracking code, which would let a supervisor cancel or rate in the visitor's name).
    let (_, log) = get(&format!("{url}/api/v1/log?limit=1000"), Some(&tok)).await;
    let log: Vec<antri_wire::Event> = serde_json::from_value(log).unwrap();
    let rated: Vec<_> = log
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TicketRated {
                ticket,
                score,
                counter,
            } => Some((ticket.number.clone(), *score, *counter, e.actor.id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        rated,
        vec![
            (first.clone(), 4, Some(1), "rating-loket-1".to_string()),
            (second.clone(), 2, Some(2), second.clone()),
        ]
    );

    // After a restart the ratings are still there, and still one per ticket.
    let (_, third_code) = serve_one(&server, &p1, "ktp", 1).await;
    server.stop().await;
    let server = start_in_process(&db).await;
    let (s, v) = post(
        &format!("{}/api/v1/ratings", server.url()),
        Some(RATING_1),
        json!({"number": first, "score": 2}),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::CONFLICT, "already_rated"));
    server.stop().await;

    // The next day an unrated ticket of yesterday is no longer rated; an unknown code is 404.
    let tomorrow = tuesday() + chrono::Duration::days(1);
    let server = start_with_clock(
        &db,
        ticket_server::config::Config::example(),
        ticket_server::clock::Clock::starting_at(tomorrow),
    )
    .await;
    let (s, v) = post(
        &format!("{}/api/v1/track/{third_code}/rating", server.url()),
        None,
        json!({"score": 4}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "rating_closed"),
        "{v}"
    );
    let (s, v) = post(
        &format!("{}/api/v1/track/ZZZZZZZZZZ/rating", server.url()),
        None,
        json!({"score": 4}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::NOT_FOUND, "unknown_ticket"),
        "{v}"
    );
    // Yesterday's ratings are still in the report.
    let (_, report) = get(
        &format!("{}/api/v1/satisfaction?from={day}&to={day}", server.url()),
        Some(
            officer(&server.client(None), "supervisor")
                .await
                .token()
                .unwrap(),
        ),
    )
    .await;
    assert_eq!(report["overall"]["ratings"], 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_admin_with_csrf_may_change_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let services_url = format!("{url}/api/v1/admin/config/services");
    let admin = officer(&server.client(None), "admin").await;
    let (_, cfg) = get(&format!("{url}/api/v1/admin/config"), admin.token()).await;
    let services = cfg["document"]["services"].clone();
    // No password hash leaves the server.
    assert!(cfg["document"]["users"][0].get("password_hash").is_none());

    // No session: 401. Supervisor, officer, kiosk: 403 on reading and on changing.
    let (s, _) = put(&services_url, None, services.clone()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = get(&format!("{url}/api/v1/admin/config"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for who in ["supervisor", "petugas1"] {
        let c = officer(&server.client(None), who).await;
        let (s, v) = put(&services_url, c.token(), services.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("admin"));
        let (s, _) = get(&format!("{url}/api/v1/admin/audit"), c.token()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (s, _) = put(&services_url, Some(KIOSK), services.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The admin's browser session without the CSRF token: 403; with it: saved.
    let (s, v) = reqwest::Client::new()
        .put(&services_url)
        .header(
            "cookie",
            format!("antri_session={}", admin.token().unwrap()),
        )
        .json(&services)
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    let body: Value = v.json().await.unwrap();
    assert_eq!((s, code(&body)), (StatusCode::FORBIDDEN, "csrf"));

    // Bad input names the field, all problems at once; nothing is changed.
    let mut bad = services.clone();
    bad[0]["prefix"] = json!("ktp1");
    bad[1]["quota"] = json!(0);
    let (s, v) = put(&services_url, admin.token(), bad).await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_config"));
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("services[0].prefix: \"ktp1\" must be 1–3 capital letters"),
        "{msg}"
    );
    assert!(
        msg.contains("services[1].quota: 0 would never issue a ticket"),
        "{msg}"
    );
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/colours"),
        admin.token(),
        json!([]),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::NOT_FOUND, "unknown_section"));
    let (s, v) = put(&services_url, admin.token(), json!({"not": "a list"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // Removing loket 1 while users and the tablet still point at it: named by field.
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.counter_action(1, "open").await.unwrap();
    let counters_url = format!("{url}/api/v1/admin/config/counters");
    let without_1: Vec<Value> = cfg["document"]["counters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["number"] != 1)
        .cloned()
        .collect();
    let (s, v) = put(&counters_url, admin.token(), json!(without_1)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("devices[4].counter: loket 1 is not defined"),
        "{msg}"
    );
    assert!(
        msg.contains("users[2].counters: loket 1 is not defined"),
        "{msg}"
    );
    // Once nobody points at it, it still cannot go while it is open: 409.
    let mut users = cfg["document"]["users"].clone();
    for u in users.as_array_mut().unwrap() {
        if let Some(c) = u["counters"].as_array_mut() {
            c.retain(|n| n != 1);
            if c.is_empty() {
                c.push(json!(2));
            }
        }
    }
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/users"),
        admin.token(),
        users,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let devices: Vec<Value> = cfg["document"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] != "rating")
        .cloned()
        .collect();
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/devices"),
        admin.token(),
        json!(devices),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = put(&counters_url, admin.token(), json!(without_1)).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "config_conflict"),
        "{v}"
    );
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("loket 1 is still open"));
    // The removed tablet's token stops working at once.
    let (s, _) = post(
        &format!("{url}/api/v1/ratings"),
        Some(RATING_1),
        json!({"number": "KTP-001", "score": 4}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_quota_change_reaches_kiosks_at_once_survives_a_restart_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;
    let url = server.url();
    let kiosk = server.client(Some(KIOSK));
    let mut display = server.client(Some(DISPLAY)).subscribe(None);
    let admin = officer(&server.client(None), "admin").await;
    let before = kiosk.services().await.unwrap();
    let ktp = before.services.iter().find(|s| s.id == "ktp").unwrap();
    assert_ne!(ktp.quota, Some(2));

    let (_, cfg) = get(&format!("{url}/api/v1/admin/config"), admin.token()).await;
    let mut services = cfg["document"]["services"].clone();
    let i = services
        .as_array()
        .unwrap()
        .iter()
        .position(|s| s["id"] == "ktp")
        .unwrap();
    let old_quota = services[i]["quota"].clone();
    services[i]["quota"] = json!(2);
    let (s, saved) = put(
        &format!("{url}/api/v1/admin/config/services"),
        admin.token(),
        services,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["summary"],
        format!("services: ktp: quota {old_quota} → 2")
    );

    // The kiosk's board shows it at once, and the queue applies it: the third ticket is refused.
    let after = kiosk.services().await.unwrap();
    let ktp = after.services.iter().find(|s| s.id == "ktp").unwrap();
    assert_eq!((ktp.quota, ktp.quota_left), (Some(2), Some(2)));
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let err = kiosk.issue("ktp", Category::Regular).await.unwrap_err();
    assert!(err.to_string().contains("quota"), "{err}");

    // Displays and kiosks hear about it on the stream.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let item = tokio::time::timeout_at(deadline, display.recv())
            .await
            .expect("the stream carries the change")
            .unwrap();
        if let StreamItem::Message(StreamMessage::Event(e)) = item {
            if let EventKind::ConfigChanged {
                section, version, ..
            } = &e.kind
            {
                assert_eq!(section, "services");
                assert_eq!(*version, saved["version"].as_u64().unwrap());
                assert_eq!(e.actor.id, "admin");
                break;
            }
        }
    }

    // The building section: a wrong time zone is named; a new name is on the kiosks' board.
    let mut building = json!({
        "building": cfg["document"]["building"].clone(),
        "queue": cfg["document"]["queue"].clone(),
        "hours": cfg["document"]["hours"].clone(),
    });
    building["building"]["timezone"] = json!("Europe/Paris");
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/building"),
        admin.token(),
        building.clone(),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_config"));
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("building.timezone: \"Europe/Paris\""),
        "{v}"
    );
    building["building"]["timezone"] = json!("Asia/Makassar");
    building["building"]["name"] = json!("MPP Kota Harapan (gedung baru)");
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/building"),
        admin.token(),
        building,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["summary"]
            .as_str()
            .unwrap()
            .contains("timezone Asia/Jakarta → Asia/Makassar"),
        "{v}"
    );
    let board = kiosk.services().await.unwrap();
    assert_eq!(board.building.name, "MPP Kota Harapan (gedung baru)");
    assert_eq!(board.building.timezone_abbrev, "WITA");

    // A new kiosk's token works at once; a new officer logs in with the password the admin set.
    let mut devices = cfg["document"]["devices"].clone();
    devices.as_array_mut().unwrap().push(json!({
        "id": "kiosk-3", "kind": "kiosk", "name": "Kiosk <b>baru</b>", "token": "kiosk-3-token-long-enough"
    }));
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/devices"),
        admin.token(),
        devices,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    server
        .client(Some("kiosk-3-token-long-enough"))
        .issue("kk", Category::Regular)
        .await
        .unwrap();
    let mut users = cfg["document"]["users"].clone();
    users.as_array_mut().unwrap().push(json!({
        "username": "petugas13", "name": "Baru", "role": "officer", "counters": [3], "password": "rahasia-baru"
    }));
    let (s, v) = put(
        &format!("{url}/api/v1/admin/config/users"),
        admin.token(),
        users,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["summary"].as_str().unwrap().contains("added petugas13"));
    server
        .client(None)
        .login("petugas13", "rahasia-baru")
        .await
        .unwrap();
    // Existing users kept their passwords.
    officer(&server.client(None), "petugas1").await;

    // A restart with the original file keeps the admin's version.
    server.stop().await;
    drop(display);
    let server = start_in_process(&db).await;
    let ktp = server
        .client(None)
        .services()
        .await
        .unwrap()
        .services
        .into_iter()
        .find(|s| s.id == "ktp")
        .unwrap();
    assert_eq!((ktp.quota, ktp.quota_left), (Some(2), Some(0)));
    server
        .client(Some("kiosk-3-token-long-enough"))
        .issue("kk", Category::Regular)
        .await
        .unwrap();

    // The audit log: who changed what, filtered by kind and actor, paged.
    let admin = officer(&server.client(None), "admin").await;
    let (s, page) = get(
        &format!(
            "{}/api/v1/admin/audit?kind=config_changed&actor=admin&per_page=2",
            server.url()
        ),
        admin.token(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 4);
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows[0]["what"]
        .as_str()
        .unwrap()
        .contains("users: added petugas13"));
    assert!(rows[1]["what"]
        .as_str()
        .unwrap()
        .contains("devices: added kiosk-3"));
    // No secret goes into the log.
    assert!(!rows[1]["what"].as_str().unwrap().contains("kiosk-3-token"));
    let (_, older) = get(
        &format!(
            "{}/api/v1/admin/audit?kind=config_changed&per_page=2&page=1",
            server.url()
        ),
        admin.token(),
    )
    .await;
    assert!(older["rows"][0]["what"]
        .as_str()
        .unwrap()
        .contains("building: building: name"));
    assert!(older["rows"][1]["what"].as_str().unwrap().contains("quota"));
    let (s, v) = get(
        &format!("{}/api/v1/admin/audit?kind=nonsense", server.url()),
        admin.token(),
    )
    .await;
    assert_eq!((s, code(&v)), (StatusCode::BAD_REQUEST, "invalid_query"));
    server.stop().await;
}
