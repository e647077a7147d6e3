//! Officer performance (`GET /api/v1/stats/officers`) against an independent recomputation.
//!
//! Two generated days are driven through the real server on a manual clock: three officers at six
//! lokets open, call, recall, start, finish, mark no-shows, transfer, pause, resume and close; a
//! supervisor calls a specific number now and then; an admin gives loket 1 another service in the
//! middle of the first day. Then the whole log is read back from `/api/v1/log` and every figure is
//! recomputed here from the raw events, in another way than the server does it: the lokets' and
//! tickets' states are rebuilt after each event and the time to the next event (or the day's
//! midnight, or now) is counted to whoever was at the loket; the queues' lengths come from the
//! tickets' own statuses, not from the events' `waiting` counts; the walk from the ticket's
//! `called_at`.

mod common;

use std::collections::{BTreeMap, HashMap};

use antri_wire::event::ActorKind;
use antri_wire::performance::{OfficerFigures, OfficerPerformance};
use antri_wire::{
    Category, CounterState, CounterView, Event, EventKind, PauseReason, TicketStatus, TicketView,
};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use common::*;
use serde_json::{json, Value};
use ticket_server::clock::Clock;
use ticket_server::config::Config;

/// A small seeded generator: the same days every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const OFFICERS: [(&str, [u32; 2]); 3] = [
    ("petugas1", [1, 2]),
    ("petugas2", [3, 4]),
    ("petugas3", [5, 6]),
];
const SERVICES: [&str; 7] = [
    "ktp",
    "kia",
    "kk",
    "akta-lahir",
    "pindah",
    "paspor-baru",
    "paspor-ganti",
];

struct Hall<'a> {
    server: &'a InProcess,
    kiosk: antri_wire::client::Client,
    officers: HashMap<&'static str, antri_wire::client::Client>,
    supervisor: antri_wire::client::Client,
    codes: Vec<String>,
}

