//! Benchmarks (issue item 7), not timed tests: `cargo test -p kiosk --release --test bench --
//! --ignored --nocapture --test-threads 1`.
//!
//! - `tap_to_last_printer_byte`: taps through the UI against the real server and the emulated
//!   printer on TCP and prints the spread of "tap on the category button → last ticket byte
//!   handed to the printer link".
//! - `printer_link_answers`: the printer link alone (emupos on TCP): the first status answer
//!   after opening the connection, then the following ones.
//! - `start_and_memory`: the real `kiosk` binary in a real X11 window (Xvfb) against the real
//!   server and printer emulator: process start to the first turn of its event loop with the
//!   window shown, and its resident memory idle and after 2,000 live updates from the server.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use antri_testkit::measure::{percentile, rss_kib};
use antri_testkit_ui::xvfb::spawn_logged;
use common::*;
use kiosk::controller::Timings;

#[test]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
fn tap_to_last_printer_byte() {
    let server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    const N: usize = 40;
    for _ in 0..N {
        ui.take_ticket(AGENCY, SERVICE, "Umum");
        ui.done();
    }
    let first = ui.timings_log.borrow()[0];
    println!("first ticket of the run (opens the printer connection): {first:?}");
    let mut issue: Vec<Duration> = ui.timings_log.borrow().iter().map(|t| t.0).collect();
    let mut last: Vec<Duration> = ui.timings_log.borrow().iter().filter_map(|t| t.1).collect();
    assert_eq!(last.len(), N, "every ticket went out");
    issue.sort();
    last.sort();
    let pct = |v: &[Duration], p: f64| percentile(v, p).unwrap();
    println!(
        "tickets: {N}\ntap -> server answer:     p50 {:?}  p95 {:?}  max {:?}\n\
         tap -> last printer byte: p50 {:?}  p95 {:?}  max {:?}",
        pct(&issue, 0.5),
        pct(&issue, 0.95),
        issue[N - 1],
        pct(&last, 0.5),
        pct(&last, 0.95),
        last[N - 1]
    );
}

#[test]
#[ignore = "benchmark: needs Xvfb (Debian: xvfb); run with --ignored --nocapture"]
fn start_and_memory() {
    const UPDATES: usize = 2_000;
    let server = Server::start();
    let emu = Emupos::start();
    let xvfb = antri_ui::xvfb::Xvfb::start(1080, 1920).expect("Xvfb runs");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kiosk.toml");
    let logo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/printer/logo.png");
    std::fs::write(
        &config,
        format!(
            "server = \"{}\"\ntoken = \"{KIOSK_TOKEN}\"\nprinter = \"{}\"\npaper_width = \"80\"\n\
             logo = \"{}\"\n",
            server.url(),
            emu.tcp_uri(),
            logo.display()
        ),
    )
    .unwrap();

    let spawned = Instant::now();
    // It logs (tracing) to stdout, where its timings are read.
    let mut child = spawn_logged(Path::new(env!("CARGO_BIN_EXE_kiosk")), &config, &xvfb);
    let pid = child.0.id();
    let log = child.0.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel::<(Instant, String)>();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            let _ = line_tx.send((Instant::now(), line));
        }
    });
    let mut seen = Vec::new();
    let first_frame = loop {
        let Ok((at, line)) = line_rx.recv_timeout(Duration::from_secs(30)) else {
            panic!(
                "the kiosk did not log its first frame; it said:\n{}",
                seen.join("\n")
            );
        };
        if line.contains("first frame") {
            break at - spawned;
        }
        seen.push(line);
    };
    // Let the event stream connect and the printer poll settle before reading memory.
    std::thread::sleep(Duration::from_secs(3));
    let (rss_idle, _) = rss_kib(pid);

    // Live updates: another kiosk issues tickets and an officer calls them; each one changes the
    // waiting counts this kiosk shows.
    let other = antri_wire::client::Client::new(&server.url(), Some(KIOSK_2_TOKEN.into()));
    let issued = block_on(async {
        // Round-robin over the open services, so no single daily quota runs out.
        let services = other.services().await.expect("services");
        let ids: Vec<String> = services
            .services
            .iter()
            .filter(|s| s.availability == antri_wire::Availability::Open)
            .map(|s| s.id.clone())
            .collect();
        let mut issued = 0;
        for id in ids.iter().cycle().take(UPDATES * 2) {
            if other.issue(id, antri_wire::Category::Regular).await.is_ok() {
                issued += 1;
                if issued == UPDATES {
                    break;
                }
            }
        }
        issued
    });
    assert_eq!(issued, UPDATES, "the hall took {UPDATES} tickets");
    std::thread::sleep(Duration::from_secs(2));
    let (rss_after, hwm) = rss_kib(pid);
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "the kiosk is still running"
    );
    drop(child);
    println!(
        "start -> first frame (event loop running, window shown): {:.0} ms\n\
         kiosk RSS idle {:.1} MiB, after {UPDATES} live updates {:.1} MiB (peak {:.1} MiB)",
        first_frame.as_secs_f64() * 1e3,
        rss_idle as f64 / 1024.0,
        rss_after as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
}

#[test]
#[ignore = "benchmark: run explicitly with --ignored --nocapture"]
fn printer_link_answers() {
    let emu = Emupos::start();
    let mut port = kiosk::worker::PrinterPort::new(emu.tcp_uri());
    let mut answers = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let (status, detail) = port.status_fresh();
        assert_eq!(
            status,
            Some(kiosk::printer::status::PrinterStatus::Ok),
            "{detail}"
        );
        answers.push(t.elapsed());
    }
    let first = answers.remove(0);
    answers.sort();
    println!(
        "DLE EOT status over TCP: first answer (connect included) {first:?}; next {}: p50 {:?} max {:?}",
        answers.len(),
        answers[answers.len() / 2],
        answers[answers.len() - 1]
    );
}
