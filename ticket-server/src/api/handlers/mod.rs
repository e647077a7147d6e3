//! One module per resource.

pub mod admin;
pub mod alerts;
pub mod auth;
pub mod booking;
pub mod booking_figures;
pub mod counters;
pub mod dashboard;
pub mod devices;
pub mod events;
pub mod messages;
pub mod ops;
pub mod performance;
pub mod public;
pub mod ratings;
pub mod skm;
pub mod skm_export;
pub mod stats;
pub mod table;
pub mod tickets;
pub mod track_stream;
pub mod transparency;
