//! Antri's wall display (hall mode) and loket display: calls seen and heard, live.
//!
//! - [`app`]: the program itself (config → window, worker, speech), shared by `counter-display`
//!   and the `antri-demo` launcher.
//! - [`config`]: the display's TOML settings (server, token, mode, running text, audio), checked.
//! - [`hall`]: the pure model of the hall, fed by the server's snapshot and events; deduplicates by
//!   sequence number and yields the calls to announce. No window, clock or network.
//! - [`clock`]: Indonesian date/time text and the server-aligned clock.
//! - [`speech`]: voice calls — call → clip names (`words`), clips → WAV (`render`), one at a time
//!   (`queue`), to a player process or WAV files (`sink`).
//! - [`worker`]: the tokio thread that subscribes to the event stream (which resumes from the last
//!   sequence number after a disconnect), feeds the model and the speech queue, and hands frames to
//!   the UI; marks the display offline when the server has been unreachable for a few seconds.
//! - [`adapter`]: the Slint side — the `DisplayAdapter` global, paging of long lists.
//! - [`demo`]: a made-up building in wire types, for screenshots and tests of the model.

pub mod adapter;
pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod hall;
pub mod speech;
pub mod worker;

slint::include_modules!();
