//! The test kit's part for the Slint programs, apart from [`antri_testkit`] so that the ticket
//! server's tests link no UI:
//!
//! - [`ui`]: Slint's testing backend, and a window's picture;
//! - [`xvfb`]: a program's window on a bare X server, waited on and photographed;
//! - `kiosk_ui` (feature `kiosk`): the kiosk's real UI, worker and printer driver under Slint's
//!   testing backend, tapped by the accessible labels a visitor reads.

#[cfg(feature = "kiosk")]
pub mod kiosk_ui;
pub mod ui;
pub mod xvfb;