impl Hall<'_> {
    /// Sessions end 16 hours after login (on the server's clock): everyone logs in each morning.
    async fn log_in(&mut self) {
        let anon = self.server.client(None);
        for (name, _) in OFFICERS {
            self.officers.insert(name, officer(&anon, name).await);
        }
        self.supervisor = officer(&anon, "supervisor").await;
    }

    /// One step of the day: a visitor takes a ticket, or an officer does what their loket's state
    /// allows. Refusals (an empty queue, a closed service) are part of a day; a 5xx is not.
    async fn step(&mut self, rng: &mut Rng) {
        if rng.below(100) < 35 {
            let service = SERVICES[rng.below(SERVICES.len() as u64) as usize];
            let category =
                [Category::Regular, Category::Regular, Category::Elderly][rng.below(3) as usize];
            if let Ok(t) = self.kiosk.issue(service, category).await {
                self.codes.push(t.tracking_code);
            }
            return;
        }
        let (name, lokets) = OFFICERS[rng.below(3) as usize];
        let n = lokets[rng.below(2) as usize];
        let c = self.supervisor.counters().await.unwrap();
        let Some(loket) = c.iter().find(|c| c.number == n) else {
            return;
        };
        let result = self.act(rng, name, loket).await;
        if let Err(e) = result {
            let status = match &e {
                antri_wire::client::ClientError::Api { status, .. } => *status,
                _ => 0,
            };
            assert!((400..500).contains(&status), "{name} at loket {n}: {e}");
        }
    }

    async fn act(
        &self,
        rng: &mut Rng,
        name: &str,
        loket: &CounterView,
    ) -> Result<(), antri_wire::client::ClientError> {
        let o = &self.officers[name];
        let n = loket.number;
        let roll = rng.below(100);
        let current = loket.current.as_ref().map(|t| t.status);
        let action = match (&loket.state, current) {
            (CounterState::Closed, _) if roll < 50 => "open",
            (CounterState::Closed, _) => "call-next",
            (CounterState::Paused { .. }, _) if roll < 60 => "resume",
            (CounterState::Paused { .. }, _) => return Ok(()),
            (CounterState::Open, None) => return self.free(o, n, roll).await,
            (CounterState::Open, Some(TicketStatus::Called)) => match roll {
                0..60 => "start",
                60..78 => "recall",
                78..90 => "no-show",
                90..95 => "finish",
                _ => return o.transfer(n, "kk").await.map(|_| ()),
            },
            (CounterState::Open, Some(_)) => match roll {
                0..60 => "finish",
                60..80 => "call-next",
                _ => return o.transfer(n, "akta-lahir").await.map(|_| ()),
            },
        };
        o.counter_action(n, action).await.map(|_| ())
    }

    /// An open loket with nobody at it.
    async fn free(
        &self,
        o: &antri_wire::client::Client,
        n: u32,
        roll: u64,
    ) -> Result<(), antri_wire::client::ClientError> {
        match roll {
            0..65 => o.call_next(n).await.map(|_| ()),
            65..75 => o.pause(n, PauseReason::Break, None).await.map(|_| ()),
            75..80 => o.counter_action(n, "close").await.map(|_| ()),
            80..90 => {
                // The supervisor calls the newest waiting ticket, out of turn.
                let (_, waiting) = self
                    .server
                    .get_json(
                        &format!("/api/v1/counters/{n}/waiting"),
                        self.supervisor.token(),
                    )
                    .await;
                match waiting.as_array().and_then(|w| w.last()) {
                    Some(t) => {
                        let number = t["number"].as_str().unwrap();
                        self.supervisor.call_specific(n, number).await.map(|_| ())
                    }
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        }
    }
}

fn local(s: &str) -> DateTime<FixedOffset> {
    s.parse().unwrap()
}

/// The lokets' services as the admin leaves them: loket 1 also serves KK.
fn with_kk_at_loket_1(doc: &Value) -> Value {
    let mut counters = doc["counters"].clone();
    for c in counters.as_array_mut().unwrap() {
        if c["number"] == 1 {
            c["services"].as_array_mut().unwrap().push(json!("kk"));
        }
    }
    counters
}

/// Every entry of the log, oldest first, as a supervisor reads it.
async fn whole_log(server: &InProcess, token: Option<&str>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let (status, page) = server
            .get_json(&format!("/api/v1/log?after={after}&limit=1000"), token)
            .await;
        assert_eq!(status, 200, "{page}");
        let page: Vec<Event> = serde_json::from_value(page).unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

/// What the recomputation finds for one officer on one day.
#[derive(Debug, Default)]
struct Expect {
    served: u32,
    service: Vec<u32>,
    walk: Vec<u32>,
    idle: u64,
    open: u64,
    recalls: u32,
    no_shows: u32,
    transfers: u32,
}

type Lokets = BTreeMap<u32, Vec<String>>;

/// The hall as rebuilt after each event: lokets (open?, officer, services) and today's tickets.
struct Rebuilt {
    open: BTreeMap<u32, (bool, Option<String>)>,
    services: Lokets,
    tickets: BTreeMap<u64, TicketView>,
}

impl Rebuilt {
    fn apply(&mut self, e: &Event, configs: &BTreeMap<u64, Lokets>) {
        match &e.kind {
            EventKind::DayStarted { .. } => {
                self.tickets.clear();
                self.open.clear();
            }
            EventKind::CounterChanged { counter } => {
                let open = counter.state == CounterState::Open;
                self.open
                    .insert(counter.number, (open, counter.officer.clone()));
            }
            EventKind::ConfigChanged { version, .. } => {
                self.services = configs[version].clone();
            }
            kind => {
                if let Some(t) = kind.ticket() {
                    self.tickets.insert(t.id, t.clone());
                }
            }
        }
    }

    /// (officer, idle?) of each open loket that has an officer.
    fn open_lokets(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (n, (open, officer)) in &self.open {
            let (true, Some(officer)) = (open, officer) else {
                continue;
            };
            let busy = self.tickets.values().any(|t| {
                t.counter == Some(*n)
                    && matches!(t.status, TicketStatus::Called | TicketStatus::Serving)
            });
            let services = &self.services[n];
            let someone_waits = self
                .tickets
                .values()
                .any(|t| t.status == TicketStatus::Waiting && services.contains(&t.service));
            out.push((officer.clone(), !busy && someone_waits));
        }
        out
    }
}

fn midnight_after(t: &DateTime<FixedOffset>) -> i64 {
    let next = t
        .date_naive()
        .succ_opt()
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    t.offset().from_local_datetime(&next).unwrap().timestamp()
}

/// Every officer's figures per day, recomputed from the raw events.
fn recompute(
    events: &[Event],
    first: Lokets,
    configs: &BTreeMap<u64, Lokets>,
    now: i64,
) -> BTreeMap<(NaiveDate, String), Expect> {
    let mut out: BTreeMap<(NaiveDate, String), Expect> = BTreeMap::new();
    let mut hall = Rebuilt {
        open: BTreeMap::new(),
        services: first,
        tickets: BTreeMap::new(),
    };
    let mut started: HashMap<u64, i64> = HashMap::new();
    for (i, e) in events.iter().enumerate() {
        hall.apply(e, configs);
        let t = e.at.timestamp();
        let day = e.at.date_naive();
        // Until the next event of the day; after a day's last event, nothing more unless the day
        // is today: then until now.
        let until = match events.get(i + 1) {
            Some(next) if next.at.date_naive() == day => next.at.timestamp(),
            None if now < midnight_after(&e.at) => now,
            _ => t,
        };
        let span = (until - t).max(0) as u64;
        if span > 0 {
            for (officer, idle) in hall.open_lokets() {
                let x = out.entry((day, officer)).or_default();
                x.open += span;
                x.idle += if idle { span } else { 0 };
            }
        }
        if e.actor.kind != ActorKind::User {
            continue;
        }
        let key = (day, e.actor.id.clone());
        match &e.kind {
            EventKind::TicketCalled { recall: true, .. } => {
                out.entry(key).or_default().recalls += 1
            }
            EventKind::TicketServing { ticket, .. } => {
                started.insert(ticket.id, t);
                let called = ticket.called_at.expect("a served ticket was called");
                let x = out.entry(key).or_default();
                x.walk.push((t - called.timestamp()) as u32);
            }
            EventKind::TicketDone { ticket, .. } => {
                let x = out.entry(key).or_default();
                x.served += 1;
                x.service
                    .extend(started.remove(&ticket.id).map(|s| (t - s) as u32));
            }
            EventKind::TicketNoShow { .. } => out.entry(key).or_default().no_shows += 1,
            EventKind::TicketTransferred { ticket, .. } => {
                let x = out.entry(key).or_default();
                x.transfers += 1;
                x.service
                    .extend(started.remove(&ticket.id).map(|s| (t - s) as u32));
            }
            _ => {}
        }
    }
    out
}

fn nearest_rank_median(v: &[u32]) -> Option<u32> {
    let mut v = v.to_vec();
    v.sort();
    let rank = (v.len() as f64 * 0.5).ceil() as usize;
    (rank > 0).then(|| v[rank - 1])
}

fn assert_row(row: &OfficerFigures, x: &Expect, what: &str) {
    let got = (
        row.served,
        row.service_median_secs,
        row.services_timed,
        row.walk_median_secs,
        row.walks_timed,
        row.idle_secs,
        row.open_secs,
        (row.recalls, row.no_shows, row.transfers),
    );
    let want = (
        x.served,
        nearest_rank_median(&x.service),
        x.service.len() as u32,
        nearest_rank_median(&x.walk),
        x.walk.len() as u32,
        x.idle,
        x.open,
        (x.recalls, x.no_shows, x.transfers),
    );
    assert_eq!(got, want, "{what}");
}

/// Each day from 09:00, 220 steps 0–80 s apart (until about 11.30 WIB).
async fn drive(hall: &mut Hall<'_>, clock: &Clock, days: &[&str]) {
    let mut rng = Rng(16);
    for (d, start) in days.iter().enumerate() {
        let start = local(start);
        let now = clock.now().with_timezone(start.offset());
        clock.advance(start - now);
        hall.log_in().await;
        for step in 0..220 {
            if d == 0 && step == 110 {
                let admin = officer(&hall.server.client(None), "admin").await;
                let admin = admin.token().unwrap();
                let (_, config) = hall
                    .server
                    .get_json("/api/v1/admin/config", Some(admin))
                    .await;
                admin_put(
                    hall.server,
                    admin,
                    "counters",
                    with_kk_at_loket_1(&config["document"]),
                )
                .await;
            }
            clock.advance(Duration::seconds(rng.below(80) as i64));
            hall.step(&mut rng).await;
        }
    }
}

fn lokets_of(config: &Config) -> Lokets {
    config
        .counters
        .iter()
        .map(|c| (c.number, c.services.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_figure_matches_a_recomputation_from_the_raw_log() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    // A name a spreadsheet would run as a formula: the export must neutralise it.
    let toml = ticket_server::config::EXAMPLE_TOML.replacen(
        "name = \"Budi Santoso\"",
        "name = \"=HYPERLINK(\\\"http://x\\\")\"",
        1,
    );
    assert_ne!(toml, ticket_server::config::EXAMPLE_TOML);
    let config = Config::from_toml_str(&toml).unwrap();
    let first = lokets_of(&config);
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock.clone()).await;
    let mut hall = Hall {
        server: &server,
        kiosk: server.client(Some(KIOSK)),
        officers: HashMap::new(),
        supervisor: server.client(None),
        codes: Vec::new(),
    };
    let days = ["2026-11-24T09:00:00+07:00", "2026-11-25T09:00:00+07:00"];
    drive(&mut hall, &clock, &days).await;
    // Ten quiet minutes: what still runs today counts up to now.
    clock.advance(Duration::minutes(10));
    let codes = hall.codes.clone();
    let supervisor = hall.supervisor.clone();
    assert!(codes.len() > 80, "{} tickets", codes.len());

    let events = whole_log(&server, supervisor.token()).await;
    let mut configs = BTreeMap::new();
    for e in &events {
        if let EventKind::ConfigChanged { version, .. } = e.kind {
            let mut lokets = first.clone();
            lokets.get_mut(&1).unwrap().push("kk".into());
            configs.insert(version, lokets);
        }
    }
    assert_eq!(configs.len(), 1, "one change of the lokets");
    // Today (the 25th) runs on until now.
    let now = clock.now().timestamp();
    let expected = recompute(&events, first, &configs, now);
    let kinds = |k: &str| events.iter().filter(|e| type_of(e) == k).count();
    for kind in [
        "ticket_called",
        "ticket_serving",
        "ticket_done",
        "ticket_no_show",
        "ticket_transferred",
    ] {
        assert!(kinds(kind) >= 3, "the days hold {kind}: {}", kinds(kind));
    }
    assert!(expected.values().any(|x| x.recalls > 0 && x.idle > 0));
    let by_supervisor = events
        .iter()
        .any(|e| e.actor.id == "supervisor" && matches!(e.kind, EventKind::TicketCalled { .. }));
    assert!(by_supervisor, "the supervisor called a number out of turn");
    let paused = events.iter().any(|e| {
        matches!(&e.kind, EventKind::CounterChanged { counter }
            if matches!(counter.state, CounterState::Paused { .. }))
    });
    assert!(paused, "a loket paused");

    let (status, body) = server
        .get_json(
            "/api/v1/stats/officers?from=2026-11-24&to=2026-11-25",
            supervisor.token(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let got: OfficerPerformance = serde_json::from_value(body.clone()).unwrap();
    let keys: Vec<_> = got
        .days
        .iter()
        .map(|r| (r.day.unwrap(), r.officer.clone()))
        .collect();
    assert_eq!(keys, expected.keys().cloned().collect::<Vec<_>>());
    for row in &got.days {
        let x = &expected[&(row.day.unwrap(), row.officer.clone())];
        assert_row(row, x, &format!("{} on {:?}", row.officer, row.day));
    }
    // The totals: sums, and medians over every sample of the range.
    let mut totals: BTreeMap<String, Expect> = BTreeMap::new();
    for ((_, officer), x) in expected {
        let t = totals.entry(officer).or_default();
        t.served += x.served;
        t.service.extend(x.service);
        t.walk.extend(x.walk);
        t.idle += x.idle;
        t.open += x.open;
        t.recalls += x.recalls;
        t.no_shows += x.no_shows;
        t.transfers += x.transfers;
    }
    assert_eq!(got.totals.len(), totals.len());
    for row in &got.totals {
        assert_eq!(row.day, None);
        assert_row(
            row,
            &totals[&row.officer],
            &format!("{} in total", row.officer),
        );
    }
    assert!(got.days.iter().all(|r| r.officer != "supervisor"));
    // Asked again, the 24th (closed) is remembered and the 25th (today) walked from its own
    // morning, with loket 1's services as the admin left them: the same answer.
    let path = "/api/v1/stats/officers?from=2026-11-24&to=2026-11-25";
    assert_eq!(server.get_json(path, supervisor.token()).await.1, body);
    let (_, today) = server
        .get_json(
            "/api/v1/stats/officers?from=2026-11-25&to=2026-11-25",
            supervisor.token(),
        )
        .await;
    let today: OfficerPerformance = serde_json::from_value(today).unwrap();
    let on_25th: Vec<_> = got
        .days
        .iter()
        .filter(|r| r.day == today.days[0].day)
        .cloned()
        .collect();
    assert_eq!(today.days, on_25th);

    exports_hold_the_same_and_no_secret(&server, supervisor.token(), &got, &codes).await;
    only_officers_and_up_may_read(&server, &got, &body).await;
    server.stop().await;
}

fn type_of(e: &Event) -> String {
    serde_json::to_value(e).unwrap()["type"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The CSV has one row per JSON row, with the same numbers, the formula-like name neutralised and
/// no tracking code; the XLSX is a spreadsheet.
async fn exports_hold_the_same_and_no_secret(
    server: &InProcess,
    token: Option<&str>,
    got: &OfficerPerformance,
    codes: &[String],
) {
    let range = "from=2026-11-24&to=2026-11-25";
    let (status, csv) = server
        .get_json(&format!("/api/v1/stats/officers?{range}&format=csv"), token)
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap().to_string();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["day", "officer", "name", "served"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), got.days.len() + got.totals.len());
    for (row, want) in rows.iter().zip(got.days.iter().chain(&got.totals)) {
        let day = want.day.map_or("total".into(), |d| d.to_string());
        assert_eq!((&row[0], &row[1]), (day.as_str(), want.officer.as_str()));
        assert_eq!(row[3].parse::<u32>().unwrap(), want.served);
        assert_eq!(row[8].parse::<u64>().unwrap(), want.idle_secs);
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    for code in codes {
        assert!(
            !csv.contains(code.as_str()),
            "the export holds a tracking code"
        );
    }
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/stats/officers?{range}&format=xlsx",
            server.url()
        ))
        .bearer_auth(token.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    let (status, bad) = server
        .get_json(&format!("/api/v1/stats/officers?{range}&format=pdf"), token)
        .await;
    assert_eq!(status, 400);
    assert!(bad.to_string().contains("format"), "{bad}");
}

/// Nobody and the devices are refused; an officer reads their own rows only (also in the file);
/// supervisors and admins read everyone's.
async fn only_officers_and_up_may_read(server: &InProcess, got: &OfficerPerformance, all: &Value) {
    let path = "/api/v1/stats/officers?from=2026-11-24&to=2026-11-25";
    assert_eq!(server.get_json(path, None).await.0, 401);
    for device in [KIOSK, DISPLAY, RATING_1] {
        assert_eq!(server.get_json(path, Some(device)).await.0, 403);
    }
    let anon = server.client(None);
    let admin = officer(&anon, "admin").await;
    assert_eq!(server.get_json(path, admin.token()).await.1, *all);
    let p2 = officer(&anon, "petugas2").await;
    let (status, body) = server.get_json(path, p2.token()).await;
    assert_eq!(status, 200);
    let own: OfficerPerformance = serde_json::from_value(body).unwrap();
    let theirs = |rows: &[OfficerFigures]| {
        rows.iter()
            .filter(|r| r.officer == "petugas2")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(!own.days.is_empty());
    assert_eq!(own.days, theirs(&got.days));
    assert_eq!(own.totals, theirs(&got.totals));
    let (_, csv) = server
        .get_json(&format!("{path}&format=csv"), p2.token())
        .await;
    let csv = csv.as_str().unwrap();
    assert!(
        !csv.contains("petugas1") && !csv.contains("petugas3"),
        "{csv}"
    );
    assert!(csv.contains("petugas2"));
}

/// The error code of a refused call.
fn refused(
    r: Result<antri_wire::CounterActionResult, antri_wire::client::ClientError>,
) -> (u16, String, String) {
    match r {
        Err(antri_wire::client::ClientError::Api { status, body }) => {
            (status, body.error.code, body.error.message)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn no_choosing_now(server: &InProcess) -> bool {
    server
        .client(None)
        .services()
        .await
        .unwrap()
        .building
        .no_choosing
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_no_choosing_an_officer_calls_next_and_a_supervisor_calls_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let config = no_choosing_config();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock).await;
    assert!(no_choosing_now(&server).await);
    let kiosk = server.client(Some(KIOSK));
    for _ in 0..5 {
        kiosk.issue("ktp", Category::Regular).await.unwrap();
    }
    let anon = server.client(None);
    let p1 = officer(&anon, "petugas1").await;
    let p2 = officer(&anon, "petugas2").await;
    let sup = officer(&anon, "supervisor").await;
    let admin = officer(&anon, "admin").await;

    // The loket's own officer is refused with a reason that says who can.
    let (status, code, message) = refused(p1.call_specific(1, "KTP-003").await);
    assert_eq!((status, code.as_str()), (403, "choosing_off"));
    assert!(message.contains("supervisor"), "{message}");
    // Another officer is refused as before; nobody and devices too.
    assert_eq!(refused(p2.call_specific(1, "KTP-003").await).0, 403);
    assert_eq!(refused(anon.call_specific(1, "KTP-003").await).0, 401);
    assert_eq!(refused(kiosk.call_specific(1, "KTP-003").await).0, 403);
    // Calling next is the officer's way.
    let next = p1.call_next(1).await.unwrap().ticket.unwrap();
    assert_eq!(next.number, "KTP-001");
    p1.counter_action(1, "finish").await.unwrap();
    // A supervisor, and an admin, call a specific number to a loket.
    let r = sup.call_specific(1, "KTP-004").await.unwrap();
    assert_eq!(r.counter.current.unwrap().number, "KTP-004");
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    p1.counter_action(2, "open").await.unwrap();
    let r = admin.call_specific(2, "KTP-003").await.unwrap();
    assert_eq!(r.ticket.unwrap().number, "KTP-003");
    // The log says who called out of turn.
    let log = whole_log(&server, sup.token()).await;
    let caller = |number: &str| {
        log.iter()
            .find(|e| {
                matches!(&e.kind, EventKind::TicketCalled { ticket, .. } if ticket.number == number)
            })
            .map(|e| e.actor.id.clone())
    };
    assert_eq!(caller("KTP-004").as_deref(), Some("supervisor"));
    assert_eq!(caller("KTP-001").as_deref(), Some("petugas1"));

    // Off again (live, through the admin's building section): the officer may choose.
    set_no_choosing(&server, false).await;
    assert!(!no_choosing_now(&server).await);
    let r = p1.call_specific(1, "KTP-005").await.unwrap();
    assert_eq!(r.ticket.unwrap().number, "KTP-005");
    p1.counter_action(1, "finish").await.unwrap();
    // And on: refused at once.
    set_no_choosing(&server, true).await;
    assert_eq!(
        refused(p1.call_specific(1, "KTP-002").await).1,
        "choosing_off"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_default_the_officer_and_the_supervisor_both_may_call_a_number() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(&dir.path().join("antri.db"), Config::example(), clock).await;
    assert!(!no_choosing_now(&server).await);
    let kiosk = server.client(Some(KIOSK));
    for _ in 0..3 {
        kiosk.issue("ktp", Category::Regular).await.unwrap();
    }
    let anon = server.client(None);
    let p1 = officer(&anon, "petugas1").await;
    let r = p1.call_specific(1, "KTP-002").await.unwrap();
    assert_eq!(r.ticket.unwrap().number, "KTP-002");
    p1.counter_action(1, "finish").await.unwrap();
    let sup = officer(&anon, "supervisor").await;
    p1.counter_action(2, "open").await.unwrap();
    let r = sup.call_specific(2, "KTP-003").await.unwrap();
    assert_eq!(r.ticket.unwrap().number, "KTP-003");
    // Only calling a number is the supervisor's: the loket's other actions stay its officer's,
    // and the supervisor calls to a loket that is open and free, so nothing is opened or finished
    // in the supervisor's name.
    assert_eq!(refused(sup.counter_action(2, "start").await).0, 403);
    let (status, code, _) = refused(sup.call_specific(2, "KTP-001").await);
    assert_eq!((status, code.as_str()), (409, "current_ticket_pending"));
    let (status, code, _) = refused(sup.call_specific(3, "KTP-001").await);
    assert_eq!((status, code.as_str()), (409, "counter_closed"));
    let p2 = officer(&anon, "petugas2").await;
    assert_eq!(refused(p2.call_specific(1, "KTP-001").await).0, 403);
    server.stop().await;
}
