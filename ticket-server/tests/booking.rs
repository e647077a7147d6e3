//! Online booking through the real server (issue 14): a booking made on the public API, checked in
//! by a kiosk and called in its place; the last seats under concurrent phones; a restart; a missed
//! booking; personal data kept only hashed and masked, and erased after its retention.

mod common;

use std::collections::BTreeMap;

use antri_wire::booking::{BookingDays, BookingStatus, BookingView, SessionState};
use antri_wire::client::ClientError;
use antri_wire::Category;
use chrono::{DateTime, Duration, FixedOffset};
use common::*;
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::Settings;

const NIK: &str = "3275045208850001";

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// `POST path` with a JSON body, as nobody: status and body.
async fn post(server: &InProcess, path: &str, body: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", server.url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn book(server: &InProcess, date: &str, session: u32, nik: &str) -> (u16, Value) {
    post(
        server,
        "/api/v1/bookings",
        json!({"service": "paspor-baru", "date": date, "session": session, "nik": nik}),
    )
    .await
}

fn officer_of(config: &Config, loket: u32) -> String {
    config
        .users
        .iter()
        .find(|u| u.counters.contains(&loket))
        .expect("the sample building staffs the passport lokets")
        .username
        .clone()
}

fn api_code(e: ClientError) -> String {
    match e {
        ClientError::Api { body, .. } => body.error.code,
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booked_visitor_is_checked_in_by_the_kiosk_and_called_in_the_sessions_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    // Monday 07:00 WIB: Tuesday's sessions are open for booking (14 days ahead from 07:00).
    let clock = Clock::manual(at("2026-11-23T07:00:00+07:00"));
    let config = Config::example();
    let server = start_with_clock(&db, config.clone(), clock.clone()).await;

    let (status, catalog) = server.get_json("/api/v1/booking", None).await;
    assert_eq!(status, 200);
    assert_eq!(catalog["agencies"][0]["id"], "imigrasi", "{catalog}");
    assert_eq!(catalog["agencies"][0]["services"][0]["id"], "paspor-baru");

    let (status, made) = book(&server, "2026-11-24", 1, "3275 0452 0885 0001").await;
    assert_eq!(status, 201, "{made}");
    let made: BookingView = serde_json::from_value(made).unwrap();
    assert_eq!(made.code.len(), 8);
    assert_eq!(made.nik_masked, "3275********0001");
    assert_eq!((made.from.as_str(), made.to.as_str()), ("09:00", "10:00"));
    // What to bring, as the example's immigration office publishes it, in both languages.
    assert_eq!(
        made.bring.iter().map(|t| t.id.as_str()).collect::<Vec<_>>()[..2],
        ["KTP-el asli", "Kartu Keluarga asli"]
    );
    assert_eq!(made.bring[1].en, "Original family card (KK)");
    // The example gives late visitors a normal ticket; the kiosk offers one only then.
    assert_eq!(made.late, antri_wire::booking::LateArrival::WalkIn);
    // The calendar entry says it too: escaped commas, lines folded at 75 octets.
    let ics = reqwest::get(format!(
        "{}/api/v1/bookings/{}/calendar.ics",
        server.url(),
        made.code
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(ics.lines().all(|l| l.len() <= 76), "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains("Bawa: KTP-el asli\\, Kartu Keluarga asli\\, Akta kelahiran\\, ijazah"),
        "{unfolded}"
    );
    assert_eq!(
        (made.checkin_from.as_str(), made.checkin_until.as_str()),
        ("08:30", "09:15")
    );
    // The rules against calo, and a NIK that is no one's.
    let (status, again) = book(&server, "2026-11-24", 2, NIK).await;
    assert_eq!(
        (status, again["error"]["code"].as_str()),
        (409, Some("same_day"))
    );
    let (status, bad) = book(&server, "2026-11-24", 2, "3275043102850001").await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (422, Some("nik_birth_date"))
    );
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("date of birth"));

    // The seat is counted, and the holder finds the booking by its code (dash, any case).
    let (_, days) = server
        .get_json("/api/v1/booking/services/paspor-baru/days", None)
        .await;
    let days: BookingDays = serde_json::from_value(days).unwrap();
    let tuesday = days
        .days
        .iter()
        .find(|d| d.date.to_string() == "2026-11-24")
        .unwrap();
    assert_eq!(tuesday.sessions[1].seats_left, 5);
    assert_eq!(tuesday.sessions[1].state, SessionState::Open);
    let typed = format!("{}-{}", &made.code[..4], made.code[4..].to_lowercase());
    let (status, found) = server
        .get_json(&format!("/api/v1/bookings/{typed}"), None)
        .await;
    assert_eq!((status, found["status"].as_str()), (200, Some("active")));

    // Tuesday. Too early at 08:20; a walk-in comes at 08:50, another at 09:05.
    clock.advance(Duration::minutes(24 * 60 + 80));
    let kiosk = server.client(Some(KIOSK));
    let early = kiosk
        .check_in(&made.code, Category::Regular)
        .await
        .unwrap_err();
    assert_eq!(api_code(early), "too_early");
    clock.advance(Duration::minutes(30));
    let before = kiosk.issue("paspor-baru", Category::Regular).await.unwrap();
    clock.advance(Duration::minutes(15));
    let after = kiosk.issue("paspor-baru", Category::Regular).await.unwrap();
    // 09:10: checked in, placed at 09:00.
    clock.advance(Duration::minutes(5));
    let checked = kiosk.check_in(&made.code, Category::Regular).await.unwrap();
    assert_eq!(checked.session, "09:00–10:00");
    assert_eq!(checked.nik_masked, "3275********0001");
    let ticket = &checked.issued.ticket;
    assert_eq!(ticket.booked.as_deref(), Some("09:00–10:00"));
    assert_eq!(ticket.queued_at, at("2026-11-24T09:00:00+07:00"));
    assert_eq!(
        checked.issued.ahead, 1,
        "only the 08:50 walk-in is before it"
    );
    let used = kiosk
        .check_in(&made.code, Category::Regular)
        .await
        .unwrap_err();
    assert_eq!(api_code(used), "booking_not_active");
    // The displays mark the booked visitor in the service's waiting count.
    let booked_waiting = |v: serde_json::Value| {
        v["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "paspor-baru")
            .map(|s| (s["waiting"].clone(), s["waiting_booked"].clone()))
            .unwrap()
    };
    let (_, services) = server.get_json("/api/v1/services", Some(DISPLAY)).await;
    assert_eq!(booked_waiting(services), (json!(3), json!(1)));
    // Only a kiosk checks in.
    let display = server.client(Some(DISPLAY));
    let refused = display
        .check_in(&made.code, Category::Regular)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, ClientError::Api { status: 403, .. }),
        "{refused}"
    );

    // The loket calls in place order: 08:50 walk-in, the 09:00 booking, the 09:05 walk-in.
    let loket = 5;
    let staff = officer(&server.client(None), &officer_of(&config, loket)).await;
    staff.counter_action(loket, "open").await.unwrap();
    let mut called = Vec::new();
    for _ in 0..3 {
        let t = staff.call_next(loket).await.unwrap().ticket.unwrap();
        called.push(t.number.clone());
        staff.counter_action(loket, "start").await.unwrap();
        staff.counter_action(loket, "finish").await.unwrap();
    }
    let (_, services) = server.get_json("/api/v1/services", Some(DISPLAY)).await;
    assert_eq!(booked_waiting(services), (json!(0), json!(0)));
    assert_eq!(
        called,
        [
            before.ticket.number.clone(),
            ticket.number.clone(),
            after.ticket.number.clone()
        ]
    );

    // The supervisor's figures: the session's booking checked in; all three called at 09:10 —
    // the booked visitor after 0 s from check-in, the walk-ins after 20 and 5 minutes.
    let supervisor = officer(&server.client(None), "supervisor").await;
    let (status, figures) = server
        .get_json(
            "/api/v1/stats/bookings?from=2026-11-24&to=2026-11-24",
            supervisor.token(),
        )
        .await;
    assert_eq!(status, 200, "{figures}");
    let session = &figures["sessions"][0];
    assert_eq!(
        (
            &session["service"]["id"],
            &session["session"],
            &session["time"]
        ),
        (&json!("paspor-baru"), &json!(1), &json!("09:00–10:00"))
    );
    assert_eq!(
        (&session["made"], &session["checked_in"]),
        (&json!(1), &json!(1))
    );
    let waits = &figures["waits"][0];
    assert_eq!(
        (&waits["booked_called"], &waits["booked_wait_median_secs"]),
        (&json!(1), &json!(0))
    );
    assert_eq!(
        (&waits["walk_in_called"], &waits["walk_in_wait_median_secs"]),
        (&json!(2), &json!(300))
    );
    // The same figures as a file: one row per session, its service's waits beside it.
    let (status, csv) = server
        .get_json(
            "/api/v1/stats/bookings?from=2026-11-24&to=2026-11-24&format=csv",
            supervisor.token(),
        )
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("a CSV, not JSON");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "service,service_name,session,time,made,checked_in,no_show,cancelled,to_come,\
             booked_called,booked_wait_median_secs,walk_in_called,walk_in_wait_median_secs",
            "paspor-baru,Paspor Baru,1,09:00–10:00,1,1,0,0,0,1,0,2,300",
        ]
    );
    for secret in [made.code.as_str(), NIK, "3275********0001"] {
        assert!(!csv.contains(secret), "the export holds {secret}");
    }
    let (status, bad) = server
        .get_json(
            "/api/v1/stats/bookings?from=2026-11-24&to=2026-11-24&format=pdf",
            supervisor.token(),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("invalid_query"))
    );
    for format in ["json", "csv", "xlsx"] {
        let (status, _) = server
            .get_json(
                &format!("/api/v1/stats/bookings?from=2026-11-24&to=2026-11-24&format={format}"),
                Some(KIOSK),
            )
            .await;
        assert_eq!(status, 403, "figures are the supervisor's ({format})");
    }
    let (status, missing) = server
        .get_json("/api/v1/stats/bookings?from=2026-11-24", supervisor.token())
        .await;
    assert_eq!(status, 400);
    assert!(
        missing["error"]["message"].as_str().unwrap().contains("to"),
        "a JSON error that names the missing parameter: {missing}"
    );

    // The log tells what happened without the code or the person.
    let (_, log) = server
        .get_json("/api/v1/log?after=0&limit=500", supervisor.token())
        .await;
    let text = log.to_string();
    assert!(text.contains("\"type\":\"booking\""), "{text}");
    for secret in [made.code.as_str(), NIK, "3275********0001"] {
        assert!(!text.contains(secret), "the log holds {secret}");
    }
    server.stop().await;
    // Nor does the database hold the NIK in clear, anywhere.
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(NIK.len()).any(|w| w == NIK.as_bytes()),
            "the NIK is stored in clear"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_phones_for_the_last_six_seats_get_six_bookings_and_a_clear_full() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-23T07:00:00+07:00"));
    let settings = Settings {
        booking_attempts_per_10_min: 1_000,
        ..Settings::default()
    };
    let server = InProcess::start_with_settings(
        &dir.path().join("antri.db"),
        Config::example(),
        clock,
        settings,
    )
    .await;
    let server = std::sync::Arc::new(server);
    let mut phones = Vec::new();
    for i in 0..40 {
        let server = server.clone();
        phones.push(tokio::spawn(async move {
            // 40 different people (serial 0001–0040).
            let nik = format!("327504520885{:04}", i + 1);
            book(&server, "2026-11-25", 2, &nik).await
        }));
    }
    let mut answers: BTreeMap<(u16, String), u32> = BTreeMap::new();
    for p in phones {
        let (status, body) = p.await.unwrap();
        let code = body["error"]["code"]
            .as_str()
            .unwrap_or("booked")
            .to_string();
        *answers.entry((status, code)).or_default() += 1;
    }
    assert_eq!(
        answers,
        BTreeMap::from([((201, "booked".into()), 6), ((409, "full".into()), 34)])
    );
    let (_, days) = server
        .get_json("/api/v1/booking/services/paspor-baru/days", None)
        .await;
    let days: BookingDays = serde_json::from_value(days).unwrap();
    let wed = days
        .days
        .iter()
        .find(|d| d.date.to_string() == "2026-11-25")
        .unwrap();
    assert_eq!(
        (wed.sessions[2].seats_left, wed.sessions[2].state),
        (0, SessionState::Full)
    );
    // One address cannot keep trying: the default limit is 20 attempts in 10 minutes.
    std::sync::Arc::try_unwrap(server)
        .ok()
        .unwrap()
        .stop()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_twenty_attempts_in_ten_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-23T07:00:00+07:00"));
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    for i in 0..20 {
        let (status, _) = book(
            &server,
            "2026-11-26",
            0,
            &format!("327504520885{:04}", i + 1),
        )
        .await;
        assert_ne!(status, 429, "attempt {i}");
    }
    let (status, body) = book(&server, "2026-11-26", 1, "3275045208850099").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (429, Some("rate_limited"))
    );
    clock.advance(Duration::minutes(10));
    let (status, _) = book(&server, "2026-11-26", 1, "3275045208850099").await;
    assert_eq!(status, 201);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_survive_a_restart_a_missed_one_is_a_no_show_and_personal_data_is_erased() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = Clock::manual(at("2026-11-23T07:00:00+07:00"));
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let (_, kept) = book(&server, "2026-11-24", 0, NIK).await;
    let kept: BookingView = serde_json::from_value(kept).unwrap();
    let (_, missed) = book(&server, "2026-11-24", 1, "3275045208850002").await;
    let missed: BookingView = serde_json::from_value(missed).unwrap();
    // One who wants reminders gives a phone number.
    let (status, texted) = post(
        &server,
        "/api/v1/bookings",
        json!({"service": "paspor-baru", "date": "2026-11-24", "session": 3,
               "nik": "3275045208850004", "phone": "081298765432", "reminders": true}),
    )
    .await;
    assert_eq!(status, 201, "{texted}");
    let (_, cancelled) = book(&server, "2026-11-24", 2, "3275045208850003").await;
    let cancelled: BookingView = serde_json::from_value(cancelled).unwrap();
    let (status, _) = post(
        &server,
        &format!("/api/v1/bookings/{}/cancel", cancelled.code),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    server.stop().await;

    // Tuesday 07:45, after a restart: the desk is rebuilt from the store.
    clock.advance(Duration::minutes(24 * 60 + 45));
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let (_, days) = server
        .get_json("/api/v1/booking/services/paspor-baru/days", None)
        .await;
    let days: BookingDays = serde_json::from_value(days).unwrap();
    let tue = &days.days[0];
    assert_eq!(tue.date.to_string(), "2026-11-24");
    let left: Vec<u32> = tue.sessions.iter().map(|s| s.seats_left).collect();
    assert_eq!(left, [5, 5, 6, 5, 6], "a cancelled seat came back");
    let kiosk = server.client(Some(KIOSK));
    let checked = kiosk.check_in(&kept.code, Category::Elderly).await.unwrap();
    assert_eq!(checked.issued.ticket.category, Category::Elderly);

    // 09:16: the 09:00 session's window closed without the second visitor.
    clock.advance(Duration::minutes(91));
    let view = |code: String| {
        let server = &server;
        async move {
            let (_, v) = server
                .get_json(&format!("/api/v1/bookings/{code}"), None)
                .await;
            serde_json::from_value::<BookingView>(v).unwrap()
        }
    };
    // Every command first marks the bookings whose window closed (and the minute tick does too).
    let late = kiosk
        .check_in(&missed.code, Category::Regular)
        .await
        .unwrap_err();
    assert_eq!(api_code(late), "booking_not_active");
    assert_eq!(
        view(missed.code.clone()).await.status,
        BookingStatus::NoShow
    );
    assert_eq!(
        view(kept.code.clone()).await.status,
        BookingStatus::CheckedIn
    );
    let supervisor = officer(&server.client(None), "supervisor").await;
    let (_, log) = server
        .get_json("/api/v1/log?after=0&limit=500", supervisor.token())
        .await;
    assert!(log.to_string().contains("\"change\":\"no_show\""), "{log}");

    // 31 days after the visit the masked NIKs are gone (retention 30 days), the bookings stay.
    clock.advance(Duration::days(31));
    kiosk.issue("ktp", Category::Regular).await.ok();
    let erased = view(kept.code.clone()).await;
    assert_eq!(erased.nik_masked, "");
    assert_eq!(erased.status, BookingStatus::CheckedIn);
    // And the audit log says so.
    let supervisor = officer(&server.client(None), "supervisor").await;
    let (_, log) = server
        .get_json("/api/v1/log?after=0&limit=1000", supervisor.token())
        .await;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["type"] == "personal_data_erased" && e["before"] == "2026-11-25"),
        "{log}"
    );
    server.stop().await;
    // Nowhere in the database any more: not in the bookings, not in the log's stored entries.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare("SELECT payload FROM events UNION ALL SELECT COALESCE(phone, '') || COALESCE(nik_masked, '') || COALESCE(person, '') FROM bookings")
        .unwrap();
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for secret in ["3275********0001", "081298765432", "3275********0004"] {
        assert!(
            !rows.iter().any(|p| p.contains(secret)),
            "{secret} outlived its retention"
        );
    }
    assert!(
        !rows.iter().any(|p| p.contains("\"person\"")),
        "a NIK hash outlived its retention"
    );
}

/// A booked visitor who checks in before their session waits from the check-in: their place in
/// the queue is the session's start, still ahead, but the supervisor's "longest wait" counts the
/// time they have sat in the hall (as the statistics do), not zero.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_check_in_counts_in_the_longest_wait_from_the_check_in() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(at("2026-11-23T07:00:00+07:00"));
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    let (status, made) = book(&server, "2026-11-24", 1, NIK).await;
    assert_eq!(status, 201, "{made}");
    // Tuesday 08:40, inside the window that opens at 08:30 for the 09:00 session.
    clock.advance(Duration::minutes(25 * 60 + 40));
    let kiosk = server.client(Some(KIOSK));
    kiosk
        .check_in(made["code"].as_str().unwrap(), Category::Regular)
        .await
        .unwrap();
    clock.advance(Duration::minutes(10));
    let supervisor = officer(&server.client(None), "supervisor").await;
    let (status, now) = server
        .get_json("/api/v1/dashboard/now", supervisor.token())
        .await;
    assert_eq!(status, 200, "{now}");
    let passport = now["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "paspor-baru")
        .expect("the passport service");
    assert_eq!(
        (&passport["waiting"], &passport["longest_wait_secs"]),
        (&json!(1), &json!(600))
    );
    server.stop().await;
}
