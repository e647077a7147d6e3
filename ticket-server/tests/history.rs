//! A generated history, loaded by a real server: the dashboard's figures must equal figures
//! recomputed here independently from the raw event log, and the history must respect the
//! building's rules (unique numbers per service and day, nothing served when a service is closed
//! or on its Friday prayer break).
//!
//! The history crosses a month boundary (26 Oct – 3 Nov 2026), so the server answers from the
//! monthly rollup, the daily rollup and the live projection in one query.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use antri_wire::event::ActorKind;
use antri_wire::{Event, EventKind, StatsGroup, StatsRow};
use chrono::{Datelike, NaiveDate};
use common::*;
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::history::{generate, Options};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn options(seed: u64) -> Options {
    Options {
        days: 9,
        end: d("2026-11-03"),
        seed,
        scale: 1.0,
    }
}

fn read_events(db: &std::path::Path) -> Vec<Event> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT payload FROM events ORDER BY seq")
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|p| serde_json::from_str::<Event>(&p.unwrap()).unwrap())
        .collect();
    rows
}

/// One ticket as the statistics define it, from its events alone.
#[derive(Default, Clone)]
struct Fact {
    day: Option<NaiveDate>,
    service: String,
    status: String,
    issued: i64,
    counter: Option<u32>,
    officer: Option<String>,
    /// One per stay in a queue: the issue's, then one per transfer.
    stays: Vec<Stay>,
}

/// A ticket's time in one service's queue, as the dashboard defines it: its wait runs from the
/// stay's start (issue or transfer) to its first call; its service time from start to the end of
/// the stay, if it was finished or transferred away while served.
#[derive(Default, Clone, Debug)]
struct Stay {
    service: String,
    queued: i64,
    first_call: Option<i64>,
    started: Option<i64>,
    served_until: Option<i64>,
    counter: Option<u32>,
    officer: Option<String>,
}

fn facts(events: &[Event]) -> Vec<Fact> {
    let mut by_id: BTreeMap<u64, Fact> = BTreeMap::new();
    for e in events {
        let Some(t) = e.kind.ticket() else { continue };
        if matches!(e.kind, EventKind::TicketRated { .. }) {
            continue;
        }
        let at = e.at.timestamp();
        let f = by_id.entry(t.id).or_default();
        f.service = t.service.clone();
        f.status = serde_json::to_value(t.status)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string();
        if let Some(c) = t.counter {
            f.counter = Some(c);
        }
        let user = (e.actor.kind == ActorKind::User).then(|| e.actor.id.clone());
        if user.is_some() {
            f.officer = user.clone();
        }
        if let EventKind::TicketIssued { .. } = &e.kind {
            f.day = Some(t.day);
            f.issued = at;
            f.stays.push(Stay {
                service: t.service.clone(),
                queued: at,
                ..Stay::default()
            });
            continue;
        }
        let stay = f.stays.last_mut().unwrap();
        if user.is_some() {
            stay.officer = user;
        }
        match &e.kind {
            EventKind::TicketCalled { counter, .. } => {
                stay.first_call.get_or_insert(at);
                stay.counter = Some(*counter);
            }
            EventKind::TicketServing { counter, .. } => {
                stay.started.get_or_insert(at);
                stay.counter = Some(*counter);
            }
            EventKind::TicketDone { .. } => stay.served_until = Some(at),
            EventKind::TicketTransferred { .. } => {
                stay.served_until = Some(at);
                f.stays.push(Stay {
                    service: t.service.clone(),
                    queued: at,
                    ..Stay::default()
                });
            }
            _ => {}
        }
    }
    by_id.into_values().collect()
}

fn nearest_rank(v: &mut [u32], p: f64) -> Option<u32> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    Some(v[rank - 1])
}

