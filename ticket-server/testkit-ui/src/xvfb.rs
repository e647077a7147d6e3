//! A program as installed, on a bare X server ([`antri_ui::xvfb`]): its window waited on, and the
//! root window's picture saved like every other screenshot ([`antri_testkit::shots`]).

use std::path::Path;
use std::time::Duration;

use antri_ui::screen::Area;
use antri_ui::xvfb::{Shot, Xvfb};

/// Save the root window's picture at `path` (a 4K screen at half size), and publish it to
/// docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`.
pub fn save(shot: &Shot, path: &Path) {
    let shrink = if shot.width > 2000 && shot.height > 2000 {
        2
    } else {
        1
    };
    shot.save_png(path, shrink).unwrap();
    antri_testkit::shots::publish(path);
}

/// Wait (up to 30 s) until a window covers the whole `width`×`height` screen; the windows then.
pub fn until_a_window_covers(x: &Xvfb, width: u32, height: u32) -> Vec<Area> {
    let screen = Area {
        x: 0,
        y: 0,
        width,
        height,
    };
    antri_testkit::wait_for(
        "the window to cover the screen",
        Duration::from_secs(30),
        || {
            let w = x.windows().unwrap();
            w.contains(&screen).then_some(w)
        },
    )
}
