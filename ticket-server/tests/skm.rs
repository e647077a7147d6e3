//! The full SKM survey at the HTTP boundary (issue 16): answers from the loket's tablet and the
//! visitor's phone over several days, the report checked against a recomputation written here
//! (not the server's functions), one survey per ticket, who may answer and who may read, and
//! exports that hold no ticket's number or tracking code.

mod common;

use std::collections::BTreeMap;

use antri_wire::Category;
use chrono::Duration;
use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;

async fn send(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    (r.status(), r.bytes().await.unwrap().to_vec())
}

async fn post(url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let (s, b) = send(reqwest::Method::POST, url, token, Some(body)).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

async fn get(url: &str, token: Option<&str>) -> (StatusCode, Value) {
    let (s, b) = send(reqwest::Method::GET, url, token, None).await;
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

/// A small deterministic generator (a linear congruential one), so the answers are "random" but
/// the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    /// Nine answers leaning to 3 and 4, as real ones do.
    fn answers(&mut self) -> Vec<u8> {
        (0..9)
            .map(|_| [1, 2, 3, 3, 3, 4, 4][self.next(7) as usize])
            .collect()
    }
}

/// A response as the test keeps it: its unit (service, loket, officer) and answers.
struct Answered {
    service: &'static str,
    loket: u32,
    officer: &'static str,
    answers: Vec<u8>,
}

/// The regulation's method, written out again: NRR_i = Σ/n, IKM = Σ NRR_i / 9, × 25; the grade
/// from the converted value to two decimals: ≥ 88.31 A, ≥ 76.61 B, ≥ 65.00 C, else D.
fn recompute(rows: &[&Answered]) -> ([f64; 9], f64, &'static str) {
    let mut nrr = [0.0; 9];
    for (i, n) in nrr.iter_mut().enumerate() {
        let sum: u32 = rows.iter().map(|r| u32::from(r.answers[i])).sum();
        *n = f64::from(sum) / rows.len() as f64;
    }
    let unit = nrr.iter().sum::<f64>() / 9.0 * 25.0;
    let two = (unit * 100.0).round() / 100.0;
    let grade = if two >= 88.31 {
        "A"
    } else if two >= 76.61 {
        "B"
    } else if two >= 65.0 {
        "C"
    } else {
        "D"
    };
    (nrr, unit, grade)
}

fn check_row(row: &Value, rows: &[&Answered], population: u64) {
    let (nrr, unit, grade) = recompute(rows);
    assert_eq!(row["respondents"], rows.len() as u64, "{row}");
    assert_eq!(row["population"], population, "{row}");
    for (i, n) in nrr.iter().enumerate() {
        let got = row["index"]["nrr"][i].as_f64().unwrap();
        assert!((got - n).abs() <= 0.0005, "U{}: {got} against {n}", i + 1);
    }
    let got = row["index"]["ikm_unit"].as_f64().unwrap();
    assert!((got - unit).abs() <= 0.005, "IKM unit {got} against {unit}");
    assert_eq!(row["grade"], grade, "{row}");
    let minimum = row["minimum_sample"].as_u64().unwrap();
    assert!(minimum <= population && minimum > 0, "{row}");
    assert_eq!(
        row["sample_too_small"],
        (rows.len() as u64) < minimum,
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_days_of_surveys_make_the_report_a_recomputation_agrees_with() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    let url = server.url();
    let mut rng = Lcg(16);
    let mut kept: Vec<Answered> = Vec::new();
    let mut served: BTreeMap<&str, u64> = BTreeMap::new();
    let mut codes = Vec::new();
    let mut numbers = Vec::new();
    let units = [
        ("ktp", 1, "petugas1"),
        ("kk", 2, "petugas1"),
        ("akta-lahir", 3, "petugas2"),
    ];

    for day in 0..3 {
        // A session does not outlive the night: the officers log in each morning.
        let p1 = officer(&server.client(None), "petugas1").await; // lokets 1 and 2
        let p2 = officer(&server.client(None), "petugas2").await; // lokets 3 and 4
        for (loket, who) in [(1, &p1), (2, &p1), (3, &p2)] {
            let _ = who.counter_action(loket, "open").await;
        }
        for n in 0..14 {
            let (service, loket, name) = units[(n % 3) as usize];
            let who = if loket == 3 { &p2 } else { &p1 };
            let (number, tracking) = serve_one(&server, who, service, loket).await;
            *served.entry(service).or_default() += 1;
            codes.push(tracking.clone());
            numbers.push(number.clone());
            clock.advance(Duration::minutes(3));
            // Some visitors skip the survey; the rest answer on the tablet (loket 1) or phone.
            if rng.next(5) == 0 {
                continue;
            }
            let answers = rng.answers();
            let sex = ["male", "female"][rng.next(2) as usize];
            let body = json!({"answers": answers, "profile": {"sex": sex, "education": "sma"},
                              "suggestion": format!("=saran hari {day} no {n}")});
            let (s, v) = if loket == 1 && n % 2 == 0 {
                let mut b = body.clone();
                b["number"] = json!(number);
                post(&format!("{url}/api/v1/surveys"), Some(RATING_1), b).await
            } else {
                post(&format!("{url}/api/v1/track/{tracking}/survey"), None, body).await
            };
            assert_eq!(s, StatusCode::CREATED, "{v}");
            assert_eq!(v["number"], number);
            kept.push(Answered {
                service,
                loket,
                officer: name,
                answers,
            });
        }
        clock.advance(Duration::hours(24) - Duration::minutes(3 * 14));
    }

    let supervisor = officer(&server.client(None), "supervisor").await;
    let sup_token = supervisor.token().unwrap().to_string();
    // An older ticket's survey is closed; a second survey of today's is refused.
    let (s, v) = post(
        &format!("{url}/api/v1/track/{}/survey", codes[0]),
        None,
        json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4]}),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "survey_closed"),
        "{v}"
    );

    let q = |by: &str| format!("{url}/api/v1/skm?from=2026-11-24&to=2026-11-26&by={by}");
    let (s, report) = get(&q("service"), Some(&sup_token)).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let all: Vec<&Answered> = kept.iter().collect();
    check_row(&report["overall"], &all, served.values().sum());
    for row in report["rows"].as_array().unwrap() {
        let key = row["key"].as_str().unwrap();
        let mine: Vec<&Answered> = kept.iter().filter(|r| r.service == key).collect();
        check_row(row, &mine, served[key]);
    }
    assert_eq!(report["rows"].as_array().unwrap().len(), 3);

    let (_, by_loket) = get(&q("counter"), Some(&sup_token)).await;
    for row in by_loket["rows"].as_array().unwrap() {
        let loket: u32 = row["key"].as_str().unwrap().parse().unwrap();
        let mine: Vec<&Answered> = kept.iter().filter(|r| r.loket == loket).collect();
        let service = units.iter().find(|u| u.1 == loket).unwrap().0;
        check_row(row, &mine, served[service]);
    }
    let (_, by_officer) = get(&q("officer"), Some(&sup_token)).await;
    for row in by_officer["rows"].as_array().unwrap() {
        let name = row["key"].as_str().unwrap();
        let mine: Vec<&Answered> = kept.iter().filter(|r| r.officer == name).collect();
        let population = units
            .iter()
            .filter(|u| u.2 == name)
            .map(|u| served[u.0])
            .sum();
        check_row(row, &mine, population);
    }
    let (_, building) = get(&q("building"), Some(&sup_token)).await;
    assert_eq!(building["rows"].as_array().unwrap().len(), 1);
    check_row(&building["rows"][0], &all, served.values().sum());

    // The profile counts each answer; what was not given is counted as such.
    let females = report["profile"]["sex"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "female")
        .unwrap()["respondents"]
        .as_u64()
        .unwrap();
    let males = report["profile"]["sex"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "male")
        .unwrap()["respondents"]
        .as_u64()
        .unwrap();
    assert_eq!(females + males, kept.len() as u64);
    let age_not_given = report["profile"]["age"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (
            age_not_given["key"].as_str(),
            age_not_given["respondents"].as_u64()
        ),
        (Some("not_given"), Some(kept.len() as u64))
    );
    assert_eq!(report["suggestions"].as_array().unwrap().len(), kept.len());

    // Exports: no ticket's number or tracking code in any; a suggestion that starts like a
    // formula is neutralised in the CSV.
    let export = |f: &str| {
        format!("{url}/api/v1/skm/export?from=2026-11-24&to=2026-11-26&by=service&format={f}")
    };
    let (s, csv) = send(reqwest::Method::GET, &export("csv"), Some(&sup_token), None).await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), kept.len() + 1);
    assert!(csv.contains(",'=saran hari 0"), "{csv}");
    let (s, xlsx) = send(
        reqwest::Method::GET,
        &export("xlsx"),
        Some(&sup_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, pdf) = send(reqwest::Method::GET, &export("pdf"), Some(&sup_token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-1.4"));
    // Kept for a look (pdftotext, a viewer): the report of this generated period.
    std::fs::write(
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("skm-report.pdf"),
        &pdf,
    )
    .unwrap();
    let cells = xlsx_text(&xlsx);
    assert!(cells.iter().any(|c| c == "IKM unit") && cells.iter().any(|c| c == "Semua · All"));
    let pdf_text = String::from_utf8_lossy(&pdf).to_string();
    for secret in codes.iter().chain(numbers.iter()) {
        assert!(!csv.contains(secret.as_str()), "{secret} in the CSV");
        assert!(!pdf_text.contains(secret.as_str()), "{secret} in the PDF");
        assert!(
            !cells.iter().any(|c| c.contains(secret.as_str())),
            "{secret} in the XLSX"
        );
    }

    // The suggestion and the profile are in no served event.
    let (_, log) = get(
        &format!("{url}/api/v1/log?after=0&limit=1000"),
        Some(&sup_token),
    )
    .await;
    let log = log.to_string();
    assert!(log.contains("survey_submitted"));
    assert!(
        !log.contains("saran hari") && !log.contains("female"),
        "{log}"
    );
}

/// Every cell of every sheet, as text.
fn xlsx_text(bytes: &[u8]) -> Vec<String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        out.extend(range.cells().map(|(_, _, c)| c.to_string()));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_survey_per_done_ticket_from_those_who_may_answer_and_read() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let p1 = officer(&server.client(None), "petugas1").await;
    let good = json!({"answers": [4, 3, 3, 4, 3, 4, 4, 3, 3]});

    // Not done yet: refused.
    let waiting = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let (s, v) = post(
        &format!("{url}/api/v1/track/{}/survey", waiting.tracking_code),
        None,
        good.clone(),
    )
    .await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "invalid_state"),
        "{v}"
    );
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    let number = waiting.ticket.number.clone();
    let survey = format!("{url}/api/v1/track/{}/survey", waiting.tracking_code);

    // Bad input, named by its field.
    for (body, field) in [
        (
            json!({"answers": [4, 3, 3, 4, 3, 4, 4, 3]}),
            "answers: 8 given",
        ),
        (
            json!({"answers": [4, 3, 3, 4, 5, 4, 4, 3, 3]}),
            "answers[4] (U5): 5",
        ),
        (
            json!({"answers": [4, 3, 3, 4, 2.5, 4, 4, 3, 3]}),
            "answers[4] (U5): 2.5 is not",
        ),
        (
            json!({"answers": [4, 3, -1, 4, 3, 4, 4, 3, 3]}),
            "answers[2] (U3): -1 is not",
        ),
        (
            json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4], "suggestion": "x".repeat(1001)}),
            "suggestion: 1001",
        ),
    ] {
        let (s, v) = post(&survey, None, body).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(
            v["error"]["message"].as_str().unwrap().starts_with(field),
            "{v}"
        );
    }
    let (s, v) = post(
        &survey,
        None,
        json!({"answers": [4, 4, 4, 4, 4, 4, 4, 4, 4], "profile": {"sex": "other"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("profile.sex"),
        "{v}"
    );

    // A display, a kiosk or nobody may not use the tablet's route.
    for token in [Some(DISPLAY), Some(KIOSK), None] {
        let mut b = good.clone();
        b["number"] = json!(number);
        let (s, _) = post(&format!("{url}/api/v1/surveys"), token, b).await;
        assert!(
            s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
            "{token:?}: {s}"
        );
    }

    // The tablet takes it; the visitor's second try is refused, and the tablet's too.
    let mut b = good.clone();
    b["number"] = json!(number);
    let (s, v) = post(&format!("{url}/api/v1/surveys"), Some(RATING_1), b.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = post(&survey, None, good.clone()).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "already_surveyed"),
        "{v}"
    );
    let (s, v) = post(&format!("{url}/api/v1/surveys"), Some(RATING_1), b).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "already_surveyed"),
        "{v}"
    );
    let (_, track) = get(
        &format!("{url}/api/v1/track/{}", waiting.tracking_code),
        None,
    )
    .await;
    assert_eq!(track["surveyed"], true);

    // Nobody, a device, an officer may not read the report or its exports.
    let report = format!("{url}/api/v1/skm?from=2026-11-24&to=2026-11-24");
    let officer_token = p1.token().unwrap().to_string();
    for token in [
        None,
        Some(KIOSK),
        Some(DISPLAY),
        Some(RATING_1),
        Some(officer_token.as_str()),
    ] {
        let (s, _) = get(&report, token).await;
        assert!(
            s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
            "{token:?}: {s}"
        );
        let (s, _) = get(
            &format!("{url}/api/v1/skm/export?from=2026-11-24&to=2026-11-24&format=csv"),
            token,
        )
        .await;
        assert!(
            s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
            "{token:?}: {s}"
        );
    }
    let admin = officer(&server.client(None), "admin").await;
    let (s, v) = get(&report, admin.token()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["overall"]["respondents"], 1);
    assert_eq!(v["overall"]["index"]["ikm_unit"], 86.11);
    assert_eq!(v["overall"]["grade"], "B");
    let (s, v) = get(&format!("{report}&by=nobody"), admin.token()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    // The survey's questions are public, in the regulation's words.
    let (_, q) = get(&format!("{url}/api/v1/skm/questions"), None).await;
    assert_eq!(q["elements"][3]["answers"][3], "Gratis");
    assert_eq!(q["complaints_url"], "https://www.lapor.go.id");
}

