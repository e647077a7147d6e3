//! The HTTP API: JSON under `/api/v1`, the live event stream, `/metrics`, `/healthz`.
//!
//! - [`router`]: every route in one table.
//! - [`handlers`]: one module per resource; handlers are thin — extract, check who asks, let the
//!   queue decide (through the writer), answer.
//! - [`extract`]: extractors that turn bad input into our JSON errors, and the caller's identity.
//! - [`error`]: the error body and status of every failure.
//! - [`hygiene`]: body size and read timeout, security headers: around every route.
//! - [`openapi`]: the OpenAPI document served at `/api/v1/openapi.json`.

pub mod error;
pub mod extract;
pub mod handlers;
pub mod hygiene;
pub mod openapi;
pub mod router;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use antri_wire::Text;
use tokio::sync::watch;

use crate::auth::Auth;
use crate::clock::Clock;
use crate::config::Config;
use crate::events::Hub;
use crate::metrics::Metrics;
use crate::queue::Hall;
use crate::store::writer::Writer;

pub use router::router;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The committed state of the hall (see `store::writer`).
    pub hall: Arc<RwLock<Hall>>,
    pub writer: Writer,
    pub hub: Arc<Hub>,
    pub auth: Arc<Auth>,
    pub metrics: Arc<Metrics>,
    pub clock: Clock,
    pub db_path: Arc<PathBuf>,
    /// Turns true when the server shuts down, so endless streams end.
    pub shutdown: watch::Receiver<bool>,
    /// The address the server listens on.
    pub listen: SocketAddr,
    /// What the technician must fix (e.g. a `public_url` phones cannot reach): shown on the
    /// dashboard and the kiosks' status line (see `security`).
    pub warnings: Arc<RwLock<Vec<Text>>>,
    /// Listening on a LAN address without `--allow-sample-credentials`: an admin may not give a
    /// device a weak token either.
    pub strict_secrets: bool,
    /// Booking attempts per source address.
    pub booking_attempts: Arc<crate::booking::limit::PerSource>,
    /// Which devices hold their live stream now (for the "device gone quiet" alert).
    pub presence: Arc<crate::presence::Presence>,
    /// Visitors' messages: opt-ins, the outbox, the delivery log.
    pub messages: Arc<crate::messages::Messages>,
}

impl AppState {
    /// The configuration in force now (an admin may replace it at any time).
    pub fn config(&self) -> Arc<Config> {
        self.hall().config().clone()
    }

    /// Read the committed hall. Held only for the time of a read; never across an await.
    pub fn hall(&self) -> RwLockReadGuard<'_, Hall> {
        self.hall.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The warnings in force now.
    pub fn warnings(&self) -> Vec<Text> {
        self.warnings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Check `public_url` again (at start, and after an admin's change); logs each warning.
    pub async fn refresh_warnings(&self) {
        let listen = self.listen;
        let url = self.config().building.public_url.clone();
        let found = tokio::task::spawn_blocking(move || {
            crate::security::public_url_warnings(listen, &url, crate::security::resolve_with_dns)
        })
        .await
        .unwrap_or_default();
        for w in &found {
            tracing::warn!("QR codes: {}", w.en);
        }
        *self.warnings.write().unwrap_or_else(|e| e.into_inner()) = found;
    }

    /// Run a read-only database query off the async threads.
    pub async fn read_db<T, F>(&self, f: F) -> Result<T, error::ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, crate::store::StoreError> + Send + 'static,
    {
        let path = self.db_path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = crate::store::open_reader(&path)?;
            f(&conn)
        })
        .await
        .map_err(|e| error::ApiError::internal(format!("query task failed: {e}")))?
        .map_err(error::ApiError::from)
    }
}
