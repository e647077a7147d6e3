//! The contract between the Antri ticket server and everything that talks to it.
//!
//! - [`types`]: what a service, ticket, loket (counter) and device look like on the wire, and the
//!   request/response bodies of `/api/v1`.
//! - [`event`]: the live event stream — one [`event::Event`] per entry of the server's log, each with
//!   the log's sequence number, and the [`event::Snapshot`] a subscriber gets on connect.
//! - [`booking`]: online booking: the public booking page's answers and requests, and check-in.
//! - [`messages`]: a visitor's opt-in to the building's SMS/WhatsApp messages, and their delivery log.
//! - [`performance`]: officer performance figures per officer and day.
//! - [`calendar`]: Indonesian and English day and month names, and the time of day as `09.05 WIB`,
//!   for every date and time a visitor reads.
//! - [`wait`]: the estimated wait in words ("segera", "sekitar 12 menit"), one rule for the kiosk,
//!   the printed ticket and the tracking page.
//! - [`client`] (feature `client`): the HTTP client and the self-healing event subscription that the
//!   kiosk and counter-display use.
//!
//! The server, kiosk and counter-display all depend on this crate, so a type is defined once.

pub mod alert;
pub mod booking;
pub mod calendar;
pub mod event;
pub mod messages;
pub mod performance;
pub mod transparency;
pub mod types;
pub mod wait;

#[cfg(feature = "client")]
pub mod client;

pub use event::{Event, EventKind, Snapshot};
pub use types::*;
