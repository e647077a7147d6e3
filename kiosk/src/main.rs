//! The kiosk program: reads its config, opens the full-screen window, and wires the pieces of the
//! `kiosk` library together (see lib.rs for the map). `kiosk example-config` prints a commented
//! config.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use kiosk::adapter::{Kiosk, TICK};
use kiosk::config::{Config, EXAMPLE};
use kiosk::controller::{Command, Controller};
use kiosk::printer::ticket::Logo;
use kiosk::worker::{self, ToWorker, WorkerConfig};
use slint::ComponentHandle;

#[derive(Parser)]
#[command(about = "Antri touchscreen kiosk: visitors take a queue ticket")]
struct Args {
    /// Kiosk config file (see `kiosk example-config`).
    #[arg(long, short, env = "ANTRI_KIOSK_CONFIG", default_value = "kiosk.toml")]
    config: PathBuf,
    /// Run in a normal window instead of full screen (for trying it on a desktop).
    #[arg(long)]
    windowed: bool,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print a commented example config.
    ExampleConfig,
}

thread_local! {
    // The kiosk lives on the UI thread; the worker's messages are posted there and find it here.
    static KIOSK: OnceCell<Rc<Kiosk>> = const { OnceCell::new() };
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    if let Some(Cmd::ExampleConfig) = args.command {
        print!("{EXAMPLE}");
        return Ok(());
    }
    let cfg = Config::load(&args.config)?;
    let logo = match &cfg.logo {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading logo {}", path.display()))?;
            Some(
                Logo::from_png(&bytes, cfg.paper)
                    .with_context(|| format!("logo {}", path.display()))?,
            )
        }
        None => None,
    };

    let window = kiosk::KioskWindow::new().context("opening the kiosk window")?;
    let worker = worker::spawn(
        WorkerConfig {
            server: cfg.server.clone(),
            token: cfg.token.clone(),
            printer: cfg.printer.clone(),
            paper: cfg.paper,
            logo,
            footer: cfg.footer.clone(),
            printer_poll: cfg.printer_poll,
            services_refresh: std::time::Duration::from_secs(30),
        },
        |msg| {
            let _ = slint::invoke_from_event_loop(move || {
                KIOSK.with(|k| {
                    if let Some(k) = k.get() {
                        k.apply(msg)
                    }
                })
            });
        },
    );
    let controller = Controller::new(cfg.timings, cfg.language, Instant::now());
    let kiosk = Kiosk::new(window, controller, move |cmd, tapped_at| match cmd {
        Command::Issue { service, category } => worker.send(ToWorker::Issue {
            service,
            category,
            tapped_at,
        }),
    });
    KIOSK.with(|k| {
        let _ = k.set(kiosk.clone());
    });

    let timer = slint::Timer::default();
    let weak = Rc::downgrade(&kiosk);
    timer.start(slint::TimerMode::Repeated, TICK, move || {
        if let Some(k) = weak.upgrade() {
            k.tick(Instant::now());
        }
    });
    if !args.windowed {
        kiosk.window.window().set_fullscreen(true);
    }
    // Start-up time to the first frame, for the benchmark (issue item 7). The software renderer
    // reports no rendering events, so the program logs the first turn of its event loop: the
    // window is shown and its first frame requested.
    slint::Timer::single_shot(std::time::Duration::ZERO, move || {
        tracing::info!(elapsed = ?started.elapsed(), "first frame: event loop running, window shown");
    });
    kiosk.window.run().context("running the kiosk window")?;
    Ok(())
}
