//! The display program's window and wiring, as a library function so that other launchers (the
//! `antri-demo` hall) run exactly the program `counter-display` runs: the worker thread feeds
//! frames to the UI thread and calls to the speech thread.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use antri_ui::screen::{Design, Fit, Placement};
use anyhow::{Context, Result};
use slint::ComponentHandle;

use crate::adapter::{self, HallScreen, PAGE_SECONDS};
use crate::config::{Config, Mode};
use crate::speech::clips::ClipSet;
use crate::speech::queue::{SpeechQueue, SpeechSettings};
use crate::speech::sink::{Player, Sink, WavDir};
use crate::worker::{self, Controller};
use crate::{DisplayAdapter, HallWindow, LoketWindow};

thread_local! {
    /// The hall screen lives on the UI thread; frames from the worker reach it through the event loop.
    static HALL: RefCell<Option<HallScreen>> = const { RefCell::new(None) };
    /// Sequence number of the newest call last logged as shown, so each call is logged once.
    static SHOWN_SEQ: Cell<Option<u64>> = const { Cell::new(None) };
}

pub fn load_clips(dir: Option<&std::path::Path>) -> Result<ClipSet> {
    Ok(match dir {
        Some(d) => ClipSet::with_overrides(d)?,
        None => ClipSet::embedded()?,
    })
}

/// The size the hall screen is laid out for (a 1080p TV); other screens get it scaled to fit.
pub const HALL_DESIGN: Design = Design {
    portrait: (1080, 1920),
    landscape: (1920, 1080),
    windowed_portrait: false,
};

/// The size the loket screen is laid out for (the common 7–10" 1024×600 panel).
pub const LOKET_DESIGN: Design = Design {
    portrait: (600, 1024),
    landscape: (1024, 600),
    windowed_portrait: false,
};

/// Run the display described by `config` until its window closes.
pub fn run(config: Config, placement: Placement) -> Result<()> {
    // Before any thread starts: placing the window sets the scale factor in the environment.
    let design = match config.mode {
        Mode::Hall => &HALL_DESIGN,
        Mode::Loket => &LOKET_DESIGN,
    };
    let fit = Fit::decide(placement, design, antri_ui::screen::monitor)?;
    tracing::info!(area = %fit.area, scale = fit.scale, fullscreen = fit.fullscreen, "window placed");
    let speech = if config.audio.enabled {
        let clips = load_clips(config.audio.clips_dir.as_deref())?;
        let sink: Box<dyn Sink> = match &config.audio.wav_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                Box::new(WavDir {
                    dir: dir.clone(),
                    next: 0,
                })
            }
            None => Box::new(Player {
                command: config.audio.player.clone(),
            }),
        };
        let settings = SpeechSettings {
            english: config.audio.english,
            volume: config.audio.volume,
            mute: config.audio.mute,
        };
        Some(SpeechQueue::start(clips, settings, sink, None))
    } else {
        None
    };

    let client = antri_wire::client::Client::new(&config.server, Some(config.token.clone()));
    let controller = Controller::new(
        config.own_loket(),
        config.running_text.clone(),
        Duration::from_secs(config.offline_after_secs),
        chrono::Utc::now(),
    );
    // The queue itself stays here until the window closes; the worker only gets a sender.
    let say = speech.as_ref().map(SpeechQueue::sender);
    let on_call = move |call| {
        if let Some(s) = &say {
            s.say(call);
        }
    };

    match config.mode {
        Mode::Hall => {
            let window = HallWindow::new()?;
            fit.apply(window.window());
            let screen = HallScreen::new(window.clone_strong());
            if let Some(logo) = &config.logo {
                match slint::Image::load_from_path(logo) {
                    Ok(img) => screen.set_logo(img),
                    Err(_) => {
                        tracing::warn!(path = %logo.display(), "logo not readable; shown without")
                    }
                }
            }
            HALL.with(|h| *h.borrow_mut() = Some(screen));
            let pager = slint::Timer::default();
            pager.start(
                slint::TimerMode::Repeated,
                Duration::from_secs(PAGE_SECONDS),
                || {
                    HALL.with(|h| h.borrow_mut().as_mut().map(HallScreen::next_page))
                        .unwrap_or(())
                },
            );
            let on_frame = |frame: adapter::Frame| {
                let _ = slint::invoke_from_event_loop(move || {
                    HALL.with(|h| {
                        if let Some(s) = h.borrow_mut().as_mut() {
                            let seq = frame.hall.newest.as_ref().map(|c| c.seq);
                            s.show(frame);
                            log_newest_shown(s, seq);
                        }
                    })
                });
            };
            worker::spawn(client, controller, on_frame, on_call)?;
            window.run()?;
        }
        Mode::Loket => {
            let window = LoketWindow::new()?;
            fit.apply(window.window());
            let weak = window.as_weak();
            let on_frame = move |frame: adapter::Frame| {
                let _ = weak.upgrade_in_event_loop(move |w| adapter::show_loket(&w, &frame));
            };
            worker::spawn(client, controller, on_frame, on_call)?;
            window.run()?;
        }
    }
    if let Some(q) = speech {
        q.finish();
    }
    Ok(())
}

/// One log line per call as the hall screen shows it (read back from the window's own state), so
/// an operator, or a test running the real program, can see what the wall shows without a camera.
fn log_newest_shown(screen: &HallScreen, seq: Option<u64>) {
    if seq.is_none() || SHOWN_SEQ.with(Cell::get) == seq {
        return;
    }
    SHOWN_SEQ.with(|s| s.set(seq));
    let a = screen.window.global::<DisplayAdapter>();
    if a.get_has_newest() {
        tracing::info!(
            number = %a.get_newest_number(),
            loket = a.get_newest_counter(),
            service = %a.get_newest_service(),
            "shown on the hall screen"
        );
    }
}
