//! Ticket printing: what goes on the paper, how it gets there, and what the printer says back.
//!
//! - [`uri`]: the printer URI from the config (`serial:`, `tcp:`, `file:`).
//! - [`ticket`]: the ticket as ESC/POS bytes (pure).
//! - [`driver`]: the byte stream to the printer, with timeouts.
//! - [`status`]: DLE EOT real-time status, decoded into what the kiosk reports.

pub mod driver;
pub mod status;
pub mod ticket;
pub mod uri;
