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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// First day, 1970-01-01 to 9999-12-31.
    from: NaiveDate,
    /// Last day, at most 366 days after `from`.
    to: NaiveDate,
    /// How to group (default service).
    #[serde(default = "by_service")]
    #[param(required = false)]
    by: StatsGroup,
}

fn by_service() -> StatsGroup {
    StatsGroup::Service
}

/// Statistics for a date range, grouped by service, agency, counter or officer.
///
/// Tickets, served, no-shows, wait and service time (median, p90), share within target.
#[utoipa::path(get, path = "/api/v1/stats", tag = "statistics",
    params(StatsQuery),
    responses((status = 200, body = StatsResponse), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
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
