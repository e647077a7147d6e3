//! Real parts for the display's tests: the ticket server in-process on 127.0.0.1 (stoppable and
//! restartable on the same port and database), officers acting through the shared client, and the
//! display itself — the real worker loop, speech queue and Slint screens under the testing backend
//! — read back through accessible labels.
#![allow(dead_code)] // each test file uses a different part of this kit

use std::net::SocketAddr;
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use antri_wire::client::Client;
use antri_wire::{Category, CounterActionResult};
use counter_display::adapter::{Frame, HallScreen};
use counter_display::speech::clips::ClipSet;
use counter_display::speech::queue::{SpeechQueue, SpeechSettings, Spoken};
use counter_display::speech::sink::WavDir;
use counter_display::worker::{self, Controller};
use counter_display::HallWindow;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

pub const DISPLAY_TOKEN: &str = "demo-display-hall-token";
pub const KIOSK_TOKEN: &str = "demo-kiosk-1-token";
/// Services are open on a Tuesday at 09:00 WIB in the sample building.
pub const OPEN_TUESDAY: &str = "2026-11-24T09:00:00+07:00";

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

// ---- the ticket server ----------------------------------------------------------------------

/// The real ticket server on its own runtime thread.
pub struct Server {
    pub addr: SocketAddr,
    pub dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start() -> Server {
        let mut s = Server {
            addr: "127.0.0.1:0".parse().unwrap(),
            dir: tempfile::tempdir().expect("temp dir"),
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
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                use ticket_server::clock::Clock;
                use ticket_server::server::{run, ServerOptions};
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let start: chrono::DateTime<chrono::FixedOffset> = OPEN_TUESDAY.parse().unwrap();
                let opts = ServerOptions {
                    config: ticket_server::config::Config::example(),
                    db_path,
                    clock: Clock::starting_at(start),
                };
                run(listener, opts, async move {
                    let _ = rx.await;
                })
                .await
                .expect("ticket server runs");
            });
            // Dropping the runtime ends the open event streams: the display sees the server gone.
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

/// The hall's staff: a kiosk issuing tickets and the officers of lokets `1..=lokets` (in the
/// sample building officer `petugasN` acts on lokets 2N-1 and 2N).
pub struct Hall {
    pub kiosk: Client,
    officers: Vec<Client>,
}

impl Hall {
    pub fn new(server: &Server, lokets: u32) -> Hall {
        let kiosk = Client::new(&server.url(), Some(KIOSK_TOKEN.into()));
        let anon = Client::new(&server.url(), None);
        let officers = block_on(async {
            let mut v = Vec::new();
            for i in 1..=lokets.div_ceil(2) {
                let login = anon
                    .login(&format!("petugas{i}"), "antri")
                    .await
                    .expect("officer logs in");
                v.push(anon.with_token(login.token));
            }
            v
        });
        Hall { kiosk, officers }
    }

    /// The officer who may act on loket `n`.
    pub fn officer(&self, n: u32) -> &Client {
        &self.officers[(n as usize - 1) / 2]
    }

    /// Open lokets `1..=n`.
    pub fn open(&self, n: u32) {
        block_on(async {
            for l in 1..=n {
                self.officer(l)
                    .counter_action(l, "open")
                    .await
                    .expect("loket opens");
            }
        })
    }

    /// Issue a ticket for each service, in order; returns the ticket numbers.
    pub fn issue(&self, services: &[&str]) -> Vec<String> {
        block_on(async {
            let mut out = Vec::new();
            for s in services {
                let t = self
                    .kiosk
                    .issue(s, Category::Regular)
                    .await
                    .expect("ticket issued");
                out.push(t.ticket.number);
            }
            out
        })
    }

    /// Call the next ticket at loket `n`; returns the number called.
    pub fn call_next(&self, n: u32) -> String {
        let r: CounterActionResult =
            block_on(self.officer(n).call_next(n)).expect("call-next works");
        r.ticket.expect("a ticket was called").number
    }

