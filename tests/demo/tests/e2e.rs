//! The whole hall, end to end, with the real programs: `antri-demo` runs the ticket server, the
//! `emupos` printer emulator and the hall display program (its own window, under Xvfb). A visitor
//! takes a ticket at a kiosk — the kiosk library's real UI, worker and printer driver, driven by the
//! accessible labels a visitor reads, under Slint's testing backend in this process (a window
//! under Xvfb has no way to be tapped by label) — and the ticket comes out of the emulator; an
//! officer calls it over HTTP; the display program shows it (its log line, read back from its
//! window's state) and announces it (a WAV file); the supervisor's statistics count it.

mod common;

use std::time::Duration;

use antri_testkit::{PASSWORD, SUPERVISOR};
use antri_testkit_ui::kiosk_ui::{worker_config, Ui, AGENCY, SERVICE};
use antri_wire::client::Client;
use antri_wire::StatsGroup;
use common::*;
use kiosk::controller::Timings;
use kiosk::printer::ticket::PaperWidth;

/// A kiosk as the `kiosk` program wires it (`kiosk::app`), printing to the launcher's emulated
/// printer: no logo, its printer asked for its status every 5 s.
fn kiosk_ui(server: &str, printer_port: u16) -> Ui {
    let printer = format!("tcp:127.0.0.1:{printer_port}").parse().unwrap();
    let mut config = worker_config(server, printer, PaperWidth::Mm80);
    config.logo = None;
    config.printer_poll = Duration::from_secs(5);
    Ui::with_worker(config, Timings::default())
}

#[test]
fn a_ticket_goes_from_kiosk_to_printer_display_officer_and_dashboard() {
    let x = xvfb();
    // --no-kiosk: this test is the kiosk; two kiosks on one emulated printer would mix their
    // bytes. --quiet: the display writes its announcements as WAV files (CI has no sound card).
    let mut demo = Demo::start(Some(&x.display), &["--no-kiosk", "--quiet"]);
    assert!(demo.printer_port > 0, "{}", demo.output());
    assert!(demo.output().contains("hall display"), "{}", demo.output());
    // The display program is connected to the server's event stream.
    let metrics = format!("{}/metrics", demo.url);
    wait_for(
        "the hall display to subscribe",
        Duration::from_secs(30),
        || {
            let m = block_on(async { reqwest::get(&metrics).await.ok()?.text().await.ok() })?;
            m.lines()
                .any(|l| l.starts_with("antri_event_subscribers ") && !l.ends_with(" 0"))
                .then_some(())
        },
    );

    // A visitor takes a ticket.
    let ui = kiosk_ui(&demo.url, demo.printer_port);
    ui.wait_ready();
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    assert_eq!(ui.adapter().get_result_kind(), 0, "printed");
    let number = ui.adapter().get_result_number().to_string();
    assert!(number.starts_with("KTP-"), "{number}");

    // The emulator printed it: the number and the service are on the paper.
    let tickets = demo.path("tickets");
    let id = wait_for("the printed ticket", Duration::from_secs(10), || {
        receipts(&tickets).pop()
    });
    let text = std::fs::read_to_string(tickets.join(format!("{id}.txt"))).unwrap();
    assert!(text.contains(&number), "the ticket has {number}:\n{text}");
    assert!(
        text.contains(SERVICE),
        "the ticket names the service:\n{text}"
    );
    assert!(
        tickets.join(format!("{id}.png")).exists(),
        "and a picture of it"
    );

    // An officer at loket 1 (KTP, KIA) calls it, serves it and finishes.
    let officer = block_on(async {
        let c = Client::new(&demo.url, None);
        let l = c.login("petugas1", PASSWORD).await.unwrap();
        let c = c.with_token(l.token);
        c.counter_action(1, "open").await.unwrap();
        c
    });
    let called = block_on(officer.call_next(1)).expect("a ticket to call");
    assert_eq!(
        called.ticket.as_ref().map(|t| t.number.as_str()),
        Some(number.as_str())
    );

    // The display program shows it, and says it.
    let shown = format!("shown on the hall screen number={number} loket=1 service={SERVICE}");
    wait_for(
        "the display to show the call",
        Duration::from_secs(10),
        || demo.log("display").contains(&shown).then_some(()),
    );
    let wav = demo.path(&format!("announcements/000-{number}-loket1.wav"));
    wait_for("the spoken call", Duration::from_secs(15), || {
        wav.exists().then_some(())
    });

    block_on(async {
        officer.counter_action(1, "start").await.unwrap();
        officer.counter_action(1, "finish").await.unwrap();
    });

    // The supervisor's figures count it: issued and served, for KTP.
    let supervisor = block_on(async {
        let c = Client::new(&demo.url, None);
        let l = c.login(SUPERVISOR, PASSWORD).await.unwrap();
        c.with_token(l.token)
    });
    let day = DAY.parse().unwrap();
    let stats = block_on(supervisor.stats(day, day, StatsGroup::Service)).unwrap();
    let ktp = stats
        .rows
        .iter()
        .find(|r| r.key == "ktp")
        .unwrap_or_else(|| panic!("a KTP row: {stats:?}"));
    assert_eq!((ktp.issued, ktp.served, ktp.no_shows), (1, 1, 0), "{ktp:?}");
    let total: u64 = stats.rows.iter().map(|r| r.issued).sum();
    assert_eq!(total, 1, "nothing else was issued: {stats:?}");

    // And the whole hall stops on Ctrl-C.
    let children = descendants(demo.pid);
    assert!(children.len() >= 2, "printer and display run as children");
    assert!(demo.interrupt().success());
    for pid in children {
        assert!(!alive(pid), "child {pid} still running after Ctrl-C");
    }
}
