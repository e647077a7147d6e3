//! The kiosk program's window and wiring, as a library function so that other launchers (the
//! `antri-demo` hall) run exactly the program `kiosk` runs: reads the config, opens the window,
//! wires the pieces of the library together (see lib.rs for the map).

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use anyhow::Context;
use slint::ComponentHandle;

use crate::adapter::{Kiosk, TICK};
use crate::config::Config;
use crate::controller::{Command, Controller};
use crate::printer::ticket::Logo;
use crate::worker::{self, ToWorker, WorkerConfig};

thread_local! {
    // The kiosk lives on the UI thread; the worker's messages are posted there and find it here.
    static KIOSK: OnceCell<Rc<Kiosk>> = const { OnceCell::new() };
}

/// Run the kiosk with the config at `config` until its window closes. `started` is when the
/// process started, for the start-up time it logs.
pub fn run(config: &Path, windowed: bool, started: Instant) -> anyhow::Result<()> {
    let cfg = Config::load(config)?;
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

    let window = crate::KioskWindow::new().context("opening the kiosk window")?;
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
    if !windowed {
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
