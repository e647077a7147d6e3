//! The visitor's live stream of their own ticket (`/api/v1/track/{code}/stream`): it carries that
//! ticket's view and nothing of anyone else's, sends a message only when the view changed, ends
//! once the ticket is finished, answers an unknown code with a JSON 404 before any stream, picks up
//! the current view after a server restart, and is served on the public listener.

mod common;

use std::time::Duration;

use antri_wire::client::{Client, SseParser};
use antri_wire::event::SSE_TRACK;
use antri_wire::{Category, IssuedTicket, TicketStatus, TrackView};
use common::*;
use futures_util::StreamExt;
use ticket_server::clock::Clock;
use ticket_server::config::Config;
use ticket_server::server::Settings;

/// One phone's stream, read message by message; `raw` keeps every byte it was sent.
struct Phone {
    body: futures_util::stream::BoxStream<'static, reqwest::Result<axum::body::Bytes>>,
    parser: SseParser,
    pending: std::collections::VecDeque<TrackView>,
    raw: String,
}

impl Phone {
    async fn open(base: &str, code: &str) -> Phone {
        let resp = reqwest::get(format!("{base}/api/v1/track/{code}/stream"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        Phone {
            body: resp.bytes_stream().boxed(),
            parser: SseParser::default(),
            pending: Default::default(),
            raw: String::new(),
        }
    }

    /// The next view, or `None` once the server ended the stream. Bounded by a guard against a
    /// hang, not a wait: a change reaches the stream in milliseconds.
    async fn next(&mut self) -> Option<TrackView> {
        loop {
            if let Some(v) = self.pending.pop_front() {
                return Some(v);
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.body.next())
                .await
                .expect("a message within 10 s")?
                .ok()?;
            self.raw.push_str(&String::from_utf8_lossy(&chunk));
            for m in self.parser.push(&chunk) {
                assert_eq!(m.event, SSE_TRACK, "only track messages: {m:?}");
                self.pending
                    .push_back(serde_json::from_str(&m.data).expect("a TrackView"));
            }
        }
    }
}

async fn issue(kiosk: &Client, service: &str) -> IssuedTicket {
    kiosk.issue(service, Category::Regular).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_carries_only_its_own_tickets_view() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let kiosk = server.client(Some(KIOSK));
    let other = issue(&kiosk, "skck").await;
    let mine = issue(&kiosk, "skck").await;

    let mut phone = Phone::open(&server.url(), &mine.tracking_code).await;
    let first = phone.next().await.unwrap();
    assert!(phone.raw.starts_with("retry: 3000\n"), "{}", phone.raw);
    assert_eq!(
        (first.number.as_str(), first.status, first.ahead),
        (mine.ticket.number.as_str(), TicketStatus::Waiting, 1)
    );

    // Changes that leave this ticket's view as it was send nothing: a ticket behind it, another
    // service's ticket. The next message is the call of the one ahead.
    let behind = issue(&kiosk, "skck").await;
    let elsewhere = issue(&kiosk, "ktp").await;
    let officer = officer(&server.client(None), "petugas8").await; // lokets 15 (SKCK) and 16
    let called = officer.call_next(15).await.unwrap().ticket.unwrap();
    assert_eq!(called.number, other.ticket.number);
    let moved_up = phone.next().await.unwrap();
    assert_eq!(
        (moved_up.status, moved_up.ahead),
        (TicketStatus::Waiting, 0)
    );
    assert!(moved_up.estimated_wait_secs < first.estimated_wait_secs);

    officer.counter_action(15, "start").await.unwrap();
    officer.call_next(15).await.unwrap();
    let now = phone.next().await.unwrap();
    assert_eq!(
        (now.number.as_str(), now.status, now.counter),
        (mine.ticket.number.as_str(), TicketStatus::Called, Some(15))
    );
    officer.counter_action(15, "start").await.unwrap();
    assert_eq!(phone.next().await.unwrap().status, TicketStatus::Serving);
    officer.counter_action(15, "finish").await.unwrap();
    assert_eq!(phone.next().await.unwrap().status, TicketStatus::Done);
    assert_eq!(phone.next().await, None, "a finished ticket's stream ends");

    // Nothing of anyone else, and no capability, ever crossed this stream.
    for (whose, t) in [
        ("ahead", &other),
        ("behind", &behind),
        ("elsewhere", &elsewhere),
    ] {
        assert!(
            !phone.raw.contains(&t.ticket.number),
            "{whose}'s number: {}",
            phone.raw
        );
        assert!(!phone.raw.contains(&t.tracking_code), "{whose}'s code");
    }
    assert!(!phone.raw.contains(&mine.tracking_code));
    assert!(!phone.raw.contains("tracking_code"));

    // A finished ticket's stream sends its last view and ends at once.
    let mut again = Phone::open(&server.url(), &mine.tracking_code).await;
    assert_eq!(again.next().await.unwrap().status, TicketStatus::Done);
    assert_eq!(again.next().await, None);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_code_is_a_json_404_before_any_stream() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    for (code, status, error) in [
        ("ABCDEFGH2345", 404, "unknown_ticket"),
        ("no-such-code", 400, "invalid_tracking_code"),
    ] {
        let resp = reqwest::get(format!("{}/api/v1/track/{code}/stream", server.url()))
            .await
            .unwrap();
        assert_eq!(resp.status(), status, "{code}");
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], error, "{code}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_resumed_after_a_restart_gets_the_current_view() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let server = start_in_process(&db).await;
    let addr = server.addr;
    let kiosk = server.client(Some(KIOSK));
    issue(&kiosk, "skck").await;
    let mine = issue(&kiosk, "skck").await;
    let mut phone = Phone::open(&server.url(), &mine.tracking_code).await;
    assert_eq!(phone.next().await.unwrap().ahead, 1);

    server.stop().await;
    assert_eq!(
        phone.next().await,
        None,
        "the stopping server ends the stream"
    );

    // Back on the same address and database; the queue moves before the phone reconnects.
    let server = serve_again(addr, &db, Config::example(), Clock::starting_at(tuesday())).await;
    let officer = officer(&server.client(None), "petugas8").await;
    officer.call_next(15).await.unwrap();
    let mut phone = Phone::open(&server.url(), &mine.tracking_code).await;
    let resumed = phone.next().await.unwrap();
    assert_eq!((resumed.status, resumed.ahead), (TicketStatus::Waiting, 0));
    officer.counter_action(15, "start").await.unwrap();
    officer.call_next(15).await.unwrap();
    let called = phone.next().await.unwrap();
    assert_eq!(
        (called.status, called.counter),
        (TicketStatus::Called, Some(15))
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_still_waiting_at_midnight_ends_its_stream_expired() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::manual(tuesday());
    let server = start_with_clock(
        &dir.path().join("antri.db"),
        Config::example(),
        clock.clone(),
    )
    .await;
    let mine = issue(&server.client(Some(KIOSK)), "skck").await;
    let mut phone = Phone::open(&server.url(), &mine.tracking_code).await;
    assert_eq!(phone.next().await.unwrap().status, TicketStatus::Waiting);
    clock.advance(chrono::Duration::hours(24));
    assert_eq!(phone.next().await.unwrap().status, TicketStatus::Expired);
    assert_eq!(phone.next().await, None);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_listener_serves_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let lan = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (lan_url, public_url) = (
        format!("http://{}", lan.local_addr().unwrap()),
        format!("http://{}", public.local_addr().unwrap()),
    );
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ticket_server::server::run_with_public(
        lan,
        Some(public),
        ticket_server::server::ServerOptions {
            config: Config::example(),
            db_path: dir.path().join("antri.db"),
            clock: Clock::starting_at(tuesday()),
        },
        Settings::default(),
        async {
            let _ = stopped.await;
        },
    ));
    let kiosk = Client::new(&lan_url, Some(KIOSK.to_string()));
    let mut issued = None;
    for _ in 0..200 {
        if let Ok(t) = kiosk.issue("skck", Category::Regular).await {
            issued = Some(t);
            break;
        }
        tokio::task::yield_now().await;
    }
    let mine = issued.expect("the server answers");
    let mut phone = Phone::open(&public_url, &mine.tracking_code).await;
    assert_eq!(phone.next().await.unwrap().number, mine.ticket.number);
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