    pub fn action(&self, n: u32, action: &str) {
        block_on(self.officer(n).counter_action(n, action)).expect("loket action works");
    }
}

// ---- the display --------------------------------------------------------------------------

/// The real display stack minus the window system: the worker loop against the server, the
/// speech queue writing each announcement as a WAV, and the hall screen under Slint's testing
/// backend, fed frames on this (the UI) thread.
pub struct Display {
    pub screen: HallScreen,
    /// Frames from the worker, with the instant the worker produced each (right after the stream
    /// item that changed the picture was received and applied).
    frames: mpsc::Receiver<(Frame, Instant)>,
    pub spoken: mpsc::Receiver<Spoken>,
    pub wav_dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    speech: Option<SpeechQueue>,
}

impl Display {
    pub fn start(server_url: &str, offline_after: Duration) -> Display {
        init_ui();
        let window = HallWindow::new().expect("hall window");
        window
            .window()
            .set_size(slint::PhysicalSize::new(1920, 1080));
        let screen = HallScreen::new(window);

        let wav_dir = tempfile::tempdir().unwrap();
        let (spoken_tx, spoken) = mpsc::channel();
        let speech = SpeechQueue::start(
            ClipSet::embedded().expect("clips"),
            SpeechSettings {
                english: false,
                volume: 90,
                mute: false,
            },
            Box::new(WavDir {
                dir: wav_dir.path().to_path_buf(),
                next: 0,
            }),
            Some(spoken_tx),
        );
        let say = speech.sender();

        let (frame_tx, frames) = mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let client = Client::new(server_url, Some(DISPLAY_TOKEN.into()));
        let controller = Controller::new(
            None,
            "Selamat datang".into(),
            offline_after,
            chrono::Utc::now(),
        );
        let thread = std::thread::spawn(move || {
            block_on(worker::run(
                client,
                controller,
                move |f| {
                    let _ = frame_tx.send((f, Instant::now()));
                },
                move |call| {
                    say.say(call);
                },
                async move {
                    let _ = stop_rx.await;
                },
            ))
        });
        Display {
            screen,
            frames,
            spoken,
            wav_dir,
            stop: Some(stop_tx),
            thread: Some(thread),
            speech: Some(speech),
        }
    }

    /// Show frames as they come until `check` holds for the screen, or panic after `timeout`
    /// (the deadline bounds a test whose server or display is broken; it never paces a passing one).
    pub fn until(
        &mut self,
        what: &str,
        timeout: Duration,
        mut check: impl FnMut(&Display) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            if check(self) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.frames.recv_timeout(left) {
                Ok((f, _)) => self.screen.show(f),
                Err(_) => panic!("timed out after {timeout:?} waiting until {what}"),
            }
        }
    }

    /// Show every frame that has arrived so far.
    pub fn drain(&mut self) {
        while let Ok((f, _)) = self.frames.try_recv() {
            self.screen.show(f);
        }
    }

    /// The next frame from the worker and when it was produced, if one comes within `timeout`.
    pub fn next_frame(&mut self, timeout: Duration) -> Option<(Frame, Instant)> {
        self.frames.recv_timeout(timeout).ok()
    }

    /// The accessible value of the first element with `label`, if on screen.
    pub fn value(&self, label: &str) -> Option<String> {
        ElementHandle::find_by_accessible_label(&self.screen.window, label)
            .next()
            .and_then(|e| e.accessible_value())
            .map(|v| v.to_string())
    }

    /// Accessible values of every element with `label`, top to bottom.
    pub fn values(&self, label: &str) -> Vec<String> {
        ElementHandle::find_by_accessible_label(&self.screen.window, label)
            .filter_map(|e| e.accessible_value())
            .map(|v| v.to_string())
            .collect()
    }

    /// Stop the worker, let the speech queue finish what it has, and return everything spoken.
    pub fn finish(mut self) -> (Vec<Spoken>, tempfile::TempDir) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        if let Some(q) = self.speech.take() {
            q.finish();
        }
        let spoken = self.spoken.try_iter().collect();
        (spoken, self.wav_dir)
    }
}

/// Slint's testing backend with the software renderer, so windows can be snapshotted to PNG, and
/// mock time, so nothing on screen moves by itself between two looks.
pub fn init_ui() {
    let _ = slint::platform::set_platform(Box::new(i_slint_backend_testing::TestingBackend::new(
        i_slint_backend_testing::TestingBackendOptions {
            mock_time: true,
            threading: false,
            renderer_name: Some("software".into()),
        },
    )));
}

/// Save the window's pixels as a PNG.
pub fn screenshot(window: &slint::Window, path: &Path) {
    let shot = window.take_snapshot().expect("snapshot");
    let (w, h) = (shot.width(), shot.height());
    let file = std::fs::File::create(path).expect("create png");
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().unwrap();
    wr.write_image_data(shot.as_bytes()).unwrap();
}
