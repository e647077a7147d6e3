//! Statistics from a seeded day whose every wait and service time is known, on a clock the test
//! moves itself: the server's figures must match the hand-computed ones exactly.

mod common;

use antri_wire::{Category, StatsGroup, StatsRow};
use chrono::Duration;
use common::*;
use ticket_server::clock::Clock;
use ticket_server::config::Config;

fn row<'a>(rows: &'a [StatsRow], key: &str) -> &'a StatsRow {
    rows.iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no row {key} in {rows:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_day_gives_exact_figures() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    seed_day(&server, &clock).await;
    let anon = server.client(None);
    let sup = officer(&anon, "supervisor").await;
    let day = tuesday().date_naive();
    let by_service = sup.stats(day, day, StatsGroup::Service).await.unwrap().rows;
    let k = row(&by_service, "ktp");
    assert_eq!((k.issued, k.served, k.no_shows, k.cancelled), (4, 2, 1, 1));
    // Waits 120, 420, 480 s; nearest-rank median and p90.
    assert_eq!(
        (k.wait_median_secs, k.wait_p90_secs),
        (Some(420), Some(480))
    );
    assert_eq!(
        (k.service_median_secs, k.service_p90_secs),
        (Some(300), Some(600))
    );
    assert_eq!(k.within_target, Some(1.0)); // target 30 min
    assert_eq!(k.label, "KTP Elektronik");
    let kk = row(&by_service, "kk");
    assert_eq!(
        (
            kk.issued,
            kk.served,
            kk.wait_median_secs,
            kk.service_median_secs
        ),
        (1, 1, Some(1080), Some(120))
    );

    let by_counter = sup.stats(day, day, StatsGroup::Counter).await.unwrap().rows;
    assert_eq!(row(&by_counter, "1").issued, 3);
    assert_eq!(row(&by_counter, "2").served, 1);
    let by_officer = sup.stats(day, day, StatsGroup::Officer).await.unwrap().rows;
    assert_eq!(row(&by_officer, "petugas1").served, 3);
    assert_eq!(row(&by_officer, "petugas1").label, "Siti Rahayu");
    let by_agency = sup.stats(day, day, StatsGroup::Agency).await.unwrap().rows;
    assert_eq!(by_agency.len(), 1);
    assert_eq!(row(&by_agency, "dukcapil").issued, 5);
    // Another day has nothing.
    let next = day.succ_opt().unwrap();
    assert!(sup
        .stats(next, next, StatsGroup::Service)
        .await
        .unwrap()
        .rows
        .is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbering_restarts_at_local_midnight_and_history_stays() {
    let dir = tempfile::tempdir().unwrap();
    // Jayapura (WIT, UTC+9): the building's midnight is 15:00 UTC.
    let mut config = Config::example();
    config.building.zone = ticket_server::zone::Zone::Wit;
    for s in &mut config.services {
        s.hours = config.building.hours.clone();
        for d in 0..7 {
            s.hours
                .days
                .insert(d, ("00:00".parse().unwrap(), "23:59".parse().unwrap()));
        }
        s.hours.breaks.clear();
    }
    let clock = Clock::manual(
        "2026-11-24T23:58:00+09:00"
            .parse::<chrono::DateTime<chrono::FixedOffset>>()
            .unwrap(),
    );
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let before = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(
        (
            before.ticket.number.as_str(),
            before.ticket.day.to_string().as_str()
        ),
        ("KTP-001", "2026-11-24")
    );
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    clock.advance(Duration::minutes(3)); // 00:01 on the 25th in Jayapura
    let after = kiosk.issue("ktp", Category::Regular).await.unwrap();
    assert_eq!(
        (
            after.ticket.number.as_str(),
            after.ticket.day.to_string().as_str()
        ),
        ("KTP-001", "2026-11-25")
    );
    assert_eq!(after.ahead, 0, "yesterday's waiting tickets are not ahead");
    // Yesterday's ticket is still known, now expired.
    let old = server
        .client(None)
        .track(&before.tracking_code)
        .await
        .unwrap();
    assert_eq!(old.status, antri_wire::TicketStatus::Expired);
    server.stop().await;
}

/// A ticket transferred from KTP to KK waits in two queues and is served twice: each wait counts
/// for the queue it was spent in and is judged against that service's target, and both service
/// times count — the same today (live) and once the day is closed (rolled up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transferred_ticket_counts_each_stay_where_it_was_spent() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let mut config = Config::example();
    // KK promises 5 minutes, KTP keeps its 30.
    let mut doc = config.document.as_ref().clone();
    doc.services
        .iter_mut()
        .find(|s| s.id == "kk")
        .unwrap()
        .target_wait_minutes = 5;
    config = Config::from_document(doc).unwrap();
    let server = start_with_clock(&dir.path().join("antri.db"), config, clock.clone()).await;
    let kiosk = server.client(Some(KIOSK));
    let p1 = officer(&server.client(None), "petugas1").await;
    let min = |m| clock.advance(Duration::minutes(m));

    kiosk.issue("ktp", Category::Regular).await.unwrap();
    min(10); // 09:10 called at loket 1 after 10 min in the KTP queue
    p1.call_next(1).await.unwrap();
    min(1); // 09:11 served at loket 1 for 2 min, then sent on to KK
    p1.counter_action(1, "start").await.unwrap();
    min(2);
    p1.transfer(1, "kk").await.unwrap();
    min(7); // 09:20 called at loket 2 after 7 min in the KK queue (over its 5-min target)
    p1.call_next(2).await.unwrap();
    min(1);
    p1.counter_action(2, "start").await.unwrap();
    min(4); // 09:25 done after 4 min
    p1.counter_action(2, "finish").await.unwrap();

    let sup = officer(&server.client(None), "supervisor").await;
    let day = tuesday().date_naive();
    let check = |rows: Vec<StatsRow>, by: &str| {
        let ktp = row(&rows, "ktp");
        assert_eq!(
            (
                ktp.issued,
                ktp.served,
                ktp.wait_median_secs,
                ktp.service_median_secs
            ),
            (0, 0, Some(600), Some(120)),
            "{by}: KTP keeps the wait and the service spent there"
        );
        assert_eq!(ktp.within_target, Some(1.0), "{by}: 10 min within KTP's 30");
        let kk = row(&rows, "kk");
        assert_eq!(
            (
                kk.issued,
                kk.served,
                kk.wait_median_secs,
                kk.service_median_secs
            ),
            (1, 1, Some(420), Some(240)),
            "{by}: counts follow the ticket to where it ended"
        );
        assert_eq!(kk.within_target, Some(0.0), "{by}: 7 min against KK's 5");
    };
    check(
        sup.stats(day, day, StatsGroup::Service).await.unwrap().rows,
        "live",
    );
    let by_counter = sup.stats(day, day, StatsGroup::Counter).await.unwrap().rows;
    assert_eq!(row(&by_counter, "1").service_median_secs, Some(120));
    assert_eq!(row(&by_counter, "2").wait_median_secs, Some(420));

    // The next morning the day is rolled up; its figures do not move.
    clock.advance(Duration::hours(24));
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let sup = officer(&server.client(None), "supervisor").await; // yesterday's session expired
    check(
        sup.stats(day, day, StatsGroup::Service).await.unwrap().rows,
        "rolled up",
    );
    let again = sup.stats(day, day, StatsGroup::Counter).await.unwrap().rows;
    assert_eq!(again, by_counter);

    // The supervisor reads these definitions beside the figures, in both languages.
    let page = reqwest::get(format!("{}/dashboard", server.url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "Definisi · Definitions",
        "dibandingkan dengan target layanan itu sendiri",
        "judged against that service's own",
        "adds two service times",
    ] {
        assert!(page.contains(words), "the dashboard does not say {words:?}");
    }
    server.stop().await;
}
