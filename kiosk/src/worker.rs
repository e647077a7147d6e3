//! Everything slow, on one thread with a tokio runtime, so the screen never freezes: the ticket
//! server (issue, booking look-up and check-in, services, the live event stream) and the printer (status, printing, fault
//! reports). Results go back to the UI through a sink function; in the program the sink posts to
//! Slint's event loop, in tests it is a channel the test drains.
//!
//! The printer is a blocking byte stream owned by [`PrinterPort`] behind a std `Mutex`: tickets
//! and status polls take turns on it inside `spawn_blocking`, so a status query can never land in
//! the middle of a ticket's bytes.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use antri_wire::client::{Client, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::{
    BuildingView, Category, DeviceReport, EventKind, IssuedTicket, PrinterStatus, ServicesResponse,
};
use tokio::sync::mpsc;

use crate::checkin::Lookup;
use crate::controller::{outcome_of_check_in_error, outcome_of_issue_error, Command, Outcome};
use crate::printer::driver::{status_or_disconnected, Connection};
use crate::printer::status::describe;
use crate::printer::ticket::{self, Booked, Layout, Logo, PaperWidth};
use crate::printer::uri::PrinterUri;

/// What the worker tells the UI.
#[derive(Clone, Debug)]
pub enum ToUi {
    Services(Box<ServicesResponse>),
    Waiting(BTreeMap<String, u32>),
    ServerReachable(bool),
    Printer(Option<PrinterStatus>),
    Outcome(Box<Outcome>),
    /// What the server said about a booking code.
    Booking(Lookup),
    /// From the tap: to the server's answer, to the last ticket byte handed to the printer link
    /// (`None` when nothing was sent), and to the end of the after-ticket status check.
    Timing {
        issue: Duration,
        last_byte: Option<Duration>,
        done: Duration,
    },
}

#[derive(Clone, Debug)]
pub enum ToWorker {
    Issue {
        service: String,
        category: Category,
        tapped_at: Instant,
    },
    LookUpBooking {
        code: String,
    },
    CheckIn {
        code: String,
        category: Category,
        tapped_at: Instant,
    },
}

impl ToWorker {
    /// The controller's command, tapped at `tapped_at`, as the worker takes it.
    pub fn of(cmd: Command, tapped_at: Instant) -> ToWorker {
        match cmd {
            Command::Issue { service, category } => ToWorker::Issue {
                service,
                category,
                tapped_at,
            },
            Command::LookUpBooking { code } => ToWorker::LookUpBooking { code },
            Command::CheckIn { code, category } => ToWorker::CheckIn {
                code,
                category,
                tapped_at,
            },
        }
    }
}

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub server: String,
    pub token: String,
    pub printer: PrinterUri,
    pub paper: PaperWidth,
    pub logo: Option<Logo>,
    pub footer: Vec<String>,
    pub printer_poll: Duration,
    /// How often the services (opening hours, breaks, quota) are fetched again between events.
    pub services_refresh: Duration,
}

/// How one ticket went on paper.
#[derive(Clone, Debug, PartialEq)]
pub enum PrintResult {
    /// On paper; `Some(PaperNearEnd)` is a warning worth reporting.
    Printed(Option<PrinterStatus>),
    Failed {
        fault: PrinterStatus,
        detail: String,
    },
}

/// The printer link, opened on demand and dropped when it breaks so the next use reopens it:
/// that is how the kiosk recovers by itself when a cable is plugged back in.
pub struct PrinterPort {
    uri: PrinterUri,
    conn: Option<Connection>,
}

impl PrinterPort {
    pub fn new(uri: PrinterUri) -> PrinterPort {
        PrinterPort { uri, conn: None }
    }

    fn connection(&mut self) -> Result<&mut Connection, String> {
        if self.conn.is_none() {
            self.conn = Some(Connection::open(&self.uri).map_err(|e| e.to_string())?);
        }
        Ok(self.conn.as_mut().expect("just opened"))
    }

    /// `(None, _)` on a one-way link, where nothing can be known before a write fails.
    pub fn status(&mut self) -> (Option<PrinterStatus>, String) {
        let conn = match self.connection() {
            Ok(c) => c,
            Err(e) => return (Some(PrinterStatus::Disconnected), e),
        };
        let (status, detail) = status_or_disconnected(conn);
        if matches!(
            status,
            Some(PrinterStatus::Disconnected | PrinterStatus::Error)
        ) {
            self.conn = None;
        }
        let detail =
            detail.unwrap_or_else(|| status.map(describe).unwrap_or("one-way link").to_string());
        (status, detail)
    }

