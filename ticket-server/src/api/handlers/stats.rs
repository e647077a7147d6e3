//! Statistics for a date range (supervisors and admins).

use antri_wire::{Role, StatsGroup, StatsResponse};
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Query};
use crate::api::AppState;
use crate::auth::Principal;
use crate::store::stats;

/// The longest range one request may ask for.
const MAX_DAYS: i64 = 366;

#[derive(Deserialize)]
pub struct StatsQuery {
    from: NaiveDate,
    to: NaiveDate,
    #[serde(default = "by_service")]
    by: StatsGroup,
}

fn by_service() -> StatsGroup {
    StatsGroup::Service
}

#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn stats(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<StatsQuery>,
) -> Result<Json<StatsResponse>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    if q.from > q.to {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("from ({}) is after to ({})", q.from, q.to),
        ));
    }
    if (q.to - q.from).num_days() >= MAX_DAYS {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("a range may span at most {MAX_DAYS} days"),
        ));
    }
    let config = s.config();
    let (from, to, by) = (q.from, q.to, q.by);
    let rows = s
        .read_db(move |c| stats::stats(c, &config, from, to, by))
        .await?;
    Ok(Json(StatsResponse { from, to, by, rows }))
}
