//! Officer performance over a date range (per officer and day, and per officer over the range),
//! as JSON for the dashboard's panel or as a CSV or XLSX file like the other statistics. The
//! figures and their definitions are in `store::performance`.
//!
//! Supervisors and admins see every officer; an officer sees their own rows only — the figures
//! are about the person, who may always see what is said about them, but not about colleagues.

use antri_wire::performance::{OfficerFigures, OfficerPerformance};
use antri_wire::Role;
use axum::extract::State;
use axum::response::Response;

use super::booking_figures::FiguresQuery;
use super::dashboard::check_range;
use super::table;
use crate::api::error::ApiError;
use crate::api::extract::Query;
use crate::api::AppState;
use crate::auth::Principal;
use crate::store::performance;

/// Per officer and day: served, median service time, median walk (call → start), idle time while
/// tickets waited for the loket, open time, recalls, no-shows, transfers; and each officer's
/// totals over the range. An officer gets their own rows only.
#[utoipa::path(get, path = "/api/v1/stats/officers", tag = "statistics",
    params(FiguresQuery),
    responses((status = 200, description = "The figures (JSON), or the file as an attachment", content(
            (OfficerPerformance = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["officer", "supervisor", "admin"]))))]
pub async fn officers(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, ApiError> {
    who.require_role(&[Role::Officer, Role::Supervisor, Role::Admin])?;
    check_range(q.from, q.to)?;
    let format = table::format_of(q.format)?;
    let own = (who.role() == Some(Role::Officer)).then(|| who.actor().id);
    let config = s.config();
    let now = config.building.zone.local(s.clock.now());
    let (from, to) = (q.from, q.to);
    let read = config.clone();
    let mut tallies = s
        .read_db(move |c| performance::tallies(c, &read, from, to, now))
        .await?;
    if let Some(me) = own {
        tallies.retain(|(_, officer), _| *officer == me);
    }
    let (days, totals) = performance::rows(&tallies, &config);
    let figures = OfficerPerformance {
        from,
        to,
        days,
        totals,
    };
    let table = table::Table {
        file: format!("antri-petugas-{from}-{to}"),
        sheet: "Kinerja petugas",
        columns: &COLUMNS,
    };
    table::answer(&format, figures, table, rows)
}

const COLUMNS: [&str; 13] = [
    "day",
    "officer",
    "name",
    "served",
    "service_median_secs",
    "services_timed",
    "walk_median_secs",
    "walks_timed",
    "idle_secs",
    "open_secs",
    "recalls",
    "no_shows",
    "transfers",
];

/// The days' rows, then the totals (day `total`); text cells first, then the numbers
/// (absent = empty).
fn rows(f: &OfficerPerformance) -> Vec<table::Row<3, 10>> {
    let row = |r: &OfficerFigures| {
        (
            [
                r.day.map_or_else(|| "total".to_string(), |d| d.to_string()),
                r.officer.clone(),
                r.name.clone(),
            ],
            [
                Some(u64::from(r.served)),
                r.service_median_secs.map(u64::from),
                Some(u64::from(r.services_timed)),
                r.walk_median_secs.map(u64::from),
                Some(u64::from(r.walks_timed)),
                Some(r.idle_secs),
                Some(r.open_secs),
                Some(u64::from(r.recalls)),
                Some(u64::from(r.no_shows)),
                Some(u64::from(r.transfers)),
            ],
        )
    };
    f.days.iter().chain(&f.totals).map(row).collect()
}
