//! One module per resource.

pub mod admin;
pub mod auth;
pub mod booking;
pub mod counters;
pub mod dashboard;
pub mod devices;
pub mod events;
pub mod ops;
pub mod public;
pub mod ratings;
pub mod stats;
pub mod tickets;
pub mod track_stream;
