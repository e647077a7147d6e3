//! The supervisor's dashboard data: the hall now, busiest hours, and exports of the statistics.

use std::collections::HashMap;

use antri_wire::{Availability, CounterView, DeviceView, Role, StatsGroup, StatsRow};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::extract::{Json, Query};
use crate::api::AppState;
use crate::auth::Principal;
use crate::store::satisfaction::{self, Satisfaction};
use crate::store::stats;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ServiceNow {
    id: String,
    agency: String,
    prefix: String,
    name: String,
    waiting: u32,
    /// How long the longest-waiting ticket has waited so far.
    longest_wait_secs: u32,
    target_wait_secs: u32,
    availability: Availability,
}

/// `GET /api/v1/dashboard/now`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HallNow {
    services: Vec<ServiceNow>,
    counters: Vec<CounterView>,
    devices: Vec<DeviceView>,
}

/// The hall now: per service waiting and longest wait so far; lokets; devices.
#[utoipa::path(get, path = "/api/v1/dashboard/now", tag = "statistics",
    responses((status = 200, body = HallNow), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn now(State(s): State<AppState>, who: Principal) -> Result<Json<HallNow>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    let now = s.clock.now();
    let hall = s.hall();
    let services = hall
        .config()
        .services
        .iter()
        .map(|svc| {
            let v = hall.service_view(svc, now);
            ServiceNow {
                longest_wait_secs: hall
                    .oldest_waiting(&svc.id)
                    .map_or(0, |t| (now - t).num_seconds().max(0) as u32),
                id: v.id,
                agency: v.agency,
                prefix: v.prefix,
                name: v.name.id,
                waiting: v.waiting,
                target_wait_secs: v.target_wait_secs,
                availability: v.availability,
            }
        })
        .collect();
    Ok(Json(HallNow {
        services,
        counters: hall.counters(),
        devices: hall.devices(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day, 1970-01-01 to 9999-12-31.
    pub from: NaiveDate,
    /// Last day, at most 366 days after `from`.
    pub to: NaiveDate,
    /// How to group (default service).
    #[serde(default = "by_service")]
    #[param(required = false)]
    pub by: StatsGroup,
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    #[param(pattern = "^(csv|xlsx)$")]
    pub format: Option<String>,
}

fn by_service() -> StatsGroup {
    StatsGroup::Service
}

/// The dates a report may ask for: outside them no building has a day, and date arithmetic near
/// the calendar's ends would have to be guarded everywhere.
pub const DATES: std::ops::RangeInclusive<NaiveDate> = {
    match (
        NaiveDate::from_ymd_opt(1970, 1, 1),
        NaiveDate::from_ymd_opt(9999, 12, 31),
    ) {
        (Some(a), Some(b)) => a..=b,
        _ => panic!("valid constant dates"),
    }
};

/// `from` and `to` of a report: each a date in [`DATES`], `from` not after `to`, at most 366 days.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), ApiError> {
    for (field, d) in [("from", from), ("to", to)] {
        if !DATES.contains(&d) {
            return Err(ApiError::bad_request(
                "invalid_range",
                format!(
                    "{field}: {d} is out of range; use a date from {} to {}",
                    DATES.start(),
                    DATES.end()
                ),
            ));
        }
    }
    if from > to {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("from ({from}) is after to ({to})"),
        ));
    }
    if (to - from).num_days() >= 366 {
        return Err(ApiError::bad_request(
            "invalid_range",
            format!("to: at most 366 days after from ({from}); ask for {to} in another range"),
        ));
    }
    Ok(())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HourRow {
    hour: u32,
    issued: u64,
    served: u64,
}

/// Busiest hours: tickets issued and served per local hour of the day over a date range.
#[utoipa::path(get, path = "/api/v1/stats/hourly", tag = "statistics",
    params(
        ("from" = NaiveDate, Query, description = "First day, 1970-01-01 to 9999-12-31"),
        ("to" = NaiveDate, Query, description = "Last day, at most 366 days after `from`"),
    ),
    responses((status = 200, body = Vec<HourRow>), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn hourly(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Vec<HourRow>>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    check_range(q.from, q.to)?;
    let offset = s.config().building.zone.offset().local_minus_utc() as i64;
    let (from, to) = (q.from, q.to);
    let rows = s
        .read_db(move |c| stats::hourly(c, from, to, offset))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(hour, issued, served)| HourRow {
                hour,
                issued,
                served,
            })
            .collect(),
    ))
}

