//! Real parts for the kiosk's tests: the ticket server in-process on 127.0.0.1, the `emupos`
//! printer emulator (a third-party program from PyPI) on TCP and on a pty, `zbarimg` to read the
//! QR code from the emulator's picture of the ticket, and the kiosk's Slint UI under the testing
//! backend with the software renderer, driven by accessible labels.
#![allow(dead_code)] // each test file uses a different part of this kit

use std::net::{SocketAddr, TcpListener as StdListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Proc, Stdio};
use std::rc::Rc;
use std::sync::mpsc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use antri_wire::client::{Client, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::{DeviceReport, PrinterStatus};
use i_slint_backend_testing::{ElementHandle, ElementQuery};
use kiosk::adapter::Kiosk;
use kiosk::controller::{Command, Controller, Lang, Timings};
use kiosk::printer::ticket::{Logo, PaperWidth};
use kiosk::printer::uri::PrinterUri;
use kiosk::worker::{self, ToUi, ToWorker, WorkerConfig, WorkerHandle};
use kiosk::{KioskAdapter, KioskWindow};
use slint::ComponentHandle;

pub const KIOSK_TOKEN: &str = "demo-kiosk-1-token";
pub const DISPLAY_TOKEN: &str = "demo-display-hall-token";
/// Services are open on a Tuesday at 09:00 WIB in the sample building.
pub const OPEN_TUESDAY: &str = "2026-11-24T09:00:00+07:00";

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---- the ticket server ----------------------------------------------------------------------

/// The real ticket server on its own runtime thread; stop it and start it again on the same port
/// and database to play "server down, server back".
pub struct Server {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    clock_start: String,
    tweak: fn(&mut ticket_server::config::Config),
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_at(OPEN_TUESDAY)
    }

    pub fn start_at(clock_start: &str) -> Server {
        Server::start_with(clock_start, |_| {})
    }

    /// The sample building, changed by `tweak` (e.g. a tiny quota).
    pub fn start_with(clock_start: &str, tweak: fn(&mut ticket_server::config::Config)) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Server {
            addr: "127.0.0.1:0".parse().unwrap(),
            dir,
            tweak,
            clock_start: clock_start.to_string(),
            stop: None,
            thread: None,
        };
        s.run(StdListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        s
    }

    fn run(&mut self, listener: StdListener) {
        self.addr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let db_path = self.dir.path().join("antri.db");
        let clock_start: chrono::DateTime<chrono::FixedOffset> = self.clock_start.parse().unwrap();
        let mut config = ticket_server::config::Config::example();
        (self.tweak)(&mut config);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                use ticket_server::{
                    clock::Clock,
                    server::{run, ServerOptions},
                };
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let opts = ServerOptions {
                    config,
                    db_path,
                    clock: Clock::starting_at(clock_start),
                };
                run(listener, opts, async move {
                    let _ = rx.await;
                })
                .await
                .expect("ticket server runs");
            });
            // Dropping the runtime ends the open event streams too: clients see the server gone.
        });
        self.stop = Some(tx);
        self.thread = Some(thread);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread ends");
        }
    }

    /// Back on the same address and database, as after a restart.
    pub fn restart(&mut self) {
        self.stop();
        let listener = StdListener::bind(self.addr).expect("rebind the same port");
        self.run(listener);
    }

    /// What the server's device list (the supervisor's dashboard) says about our kiosk's printer.
    pub fn kiosk_report(&self) -> Option<DeviceReport> {
        let client = Client::new(&self.url(), Some(DISPLAY_TOKEN.into()));
        block_on(async move {
            let mut rx = client.subscribe(None);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            loop {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Ok(Some(StreamItem::Message(StreamMessage::Snapshot(s)))) => {
                        return s
                            .devices
                            .into_iter()
                            .find(|d| d.id == "kiosk-1")
                            .and_then(|d| d.report);
                    }
                    Ok(Some(_)) => continue,
                    _ => return None,
                }
            }
        })
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url(), Some(KIOSK_TOKEN.into()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Wait for something outside the process (a child program starting, a file appearing). These
/// are other programs' clocks, which a test cannot pass in; the deadline bounds the test.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- the printer emulator -------------------------------------------------------------------

pub fn emupos_path() -> PathBuf {
    let p = std::env::var_os("ANTRI_EMUPOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(".venv/bin/emupos"));
    assert!(
        p.exists(),
        "the printer emulator is missing at {}.\nInstall it with:\n  \
         /root/.pyenv/versions/3.13.0/bin/python -m venv .venv && .venv/bin/pip install emupos==0.4.*\n\
         (from the workspace root), or point ANTRI_EMUPOS at an emupos executable.",
        p.display()
    );
    p
}

pub fn zbarimg(png: &Path) -> String {
    let out = Proc::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg not runnable ({e}); install Debian's zbar-tools"));
    assert!(
        out.status.success(),
        "zbarimg found no QR code in {}",
        png.display()
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One emulated ESC/POS printer (`kiosk`), reachable on TCP and through a pty.
pub struct Emupos {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub api: String,
    pub tcp_port: u16,
    api_port: u16,
}

impl Emupos {
    pub fn start() -> Emupos {
        let dir = tempfile::tempdir().unwrap();
        let mut e = Emupos {
            child: None,
            dir,
            api: String::new(),
            tcp_port: free_port(),
            api_port: free_port(),
        };
        e.api = format!("http://127.0.0.1:{}", e.api_port);
        e.launch();
        e
    }

    fn launch(&mut self) {
        let cfg = self.dir.path().join("emupos.yaml");
        std::fs::write(
            &cfg,
            format!(
                "schema: 1\napi: {{ host: 127.0.0.1, port: {api} }}\ndevices:\n  - id: kiosk\n    type: printer\n    \
                 profile: epson-tm-t20iii\n    connections:\n      - tcp: {{ host: 127.0.0.1, port: {tcp} }}\n      \
                 - serial: {{ pty: true, link: kioskpty }}\n    job_idle_timeout_ms: 500\n    receipts_dir: {dir}\n",
                api = self.api_port,
                tcp = self.tcp_port,
                dir = self.receipts_dir().display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(self.dir.path().join("emupos.log")).unwrap();
        let child = Proc::new(emupos_path())
            .args(["run", "--config"])
            .arg(&cfg)
            .env("TMPDIR", self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("emupos starts");
        self.child = Some(child);
        let (api, tcp) = (self.api_port, self.tcp_port);
        let deadline = Instant::now() + Duration::from_secs(30);
        let up = |p: u16| TcpStream::connect(("127.0.0.1", p)).is_ok();
        while !(up(api) && up(tcp) && self.pty().exists()) {
            if Instant::now() > deadline {
                let log =
                    std::fs::read_to_string(self.dir.path().join("emupos.log")).unwrap_or_default();
                panic!("emupos did not start within 30 s; its output:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn receipts_dir(&self) -> PathBuf {
        self.dir.path().join("receipts")
    }

    /// The serial side: emupos publishes its pty at `$TMPDIR/emupos/<link>`.
    pub fn pty(&self) -> PathBuf {
        self.dir.path().join("emupos").join("kioskpty")
    }

    pub fn tcp_uri(&self) -> PrinterUri {
        format!("tcp:127.0.0.1:{}", self.tcp_port).parse().unwrap()
    }

    /// Through the link, like `/dev/serial/by-id/...` on a real kiosk: it survives a restart.
    pub fn serial_uri(&self) -> PrinterUri {
        format!("serial:{}?baud=19200", self.pty().display())
            .parse()
            .unwrap()
    }

    /// `emupos fault set|clear kiosk <fault>` through its own CLI, as a person would.
    pub fn fault(&self, on: bool, fault: &str) {
        let out = Proc::new(emupos_path())
            .args([
                "--api",
                &self.api,
                "fault",
                if on { "set" } else { "clear" },
                "kiosk",
                fault,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "emupos fault: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Completed receipts (their ids), oldest first.
    pub fn receipts(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(self.receipts_dir())
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()
                            .and_then(|n| n.strip_suffix(".json"))
                            .map(String::from)
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    pub fn receipt_text(&self, id: &str) -> String {
        std::fs::read_to_string(self.receipts_dir().join(format!("{id}.txt"))).unwrap()
    }

    pub fn receipt_png(&self, id: &str) -> PathBuf {
        self.receipts_dir().join(format!("{id}.png"))
    }

    pub fn wait_receipt(&self, before: usize) -> String {
        wait_for("a completed receipt", Duration::from_secs(10), || {
            let r = self.receipts();
            (r.len() > before).then(|| r.last().unwrap().clone())
        })
    }

    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Power the printer back on: same ports, same pty link name.
    pub fn restart(&mut self) {
        self.kill();
        let _ = std::fs::remove_file(self.pty());
        self.launch();
    }
}

impl Drop for Emupos {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---- the kiosk UI ---------------------------------------------------------------------------

/// Slint's testing backend with the software renderer, so windows can be snapshotted to PNG.
/// The platform is per thread, and the test harness runs each test on its own thread.
pub fn init_ui() {
    let _ = slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
        i_slint_backend_testing::TestingBackendOptions {
            mock_time: true,
            threading: false,
            renderer_name: Some("software".into()),
        },
    )));
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

pub fn logo(paper: PaperWidth) -> Logo {
    let bytes = std::fs::read(workspace().join("assets/printer/logo.png")).unwrap();
    Logo::from_png(&bytes, paper).unwrap()
}

impl Ui {
    pub fn start(server: &str, printer: PrinterUri, timings: Timings) -> Ui {
        Ui::start_with(server, printer, timings, PaperWidth::Mm80)
    }

    pub fn start_with(
        server: &str,
        printer: PrinterUri,
        timings: Timings,
        paper: PaperWidth,
    ) -> Ui {
        init_ui();
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let worker = worker::spawn(
            WorkerConfig {
                server: server.to_string(),
                token: KIOSK_TOKEN.into(),
                printer,
                paper,
                logo: Some(logo(paper)),
                footer: vec!["Terima kasih / Thank you".into()],
                printer_poll: Duration::from_millis(300),
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
        let ctl = Controller::new(timings, Lang::Id, Instant::now());
        let send = worker.sender();
        let kiosk = Kiosk::new(window, ctl, move |cmd, tapped_at| match cmd {
            Command::Issue { service, category } => {
                let _ = send.send(ToWorker::Issue {
                    service,
                    category,
                    tapped_at,
                });
            }
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
        self.kiosk.window.window().request_redraw();
        let buf = self
            .kiosk
            .window
            .window()
            .take_snapshot()
            .expect("snapshot");
        save_png(path, buf.width(), buf.height(), buf.as_bytes());
    }

    pub fn resize(&self, w: u32, h: u32) {
        self.kiosk
            .window
            .window()
            .set_size(slint::PhysicalSize::new(w, h));
    }
}

pub fn save_png(path: &Path, w: u32, h: u32, rgba: &[u8]) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    let f = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(f), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(rgba).unwrap();
}

/// The printer status the server last heard from the kiosk, waited for.
pub fn wait_report(server: &Server, want: PrinterStatus) -> DeviceReport {
    wait_for(
        &format!("the server to show printer {want:?}"),
        Duration::from_secs(10),
        || server.kiosk_report().filter(|r| r.printer == want),
    )
}

pub const AGENCY: &str = "Dinas Kependudukan dan Pencatatan Sipil";
pub const SERVICE: &str = "KTP Elektronik";

impl Ui {
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

/// A photo-like picture of a printed ticket: the emulator's render on warm thermal paper with a
/// cut edge and a shadow, on a desk. For the README: people recognise a ticket, not a bitmap.
pub fn ticket_photo(src: &Path, dst: &Path) {
    let mut dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(src).unwrap()));
    dec.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let ch = info.color_type.samples();
    // Blank paper above and below the print, as the cutter leaves it.
    let (pad_top, pad_bottom) = (24usize, 40usize);
    let ink_at = |x: usize, y: usize| {
        y >= pad_top && y < pad_top + h && buf[((y - pad_top) * w + x) * ch] < 128
    };
    let h = h + pad_top + pad_bottom;

    let (margin, cw) = (90usize, w + 180);
    let ch_total = h + 180;
    let mut out = vec![0u8; cw * ch_total * 4];
    let mut seed = 0x2545F491u32;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        (seed % 9) as i32 - 4
    };
    // Sawtooth of the cutter/tear bar, 10 px wide teeth, 6 px deep.
    let tooth = |x: usize| {
        (if (x / 10).is_multiple_of(2) {
            x % 10
        } else {
            10 - x % 10
        }) * 6
            / 10
    };
    for y in 0..ch_total {
        for x in 0..cw {
            // Desk: dark warm grey, lighter towards the top.
            let shade = 58 - (y * 20 / ch_total) as i32;
            let mut px = [shade + 8, shade + 2, shade - 4];
            // Soft shadow below-right of the paper.
            let (sx, sy) = (x as i32 - margin as i32 - 14, y as i32 - margin as i32 - 18);
            if sx >= -10 && sy >= -10 && sx < w as i32 + 10 && sy < h as i32 + 10 {
                let edge = [sx + 10, sy + 10, w as i32 + 10 - sx, h as i32 + 10 - sy]
                    .into_iter()
                    .min()
                    .unwrap()
                    .min(20);
                for c in &mut px {
                    *c -= edge * 2 / 3;
                }
            }
            let (px_x, px_y) = (x as i32 - margin as i32, y as i32 - margin as i32);
            let on_paper = px_x >= 0
                && px_y >= 0
                && (px_x as usize) < w
                && (px_y as usize) < h
                && (px_y as usize) >= tooth(px_x as usize)
                && (h - 1 - px_y as usize) >= tooth(px_x as usize + 5);
            if on_paper {
                let n = noise();
                px = if ink_at(px_x as usize, px_y as usize) {
                    [40 + n, 40 + n, 46 + n]
                } else {
                    [250 + n / 2, 246 + n / 2, 236 + n / 2]
                };
            }
            let o = (y * cw + x) * 4;
            for (i, c) in px.iter().enumerate() {
                out[o + i] = (*c).clamp(0, 255) as u8;
            }
            out[o + 3] = 255;
        }
    }
    save_png(dst, cw as u32, ch_total as u32, &out);
}
