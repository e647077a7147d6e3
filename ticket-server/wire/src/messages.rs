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
    /// (Sent as a JSON number it is taken as its digits: a refusal would quote it, and the
    /// server logs refusals.)
    #[serde(deserialize_with = "text_or_number")]
    pub phone: String,
    /// The visitor's agreement to receive messages at this number; must be `true`.
    pub consent: bool,
    /// "Turn near" when this many or fewer wait ahead (1–20); the building's default without it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 20))]
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

/// A string, or a number taken as its digits, so that a phone number sent as a JSON number is not
/// quoted back in the deserializer's error (`invalid type: integer 81234567890`).
fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a phone number as text")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_sent_as_a_number_is_not_quoted_in_an_error() {
        let opt_in: MessagesOptIn =
            serde_json::from_str(r#"{"phone": 81234567890, "consent": true}"#).unwrap();
        assert_eq!(opt_in.phone, "81234567890");
        let err = serde_json::from_str::<MessagesOptIn>(r#"{"phone": [8123], "consent": true}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("a phone number as text") && !err.contains("8123"),
            "{err}"
        );
    }
}
