//! The displays as they are installed: the shipped systemd unit's command line (the same binary,
//! the same arguments, its config from the unit's environment), full screen on a bare X server
//! with no window manager, at the sizes wall TVs and loket panels come in. The X server's root
//! window is grabbed (what the screen really shows): the display's window must cover the whole
//! screen, and a call must be shown on it, lit, entirely within the screen.
//!
//! Root-window pictures are written to `$CARGO_TARGET_TMPDIR/screenshots/`, and to
//! `docs/screenshots/` with `ANTRI_UPDATE_SCREENSHOTS=1`.

mod common;

use std::path::Path;
use std::time::Duration;

use antri_testkit::wait_for;
use antri_testkit_ui::xvfb::start_as_installed;
use antri_ui::xvfb::{Shot, Xvfb};
use common::{Hall, Server};

/// Theme.accent: the lit call.
const ACCENT: [u8; 3] = [0xff, 0xc8, 0x45];

fn save(shot: &Shot, name: &str) {
    antri_testkit_ui::xvfb::save(shot, &common::screenshot_path!(name));
}

/// `mode`: "hall" or "loket" (loket 1).
fn display_fills_the_screen(mode: &str, width: u32, height: u32) {
    let server = Server::start();
    // The example config, as a technician would install it, pointed at this server; the loket
    // display's own token and number for a loket display; no loudspeaker here.
    let mut text = counter_display::config::EXAMPLE
        .replace("http://127.0.0.1:8080", &server.url())
        .replace("enabled = true", "enabled = false");
    if mode == "loket" {
        text = text
            .replace(
                antri_testkit::DISPLAY_HALL_TOKEN,
                antri_testkit::DISPLAY_LOKET_1_TOKEN,
            )
            .replace("mode = \"hall\"", "mode = \"loket\"")
            .replace("# loket = 3", "loket = 1");
    }
    let config = server.dir.path().join("display.toml");
    std::fs::write(&config, text).unwrap();
    let x = Xvfb::start(width, height).unwrap();
    let display = start_as_installed(
        "antri-display.service",
        "ANTRI_DISPLAY_CONFIG",
        &config,
        Path::new(env!("CARGO_BIN_EXE_counter-display")),
        &x,
    );

    // A call to loket 1: the hall and the loket's own display both show it, lit.
    let hall = Hall::new(&server, 1);
    hall.open(1);
    hall.issue(&["ktp"]);
    let number = hall.call_next(1);
    let (shot, lit) = wait_for("the call, lit, on screen", Duration::from_secs(30), || {
        let shot = x.grab().unwrap();
        let lit = shot.bounds_of(ACCENT, 6, width / 8)?;
        Some((shot, lit))
    });
    save(
        &shot,
        &format!("installed-display-{mode}-{width}x{height}.png"),
    );
    let inside = lit.x >= 0
        && lit.y >= 0
        && lit.x as u32 + lit.width <= width
        && lit.y as u32 + lit.height <= height;
    assert!(
        inside,
        "the lit call {lit:?} is not within {width}x{height}"
    );
    // Readable across a hall: the lit panel takes a real share of the screen.
    assert!(
        lit.width * 4 >= width && lit.height * 8 >= height,
        "the lit call {lit:?} is small on {width}x{height}"
    );
    if mode == "hall" {
        wait_for(
            "the display's log of the call",
            Duration::from_secs(10),
            || display.log().contains(&number).then_some(()),
        );
    }
}

#[test]
fn hall_display_fills_a_1080p_tv() {
    display_fills_the_screen("hall", 1920, 1080);
}

#[test]
fn hall_display_fills_a_4k_tv() {
    display_fills_the_screen("hall", 3840, 2160);
}

#[test]
fn hall_display_fills_a_1366x768_screen() {
    display_fills_the_screen("hall", 1366, 768);
}

#[test]
fn loket_display_fills_a_1024x600_panel() {
    display_fills_the_screen("loket", 1024, 600);
}

#[test]
fn loket_display_fills_a_1366x768_panel() {
    display_fills_the_screen("loket", 1366, 768);
}
