//! Messages through the building's SMS/WhatsApp gateway: a visitor's opt-in on the tracking page,
//! and the supervisor's delivery log. (What the gateway itself receives is described in the
//! server's docs/architecture.md, "Messages".)

use serde::{Deserialize, Serialize};

/// `POST /api/v1/track/{code}/messages`: send this ticket's messages ("turn near", called,
/// no-show) to `phone`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagesOptIn {
    /// An Indonesian mobile number as typed: `0812-3456-7890`, `+62 812 3456 7890`, `62812…`.
    pub phone: String,
    /// The visitor's agreement to receive messages at this number; must be `true`.
    pub consent: bool,
    /// "Turn near" when this many or fewer wait ahead (1–20); the building's default without it.
    #[serde(default)]
    pub places: Option<u32>,
}

/// The answer to an opt-in or a stop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagesSubscription {
    /// The ticket's number.
    pub number: String,
    /// Whether messages go to the number now (`false` after a stop).
    pub active: bool,
    /// The number as shown back, masked (`0812****7890`); `null` after a stop.
    pub phone_masked: Option<String>,
    pub places: u32,
}

/// One message in the delivery log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: u64,
    /// `booking_confirmed`, `reminder`, `turn_near`, `called` or `no_show`.
    pub kind: String,
    /// The ticket's number (a ticket's messages).
    pub ticket: Option<String>,
    /// The booking's id (a booking's messages; never its code).
    pub booking: Option<u64>,
    /// `0812****7890`; `null` once erased with the personal data.
    pub phone_masked: Option<String>,
    /// `pending`, `delivered`, `failed` or `cancelled`.
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// The gateway's last HTTP status, if it answered.
    pub http_status: Option<u16>,
    /// RFC 3339, the building's time zone.
    pub created_at: String,
    /// When the next attempt is due (a pending message).
    pub next_at: Option<String>,
    pub delivered_at: Option<String>,
}

/// `GET /api/v1/messages`: the newest messages first, and the counts per status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryLog {
    /// Whether a gateway is configured.
    pub enabled: bool,
    pub pending: u64,
    pub delivered: u64,
    pub failed: u64,
    pub rows: Vec<Delivery>,
}
