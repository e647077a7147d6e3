//! Booking figures for the supervisor: per service and session (made, checked in, no-show,
//! cancelled, to come) and the waits of booked beside walk-in visitors — as JSON for the
//! dashboard's panel, or as a CSV or XLSX file like the other statistics.

use std::collections::BTreeMap;

use antri_wire::booking::{BookedWaits, BookingFigures, Named, SessionFigures};
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;

use super::table;
use crate::api::error::ApiError;
use crate::api::extract::Query;
use crate::api::AppState;
use crate::auth::Principal;
use crate::config::Config;
use crate::store::bookings;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// First day, 1970-01-01 to 9999-12-31.
    pub from: NaiveDate,
    /// Last day, at most 366 days after `from`.
    pub to: NaiveDate,
    /// `json` (default), or a file: `csv` or `xlsx`.
    #[serde(default)]
    #[param(pattern = "^(json|csv|xlsx)$")]
    pub format: Option<String>,
}

/// Bookings of a date range per service and session (made, checked in, no-show, cancelled), and
/// the waits of booked and walk-in visitors of those services; as JSON or a file.
#[utoipa::path(get, path = "/api/v1/stats/bookings", tag = "statistics",
    params(FiguresQuery),
    responses((status = 200, description = "The figures (JSON), or the file as an attachment", content(
            (BookingFigures = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )),
        crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn figures(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<FiguresQuery>,
) -> Result<Response, ApiError> {
    who.require_role(&[antri_wire::Role::Supervisor, antri_wire::Role::Admin])?;
    crate::api::handlers::dashboard::check_range(q.from, q.to)?;
    let format = table::format_of(q.format)?;
    let (from, to) = (q.from, q.to);
    let (counts, waits) = s
        .read_db(move |c| {
            Ok((
                bookings::counts(c, from, to)?,
                bookings::waits(c, from, to)?,
            ))
        })
        .await?;
    let figures = {
        let hall = s.hall();
        BookingFigures {
            sessions: sessions(hall.config(), counts),
            waits: booked_waits(hall.config(), waits),
        }
    };
    let table = table::Table {
        file: format!("antri-reservasi-{from}-{to}"),
        sheet: "Reservasi",
        columns: &COLUMNS,
    };
    table::answer(&format, figures, table, rows)
}

/// A service by its id, named as configured now (or by its id once removed).
fn named(config: &Config, id: &str) -> Named {
    Named {
        id: id.to_string(),
        name: config.service(id).map_or_else(
            || antri_wire::Text {
                id: id.to_string(),
                en: id.to_string(),
            },
            |sv| sv.name.clone(),
        ),
    }
}

/// Rows of (service, session, status, count), ordered by service and session, folded into one
/// figure per session.
fn sessions(config: &Config, counts: Vec<(String, u32, String, u64)>) -> Vec<SessionFigures> {
    let mut sessions: Vec<SessionFigures> = Vec::new();
    for (service, session, status, n) in counts {
        if sessions
            .last()
            .is_none_or(|f| f.service.id != service || f.session != session)
        {
            let time = config
                .service(&service)
                .and_then(|sv| sv.booking.as_ref())
                .and_then(|p| p.sessions.get(session as usize))
                .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
                .unwrap_or_default();
            sessions.push(SessionFigures {
                service: named(config, &service),
                session,
                time,
                made: 0,
                checked_in: 0,
                no_show: 0,
                cancelled: 0,
                active: 0,
            });
        }
        let f = sessions.last_mut().expect("pushed above");
        f.made += n;
        match status.as_str() {
            "checked_in" => f.checked_in += n,
            "no_show" => f.no_show += n,
            "cancelled" => f.cancelled += n,
            _ => f.active += n,
        }
    }
    sessions
}

/// Waits of (service, booked?, seconds) as the median of each side per service.
fn booked_waits(config: &Config, waits: Vec<(String, bool, u32)>) -> Vec<BookedWaits> {
    let mut by_service: BTreeMap<String, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
    for (service, booked, wait) in waits {
        let e = by_service.entry(service).or_default();
        if booked { &mut e.0 } else { &mut e.1 }.push(wait);
    }
    let median = |v: &mut Vec<u32>| {
        v.sort_unstable();
        (!v.is_empty()).then(|| v[v.len().div_ceil(2) - 1])
    };
    by_service
        .into_iter()
        .map(|(service, (mut booked, mut walk_in))| BookedWaits {
            service: named(config, &service),
            booked_called: booked.len() as u64,
            booked_wait_median_secs: median(&mut booked),
            walk_in_called: walk_in.len() as u64,
            walk_in_wait_median_secs: median(&mut walk_in),
        })
        .collect()
}

const COLUMNS: [&str; 13] = [
    "service",
    "service_name",
    "session",
    "time",
    "made",
    "checked_in",
    "no_show",
    "cancelled",
    "to_come",
    // The service's waits over the range, repeated on each of its sessions' rows so the file
    // stays one table.
    "booked_called",
    "booked_wait_median_secs",
    "walk_in_called",
    "walk_in_wait_median_secs",
];

/// One row per service and session; the text cells first, then the numbers (absent = empty).
fn rows(f: &BookingFigures) -> Vec<table::Row<4, 9>> {
    f.sessions
        .iter()
        .map(|s| {
            let w = f.waits.iter().find(|w| w.service.id == s.service.id);
            (
                [
                    s.service.id.clone(),
                    s.service.name.id.clone(),
                    s.session.to_string(),
                    s.time.clone(),
                ],
                [
                    Some(s.made),
                    Some(s.checked_in),
                    Some(s.no_show),
                    Some(s.cancelled),
                    Some(s.active),
                    w.map(|w| w.booked_called),
                    w.and_then(|w| w.booked_wait_median_secs).map(u64::from),
                    w.map(|w| w.walk_in_called),
                    w.and_then(|w| w.walk_in_wait_median_secs).map(u64::from),
                ],
            )
        })
        .collect()
}
