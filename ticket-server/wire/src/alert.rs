//! Alerts for the supervisor: something in the hall needs a person (a queue past its target, a
//! loket paused too long, a printer fault, a device gone quiet, a quota running out). Each is
//! raised once, shown with sound until a supervisor acknowledges it, and cleared when the cause
//! is gone — all three as events in the log.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::types::Text;

/// What an alert is about.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A service's longest wait passed its target (subject: the service id).
    WaitOverTarget,
    /// A loket paused longer than the building's limit (subject: the loket number).
    PausedTooLong,
    /// A kiosk's printer reports a fault or paper near its end (subject: the device id).
    Printer,
    /// A kiosk, display or rating tablet has held no live connection for a while, during opening
    /// hours (subject: the device id).
    DeviceSilent,
    /// A service's daily quota is nearly used up, or used up (subject: the service id).
    QuotaLow,
}

/// One alert, as the dashboard shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// Unique over the building's history (the sequence number of the event that raised it).
    pub id: u64,
    pub kind: AlertKind,
    /// The service id, loket number or device id it is about.
    pub subject: String,
    /// What happened, in words, for the supervisor (Indonesian and English).
    pub message: Text,
    pub raised_at: DateTime<FixedOffset>,
    /// The supervisor or admin who acknowledged it; until then the dashboard sounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<DateTime<FixedOffset>>,
}

/// `GET /api/v1/alerts`: the alerts in force now, oldest first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alerts {
    pub active: Vec<Alert>,
}
