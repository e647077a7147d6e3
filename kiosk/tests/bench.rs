//! Benchmark (issue item 7), not a timed test: `cargo test -p kiosk --release --test bench --
//! --ignored --nocapture`. Taps through the UI against the real server and the emulated printer
//! on TCP and prints the spread of "tap on the category button → last ticket byte handed to the
//! printer link".

mod common;

use std::time::Duration;

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
    let mut issue: Vec<Duration> = ui.timings_log.borrow().iter().map(|t| t.0).collect();
    let mut last: Vec<Duration> = ui.timings_log.borrow().iter().filter_map(|t| t.1).collect();
    assert_eq!(last.len(), N, "every ticket went out");
    issue.sort();
    last.sort();
    let pct = |v: &[Duration], p: usize| v[(v.len() * p / 100).min(v.len() - 1)];
    println!(
        "tickets: {N}\ntap -> server answer:     p50 {:?}  p95 {:?}  max {:?}\n\
         tap -> last printer byte: p50 {:?}  p95 {:?}  max {:?}",
        pct(&issue, 50),
        pct(&issue, 95),
        issue[N - 1],
        pct(&last, 50),
        pct(&last, 95),
        last[N - 1]
    );
}
