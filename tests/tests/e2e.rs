//! The whole hall, end to end, with the real programs: `antri-demo` runs the ticket server, the
//! `emupos` printer emulator and the hall display program (its own window, under Xvfb). A visitor
//! takes a ticket at a kiosk — the kiosk library's real UI, worker and printer driver, driven by the
//! accessible labels a visitor reads, under Slint's testing backend in this process (a window
//! under Xvfb has no way to be tapped by label) — and the ticket comes out of the emulator; an
//! officer calls it over HTTP; the display program shows it (its log line, read back from its
//! window's state) and announces it (a WAV file); the supervisor's statistics count it.

mod common;

use std::rc::Rc;
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use antri_wire::client::Client;
use antri_wire::StatsGroup;
use common::*;
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use kiosk::adapter::Kiosk;
use kiosk::controller::{Command, Controller, Lang, Timings};
use kiosk::printer::ticket::PaperWidth;
use kiosk::worker::{self, ToUi, ToWorker, WorkerConfig, WorkerHandle};
use kiosk::{KioskAdapter, KioskWindow};
use slint::ComponentHandle;

const AGENCY: &str = "Dinas Kependudukan dan Pencatatan Sipil";
const SERVICE: &str = "KTP Elektronik";

/// A kiosk as the `kiosk` program wires it (`kiosk::app`), with the worker's messages applied by
/// this test instead of an event loop.
struct KioskUi {
    kiosk: Rc<Kiosk>,
    rx: mpsc::Receiver<ToUi>,
    _worker: WorkerHandle,
}

impl KioskUi {
    fn start(server: &str, printer_port: u16) -> KioskUi {
        let _ =
            slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
                i_slint_backend_testing::TestingBackendOptions {
                    mock_time: true,
                    threading: false,
                    renderer_name: Some("software".into()),
                },
            )));
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let worker = worker::spawn(
            WorkerConfig {
                server: server.to_string(),
                token: "demo-kiosk-1-token".into(),
                printer: format!("tcp:127.0.0.1:{printer_port}").parse().unwrap(),
                paper: PaperWidth::Mm80,
                logo: None,
                footer: vec!["Terima kasih / Thank you".into()],
                printer_poll: Duration::from_secs(5),
                services_refresh: Duration::from_secs(30),
            },
            move |m| {
                let _ = tx.lock().unwrap().send(m);
            },
        );
        let window = KioskWindow::new().unwrap();
        window
            .window()
            .set_size(slint::PhysicalSize::new(1080, 1920));
        window.show().unwrap();
        let send = worker.sender();
        let kiosk = Kiosk::new(
            window,
            Controller::new(Timings::default(), Lang::Id, Instant::now()),
            move |cmd, tapped_at| match cmd {
                Command::Issue { service, category } => {
                    let _ = send.send(ToWorker::Issue {
                        service,
                        category,
                        tapped_at,
                    });
                }
            },
        );
        KioskUi {
            kiosk,
            rx,
            _worker: worker,
        }
    }

    fn adapter(&self) -> KioskAdapter<'_> {
        self.kiosk.window.global::<KioskAdapter>()
    }

    fn pump_until(&self, what: &str, timeout: Duration, cond: impl Fn(&KioskUi) -> bool) {
        let deadline = Instant::now() + timeout;
        while !cond(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; labels: {:?}",
                self.labels()
            );
            if let Ok(m) = self.rx.recv_timeout(left.min(Duration::from_millis(50))) {
                self.kiosk.apply(m);
            }
        }
    }

    fn labels(&self) -> Vec<String> {
        ElementQuery::from_root(&self.kiosk.window)
            .match_descendants()
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Tap the control a visitor reads as `label`.
    fn tap(&self, label: &str) {
        ElementHandle::find_by_accessible_label(&self.kiosk.window, label)
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "no control labelled {label:?}; visible: {:?}",
                    self.labels()
                )
            })
            .invoke_accessible_default_action();
    }
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
    let ui = KioskUi::start(&demo.url, demo.printer_port);
    ui.pump_until("the hall's services", Duration::from_secs(15), |u| {
        u.adapter().get_server_ok() && u.kiosk.ctl.borrow().hall.services.len() > 1
    });
    ui.tap("Ambil nomor antrian");
    ui.tap(AGENCY);
    ui.tap(SERVICE);
    ui.tap("Umum");
    ui.pump_until("the result screen", Duration::from_secs(15), |u| {
        u.adapter().get_screen() == 5
    });
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
        let l = c.login("petugas1", "antri").await.unwrap();
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
        let l = c.login("supervisor", "antri").await.unwrap();
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
