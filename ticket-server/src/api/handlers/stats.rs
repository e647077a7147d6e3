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
    super::dashboard::check_range(q.from, q.to)?;
    let config = s.config();
    let (from, to, by) = (q.from, q.to, q.by);
    let rows = s
        .read_db(move |c| stats::stats(c, &config, from, to, by))
        .await?;
    Ok(Json(StatsResponse { from, to, by, rows }))
}
