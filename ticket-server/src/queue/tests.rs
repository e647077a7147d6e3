//! Property tests of the queue rules: whatever officers and kiosks do, in whatever order, numbers
//! are never repeated, a ticket is never at two lokets, the priority ratio holds, the day resets
//! exactly once at local midnight, and replaying the log rebuilds the same hall.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind};
use antri_wire::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

use super::{Command, Hall, Reply};
use crate::config::Config;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$twFTHR0PCNfi8jADRqxzdA$E/poOyBTa0FKckXlJ/3nfcLMkrfQdYs7fQV8/U8+d0k";

/// A small building open around the clock, so every command is about the queue, not the hours.
pub(crate) fn config(zone: &str, priority: &str) -> Arc<Config> {
    config_with(zone, priority, 2, &["s1", "s2"])
}

/// [`config`] with another ratio and other services at loket 1: what an admin may change mid-day.
pub(crate) fn config_with(zone: &str, priority: &str, ratio: u32, loket_1: &[&str]) -> Arc<Config> {
    let loket_1: Vec<String> = loket_1.iter().map(|s| format!("\"{s}\"")).collect();
    let loket_1 = loket_1.join(", ");
    let days: String = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| format!("{d} = \"00:00-23:59\"\n"))
        .collect();
    let toml = format!(
        r#"
[building]
name = "Uji"
timezone = "{zone}"
[queue]
priority = "{priority}"
regular_per_priority = {ratio}
[hours]
{days}
[[agencies]]
id = "a"
name_id = "A"
name_en = "A"
[[services]]
id = "s1"
agency = "a"
prefix = "A"
name_id = "S1"
name_en = "S1"
target_wait_minutes = 10
[[services]]
id = "s2"
agency = "a"
prefix = "KTP"
name_id = "S2"
name_en = "S2"
target_wait_minutes = 10
[[services]]
id = "s3"
agency = "a"
prefix = "BB"
name_id = "S3"
name_en = "S3"
target_wait_minutes = 10
[[counters]]
number = 1
services = [{loket_1}]
[[counters]]
number = 2
services = ["s2", "s3"]
[[counters]]
number = 3
services = ["s1", "s2", "s3"]
[[users]]
username = "p"
name = "P"
role = "officer"
password_hash = "{HASH}"
counters = [1, 2, 3]
"#
    );
    Arc::new(Config::from_toml_str(&toml).expect("test config is valid"))
}

pub(crate) fn officer() -> Actor {
    Actor {
        kind: ActorKind::User,
        id: "p".into(),
    }
}

pub(crate) fn start() -> DateTime<Utc> {
    // 2026-11-24 20:00 UTC: 03:00–05:00 the next morning in Indonesia, so runs cross midnight soon.
    Utc.with_ymd_and_hms(2026, 11, 23, 14, 0, 0).unwrap()
}

#[derive(Clone, Debug)]
pub(crate) enum Op {
    Issue(usize, bool),
    CallNext(u32),
    CallSpecific(u32, usize),
    Recall(u32),
    Start(u32),
    Finish(u32),
    NoShow(u32),
    Transfer(u32, usize),
    Pause(u32),
    Resume(u32),
    Cancel(usize),
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    let c = 1u32..=3;
    prop_oneof![
        4 => (0usize..3, any::<bool>()).prop_map(|(s, p)| Op::Issue(s, p)),
        3 => c.clone().prop_map(Op::CallNext),
        1 => (c.clone(), 0usize..50).prop_map(|(c, i)| Op::CallSpecific(c, i)),
        1 => c.clone().prop_map(Op::Recall),
        2 => c.clone().prop_map(Op::Start),
        2 => c.clone().prop_map(Op::Finish),
        1 => c.clone().prop_map(Op::NoShow),
        1 => (c.clone(), 0usize..3).prop_map(|(c, s)| Op::Transfer(c, s)),
        1 => c.clone().prop_map(Op::Pause),
        1 => c.prop_map(Op::Resume),
        1 => (0usize..50).prop_map(Op::Cancel),
    ]
}

const SERVICES: [&str; 3] = ["s1", "s2", "s3"];