    /// Status, asking once more on a fresh connection if the old one was dead: a printer that
    /// was switched off and on (or a TCP link that went stale) leaves a connection that fails
    /// once although the printer itself is fine.
    pub fn status_fresh(&mut self) -> (Option<PrinterStatus>, String) {
        let had_conn = self.conn.is_some();
        let first = self.status();
        if had_conn && matches!(first.0, Some(PrinterStatus::Disconnected)) {
            return self.status();
        }
        first
    }

    /// Status, ticket, status. Nothing is sent to a printer that reports a fault: a real printer
    /// (and the emulator) would hold the bytes and print them when repaired, long after the
    /// visitor left with the number from the screen — a stray ticket nobody asked for.
    /// Also returns when the ticket's last byte was handed to the link, if it was (for timing).
    pub fn print(&mut self, bytes: &[u8]) -> (PrintResult, Option<Instant>) {
        let (before, detail) = self.status_fresh();
        if let Some(fault) = before.filter(|s| s.is_fault()) {
            return (PrintResult::Failed { fault, detail }, None);
        }
        let written = match self.connection() {
            Ok(conn) => conn.write_all(bytes).map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        if let Err(detail) = written {
            self.conn = None;
            let fault = PrinterStatus::Disconnected;
            return (PrintResult::Failed { fault, detail }, None);
        }
        let last_byte_at = Some(Instant::now());
        // No second chance here: if the link broke while the ticket went out, nobody knows how
        // much of it printed, so the visitor gets the number on screen.
        let (after, detail) = self.status();
        let result = match after {
            Some(fault) if fault.is_fault() => PrintResult::Failed { fault, detail },
            Some(PrinterStatus::PaperNearEnd) => {
                PrintResult::Printed(Some(PrinterStatus::PaperNearEnd))
            }
            _ => PrintResult::Printed(None),
        };
        (result, last_byte_at)
    }
}

pub struct WorkerHandle {
    tx: mpsc::UnboundedSender<ToWorker>,
    _thread: std::thread::JoinHandle<()>,
}

impl WorkerHandle {
    /// A sender for code that outlives a borrow of the handle (the UI's callbacks).
    pub fn sender(&self) -> mpsc::UnboundedSender<ToWorker> {
        self.tx.clone()
    }

    pub fn send(&self, cmd: ToWorker) {
        // The worker lives as long as the program; a send error only happens at shutdown.
        let _ = self.tx.send(cmd);
    }
}

type Sink = Arc<dyn Fn(ToUi) + Send + Sync>;

struct Shared {
    client: Client,
    printer: Mutex<PrinterPort>,
    building: Mutex<Option<BuildingView>>,
    /// The server's warnings for the technician from the last services fetch (a snapshot of the
    /// event stream does not carry them).
    warnings: Mutex<Vec<antri_wire::Text>>,
    /// The printer status the server last accepted, so each change is reported once.
    reported: Mutex<Option<PrinterStatus>>,
    /// Wakes the services refresher early (after the server was found unreachable).
    wake_refresh: tokio::sync::Notify,
    cfg: WorkerConfig,
    sink: Sink,
}

pub fn spawn(cfg: WorkerConfig, sink: impl Fn(ToUi) + Send + Sync + 'static) -> WorkerHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let thread = std::thread::Builder::new()
        .name("kiosk-worker".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime starts");
            rt.block_on(run(cfg, Arc::new(sink), rx));
        })
        .expect("worker thread starts");
    WorkerHandle {
        tx,
        _thread: thread,
    }
}

