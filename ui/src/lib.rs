//! The Rust side of `ui/`: what the kiosk and the counter display share beyond their `.slint`
//! files.
//!
//! - [`screen`]: how a program's window fills its screen — the whole monitor, sized by the
//!   program itself because the shipped units start it under a bare X server with no window
//!   manager to honour a full-screen request, and its content scaled to the size it was
//!   designed for.
//! - [`xvfb`] (feature `xvfb`, for tests): a virtual X screen of a given size, its root window
//!   as a PNG, the windows on it, and touches.

pub mod screen;
#[cfg(feature = "xvfb")]
pub mod xvfb;