/// One survey per ticket holds across a restart: the queue rebuilds today from the log, and the
/// stored answers (with the profile and suggestion kept beside the entry) are read back whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_survey_per_ticket_after_a_restart_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&db, Config::example(), clock.clone()).await;
    let p1 = officer(&server.client(None), "petugas1").await;
    let (_, tracking) = serve_one(&server, &p1, "ktp", 1).await;
    let body = json!({"answers": [2, 2, 2, 2, 2, 2, 2, 2, 2],
                      "profile": {"age": "60_plus", "occupation": "wirausaha"},
                      "suggestion": "Antrean terlalu lama"});
    let url = server.url();
    let (s, v) = post(
        &format!("{url}/api/v1/track/{tracking}/survey"),
        None,
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    server.stop().await;

    let server = start_with_clock(&db, Config::example(), clock).await;
    let url = server.url();
    let (s, v) = post(&format!("{url}/api/v1/track/{tracking}/survey"), None, body).await;
    assert_eq!(
        (s, code(&v)),
        (StatusCode::CONFLICT, "already_surveyed"),
        "{v}"
    );
    let sup = officer(&server.client(None), "supervisor").await;
    let (_, r) = get(
        &format!("{url}/api/v1/skm?from=2026-11-24&to=2026-11-24"),
        sup.token(),
    )
    .await;
    assert_eq!(r["overall"]["respondents"], 1);
    // 2 × 25 = 50.00: D, "Tidak Baik".
    assert_eq!(r["overall"]["index"]["ikm_unit"], 50.0);
    assert_eq!(
        (
            r["overall"]["grade"].as_str(),
            r["overall"]["grade_label"].as_str()
        ),
        (Some("D"), Some("Tidak Baik"))
    );
    assert_eq!(r["suggestions"][0]["text"], "Antrean terlalu lama");
    let count = |part: &str, key: &str| {
        r["profile"][part]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap()["respondents"]
            .clone()
    };
    assert_eq!(
        (
            count("age", "60_plus"),
            count("occupation", "wirausaha"),
            count("sex", "not_given")
        ),
        (json!(1), json!(1), json!(1))
    );
}

/// The document names the profile's answers as the API takes them (a macro's literal once made
/// it list the Rust names, which the server refuses).
#[test]
fn the_document_lists_the_profile_answers_the_server_takes() {
    let doc = ticket_server::api::openapi::document();
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Sex"]["enum"], json!(["male", "female"]));
    assert_eq!(schemas["AgeGroup"]["enum"][5], "60_plus");
    assert_eq!(schemas["Occupation"]["enum"][6], "lainnya");
}
