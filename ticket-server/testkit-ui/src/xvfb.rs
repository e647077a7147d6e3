//! A program as installed, on a bare X server ([`antri_ui::xvfb`]): its window waited on, and the
//! root window's picture saved like every other screenshot ([`antri_testkit::shots`]).

use std::path::Path;
use std::time::Duration;

use antri_ui::screen::Area;
use antri_ui::xvfb::{Installed, Shot, Xvfb};

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

/// Start `binary` the way the shipped systemd unit `unit` (a file in assets/systemd/) starts its
/// program, its config (named in `config_var`) replaced by `config`, on `x`; and wait (up to 30 s)
/// until its window, alone, covers the whole screen. The program's log is in the failure message.
pub fn start_as_installed(
    unit: &str,
    config_var: &str,
    config: &Path,
    binary: &Path,
    x: &Xvfb,
) -> Installed {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/systemd")
        .join(unit);
    let program = Installed::start(&unit, config_var, config, binary, x).unwrap();
    let screen = Area {
        x: 0,
        y: 0,
        width: x.width,
        height: x.height,
    };
    let windows = antri_testkit::wait_for(
        "the window to cover the screen",
        Duration::from_secs(30),
        || {
            let w = x.windows().unwrap();
            w.contains(&screen).then_some(w)
        },
    );
    assert_eq!(windows, vec![screen], "{}", program.log());
    program
}

/// Start `binary --config <config>` on `x` for a benchmark, its log (tracing, info, no colour)
/// piped to the caller through the child's stdout, where the benchmark reads its timings.
pub fn spawn_logged(binary: &Path, config: &Path, x: &Xvfb) -> antri_testkit::process::Reaped {
    antri_testkit::process::Reaped(
        std::process::Command::new(binary)
            .arg("--config")
            .arg(config)
            .env("DISPLAY", &x.display)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    )
}