pub(crate) fn to_command(op: &Op, issued: &[TicketView]) -> Command {
    let nth = |i: usize| issued.get(i % issued.len().max(1));
    match op {
        Op::Issue(s, p) => Command::Issue {
            service: SERVICES[*s].into(),
            category: if *p {
                Category::Elderly
            } else {
                Category::Regular
            },
            tracking_code: format!("C{}", issued.len()),
        },
        Op::CallNext(c) => Command::CallNext(*c),
        Op::CallSpecific(c, i) => Command::CallSpecific {
            counter: *c,
            number: nth(*i).map_or("A-999".into(), |t| t.number.clone()),
        },
        Op::Recall(c) => Command::Recall(*c),
        Op::Start(c) => Command::Start(*c),
        Op::Finish(c) => Command::Finish(*c),
        Op::NoShow(c) => Command::NoShow(*c),
        Op::Transfer(c, s) => Command::Transfer {
            counter: *c,
            service: SERVICES[*s].into(),
        },
        Op::Pause(c) => Command::Pause {
            counter: *c,
            reason: PauseReason::Break,
            note: None,
        },
        Op::Resume(c) => Command::Resume(*c),
        // The k-th ticket issued got the code `C{k}` (see `Op::Issue`).
        Op::Cancel(i) => Command::Cancel {
            tracking_code: match issued.len() {
                0 => "none".into(),
                n => format!("C{}", i % n),
            },
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any interleaving of kiosk and loket commands, over several local days.
    #[test]
    fn numbers_unique_tickets_at_one_loket_and_replay_is_exact(
        ops in prop::collection::vec((op(), 0i64..600), 1..300),
        zone in prop::sample::select(vec!["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    ) {
        let cfg = config(zone, "ratio");
        let mut hall = Hall::new(cfg.clone());
        let mut now = start();
        let mut log = Vec::new();
        let mut issued: Vec<TicketView> = Vec::new();
        let mut numbers: HashSet<(chrono::NaiveDate, String)> = HashSet::new();
        let mut per_service_day: HashMap<(chrono::NaiveDate, String), u32> = HashMap::new();
        for (op, step) in &ops {
            now += Duration::seconds(*step * 20);
            let out = hall.execute(to_command(op, &issued), now, &officer());
            for e in &out.events {
                prop_assert_eq!(e.seq, log.len() as u64 + 1, "sequence numbers have no gaps");
                if let EventKind::TicketIssued { ticket } = &e.kind {
                    prop_assert!(numbers.insert((ticket.day, ticket.number.clone())), "number {} issued twice on {}", ticket.number, ticket.day);
                    let n = per_service_day.entry((ticket.day, ticket.service.clone())).or_default();
                    *n += 1;
                    let expected = format!("{}-{:03}", cfg.service(&ticket.service).unwrap().prefix, n);
                    prop_assert_eq!(&ticket.number, &expected, "numbers count up from 001 per service per day");
                    issued.push(ticket.clone());
                }
                log.push(e.clone());
            }
            // A ticket is current at one loket at most.
            let current: Vec<u64> = hall.counters().iter().filter_map(|c| c.current.as_ref().map(|t| t.id)).collect();
            let distinct: HashSet<&u64> = current.iter().collect();
            prop_assert_eq!(current.len(), distinct.len(), "a ticket is at two lokets: {:?}", current);
            if let Ok(Reply::Counter(r)) = &out.result {
                if let Some(t) = &r.ticket {
                    if t.status == TicketStatus::Called {
                        prop_assert_eq!(t.counter, Some(r.counter.number));
                    }
                }
            }
        }
        // Replaying the log rebuilds exactly the same hall.
        let mut replayed = Hall::new(cfg);
        for e in &log {
            replayed.apply(e);
        }
        prop_assert_eq!(replayed.snapshot(now), hall.snapshot(now));
        for s in SERVICES {
            prop_assert_eq!(replayed.waiting_tickets(&[s.to_string()]), hall.waiting_tickets(&[s.to_string()]));
        }
        // The tracking codes, which no public event carries, come back from the log's entries.
        for k in 0..issued.len() {
            let code = format!("C{k}");
            prop_assert_eq!(replayed.ticket_by_code(&code), hall.ticket_by_code(&code));
        }
    }

    /// Commands at arbitrary increasing moments: one day start per local date, at its first command.
    #[test]
    fn day_resets_exactly_once_at_local_midnight(
        steps in prop::collection::vec(0i64..7200, 1..200),
        zone in prop::sample::select(vec!["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    ) {
        let cfg = config(zone, "first");
        let z = cfg.building.zone;
        let mut hall = Hall::new(cfg);
        let mut now = start();
        let mut last_day = None;
        let mut starts = 0;
        for (i, step) in steps.iter().enumerate() {
            now += Duration::seconds(*step * 10);
            let local_day = z.local_date(now);
            let out = hall.execute(Command::Issue { service: "s1".into(), category: Category::Regular, tracking_code: format!("T{i}") }, now, &officer());
            let day_events: Vec<_> = out.events.iter().filter_map(|e| match e.kind {
                EventKind::DayStarted { day, .. } => Some(day),
                _ => None,
            }).collect();
            if last_day != Some(local_day) {
                prop_assert_eq!(day_events, vec![local_day], "the first command of a local day starts it");
                starts += 1;
            } else {
                prop_assert!(day_events.is_empty(), "the day started twice");
            }
            // The ticket belongs to the local day and numbering restarted with it.
            if let Ok(Reply::Issued(t)) = out.result {
                prop_assert_eq!(t.ticket.day, local_day);
            }
            last_day = Some(local_day);
        }
        prop_assert!(starts >= 1);
    }
}

fn issue(
    hall: &mut Hall,
    service: &str,
    category: Category,
    now: DateTime<Utc>,
    i: usize,
) -> TicketView {
    match hall
        .execute(
            Command::Issue {
                service: service.into(),
                category,
                tracking_code: format!("X{i}"),
            },
            now,
            &officer(),
        )
        .result
    {
        Ok(Reply::Issued(t)) => t.ticket,
        other => panic!("issue failed: {other:?}"),
    }
}

fn call_next(hall: &mut Hall, counter: u32, now: DateTime<Utc>) -> Option<TicketView> {
    match hall
        .execute(Command::CallNext(counter), now, &officer())
        .result
    {
        Ok(Reply::Counter(r)) => {
            hall.execute(Command::Start(counter), now, &officer());
            r.ticket
        }
        Err(super::QueueError::QueueEmpty(_)) => None,
        other => panic!("call-next failed: {other:?}"),
    }
}

proptest! {
    /// With ratio 2, while both kinds wait, a loket calls one priority ticket after every two
    /// regular ones; and the longest-waiting ticket of each kind goes first.
    #[test]
    fn priority_ratio_holds(regular in 0usize..30, priority in 0usize..30) {
        let mut hall = Hall::new(config("Asia/Jakarta", "ratio"));
        let mut now = start() + Duration::hours(14);
        for i in 0..regular.max(priority) {
            if i < regular { issue(&mut hall, "s1", Category::Regular, now, 2 * i); }
            if i < priority { issue(&mut hall, "s2", Category::Disability, now, 2 * i + 1); }
            now += Duration::seconds(1);
        }
        let mut calls = Vec::new();
        while let Some(t) = call_next(&mut hall, 1, now) {
            calls.push(t);
            now += Duration::seconds(1);
        }
        prop_assert_eq!(calls.len(), regular + priority, "everyone is called once");
        let (mut r, mut p, mut streak) = (regular, priority, 2u32);
        for t in &calls {
            let expect_priority = if r == 0 { true } else if p == 0 { false } else { streak >= 2 };
            prop_assert_eq!(t.category.is_priority(), expect_priority, "call order {:?}", calls.iter().map(|t| t.number.clone()).collect::<Vec<_>>());
            if expect_priority { p -= 1; streak = 0; } else { r -= 1; streak += 1; }
        }
        // Within each kind, arrival order.
        for kind in [true, false] {
            let ids: Vec<u64> = calls.iter().filter(|t| t.category.is_priority() == kind).map(|t| t.id).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            prop_assert_eq!(ids, sorted);
        }
    }
}

#[test]
fn priority_first_policy_serves_every_priority_ticket_first() {
    let mut hall = Hall::new(config("Asia/Jakarta", "first"));
    let now = start() + Duration::hours(14);
    issue(&mut hall, "s1", Category::Regular, now, 0);
    issue(
        &mut hall,
        "s1",
        Category::PregnantOrInfant,
        now + Duration::seconds(5),
        1,
    );
    issue(
        &mut hall,
        "s2",
        Category::Elderly,
        now + Duration::seconds(9),
        2,
    );
    let order: Vec<String> = (0..3)
        .map(|i| {
            call_next(&mut hall, 1, now + Duration::seconds(20 + i))
                .unwrap()
                .number
        })
        .collect();
    assert_eq!(order, ["A-002", "KTP-001", "A-001"]);
}

#[test]
fn transfer_keeps_number_and_original_arrival_time() {
    let mut hall = Hall::new(config("Asia/Jakarta", "first"));
    let t0 = start() + Duration::hours(14);
    let first = issue(&mut hall, "s1", Category::Regular, t0, 0);
    let later = issue(
        &mut hall,
        "s3",
        Category::Regular,
        t0 + Duration::minutes(5),
        1,
    );
    assert_eq!(
        call_next(&mut hall, 1, t0 + Duration::minutes(6))
            .unwrap()
            .number,
        first.number
    );
    let out = hall.execute(
        Command::Transfer {
            counter: 1,
            service: "s3".into(),
        },
        t0 + Duration::minutes(7),
        &officer(),
    );
    assert!(out.result.is_ok(), "{:?}", out.result);
    // Loket 2 serves s3: the transferred ticket arrived before `later`, so it goes first.
    let next = call_next(&mut hall, 2, t0 + Duration::minutes(8)).unwrap();
    assert_eq!(next.number, "A-001");
    assert_eq!(next.transferred_from.as_deref(), Some("s1"));
    assert_eq!(
        call_next(&mut hall, 2, t0 + Duration::minutes(9))
            .unwrap()
            .number,
        later.number
    );
}

#[test]
fn closed_break_and_quota_answer_with_the_reason() {
    let cfg = Config::example();
    let mut hall = Hall::new(Arc::new(cfg));
    // Friday 2026-11-27 11:45 WIB: the Friday prayer break.
    let friday = Utc.with_ymd_and_hms(2026, 11, 27, 4, 45, 0).unwrap();
    let out = hall.execute(
        Command::Issue {
            service: "ktp".into(),
            category: Category::Regular,
            tracking_code: "Q".into(),
        },
        friday,
        &officer(),
    );
    match out.result {
        Err(super::QueueError::ServiceUnavailable {
            availability: Availability::OnBreak { name, .. },
            ..
        }) => assert_eq!(name.id, "Istirahat salat Jumat"),
        other => panic!("expected the prayer break, got {other:?}"),
    }
    // Quota: the example's "haji" service has a quota of 30.
    let tuesday = Utc.with_ymd_and_hms(2026, 11, 24, 2, 0, 0).unwrap();
    for i in 0..30 {
        issue(&mut hall, "haji", Category::Regular, tuesday, i);
    }
    let out = hall.execute(
        Command::Issue {
            service: "haji".into(),
            category: Category::Regular,
            tracking_code: "Q2".into(),
        },
        tuesday,
        &officer(),
    );
    assert!(matches!(
        out.result,
        Err(super::QueueError::ServiceUnavailable {
            availability: Availability::QuotaReached { quota: 30 },
            ..
        })
    ));
}

#[test]
fn ahead_and_estimate_follow_the_queue() {
    let mut hall = Hall::new(config("Asia/Jakarta", "first"));
    let now = start() + Duration::hours(14);
    for i in 0..3 {
        issue(
            &mut hall,
            "s1",
            Category::Regular,
            now + Duration::seconds(i),
            i as usize,
        );
    }
    let out = hall.execute(
        Command::Issue {
            service: "s1".into(),
            category: Category::Regular,
            tracking_code: "Z".into(),
        },
        now + Duration::seconds(10),
        &officer(),
    );
    let Ok(Reply::Issued(t)) = out.result else {
        panic!()
    };
    assert_eq!(t.ahead, 3);
    // 3 ahead × 10 min (default) ÷ 1 (no loket open yet counts as one).
    assert_eq!(t.estimated_wait_secs, 3 * 600);
    // A priority ticket under "first" jumps the regular ones.
    let out = hall.execute(
        Command::Issue {
            service: "s1".into(),
            category: Category::Elderly,
            tracking_code: "Y".into(),
        },
        now + Duration::seconds(11),
        &officer(),
    );
    let Ok(Reply::Issued(p)) = out.result else {
        panic!()
    };
    assert_eq!(p.ahead, 0);
}

#[test]
fn one_rating_per_done_ticket_and_replay_keeps_it() {
    use super::{QueueError, RateBy};
    let cfg = config("Asia/Jakarta", "first");
    let mut hall = Hall::new(cfg.clone());
    let now = start();
    let mut log = Vec::new();
    let mut run = |hall: &mut Hall, cmd: Command| {
        let out = hall.execute(cmd, now, &officer());
        log.extend(out.events);
        out.result
    };
    let Ok(Reply::Issued(issued)) = run(
        &mut hall,
        Command::Issue {
            service: "s1".into(),
            category: Category::Regular,
            tracking_code: "X1".into(),
        },
    ) else {
        panic!("issue failed")
    };
    let t = issued.ticket;
    let by_visitor = |score| Command::Rate {
        by: RateBy::TrackingCode("X1".into()),
        score,
    };
    let by_tablet = |counter, score| Command::Rate {
        by: RateBy::Counter {
            counter,
            number: t.number.clone(),
        },
        score,
    };
    assert!(matches!(
        run(&mut hall, by_visitor(4)),
        Err(QueueError::InvalidState {
            status: TicketStatus::Waiting,
            ..
        })
    ));
    run(&mut hall, Command::Open(1)).unwrap();
    run(&mut hall, Command::CallNext(1)).unwrap();
    run(&mut hall, Command::Finish(1)).unwrap();
    // Loket 2 did not serve it; loket 1's tablet may rate it, once.
    assert!(matches!(
        run(&mut hall, by_tablet(2, 4)),
        Err(QueueError::NotRatedHere { counter: 2, .. })
    ));
    run(&mut hall, by_tablet(1, 3)).unwrap();
    assert!(matches!(
        run(&mut hall, by_visitor(1)),
        Err(QueueError::AlreadyRated(_))
    ));
    assert_eq!(hall.track(&t).rating, Some(3));
    // The rating is an event: replaying the log rebuilds it, and a second is still refused.
    let mut replayed = Hall::new(cfg);
    for e in &log {
        replayed.apply(e);
    }
    assert_eq!(replayed.rating_of(t.id), Some(3));
    assert!(matches!(
        replayed.execute(by_visitor(2), now, &officer()).result,
        Err(QueueError::AlreadyRated(_))
    ));
}

#[test]
fn reconfigure_keeps_lokets_state_refuses_stranding_and_stale_edits() {
    use super::QueueError;
    let base = config("Asia/Jakarta", "first");
    let mut hall = Hall::new(base.clone());
    let now = start();
    issue(&mut hall, "s3", Category::Regular, now, 1);
    hall.execute(Command::Open(1), now, &officer())
        .result
        .unwrap();
    let edit = |f: &dyn Fn(&mut crate::config::raw::File)| {
        let mut doc = (*base.document).clone();
        f(&mut doc);
        Arc::new(Config::from_document(doc).unwrap())
    };
    let reconfigure = |base: &Arc<Config>, config: Arc<Config>| Command::Reconfigure {
        base: base.clone(),
        config,
        section: "services".into(),
        summary: String::new(),
    };

    // Dropping s3 while a visitor waits for it would strand them: refused.
    let without_s3 = edit(&|d| {
        d.services.retain(|s| s.id != "s3");
        for c in &mut d.counters {
            c.services.retain(|s| s != "s3");
        }
    });
    let r = hall.execute(reconfigure(&base, without_s3), now, &officer());
    assert!(matches!(r.result, Err(QueueError::ConfigConflict(m)) if m.contains("s3")));

    // A quota of 1 for s1: in force at once, loket 1 stays open.
    let quota_1 = edit(&|d| d.services[0].quota = Some(1));
    let r = hall.execute(reconfigure(&base, quota_1.clone()), now, &officer());
    let Ok(Reply::Configured(version)) = r.result else {
        panic!("{:?}", r.result)
    };
    assert!(matches!(&r.events[..],
        [e] if e.seq == version && matches!(e.kind, EventKind::ConfigChanged { .. })));
    assert_eq!(hall.counter_view(1).unwrap().state, CounterState::Open);
    issue(&mut hall, "s1", Category::Regular, now, 2);
    let third = hall.execute(
        Command::Issue {
            service: "s1".into(),
            category: Category::Regular,
            tracking_code: "X3".into(),
        },
        now,
        &officer(),
    );
    assert!(matches!(
        third.result,
        Err(QueueError::ServiceUnavailable { .. })
    ));

    // An edit made from the old configuration would silently undo this one: refused.
    let stale = hall.execute(reconfigure(&base, quota_1), now, &officer());
    assert!(matches!(stale.result, Err(QueueError::ConfigConflict(m)) if m.contains("meanwhile")));
}

/// Long on purpose: tickets through issue, call, finish, rate and cancel, with every event they
/// leave checked for the code, read best as one story.
#[test]
fn the_tracking_code_is_stored_with_the_issue_but_in_no_public_event() {
    use super::{Logged, RateBy};
    let cfg = config("Asia/Jakarta", "first");
    let mut hall = Hall::new(cfg.clone());
    let now = start();
    let mut log: Vec<Logged> = Vec::new();
    let mut run = |hall: &mut Hall, cmd: Command| {
        let out = hall.execute(cmd, now, &officer());
        log.extend(out.events);
        out.result.unwrap()
    };
    let code = "SECRETCODE1";
    let Reply::Issued(issued) = run(
        &mut hall,
        Command::Issue {
            service: "s1".into(),
            category: Category::Regular,
            tracking_code: code.into(),
        },
    ) else {
        panic!("issue failed")
    };
    // The kiosk that asked gets the code, to print it.
    assert_eq!(issued.tracking_code, code);
    assert!(issued.tracking_url.ends_with(&format!("/t/{code}")));
    let Reply::Issued(other) = run(
        &mut hall,
        Command::Issue {
            service: "s1".into(),
            category: Category::Regular,
            tracking_code: "SECRETCODE2".into(),
        },
    ) else {
        panic!("issue failed")
    };
    run(&mut hall, Command::Open(1));
    run(&mut hall, Command::CallNext(1));
    run(&mut hall, Command::Finish(1));
    // The visitors act with their codes; the log names them by their tickets' numbers.
    run(
        &mut hall,
        Command::Rate {
            by: RateBy::TrackingCode(code.into()),
            score: 4,
        },
    );
    run(
        &mut hall,
        Command::Cancel {
            tracking_code: "SECRETCODE2".into(),
        },
    );
    let visitor_actions: Vec<&Actor> = log
        .iter()
        .filter(|e| e.actor.kind == ActorKind::Visitor)
        .map(|e| &e.actor)
        .collect();
    assert_eq!(
        visitor_actions
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        [issued.ticket.number.as_str(), other.ticket.number.as_str()]
    );
    // Only the issue entries keep a code, and only in the stored form.
    for e in &log {
        let public = serde_json::to_string(&e.event).unwrap();
        assert!(!public.contains("SECRETCODE"), "{public}");
        let stored = serde_json::to_string(e).unwrap();
        let back: Logged = serde_json::from_str(&stored).unwrap();
        assert_eq!(&back, e, "a stored entry reads back as it was");
        let served: Event = serde_json::from_str(&stored).unwrap();
        assert_eq!(
            served, e.event,
            "decoding the stored entry as an event drops the code"
        );
        assert_eq!(
            e.tracking_code.is_some(),
            matches!(e.kind, EventKind::TicketIssued { .. }),
            "{stored}"
        );
    }
    // After a restart the code still finds the ticket.
    let mut replayed = Hall::new(cfg);
    for e in &log {
        replayed.apply(e);
    }
    assert_eq!(
        replayed.ticket_by_code(code).map(|t| t.id),
        Some(issued.ticket.id)
    );
}
