//! Antri's ticket server: the one authority for a building's queues.
//!
//! - [`config`]: the building's TOML configuration, checked at start.
//! - [`zone`], [`clock`]: the building's time zone and the server's only source of "now".
//! - [`queue`]: the queue rules — pure state machine, no I/O (numbering, routing, priority, day reset).
//! - [`store`]: SQLite event log (the truth and the audit trail), projections, statistics; one
//!   writer thread that group-commits.
//! - [`events`]: fan-out of committed events to live subscribers.
//! - [`history`]: a realistic, seeded history generator (offline), through the real queue and store.
//! - [`skm`]: the Survei Kepuasan Masyarakat of Permenpan RB 14/2017: elements, index, sample.
//! - [`booking`]: online booking's rules: the NIK, sessions, when booking opens, check-in.
//! - [`messages`]: SMS/WhatsApp messages to visitors who agreed, through the building's gateway:
//!   derived from the log into a durable outbox, delivered signed and retried.
//! - [`auth`]: users, devices, sessions (kept hashed in the database), login throttling.
//! - [`security`]: sample or weak secrets refused on a LAN; `public_url` checked for the QR codes.
//! - [`api`]: the HTTP API under `/api/v1` (axum), the event stream, metrics, OpenAPI.
//! - [`web`]: pages served by the server itself (the visitor's tracking page).
//! - [`server`]: wires it together: `run(listener, options, shutdown)`.

pub mod api;
pub mod auth;
pub mod booking;
pub mod clock;
pub mod config;
pub mod events;
pub mod history;
pub mod messages;
pub mod metrics;
pub mod open_files;
pub mod presence;
pub mod queue;
pub mod security;
pub mod server;
pub mod skm;
pub mod store;
pub mod web;
pub mod zone;
