//! The Antri kiosk: a visitor picks an agency, a service and who the ticket is for, and gets a
//! printed ticket; a visitor with a booking checks in with its code (keypad or barcode scanner).
//! Map of the modules:
//!
//! - [`app`]: the program itself (config → window, worker, timers), shared by `kiosk` and the
//!   `antri-demo` launcher.
//! - [`checkin`]: booking codes (alphabet, grouping) and why a booking cannot be checked in now.
//! - [`config`]: the kiosk's TOML config (server, device token, printer URI, paper, timings).
//! - [`controller`]: the flow as a pure state machine (screens, taps, idle timeout); unit-tested.
//! - [`adapter`]: copies the controller's state into the Slint `KioskAdapter` global and routes
//!   its callbacks back; owns nothing else.
//! - [`worker`]: a thread with a tokio runtime: the server client, the live event stream,
//!   and the printer (status before and after each ticket, fault reports).
//! - [`printer`]: printer URI, ticket layout (ESC/POS bytes), byte-stream driver, DLE EOT status.
//! - [`qr`]: the on-screen QR code shown when a ticket could not be printed.
//! - [`visitors`]: simulated visitors for the demo hall, tapping through the kiosk's own screens.

pub mod adapter;
pub mod app;
pub mod checkin;
pub mod config;
pub mod controller;
pub mod printer;
pub mod qr;
pub mod visitors;
pub mod worker;

slint::include_modules!();
