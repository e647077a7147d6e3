//! `GET /api/v1/public/hall`: what any citizen may see of the hall, without logging in — per
//! service today: waiting, the estimated wait, served, the median wait against the promised target
//! and the service standard (requirements, time, cost); last month's SKM grade per agency.
//! Aggregates only: nothing about any person or ticket.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::types::{Availability, Text};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicHall {
    pub building: String,
    pub day: NaiveDate,
    pub now: DateTime<FixedOffset>,
    pub services: Vec<PublicService>,
    pub agencies: Vec<PublicAgency>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicService {
    pub id: String,
    pub agency: String,
    pub prefix: String,
    pub name: Text,
    pub availability: Availability,
    pub waiting: u32,
    /// In the words the kiosk, the ticket and the tracking page use.
    pub estimated_wait: Text,
    /// Finished today.
    pub served_today: u64,
    /// Median wait (ticket to first call) of today's called tickets; `None` before the first call.
    pub wait_median_secs: Option<u32>,
    /// The wait the agency promises.
    pub target_wait_secs: u32,
    /// Share of today's called tickets called within the target (0.0–1.0).
    pub within_target: Option<f64>,
    /// The service standard the agency publishes.
    pub standard: ServiceStandard,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStandard {
    /// Requirements: what to bring.
    pub bring: Vec<Text>,
    /// The expected time at the loket, in minutes.
    pub service_minutes: u32,
    /// The cost as published; `None` when the agency has not published one.
    pub cost: Option<Text>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicAgency {
    pub id: String,
    pub name: Text,
    /// Last calendar month's SKM; `None` without respondents.
    pub skm: Option<PublicSkm>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSkm {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub respondents: u64,
    /// IKM × 25, 25–100.
    pub ikm_unit: f64,
    /// `A`…`D`.
    pub grade: String,
    pub label: Text,
    /// Fewer respondents than the minimum sample for the month's visitors.
    pub sample_too_small: bool,
}
