//! The live event stream: snapshot on connect, then every event; a client that disconnects and
//! resumes with its last sequence number gets everything it missed, in order, exactly once.

mod common;

use std::time::Duration;

use antri_wire::client::{SseParser, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::{Category, EventKind};
use common::*;
use futures_util::StreamExt;

async fn next_message(rx: &mut tokio::sync::mpsc::Receiver<StreamItem>) -> StreamMessage {
    loop {
        let item = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("an event within 10 s")
            .expect("subscription open");
        if let StreamItem::Message(m) = item {
            return m;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_gets_every_missed_event_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    let display = server.client(Some(DISPLAY));

    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let mut rx = display.subscribe(None);
    let StreamMessage::Snapshot(snap) = next_message(&mut rx).await else {
        panic!("first message is the snapshot")
    };
    assert_eq!(
        snap.services
            .iter()
            .find(|s| s.id == "ktp")
            .unwrap()
            .waiting,
        1
    );
    kiosk.issue("kk", Category::Regular).await.unwrap();
    let StreamMessage::Event(e) = next_message(&mut rx).await else {
        panic!()
    };
    assert_eq!(e.seq, snap.seq + 1);
    assert!(matches!(e.kind, EventKind::TicketIssued { .. }));
    let seen = e.seq;
    drop(rx); // the display goes away

    // While it is away: tickets, a call.
    let mut missed = Vec::new();
    for s in ["ktp", "skck", "pkb"] {
        missed.push(
            kiosk
                .issue(s, Category::Regular)
                .await
                .unwrap()
                .ticket
                .number,
        );
    }
    let officer = officer(&server.client(None), "petugas1").await;
    let called = officer.call_next(1).await.unwrap().ticket.unwrap();

    // Resume: exactly the missed events, in order, then live ones.
    let mut rx = display.subscribe(Some(seen));
    let mut got = Vec::new();
    while got.len() < 5 {
        let StreamMessage::Event(e) = next_message(&mut rx).await else {
            panic!("a resumed stream sends no snapshot")
        };
        got.push(*e);
    }
    let seqs: Vec<u64> = got.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (seen + 1..=seen + 5).collect::<Vec<_>>());
    let numbers: Vec<String> = got[..3]
        .iter()
        .map(|e| e.kind.ticket().unwrap().number.clone())
        .collect();
    assert_eq!(numbers, missed);
    // Loket 1 opened (it was closed), then the call.
    assert!(matches!(got[3].kind, EventKind::CounterChanged { .. }));
    match &got[4].kind {
        EventKind::TicketCalled {
            ticket,
            counter,
            recall,
        } => {
            assert_eq!(
                (ticket.number.as_str(), *counter, *recall),
                (called.number.as_str(), 1, false)
            );
        }
        other => panic!("expected the call, got {other:?}"),
    }
    kiosk.issue("ktp", Category::Regular).await.unwrap();
    let StreamMessage::Event(live) = next_message(&mut rx).await else {
        panic!()
    };
    assert_eq!(live.seq, seen + 6);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_event_id_header_resumes_and_unknown_positions_get_a_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    for _ in 0..3 {
        kiosk.issue("ktp", Category::Regular).await.unwrap();
    }
    let http = reqwest::Client::new();
    let read_first = |resp: reqwest::Response| async move {
        let mut body = resp.bytes_stream();
        let mut parser = SseParser::default();
        loop {
            let chunk = tokio::time::timeout(Duration::from_secs(10), body.next())
                .await
                .unwrap()
                .unwrap()
                .unwrap();
            if let Some(m) = parser.push(&chunk).into_iter().next() {
                return m;
            }
        }
    };
    // Browsers reconnect with Last-Event-ID.
    let resp = http
        .get(format!("{}/api/v1/events", server.url()))
        .bearer_auth(DISPLAY)
        .header("Last-Event-ID", "2")
        .send()
        .await
        .unwrap();
    let m = read_first(resp).await;
    assert_eq!((m.event.as_str(), m.id.as_deref()), ("event", Some("3")));
    // A position the server never had (its database was replaced): a fresh snapshot.
    let resp = http
        .get(format!("{}/api/v1/events?after=999999", server.url()))
        .bearer_auth(DISPLAY)
        .send()
        .await
        .unwrap();
    let m = read_first(resp).await;
    assert_eq!(m.event, "snapshot");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriber_heals_across_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;
    let addr = server.addr;
    let mut rx = server.client(Some(DISPLAY)).subscribe(None);
    assert!(matches!(
        next_message(&mut rx).await,
        StreamMessage::Snapshot(_)
    ));
    server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    // (The day's start may come first, depending on when the subscription connected.)
    let before = loop {
        let StreamMessage::Event(e) = next_message(&mut rx).await else {
            panic!()
        };
        if e.kind.ticket().is_some() {
            break e;
        }
    };
    server.stop().await;

    // Same address, same database: the subscription reconnects by itself and resumes.
    let server = serve_again(
        addr,
        &db,
        ticket_server::config::Config::example(),
        ticket_server::clock::Clock::starting_at(tuesday()),
    )
    .await;
    let kiosk = server.client(Some(KIOSK));
    let t = kiosk.issue("skck", Category::Regular).await.unwrap();
    let StreamMessage::Event(after) = next_message(&mut rx).await else {
        panic!("a resumed stream sends events, not a snapshot")
    };
    assert_eq!(
        after.seq,
        before.seq + 1,
        "nothing missed, nothing repeated"
    );
    assert_eq!(after.kind.ticket().unwrap().number, t.ticket.number);
    server.stop().await;
}