async fn run(cfg: WorkerConfig, sink: Sink, mut rx: mpsc::UnboundedReceiver<ToWorker>) {
    let shared = Arc::new(Shared {
        client: Client::new(&cfg.server, Some(cfg.token.clone())),
        printer: Mutex::new(PrinterPort::new(cfg.printer.clone())),
        building: Mutex::new(None),
        warnings: Mutex::new(Vec::new()),
        reported: Mutex::new(None),
        wake_refresh: tokio::sync::Notify::new(),
        cfg,
        sink,
    });
    tokio::spawn(follow_events(shared.clone()));
    tokio::spawn(refresh_services(shared.clone()));
    tokio::spawn(watch_printer(shared.clone()));
    while let Some(cmd) = rx.recv().await {
        match cmd {
            // One at a time: the UI allows one ticket per visitor anyway, and the printer is one.
            ToWorker::Issue {
                service,
                category,
                tapped_at,
            } => {
                let issued = shared.client.issue(&service, category).await;
                let issued = issued.map(|t| (t, None)).map_err(|e| {
                    tracing::warn!(error = %e, service, "ticket not issued");
                    outcome_of_issue_error(&e)
                });
                print_issued(&shared, issued, tapped_at).await
            }
            ToWorker::LookUpBooking { code } => {
                let lookup = Lookup::of(shared.client.booking(&code).await);
                if lookup == Lookup::ServerDown {
                    (shared.sink)(ToUi::ServerReachable(false));
                    shared.wake_refresh.notify_one();
                }
                (shared.sink)(ToUi::Booking(lookup));
            }
            ToWorker::CheckIn {
                code,
                category,
                tapped_at,
            } => {
                let checked = shared.client.check_in(&code, category).await;
                let issued = checked
                    .map(|c| {
                        let booked = Booked {
                            session: c.session,
                            nik_masked: c.nik_masked,
                        };
                        (c.issued, Some(booked))
                    })
                    .map_err(|e| {
                        tracing::warn!(error = %e, "booking not checked in");
                        outcome_of_check_in_error(&e)
                    });
                print_issued(&shared, issued, tapped_at).await
            }
        }
    }
}

/// Print a ticket the server issued (a walk-in's, or a booking's at check-in with `Booked`), or
/// tell the visitor why there is none.
///
/// Exactly one request per tap. If the answer is lost the ticket may exist on the server, but
/// asking again could make a second one: the visitor is told to ask an officer instead.
async fn print_issued(
    shared: &Arc<Shared>,
    issued: Result<(IssuedTicket, Option<Booked>), Outcome>,
    tapped_at: Instant,
) {
    let (issued, booked) = match issued {
        Ok(t) => t,
        Err(outcome) => {
            if outcome == Outcome::ServerDown {
                (shared.sink)(ToUi::ServerReachable(false));
            }
            // Either way the kiosk's picture was out of date (a closed service, a lost server):
            // fetch it again now rather than at the next periodic refresh.
            shared.wake_refresh.notify_one();
            (shared.sink)(ToUi::Outcome(Box::new(outcome)));
            return;
        }
    };
    let issued_at = Instant::now();
    let layout = layout(shared);
    let bytes = ticket::render(&issued, booked.as_ref(), &layout);
    let (result, last_byte) = match bytes {
        Ok(bytes) => {
            let s = shared.clone();
            tokio::task::spawn_blocking(move || {
                s.printer
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .print(&bytes)
            })
            .await
            .unwrap_or_else(|e| {
                let fault = PrinterStatus::Error;
                let detail = e.to_string();
                (PrintResult::Failed { fault, detail }, None)
            })
        }
        Err(e) => {
            let fault = PrinterStatus::Error;
            let detail = e.to_string();
            (PrintResult::Failed { fault, detail }, None)
        }
    };
    let printed_at = Instant::now();
    (shared.sink)(ToUi::Timing {
        issue: issued_at - tapped_at,
        last_byte: last_byte.map(|t| t - tapped_at),
        done: printed_at - tapped_at,
    });
    let outcome = outcome_of_print(issued, &result);
    match &result {
        PrintResult::Printed(warning) => {
            let status = warning.unwrap_or(PrinterStatus::Ok);
            note_printer(shared, Some(status), describe(status).to_string()).await;
        }
        PrintResult::Failed { fault, detail } => {
            tracing::warn!(?fault, detail, "ticket not printed; shown on screen");
            note_printer(shared, Some(*fault), detail.clone()).await;
        }
    }
    (shared.sink)(ToUi::Outcome(Box::new(outcome)));
}

pub fn outcome_of_print(ticket: IssuedTicket, result: &PrintResult) -> Outcome {
    match result {
        PrintResult::Printed(_) => Outcome::Printed { ticket },
        PrintResult::Failed { fault, .. } => Outcome::NotPrinted {
            ticket,
            fault: *fault,
        },
    }
}

