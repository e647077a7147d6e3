//! The kiosk as it is installed: the shipped systemd unit's command line (the same binary, the
//! same arguments, its config from the unit's environment), full screen on a bare X server with no
//! window manager, at the sizes kiosks come in. A technician's check, not the program's own
//! buffer: the X server's root window is grabbed, the kiosk's window must cover the whole screen,
//! the "take a number" button must be on it, and a touch there must open the agency list. A
//! barcode scanner (a USB keyboard) typing a booking code and Enter reaches the window.
//!
//! Root-window pictures are written to `$CARGO_TARGET_TMPDIR/screenshots/`, and to
//! `docs/screenshots/` with `ANTRI_UPDATE_SCREENSHOTS=1`.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use antri_testkit::process::Reaped;
use antri_testkit_ui::xvfb::start_as_installed;
use antri_ui::xvfb::{Shot, Xvfb};
use common::{screenshot_path, wait_for, workspace, Emupos, Server, KIOSK_TOKEN};

/// Theme.accent: the kiosk's primary buttons.
const ACCENT: [u8; 3] = [0xff, 0xc8, 0x45];

fn save(shot: &Shot, name: &str) {
    antri_testkit_ui::xvfb::save(shot, &screenshot_path!(name));
}

/// The example config, as a technician would install it, pointed at this server and printer.
fn kiosk_config(dir: &Path, server: &Server, printer: &Emupos) -> PathBuf {
    let path = dir.join("kiosk.toml");
    let logo = workspace().join("assets/printer/logo.png");
    let text = kiosk::config::EXAMPLE
        .replace("http://127.0.0.1:8080", &server.url())
        .replace(
            "tcp:127.0.0.1:9100",
            &format!("tcp:127.0.0.1:{}", printer.tcp_port),
        )
        .replace("../assets/printer/logo.png", &logo.display().to_string());
    assert!(text.contains(KIOSK_TOKEN));
    std::fs::write(&path, text).unwrap();
    path
}

/// The unit's kiosk on a `width`×`height` screen: covers it, shows the button, opens on a touch.
/// `window_manager`: with openbox running first (a kiosk installed on a desktop system).
fn kiosk_fills_the_screen(width: u32, height: u32, window_manager: bool) {
    let server = Server::start();
    let printer = Emupos::start();
    let config = kiosk_config(server.dir.path(), &server, &printer);
    let x = Xvfb::start(width, height).unwrap();
    let _wm = window_manager.then(|| {
        let wm = std::process::Command::new("openbox")
            .env("DISPLAY", &x.display)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("openbox runs (tests/setup-tools --all installs it)");
        let wm = Reaped(wm);
        wait_for(
            "openbox to manage the screen",
            Duration::from_secs(20),
            || x.window_manager_running().unwrap().then_some(()),
        );
        wm
    });
    let kiosk = start_as_installed(
        "antri-kiosk.service",
        "ANTRI_KIOSK_CONFIG",
        &config,
        Path::new(env!("CARGO_BIN_EXE_kiosk")),
        &x,
    );

    // The start screen with its button, once the kiosk has the hall from the server.
    let (shot, button) = wait_for("the take-a-number button", Duration::from_secs(30), || {
        let shot = x.grab().unwrap();
        let b = shot.bounds_of(ACCENT, 6, width / 3)?;
        Some((shot, b))
    });
    save(
        &shot,
        &format!("installed-kiosk-{width}x{height}-1-start.png"),
    );
    let inside = button.x >= 0
        && button.y >= 0
        && button.x as u32 + button.width <= width
        && button.y as u32 + button.height <= height;
    assert!(inside, "button {button:?} not within {width}x{height}");
    // A finger's size at least (the design's button is 220–320 px high at scale 1).
    assert!(
        button.height >= 120,
        "button {button:?} is too small to touch"
    );

    x.tap(
        button.x + button.width as i32 / 2,
        button.y + button.height as i32 / 2,
    )
    .unwrap();
    wait_for(
        "the agency list after a touch",
        Duration::from_secs(10),
        || {
            kiosk
                .log()
                .lines()
                .any(|l| l.contains("screen shown") && l.contains("agencies"))
                .then_some(())
        },
    );
    let after = wait_for("the agency list on screen", Duration::from_secs(10), || {
        let s = x.grab().unwrap();
        (s.differing_pixels(&shot) > (width * height / 10) as usize).then_some(s)
    });
    save(
        &after,
        &format!("installed-kiosk-{width}x{height}-2-agencies.png"),
    );
}

#[test]
fn portrait_kiosk_1080x1920_fills_its_screen_and_answers_a_touch() {
    kiosk_fills_the_screen(1080, 1920, false);
}

#[test]
fn landscape_kiosk_1920x1080_fills_its_screen_and_answers_a_touch() {
    kiosk_fills_the_screen(1920, 1080, false);
}

#[test]
fn small_kiosk_1366x768_fills_its_screen_and_answers_a_touch() {
    kiosk_fills_the_screen(1366, 768, false);
}

#[test]
fn under_a_window_manager_the_kiosk_still_fills_its_screen() {
    kiosk_fills_the_screen(1080, 1920, true);
}

/// A USB barcode scanner is a keyboard: its keys, typed through the X server into the installed
/// kiosk's window (no window manager, the pointer where the last visitor touched), start a
/// check-in from the start screen. Nobody booked this code: the kiosk asks the server and says so.
#[test]
fn a_scanner_types_a_booking_code_into_the_installed_kiosk() {
    let server = Server::start();
    let printer = Emupos::start();
    let config = kiosk_config(server.dir.path(), &server, &printer);
    let x = Xvfb::start(1080, 1920).unwrap();
    let kiosk = start_as_installed(
        "antri-kiosk.service",
        "ANTRI_KIOSK_CONFIG",
        &config,
        Path::new(env!("CARGO_BIN_EXE_kiosk")),
        &x,
    );
    wait_for("the start screen", Duration::from_secs(30), || {
        x.grab().unwrap().bounds_of(ACCENT, 6, 360).map(|_| ())
    });
    let shown = |screen: &str| {
        kiosk
            .log()
            .lines()
            .any(|l| l.contains("screen shown") && l.contains(screen))
    };
    // A stray key just before the scan does not spoil it.
    x.type_text("q").unwrap();
    x.type_text("abcd-2345\n").unwrap();
    wait_for("the look-up of the code", Duration::from_secs(10), || {
        shown("booking-lookup").then_some(())
    });
    wait_for("the server's answer", Duration::from_secs(10), || {
        shown("result").then_some(())
    });
}
