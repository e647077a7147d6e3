//! Real parts for the display's tests beyond the shared kit (`antri-testkit`: the ticket server
//! in-process, stoppable and restartable on the same port and database; Slint's testing backend):
//! officers acting through the shared client, and the display itself — the real worker loop,
//! speech queue and Slint screens under the testing backend — read back through accessible labels.
#![allow(dead_code, unused_imports)] // each test file uses a different part of this kit

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

pub use antri_testkit::{
    block_on, screenshot_path, shots, workspace, Server, DISPLAY_HALL_TOKEN as DISPLAY_TOKEN,
    KIOSK_TOKEN, PASSWORD,
};
pub use antri_testkit_ui::ui::{init_ui, snapshot as screenshot};

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
                    .login(&antri_testkit::officer_name(i), PASSWORD)
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
