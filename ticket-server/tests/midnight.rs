//! Local midnight rolls the day over with no traffic at all — no ticket taken, no button pressed —
//! in each of Indonesia's zones (WIB, WITA, WIT): the displays hear of the new day and yesterday's
//! waiting ticket expires. The clock is a test's manual clock; moving it wakes the server's day
//! ticker at once, so no test waits for real time to pass.

use std::time::Duration;

use antri_wire::client::{Client, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::{run, ServerOptions};
use ticket_server::zone::Zone;

const KIOSK: &str = "demo-kiosk-1-token";
const DISPLAY: &str = "demo-display-hall-token";

/// The next event (skipping snapshots, reconnects and alerts), within a bound that only a broken ticker
/// reaches.
async fn next_event(rx: &mut tokio::sync::mpsc::Receiver<StreamItem>) -> EventKind {
    loop {
        let item = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event within 10 s")
            .expect("subscription open");
        if let StreamItem::Message(StreamMessage::Event(e)) = item {
            // The supervisor's alerts (the ticket past its target, devices not connected) come
            // and go with the ticker too; they are not what this test is about.
            if matches!(
                e.kind,
                EventKind::AlertRaised { .. } | EventKind::AlertCleared { .. }
            ) {
                continue;
            }
            return e.kind;
        }
    }
}

async fn rolls_over_at_local_midnight(zone: Zone, utc_offset_hours: i32) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::example();
    config.building.zone = zone;
    let offset = FixedOffset::east_opt(utc_offset_hours * 3600).unwrap();
    let afternoon: DateTime<FixedOffset> = offset.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
    let clock = Clock::manual(afternoon);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let opts = ServerOptions {
        config,
        db_path: dir.path().join("antri.db"),
        clock: clock.clone(),
    };
    let server = tokio::spawn(run(listener, opts, async move {
        let _ = stopped.await;
    }));
    let kiosk = Client::new(&url, Some(KIOSK.into()));
    let display = Client::new(&url, Some(DISPLAY.into()));
    let mut tries = 0;
    while kiosk.health().await.is_err() {
        tries += 1;
        assert!(tries < 200, "the server did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let ticket = kiosk.issue("ktp", Category::Regular).await.unwrap();
    let mut rx = display.subscribe(Some(0));
    // The log so far: the first day's start, then the ticket.
    loop {
        match next_event(&mut rx).await {
            EventKind::TicketIssued { .. } => break,
            EventKind::DayStarted { day, .. } => {
                assert_eq!(day, afternoon.date_naive(), "{}", zone.abbrev())
            }
            // Each day start also erases bookings' personal data past its retention.
            EventKind::PersonalDataErased { .. } => {}
            other => panic!("{other:?}"),
        }
    }

    // A second before midnight, local: still Tuesday, nothing happens.
    clock.advance(chrono::Duration::hours(10) - chrono::Duration::seconds(1));
    // Midnight passes with nobody in the hall.
    clock.advance(chrono::Duration::seconds(2));
    let next = next_event(&mut rx).await;
    let EventKind::DayStarted { day, expired } = next else {
        panic!("{}: expected the new day, got {next:?}", zone.abbrev());
    };
    assert_eq!(
        (day, expired),
        (NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), 1),
        "{}: Wednesday starts at its own midnight and Tuesday's {} expires",
        zone.abbrev(),
        ticket.ticket.number
    );
    let hall = kiosk.services().await.unwrap();
    assert_eq!(
        hall.building.day,
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    );

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn midnight_rolls_the_day_over_in_wib() {
    rolls_over_at_local_midnight(Zone::Wib, 7).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn midnight_rolls_the_day_over_in_wita() {
    rolls_over_at_local_midnight(Zone::Wita, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn midnight_rolls_the_day_over_in_wit() {
    rolls_over_at_local_midnight(Zone::Wit, 9).await;
}
