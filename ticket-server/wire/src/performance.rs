//! Officer performance (`GET /api/v1/stats/officers`): per officer and day, and over the range.
//!
//! Every figure is computed from the event log and belongs to the person who did the act that
//! ends what it measures (the server's `store::performance` says exactly how; the dashboard
//! states the definitions in both languages).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The figures of one officer: on one day (`day`), or over the whole range (`day` absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerFigures {
    /// The username.
    pub officer: String,
    /// The name configured for the username now (the username once the user is removed).
    pub name: String,
    /// The building's local day; absent on a row of the range's totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<NaiveDate>,
    /// Tickets this officer finished (done).
    pub served: u32,
    /// Median (nearest-rank, whole seconds) of start → end of each service this officer ended
    /// (finished, or transferred away while serving).
    pub service_median_secs: Option<u32>,
    /// How many service times the median is of.
    pub services_timed: u32,
    /// Median of call → start of each service this officer started: the visitor's walk to the
    /// loket after the (last fresh) call; a recall does not restart it.
    pub walk_median_secs: Option<u32>,
    /// How many walks the median is of.
    pub walks_timed: u32,
    /// Seconds the officer's loket was open (not paused) with no ticket called or being served
    /// while at least one ticket of the loket's services was waiting.
    pub idle_secs: u64,
    /// Seconds the officer's loket was open (not paused, not closed): what `idle_secs` is part of.
    pub open_secs: u64,
    /// Calls repeated for a ticket already called (panggil ulang).
    pub recalls: u32,
    /// Tickets this officer marked as not present.
    pub no_shows: u32,
    /// Tickets this officer transferred to another service.
    pub transfers: u32,
}

/// The answer of `GET /api/v1/stats/officers` (JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerPerformance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// One row per officer and day on which the officer did anything, by day then officer.
    pub days: Vec<OfficerFigures>,
    /// One row per officer over the whole range (medians over all the range's samples, not a
    /// median of daily medians), by officer.
    pub totals: Vec<OfficerFigures>,
}