const COLUMNS: [&str; 13] = [
    "key",
    "label",
    "issued",
    "served",
    "no_shows",
    "cancelled",
    "wait_median_secs",
    "wait_p90_secs",
    "service_median_secs",
    "service_p90_secs",
    "within_target",
    "ratings",
    "ikm",
];

fn cells(r: &StatsRow, sat: Option<&Satisfaction>) -> [String; 13] {
    let opt = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
    [
        r.key.clone(),
        r.label.clone(),
        r.issued.to_string(),
        r.served.to_string(),
        r.no_shows.to_string(),
        r.cancelled.to_string(),
        opt(r.wait_median_secs),
        opt(r.wait_p90_secs),
        opt(r.service_median_secs),
        opt(r.service_p90_secs),
        r.within_target.map_or(String::new(), |v| format!("{v:.4}")),
        sat.map_or("0".into(), |s| s.ratings.to_string()),
        sat.and_then(|s| s.ikm)
            .map_or(String::new(), |v| format!("{v:.2}")),
    ]
}

/// A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage
/// return before one) gets a leading apostrophe, so opening the export runs nothing. Names come
/// from the configuration, which an admin types; numbers are written by us and never start so.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn csv(rows: &[StatsRow], sat: &HashMap<String, Satisfaction>) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for r in rows {
        let cells = cells(r, sat.get(&r.key));
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The statistics of /api/v1/stats as a file: format=csv (default) or xlsx.
#[utoipa::path(get, path = "/api/v1/stats/export", tag = "statistics",
    params(RangeQuery),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn export(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    check_range(q.from, q.to)?;
    let config = s.config();
    let (from, to, by) = (q.from, q.to, q.by);
    let (rows, sat) = s
        .read_db(move |c| {
            Ok((
                stats::stats(c, &config, from, to, by)?,
                satisfaction::satisfaction(c, &config, from, to, by)?,
            ))
        })
        .await?;
    let sat: HashMap<String, Satisfaction> =
        sat.rows.into_iter().map(|r| (r.key.clone(), r)).collect();
    let by_name = serde_json::to_value(by)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let name = format!("antri-{by_name}-{from}-{to}");
    match q.format.as_deref().unwrap_or("csv") {
        "csv" => {
            let out = csv(&rows, &sat)
                .map_err(|e| ApiError::internal(format!("writing the CSV failed: {e}")))?;
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.csv\""),
                    ),
                ],
                out,
            )
                .into_response())
        }
        "xlsx" => {
            let bytes = xlsx(&rows, &sat)
                .map_err(|e| ApiError::internal(format!("writing the XLSX failed: {e}")))?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        other => Err(ApiError::bad_request(
            "invalid_query",
            format!("format: \"{other}\" is not csv or xlsx"),
        )),
    }
}

fn xlsx(
    rows: &[StatsRow],
    sat: &HashMap<String, Satisfaction>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Statistik")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, neutralise(&r.key))?;
        sheet.write_string(row, 1, neutralise(&r.label))?;
        let nums = [
            r.issued as f64,
            r.served as f64,
            r.no_shows as f64,
            r.cancelled as f64,
        ];
        for (j, v) in nums.iter().enumerate() {
            sheet.write_number(row, 2 + j as u16, *v)?;
        }
        let opts = [
            r.wait_median_secs,
            r.wait_p90_secs,
            r.service_median_secs,
            r.service_p90_secs,
        ];
        for (j, v) in opts.iter().enumerate() {
            if let Some(v) = v {
                sheet.write_number(row, 6 + j as u16, *v as f64)?;
            }
        }
        if let Some(w) = r.within_target {
            sheet.write_number(row, 10, w)?;
        }
        let rated = sat.get(&r.key);
        sheet.write_number(row, 11, rated.map_or(0.0, |s| s.ratings as f64))?;
        if let Some(ikm) = rated.and_then(|s| s.ikm) {
            sheet.write_number(row, 12, ikm)?;
        }
    }
    sheet.autofit();
    book.save_to_buffer()
}
