//! `counter-display`: the hall's wall display or the display above one loket.
//!
//! This file only parses arguments and wires the library together (see `lib.rs` for the map):
//! the worker thread feeds frames to the UI thread and calls to the speech thread.
//!
//! ```text
//! counter-display --config display.toml          run (mode from the config)
//! counter-display example-config                 print the commented example config
//! counter-display say KTP-012 3 --out call.wav   render one announcement to a WAV file
//! ```

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use counter_display::adapter::{self, HallScreen, PAGE_SECONDS};
use counter_display::config::{Config, Mode};
use counter_display::speech::clips::ClipSet;
use counter_display::speech::queue::{SpeechQueue, SpeechSettings};
use counter_display::speech::render::{render, to_wav};
use counter_display::speech::sink::{Player, Sink, WavDir};
use counter_display::speech::words::announcement;
use counter_display::worker::{self, Controller};
use counter_display::{HallWindow, LoketWindow};
use slint::ComponentHandle;

#[derive(Parser)]
#[command(
    name = "counter-display",
    about = "Antri wall display and loket display"
)]
struct Args {
    /// The display's TOML config (see `example-config`).
    #[arg(long, env = "ANTRI_DISPLAY_CONFIG", default_value = "display.toml")]
    config: PathBuf,
    /// Run in a window instead of full screen.
    #[arg(long)]
    windowed: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the commented example configuration.
    ExampleConfig,
    /// Render the announcement of one call to a WAV file (to listen to it, or to check clips).
    Say {
        /// The ticket number as printed, e.g. KTP-012.
        number: String,
        /// The loket it is called to.
        loket: u32,
        #[arg(long)]
        out: PathBuf,
        /// Add the English part.
        #[arg(long)]
        english: bool,
        #[arg(long, default_value_t = 90)]
        volume: u8,
        /// Recorded clips replacing the built-in ones.
        #[arg(long)]
        clips_dir: Option<PathBuf>,
    },
}

thread_local! {
    /// The hall screen lives on the UI thread; frames from the worker reach it through the event loop.
    static HALL: RefCell<Option<HallScreen>> = const { RefCell::new(None) };
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,counter_display=info".into()),
        )
        .init();
    let args = Args::parse();
    match args.command {
        Some(Command::ExampleConfig) => {
            print!("{}", counter_display::config::EXAMPLE);
            Ok(())
        }
        Some(Command::Say {
            number,
            loket,
            out,
            english,
            volume,
            clips_dir,
        }) => {
            if volume > 100 {
                bail!("--volume is 0–100");
            }
            let clips = load_clips(clips_dir.as_deref())?;
            let samples = render(&announcement(&number, loket, english), &clips, volume)?;
            std::fs::write(&out, to_wav(&samples)?)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: {:.2} s",
                out.display(),
                samples.len() as f32 / 16_000.0
            );
            Ok(())
        }
        None => run(Config::load(&args.config)?, args.windowed),
    }
}

fn load_clips(dir: Option<&std::path::Path>) -> Result<ClipSet> {
    Ok(match dir {
        Some(d) => ClipSet::with_overrides(d)?,
        None => ClipSet::embedded()?,
    })
}

fn run(config: Config, windowed: bool) -> Result<()> {
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
        config.loket,
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
            let on_frame = |frame| {
                let _ = slint::invoke_from_event_loop(move || {
                    HALL.with(|h| {
                        if let Some(s) = h.borrow_mut().as_mut() {
                            s.show(frame);
                        }
                    })
                });
            };
            worker::spawn(client, controller, on_frame, on_call)?;
            window.window().set_fullscreen(!windowed);
            window.run()?;
        }
        Mode::Loket => {
            let window = LoketWindow::new()?;
            let weak = window.as_weak();
            let on_frame = move |frame: adapter::Frame| {
                let _ = weak.upgrade_in_event_loop(move |w| adapter::show_loket(&w, &frame));
            };
            worker::spawn(client, controller, on_frame, on_call)?;
            window.window().set_fullscreen(!windowed);
            window.run()?;
        }
    }
    if let Some(q) = speech {
        q.finish();
    }
    Ok(())
}
