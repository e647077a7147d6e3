//! Benchmarks (ignored by default; run explicitly, they print their figures):
//!
//! ```sh
//! CARGO_TARGET_DIR=target-display cargo test -p counter-display --test bench -- --ignored --nocapture --test-threads 1
//! ```
//!
//! - `event_to_frame`: the real server, the display's worker and hall screen in this process; for
//!   each of 200 recalls, the time from the worker producing the frame (right after it received and
//!   applied the event) until the 1920x1080 frame has been rendered by Slint's software renderer —
//!   and, for context, from the officer's click (the HTTP request) to the rendered frame.
//! - `rss_after_10000_calls`: the real `counter-display` binary in a real X11 window (Xvfb) against
//!   the real server; 10,000 calls (recalls) through it; its resident memory before and after.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use antri_testkit::measure::{percentile, rss_kib};
use antri_testkit_ui::xvfb::spawn_logged;
use common::{Display, Hall, Server};
use slint::ComponentHandle;

fn summary(name: &str, mut v: Vec<Duration>) {
    v.sort();
    println!(
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        v.len(),
        percentile(&v, 0.5).unwrap().as_secs_f64() * 1e3,
        percentile(&v, 0.99).unwrap().as_secs_f64() * 1e3,
        v.last().unwrap().as_secs_f64() * 1e3
    );
}

#[test]
#[ignore = "benchmark: run with --ignored --nocapture"]
fn event_to_frame() {
    const N: usize = 200;
    let server = Server::start();
    let hall = Hall::new(&server, 1);
    let mut display = Display::start(&server.url(), Duration::from_secs(5));
    hall.open(1);
    hall.issue(&["ktp"]);
    hall.call_next(1);
    display.until(
        "the first call is on screen",
        Duration::from_secs(10),
        |d| d.value("Panggilan terbaru").is_some_and(|v| !v.is_empty()),
    );
    display.drain();

    // The officer recalls on another thread, so a frame never waits in a queue for the HTTP
    // answer; this thread shows and renders each frame as soon as it comes.
    let (click_tx, click_rx) = mpsc::channel::<Instant>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let officer = hall.officer(1).clone();
    let driver = std::thread::spawn(move || {
        for _ in 0..N {
            click_tx.send(Instant::now()).unwrap();
            common::block_on(officer.counter_action(1, "recall")).expect("recall");
            if done_rx.recv().is_err() {
                return;
            }
        }
    });

    let mut last_seq = 0;
    let (mut event_to_frame, mut click_to_frame) = (Vec::new(), Vec::new());
    for _ in 0..N {
        let click = click_rx.recv().unwrap();
        loop {
            let (frame, produced) = display
                .next_frame(Duration::from_secs(10))
                .expect("a frame");
            let seq = frame.hall.newest.as_ref().map_or(0, |c| c.seq);
            display.screen.show(frame);
            if seq > last_seq {
                last_seq = seq;
                display
                    .screen
                    .window
                    .window()
                    .take_snapshot()
                    .expect("rendered");
                let done = Instant::now();
                event_to_frame.push(done - produced);
                click_to_frame.push(done - click);
                break;
            }
        }
        done_tx.send(()).unwrap();
    }
    driver.join().unwrap();
    summary("event received -> 1920x1080 frame rendered", event_to_frame);
    summary("officer's click (HTTP) -> frame rendered", click_to_frame);
    display.finish();
}

#[test]
#[ignore = "benchmark: needs Xvfb (Debian: xvfb); run with --ignored --nocapture"]
fn rss_after_10000_calls() {
    const CALLS: usize = 10_000;
    let server = Server::start();
    let hall = Hall::new(&server, 1);
    hall.open(1);
    hall.issue(&["ktp"]);

    let xvfb = antri_ui::xvfb::Xvfb::start(1920, 1080).expect("Xvfb runs");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("display.toml");
    std::fs::write(
        &config,
        format!(
            "server = \"{}\"\ntoken = \"{}\"\nmode = \"hall\"\nrunning_text = \"Selamat datang\"\n\
             [audio]\nmute = true\n",
            server.url(),
            common::DISPLAY_TOKEN
        ),
    )
    .unwrap();
    // It logs (tracing) to stdout, where its timings are read.
    let mut child = spawn_logged(
        Path::new(env!("CARGO_BIN_EXE_counter-display")),
        &config,
        &xvfb,
    );
    let pid = child.0.id();
    // Count what the display reports for each call: announced, or (queue full) shown only.
    let log = child.0.stdout.take().unwrap();
    let (seen_tx, seen_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if line.contains("announced") || line.contains("speech queue full") {
                let _ = seen_tx.send(());
            }
        }
    });

    // Until the display has subscribed, a call lands in its first snapshot and is (rightly) not
    // announced: recall once a second until one is.
    hall.call_next(1);
    let mut subscribed = false;
    for _ in 0..20 {
        hall.action(1, "recall");
        if seen_rx.recv_timeout(Duration::from_secs(1)).is_ok() {
            subscribed = true;
            break;
        }
    }
    assert!(subscribed, "the display never announced a call");
    while seen_rx.try_recv().is_ok() {}
    let (rss_start, _) = rss_kib(pid);

    let officer = hall.officer(1).clone();
    let start = Instant::now();
    common::block_on(async {
        for _ in 0..CALLS {
            officer.counter_action(1, "recall").await.expect("recall");
        }
    });
    let sent = start.elapsed();
    for i in 0..CALLS {
        seen_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the display handled only {i} of {CALLS} calls"));
    }
    let (rss_end, hwm) = rss_kib(pid);
    println!(
        "{CALLS} calls in {:.1} s; display RSS after the first call {:.1} MiB, after {CALLS} calls \
         {:.1} MiB (peak {:.1} MiB)",
        sent.as_secs_f64(),
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    drop(child);
    assert!(rss_end < 80 * 1024, "RSS {rss_end} KiB is over 80 MiB");
}
