//! One test kit for every Antri crate (not shipped: `publish = false`):
//!
//! - [`demo`]: the sample building's device tokens, users and password, and its open Tuesday;
//! - [`server`]: the real ticket server in-process on 127.0.0.1 — [`Server`] on its own runtime
//!   thread (stop, restart on the same port and database, a config tweak, a clock start) for
//!   synchronous tests, [`InProcess`] on the caller's runtime for `#[tokio::test]`s;
//! - [`block_on`] and [`wait_for`]; [`receipts`], the tickets the printer emulator saved;
//! - [`measure`]: a process's RSS, percentiles;
//! - [`process`]: child processes killed when the test ends, the `ticket-server` binary on its own;
//! - [`shots`]: where screenshots go (`$CARGO_TARGET_TMPDIR/screenshots/`, and `docs/screenshots/`
//!   with `ANTRI_UPDATE_SCREENSHOTS=1`) and what a picture shows (its pixels);
//! - [`browser`] (feature `browser`): a real headless Chromium through chromedriver, for the
//!   pages' tests, waiting on the page rather than on a timer;
//!
//! No UI here, so the server's tests link none: Slint's testing backend, Xvfb and the kiosk UI
//! driver are in `antri-testkit-ui` (`ticket-server/testkit-ui`).

#[cfg(feature = "browser")]
pub mod browser;
pub mod demo;
pub mod measure;
pub mod process;
pub mod server;
pub mod shots;

pub use demo::*;
pub use server::{InProcess, Server};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The workspace root (for `assets/`, `docs/`, `.venv/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run `f` to completion on a fresh current-thread runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Wait for something outside the process (a child program starting, a file appearing). These
/// are other programs' clocks, which a test cannot pass in; the deadline only bounds the test.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The tickets the printer emulator (`emupos`) has finished saving in `dir` (their ids: each has
/// `<id>.json`, `.txt` and `.png`), oldest first; none for a missing folder.
pub fn receipts(dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".json"))
                        .map(String::from)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}
