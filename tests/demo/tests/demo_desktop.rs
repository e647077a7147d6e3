//! The demo as a newcomer sees it on one ordinary desktop: `antri-demo --simulate` on a 1920×1080
//! or 1366×768 screen puts the kiosk and the hall display side by side, each whole, neither
//! covering the other; the simulated visitors take their tickets through the kiosk window, so the
//! printer emulator saves each as a picture. The root window is grabbed, as a person would see it
//! (no window manager: the placement is the launcher's own, not a window manager's rescue).
//!
//! Root-window pictures go to `$CARGO_TARGET_TMPDIR/screenshots/`, and to `docs/screenshots/`
//! with `ANTRI_UPDATE_SCREENSHOTS=1`.

mod common;

use std::time::Duration;

use antri_ui::screen::Area;
use antri_ui::xvfb::Xvfb;
use common::{receipts, wait_for, Demo};

fn overlap(a: &Area, b: &Area) -> bool {
    a.x < b.x + b.width as i32
        && b.x < a.x + a.width as i32
        && a.y < b.y + b.height as i32
        && b.y < a.y + a.height as i32
}

fn on_screen(a: &Area, width: u32, height: u32) -> bool {
    a.x >= 0 && a.y >= 0 && a.x as u32 + a.width <= width && a.y as u32 + a.height <= height
}

/// `with_calls`: also wait for a call on the hall display (and a ticket on the kiosk's screen).
fn demo_on_a_desktop(width: u32, height: u32, with_calls: bool) {
    let x = Xvfb::start(width, height).unwrap();
    let demo = Demo::start(Some(&x.display), &["--simulate", "--quiet"]);
    let windows = wait_for("kiosk and display windows", Duration::from_secs(60), || {
        let w = x.windows().unwrap();
        (w.len() == 2).then_some(w)
    });
    for w in &windows {
        assert!(
            on_screen(w, width, height),
            "{w:?} not within {width}x{height}"
        );
    }
    assert!(!overlap(&windows[0], &windows[1]), "{windows:?} overlap");
    let (kiosk, display) = if windows[0].height > windows[0].width {
        (windows[0], windows[1])
    } else {
        (windows[1], windows[0])
    };
    assert!(kiosk.height > kiosk.width, "a portrait kiosk: {kiosk:?}");
    assert!(
        display.width > display.height,
        "a landscape hall display: {display:?}"
    );

    // A simulated visitor walks up to the kiosk, taps through it, and the ticket is printed.
    let tickets = demo.path("tickets");
    wait_for(
        "a simulated visitor's printed ticket",
        Duration::from_secs(90),
        || (!receipts(&tickets).is_empty()).then_some(()),
    );
    let first = &receipts(&tickets)[0];
    assert!(
        tickets.join(format!("{first}.png")).exists(),
        "the ticket's picture"
    );
    // …having walked through every screen, as a person does.
    let walked = |log: &str, screen: &str| {
        log.lines()
            .any(|l| l.contains("screen shown") && l.contains(screen))
    };
    wait_for(
        "the visitor's result screen",
        Duration::from_secs(20),
        || walked(&demo.log("kiosk"), "result").then_some(()),
    );
    let kiosk_log = demo.log("kiosk");
    for screen in ["agencies", "services", "category", "printing"] {
        assert!(
            walked(&kiosk_log, screen),
            "the visitor went through the {screen} screen:\n{kiosk_log}"
        );
    }

    if with_calls {
        // The simulated officers (arriving over the first 30 s) call the visitors' tickets, and
        // the hall display shows them.
        wait_for(
            "a call on the hall display",
            Duration::from_secs(90),
            || {
                demo.log("display")
                    .contains("shown on the hall screen")
                    .then_some(())
            },
        );
        // The picture for the README: the kiosk showing a visitor their printed number.
        wait_for("a kiosk showing a ticket", Duration::from_secs(60), || {
            let log = demo.log("kiosk");
            let last = log.lines().rev().find(|l| l.contains("screen shown"))?;
            last.contains("result").then_some(())
        });
        std::thread::sleep(Duration::from_millis(500)); // the frame after the change
    }
    let shot = x.grab().unwrap();
    let name = format!("demo-desktop-{width}x{height}.png");
    let path = antri_testkit::screenshot_path!(&name);
    shot.save_png(&path, 1).unwrap();
    antri_testkit::shots::publish(&path);
}

#[test]
fn the_demo_fits_a_1920x1080_desktop_and_its_visitors_tickets_are_printed_and_called() {
    demo_on_a_desktop(1920, 1080, true);
}

#[test]
fn the_demo_fits_a_1366x768_desktop() {
    demo_on_a_desktop(1366, 768, false);
}