/// The figures the dashboard should show, computed the slow, obvious way.
fn expected(
    config: &Config,
    facts: &[Fact],
    from: NaiveDate,
    to: NaiveDate,
    by: StatsGroup,
) -> BTreeMap<String, StatsRow> {
    let key = |service: &str, counter: Option<u32>, officer: &Option<String>| match by {
        StatsGroup::Service => Some(service.to_string()),
        StatsGroup::Agency => Some(config.service(service).unwrap().agency.clone()),
        StatsGroup::Counter => counter.map(|c| c.to_string()),
        StatsGroup::Officer => officer.clone(),
    };
    let mut tickets: BTreeMap<String, Vec<&Fact>> = BTreeMap::new();
    let mut stays: BTreeMap<String, Vec<&Stay>> = BTreeMap::new();
    for f in facts {
        let day = f.day.unwrap();
        if day < from || day > to {
            continue;
        }
        if let Some(k) = key(&f.service, f.counter, &f.officer) {
            tickets.entry(k).or_default().push(f);
        }
        for s in &f.stays {
            if let Some(k) = key(&s.service, s.counter, &s.officer) {
                stays.entry(k).or_default().push(s);
            }
        }
    }
    let keys: std::collections::BTreeSet<String> =
        tickets.keys().chain(stays.keys()).cloned().collect();
    keys.into_iter()
        .map(|key| {
            let fs = tickets.get(&key).map_or(&[][..], |v| v.as_slice());
            let ss = stays.get(&key).map_or(&[][..], |v| v.as_slice());
            let wait = |s: &Stay| s.first_call.map(|c| (c - s.queued).max(0) as u32);
            let mut waits: Vec<u32> = ss.iter().filter_map(|s| wait(s)).collect();
            let within = ss
                .iter()
                .filter(|s| {
                    wait(s)
                        .is_some_and(|w| w <= config.service(&s.service).unwrap().target_wait_secs)
                })
                .count();
            let mut services: Vec<u32> = ss
                .iter()
                .filter_map(|s| Some((s.served_until? - s.started?).max(0) as u32))
                .collect();
            let count = |s: &str| fs.iter().filter(|f| f.status == s).count() as u64;
            let row = StatsRow {
                key: key.clone(),
                label: String::new(),
                issued: fs.len() as u64,
                served: count("done"),
                no_shows: count("no_show"),
                cancelled: count("cancelled"),
                wait_median_secs: nearest_rank(&mut waits, 0.5),
                wait_p90_secs: nearest_rank(&mut waits, 0.9),
                service_median_secs: nearest_rank(&mut services, 0.5),
                service_p90_secs: nearest_rank(&mut services, 0.9),
                within_target: (!waits.is_empty()).then(|| within as f64 / waits.len() as f64),
            };
            (key, row)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_history_reads_back_exactly_and_keeps_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let config = Config::example();
    let report = generate(Arc::new(config.clone()), &db, &options(7)).unwrap();
    // Mon–Sat open (Saturday half day), Sunday closed.
    assert_eq!(report.open_days, 8, "{report:?}");
    assert!(report.tickets > 2_000, "{report:?}");

    let events = read_events(&db);
    let facts = facts(&events);
    assert_eq!(facts.len() as u64, report.tickets);

    // The same seed gives the same history; another seed does not.
    let again = dir.path().join("again.db");
    generate(Arc::new(config.clone()), &again, &options(7)).unwrap();
    assert!(
        read_events(&again) == events,
        "same seed, different history"
    );
    // A database that already holds a history is not written over.
    let err = generate(Arc::new(config.clone()), &again, &options(8)).unwrap_err();
    assert!(err.to_string().contains("already holds events"), "{err}");

    // The rules of the hall.
    let mut numbers = HashSet::new();
    let zone = config.building.zone;
    for e in &events {
        let Some(t) = e.kind.ticket() else { continue };
        if let EventKind::TicketIssued { ticket } = &e.kind {
            assert!(
                numbers.insert((ticket.day, ticket.number.clone())),
                "duplicate number {} on {}",
                ticket.number,
                ticket.day
            );
        }
        if matches!(
            e.kind,
            EventKind::TicketCalled { .. }
                | EventKind::TicketServing { .. }
                | EventKind::TicketDone { .. }
        ) {
            let local = zone.local(e.at.to_utc()).naive_local();
            let service = config.service(&t.service).unwrap();
            let (open, close) = service
                .hours
                .on(local.weekday())
                .unwrap_or_else(|| panic!("{} served on a closed day: {e:?}", t.number));
            let time = local.time();
            assert!(
                open <= time && time <= close,
                "{} served at {local}, outside {open}-{close}",
                t.number
            );
            for b in service
                .hours
                .breaks
                .iter()
                .filter(|b| b.days.contains(&local.weekday()))
            {
                assert!(
                    !(b.from < time && time < b.to),
                    "{} served at {local}, during {}",
                    t.number,
                    b.name.en
                );
            }
        }
    }
    // Realistic shape: some priority visitors, some no-shows, some transfers; busy and quiet
    // services differ.
    let issued = facts.len() as f64;
    let priority = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::TicketIssued { ticket } if ticket.category.is_priority()))
        .count() as f64;
    assert!(
        (0.06..0.14).contains(&(priority / issued)),
        "{priority}/{issued}"
    );
    let no_shows = facts.iter().filter(|f| f.status == "no_show").count() as f64;
    assert!((0.02..0.09).contains(&(no_shows / issued)), "{no_shows}");
    assert!(events
        .iter()
        .any(|e| matches!(e.kind, EventKind::TicketTransferred { .. })));
    let per_service = |s: &str| facts.iter().filter(|f| f.service == s).count();
    assert!(per_service("ktp") > 4 * per_service("sertifikat"));

    // A real server on the generated database.
    let server = start_with_clock(&db, config.clone(), Clock::manual(tuesday())).await;
    let anon = server.client(None);
    let login = anon.login("supervisor", PASSWORD).await.unwrap();
    let sup = anon.with_token(login.token.clone());
    let ranges = [
        (d("2026-10-01"), d("2026-11-30")), // month rollup + days + the live last day
        (d("2026-10-28"), d("2026-10-28")), // one rolled day
        (d("2026-10-30"), d("2026-11-03")), // a Friday to the live day
        (d("2026-11-03"), d("2026-11-03")), // the live day alone
    ];
    for (from, to) in ranges {
        for by in [
            StatsGroup::Service,
            StatsGroup::Agency,
            StatsGroup::Counter,
            StatsGroup::Officer,
        ] {
            let got = sup.stats(from, to, by).await.unwrap().rows;
            let want = expected(&config, &facts, from, to, by);
            assert_eq!(
                got.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
                want.keys().cloned().collect::<Vec<_>>(),
                "{from}..{to} by {by:?}"
            );
            for r in &got {
                let w = &want[&r.key];
                let mut r = r.clone();
                r.label = String::new();
                // JSON carries the share as decimal text; it need not parse back to the last bit.
                let share = |x: &StatsRow| x.within_target.map(|v| (v * 1e9).round() as i64);
                assert_eq!(share(&r), share(w), "{from}..{to} by {by:?}: {r:?}");
                r.within_target = w.within_target;
                assert_eq!(&r, w, "{from}..{to} by {by:?}");
            }
        }
        // Tickets per local hour.
        let got: Vec<serde_json::Value> = reqwest::Client::new()
            .get(format!("{}/api/v1/stats/hourly", server.url()))
            .query(&[("from", from.to_string()), ("to", to.to_string())])
            .bearer_auth(&login.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut want: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for f in facts
            .iter()
            .filter(|f| (from..=to).contains(&f.day.unwrap()))
        {
            let hour = ((f.issued + 7 * 3600) / 3600 % 24) as u32;
            let e = want.entry(hour).or_default();
            e.0 += 1;
            e.1 += (f.status == "done") as u64;
        }
        let got: HashMap<u32, (u64, u64)> = got
            .iter()
            .map(|v| {
                (
                    v["hour"].as_u64().unwrap() as u32,
                    (v["issued"].as_u64().unwrap(), v["served"].as_u64().unwrap()),
                )
            })
            .collect();
        assert_eq!(got, want.into_iter().collect(), "hourly {from}..{to}");
    }
    // The generator refuses a database a server has open (it answered above, so it holds it), as a second server would be refused.
    let err = generate(Arc::new(config.clone()), &db, &options(9)).unwrap_err();
    assert!(err.to_string().contains("already in use"), "{err}");
    server.stop().await;
}

/// A database from before the rollup existed gets its history rolled up when it is migrated, and
/// answers exactly as before.
#[test]
fn migrating_an_existing_history_builds_the_rollup() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let config = Config::example();
    generate(Arc::new(config.clone()), &db, &options(3)).unwrap();
    let (from, to) = (d("2026-10-01"), d("2026-11-30"));
    let groups = [
        StatsGroup::Service,
        StatsGroup::Agency,
        StatsGroup::Counter,
        StatsGroup::Officer,
    ];
    // A database of schema version 2 knew one stay per ticket (the definitions before migration
    // 7, which keeps them for what it finds). The figures such a database showed, computed from
    // the projection alone (no rollup yet):
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DELETE FROM visits;
             INSERT INTO visits
             SELECT id, 0, day, service, issued_at, first_called_at, counter, officer, started_at,
                    CASE WHEN status IN ('done', 'no_show') THEN finished_at END,
                    CASE WHEN status IN ('done', 'no_show', 'cancelled', 'expired') THEN status END
               FROM tickets;
             DELETE FROM stats_counts; DELETE FROM stats_hist; DELETE FROM stats_hourly;
             DELETE FROM stats_rolled;",
        )
        .unwrap();
    }
    let before: Vec<_> = {
        let conn = ticket_server::store::open_reader(&db).unwrap();
        groups
            .iter()
            .map(|by| ticket_server::store::stats::stats(&conn, &config, from, to, *by).unwrap())
            .collect()
    };
    // Take the rollup (migration 3) and what came after it away, as a database of schema
    // version 2 would be.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "DROP TABLE skm_responses; DROP TABLE outbox; DROP TABLE message_cursor; DROP TABLE message_contacts;
             DROP TABLE bookings; DROP TABLE visits; DROP TABLE day_names; DROP TABLE service_days; DROP TABLE sessions; DROP TABLE auth_key;
             DROP TRIGGER stats_roll_on_day_start; DROP TRIGGER stats_roll; DROP INDEX tickets_open;
             DROP VIEW stats_values; DROP VIEW stats_facts;
             DROP TABLE stats_roll_request; DROP TABLE stats_hourly; DROP TABLE stats_hist;
             DROP TABLE stats_counts; DROP TABLE stats_rolled;",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
    }
    drop(ticket_server::store::open_writer(&db).unwrap());
    let conn = ticket_server::store::open_reader(&db).unwrap();
    let rolled: (i64, i64) = conn
        .query_row(
            "SELECT SUM(level = 'd'), SUM(level = 'm') FROM stats_rolled",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Eight open days, the last one still live; October is over.
    assert_eq!(rolled, (7, 1));
    for (by, want) in groups.iter().zip(&before) {
        let got = ticket_server::store::stats::stats(&conn, &config, from, to, *by).unwrap();
        assert_eq!(&got, want, "{by:?}");
    }
}
