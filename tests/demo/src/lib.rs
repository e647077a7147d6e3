//! `antri-demo`: one command (`cargo demo`) brings up a whole MPP hall on this machine.
//!
//! - [`assets`]: where the launcher finds Antri's `assets/` (and the checkout around it) at run
//!   time: `--assets`, else the current directory or the executable's, or a folder above them.
//! - [`cli`]: the launcher's arguments, and the hidden roles (`kiosk`, `display`) in which it runs
//!   the real kiosk and display programs as its own child processes — so `cargo run` of this one
//!   binary needs no other binary built.
//! - [`clock`]: which morning the hall's clock starts at, so services are open whatever the hour.
//! - [`children`]: child processes in their own process group, stopped in order on Ctrl-C.
//! - [`layout`]: kiosk and hall display side by side on one desktop, nothing covered.
//! - [`printer`]: the `emupos` printer emulator from `.venv/` (installed on first use).
//! - [`simulate`]: officers serving lokets through the HTTP API, and visitors taking tickets —
//!   through the kiosk window when there is one (so their tickets are printed), else the API.
//! - [`hall`]: puts it together: server in-process, printer, windows, simulation, shutdown.

pub mod assets;
pub mod children;
pub mod cli;
pub mod clock;
pub mod hall;
pub mod layout;
pub mod printer;
pub mod simulate;
