//! The kiosk as the `kiosk` program wires it (`kiosk::app`) — its real UI, worker and printer
//! driver — under Slint's testing backend with the software renderer, with the worker's messages
//! applied by the test instead of an event loop, and tapped by the accessible labels a visitor
//! reads.

use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use i_slint_backend_testing::{ElementHandle, ElementQuery};
use kiosk::adapter::Kiosk;
use kiosk::controller::{Controller, Lang, Timings};
use kiosk::printer::ticket::{Logo, PaperWidth};
use kiosk::printer::uri::PrinterUri;
use kiosk::worker::{self, ToUi, ToWorker, WorkerConfig, WorkerHandle};
use kiosk::{KioskAdapter, KioskWindow};
use slint::ComponentHandle;

pub use crate::ui::init_ui;
use antri_testkit::KIOSK_TOKEN;

/// The sample building's first agency and its first service, as a visitor reads them.
pub const AGENCY: &str = "Dinas Kependudukan dan Pencatatan Sipil";
pub const SERVICE: &str = "KTP Elektronik";

/// The logo the sample kiosk prints (`assets/printer/logo.png`).
pub fn logo(paper: PaperWidth) -> Logo {
    let bytes = std::fs::read(antri_testkit::workspace().join("assets/printer/logo.png")).unwrap();
    Logo::from_png(&bytes, paper).unwrap()
}

/// The worker of kiosk 1 as the sample kiosk config sets it up: the logo, the footer, the printer
/// polled every 300 ms.
pub fn worker_config(server: &str, printer: PrinterUri, paper: PaperWidth) -> WorkerConfig {
    WorkerConfig {
        server: server.to_string(),
        token: KIOSK_TOKEN.into(),
        printer,
        paper,
        logo: Some(logo(paper)),
        footer: vec!["Terima kasih / Thank you".into()],
        printer_poll: Duration::from_millis(300),
        services_refresh: Duration::from_secs(30),
    }
}

/// (tap → server answer, tap → last printer byte) of one ticket.
pub type TicketTiming = (Duration, Option<Duration>);

pub struct Ui {
    pub kiosk: Rc<Kiosk>,
    rx: mpsc::Receiver<ToUi>,
    _worker: WorkerHandle,
    /// (tap → server answer, tap → last printer byte) of each ticket.
    pub timings_log: Rc<std::cell::RefCell<Vec<TicketTiming>>>,
}

impl Ui {
    /// Kiosk 1 on 80 mm paper, standing (1080×1920), in Bahasa Indonesia.
    pub fn start(server: &str, printer: PrinterUri, timings: Timings) -> Ui {
        Ui::start_with(server, printer, timings, PaperWidth::Mm80)
    }

    pub fn start_with(
        server: &str,
        printer: PrinterUri,
        timings: Timings,
        paper: PaperWidth,
    ) -> Ui {
        Ui::with_worker(worker_config(server, printer, paper), timings)
    }

    /// Any worker configuration (see [`worker_config`] for the usual one).
    pub fn with_worker(config: WorkerConfig, timings: Timings) -> Ui {
        init_ui();
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let worker = worker::spawn(config, move |m| {
            let _ = tx.lock().unwrap().send(m);
        });
        let window = KioskWindow::new().unwrap();
        window
            .window()
            .set_size(slint::PhysicalSize::new(1080, 1920));
        window.show().unwrap();
        let ctl = Controller::new(timings, Lang::Id, Instant::now());
        let send = worker.sender();
        let kiosk = Kiosk::new(window, ctl, move |cmd, tapped_at| {
            let _ = send.send(ToWorker::of(cmd, tapped_at));
        });
        Ui {
            kiosk,
            rx,
            _worker: worker,
            timings_log: Default::default(),
        }
    }

    pub fn adapter(&self) -> KioskAdapter<'_> {
        self.kiosk.window.global::<KioskAdapter>()
    }

    /// Apply the worker's messages until `cond` holds, as the event loop would.
    pub fn pump_until(&self, what: &str, timeout: Duration, cond: impl Fn(&Ui) -> bool) {
        let deadline = Instant::now() + timeout;
        while !cond(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; screen {} server_ok {} labels: {:?}",
                    self.adapter().get_screen(),
                    self.adapter().get_server_ok(),
                    self.labels()
                );
            }
            if let Ok(m) = self.rx.recv_timeout(left.min(Duration::from_millis(50))) {
                if let ToUi::Timing {
                    issue, last_byte, ..
                } = &m
                {
                    self.timings_log.borrow_mut().push((*issue, *last_byte));
                }
                self.kiosk.apply(m);
            }
        }
    }

    /// Until the kiosk has heard from the server and knows the hall's services.
    pub fn wait_ready(&self) {
        self.pump_until("the hall's services", Duration::from_secs(15), |u| {
            u.adapter().get_server_ok() && u.kiosk.ctl.borrow().hall.services.len() > 1
        });
    }

    pub fn find(&self, label: &str) -> Option<ElementHandle> {
        ElementHandle::find_by_accessible_label(&self.kiosk.window, label).next()
    }

    /// Tap the control a visitor reads as `label` (its accessible label, in the current language).
    pub fn tap(&self, label: &str) {
        let e = self.find(label).unwrap_or_else(|| {
            panic!(
                "no visible control labelled {label:?}; visible: {:?}",
                self.labels()
            )
        });
        e.invoke_accessible_default_action();
    }

    /// Type into the kiosk's window as a USB barcode scanner (a keyboard) does: each character a
    /// key press and release, in a burst; `\n` is Enter.
    pub fn type_keys(&self, text: &str) {
        use slint::platform::WindowEvent;
        let w = self.kiosk.window.window();
        for c in text.chars() {
            let text: slint::SharedString = c.to_string().into();
            w.dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
            w.dispatch_event(WindowEvent::KeyReleased { text });
        }
    }

    pub fn labels(&self) -> Vec<String> {
        ElementQuery::from_root(&self.kiosk.window)
            .match_descendants()
            .find_all()
            .into_iter()
            .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
            .filter(|l| !l.is_empty())
            .collect()
    }

    pub fn screen(&self) -> i32 {
        self.adapter().get_screen()
    }

    /// Render the window as it is to a PNG file.
    pub fn snapshot(&self, path: &Path) {
        crate::ui::snapshot(self.kiosk.window.window(), path);
    }

    pub fn resize(&self, w: u32, h: u32) {
        self.kiosk
            .window
            .window()
            .set_size(slint::PhysicalSize::new(w, h));
    }

    /// Start → agency → service → category, then wait for the result screen.
    pub fn take_ticket(&self, agency: &str, service: &str, category: &str) {
        self.tap("Ambil nomor antrian");
        self.tap(agency);
        self.tap(service);
        self.tap(category);
        assert_eq!(self.screen(), 4, "printing");
        self.pump_until("the result screen", Duration::from_secs(15), |u| {
            u.screen() == 5
        });
    }

    pub fn outcome(&self) -> kiosk::controller::Outcome {
        match &self.kiosk.ctl.borrow().screen {
            kiosk::controller::Screen::Result { outcome, .. } => outcome.clone(),
            other => panic!("not on the result screen: {other:?}"),
        }
    }

    pub fn done(&self) {
        self.tap("Selesai");
        assert_eq!(self.screen(), 0);
    }
}
