//! The kiosk program's window and wiring, as a library function so that other launchers (the
//! `antri-demo` hall) run exactly the program `kiosk` runs: reads the config, opens the window,
//! wires the pieces of the library together (see lib.rs for the map).

use std::cell::OnceCell;
use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use antri_ui::screen::{Design, Fit, Placement};
use anyhow::Context;
use slint::ComponentHandle;

use crate::adapter::{Kiosk, TICK};
use crate::config::Config;
use crate::controller::Controller;
use crate::printer::ticket::Logo;
use crate::visitors::{next_tap, Dice, Pace, Tap};
use crate::worker::{self, ToWorker, WorkerConfig};

thread_local! {
    // The kiosk lives on the UI thread; the worker's messages are posted there and find it here.
    static KIOSK: OnceCell<Rc<Kiosk>> = const { OnceCell::new() };
}

/// The size the kiosk's screens are laid out for; other screens get it scaled to fit.
pub const DESIGN: Design = Design {
    portrait: (1080, 1920),
    landscape: (1920, 1080),
    windowed_portrait: true,
};

/// Run the kiosk with the config at `config` until its window closes. `started` is when the
/// process started, for the start-up time it logs.
/// `visitors`: simulated visitors taking tickets through this kiosk (the demo hall); `None` on a
/// real kiosk.
pub fn run(
    config: &Path,
    placement: Placement,
    visitors: Option<Pace>,
    started: Instant,
) -> anyhow::Result<()> {
    let cfg = Config::load(config)?;
    // Before any thread starts: placing the window sets the scale factor in the environment.
    let fit = Fit::decide(placement, &DESIGN, antri_ui::screen::monitor)?;
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
    fit.apply(window.window());
    tracing::info!(area = %fit.area, scale = fit.scale, fullscreen = fit.fullscreen, "window placed");
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
    let kiosk = Kiosk::new(window, controller, move |cmd, tapped_at| {
        worker.send(ToWorker::of(cmd, tapped_at))
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
    let _visitors = visitors.map(|pace| simulate_visitors(&kiosk, pace));
    // Start-up time to the first frame, for the benchmark (issue item 7). The software renderer
    // reports no rendering events, so the program logs the first turn of its event loop: the
    // window is shown and its first frame requested.
    slint::Timer::single_shot(std::time::Duration::ZERO, move || {
        tracing::info!(elapsed = ?started.elapsed(), "first frame: event loop running, window shown");
    });
    kiosk.window.run().context("running the kiosk window")?;
    Ok(())
}

/// Let simulated visitors tap through the kiosk's screens (see [`crate::visitors`]); they stop
/// when the returned timer is dropped.
fn simulate_visitors(kiosk: &Rc<Kiosk>, pace: Pace) -> slint::Timer {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let mut dice = Dice::new(seed);
    let (gap_min, gap_max) = (pace.gap_min, pace.gap_max);
    let gap_for = move |dice: &mut Dice| {
        let spread = gap_max.saturating_sub(gap_min).as_millis() as usize;
        gap_min + std::time::Duration::from_millis(dice.below(spread.max(1)) as u64)
    };
    let mut gap = gap_for(&mut dice);
    let mut shown = (kiosk.ctl.borrow().screen.clone(), Instant::now());
    let weak = Rc::downgrade(kiosk);
    let timer = slint::Timer::default();
    timer.start(
        slint::TimerMode::Repeated,
        std::time::Duration::from_millis(200),
        move || {
            let Some(k) = weak.upgrade() else { return };
            let now = Instant::now();
            let tap = {
                let c = k.ctl.borrow();
                if c.screen != shown.0 {
                    shown = (c.screen.clone(), now);
                }
                next_tap(&c, now - shown.1, gap, &pace, &mut dice)
            };
            let Some(tap) = tap else { return };
            if tap == Tap::Home {
                gap = gap_for(&mut dice);
            }
            // The same callbacks a finger on the screen triggers.
            let g = k.window.global::<crate::KioskAdapter>();
            match tap {
                Tap::Start => g.invoke_start(),
                Tap::Agency(id) => g.invoke_choose_agency(id.into()),
                Tap::Service(id) => g.invoke_choose_service(id.into()),
                Tap::Category(i) => g.invoke_choose_category(i),
                Tap::Home => g.invoke_home(),
            }
            // A tap that changed nothing (the screen was rebuilt meanwhile) is not repeated at once.
            shown.1 = now;
        },
    );
    timer
}