fn layout(shared: &Shared) -> Layout {
    let building = shared
        .building
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Layout {
        paper: shared.cfg.paper,
        building: building
            .as_ref()
            .map(|b| b.name.clone())
            .unwrap_or_default(),
        timezone_abbrev: building.map(|b| b.timezone_abbrev).unwrap_or_default(),
        logo: shared.cfg.logo.clone(),
        footer: shared.cfg.footer.clone(),
    }
}

/// Tell the UI about a printer status, and the server when it changed since it last heard.
async fn note_printer(shared: &Arc<Shared>, status: Option<PrinterStatus>, detail: String) {
    (shared.sink)(ToUi::Printer(status));
    let Some(status) = status else { return };
    let last = *shared.reported.lock().unwrap_or_else(|p| p.into_inner());
    if last == Some(status) {
        return;
    }
    let report = DeviceReport {
        printer: status,
        detail: Some(detail),
    };
    match shared.client.report_device_status(&report).await {
        Ok(_) => *shared.reported.lock().unwrap_or_else(|p| p.into_inner()) = Some(status),
        // Not marked as reported: the next poll tries again, so the dashboard catches up.
        Err(e) => tracing::debug!(error = %e, "printer status not reported yet"),
    }
}

/// Between tickets: ask the printer how it is, so faults, warnings and repairs reach the
/// dashboard (and the start screen) without waiting for a visitor.
async fn watch_printer(shared: Arc<Shared>) {
    loop {
        let s = shared.clone();
        let polled = tokio::task::spawn_blocking(move || {
            s.printer
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .status_fresh()
        })
        .await;
        if let Ok((status, detail)) = polled {
            note_printer(&shared, status, detail).await;
        }
        tokio::time::sleep(shared.cfg.printer_poll).await;
    }
}

async fn fetch_services(shared: &Arc<Shared>) -> bool {
    match shared.client.services().await {
        Ok(r) => {
            *shared.building.lock().unwrap_or_else(|p| p.into_inner()) = Some(r.building.clone());
            let mut known = shared.warnings.lock().unwrap_or_else(|p| p.into_inner());
            if *known != r.warnings {
                for w in &r.warnings {
                    tracing::warn!("server: {}", w.en);
                }
                known.clone_from(&r.warnings);
            }
            drop(known);
            (shared.sink)(ToUi::Services(Box::new(r)));
            true
        }
        Err(e) => {
            tracing::debug!(error = %e, "services not fetched");
            false
        }
    }
}

/// Opening hours and breaks change with the clock, not with events: fetch the picture again now
/// and then. While the server is unreachable this is also the retry loop.
async fn refresh_services(shared: Arc<Shared>) {
    loop {
        let ok = fetch_services(&shared).await;
        let wait = if ok {
            shared.cfg.services_refresh
        } else {
            Duration::from_secs(1)
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shared.wake_refresh.notified() => {}
        }
    }
}

/// The live stream keeps waiting counts current while a visitor looks; it reconnects by itself.
async fn follow_events(shared: Arc<Shared>) {
    let mut rx = shared.client.subscribe(None);
    while let Some(item) = rx.recv().await {
        match item {
            StreamItem::Connected => {
                // After a reconnect the stream resumes from its position without a snapshot:
                // fetch the whole picture so nothing that changed meanwhile is missed.
                fetch_services(&shared).await;
            }
            StreamItem::Disconnected => (shared.sink)(ToUi::ServerReachable(false)),
            StreamItem::Message(StreamMessage::Snapshot(s)) => {
                *shared.building.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(s.building.clone());
                (shared.sink)(ToUi::Services(Box::new(ServicesResponse {
                    building: s.building,
                    agencies: s.agencies,
                    services: s.services,
                    seq: s.seq,
                    warnings: shared
                        .warnings
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .clone(),
                })));
            }
            StreamItem::Message(StreamMessage::Event(e)) => {
                if !e.waiting.is_empty() {
                    (shared.sink)(ToUi::Waiting(e.waiting.clone()));
                }
                // A new day or an admin's change (quota, hours, services): read the board again.
                if matches!(
                    e.kind,
                    EventKind::DayStarted { .. } | EventKind::ConfigChanged { .. }
                ) {
                    fetch_services(&shared).await;
                }
            }
        }
    }
}
