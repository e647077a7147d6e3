//! The public transparency view (issue: service "dipantau dan ditelusuri secara transparan dan
//! real time"): per service today and the service standard, last month's SKM grade per agency.
//! For anyone, on the public listener too; aggregates only.

use antri_wire::transparency::{
    PublicAgency, PublicHall, PublicService, PublicSkm, ServiceStandard,
};
use antri_wire::{StatsGroup, Text};
use axum::extract::State;
use chrono::{Datelike, Days, NaiveDate};

use crate::api::error::ApiError;
use crate::api::extract::Json;
use crate::api::AppState;
use crate::store::skm::{SkmGroup, SkmRow};
use crate::store::stats;

/// The calendar month before `day`'s: (first day, last day).
fn last_month(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_this = day.with_day(1).unwrap_or(day);
    let last = first_this
        .checked_sub_days(Days::new(1))
        .unwrap_or(first_this);
    (last.with_day(1).unwrap_or(last), last)
}

fn public_skm(row: &SkmRow, from: NaiveDate, to: NaiveDate) -> Option<PublicSkm> {
    let index = row.index.as_ref()?;
    Some(PublicSkm {
        from,
        to,
        respondents: row.respondents,
        ikm_unit: index.ikm_unit,
        grade: row.grade?.to_string(),
        label: Text {
            id: row.grade_label?.to_string(),
            en: row.grade_label_en?.to_string(),
        },
        sample_too_small: row.sample_too_small,
    })
}

/// The hall for citizens: each service today (waiting, estimated wait, served, median wait
/// against the promised target) with its published standard, and last month's SKM per agency.
#[utoipa::path(get, path = "/api/v1/public/hall", tag = "public",
    responses((status = 200, body = PublicHall), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn hall(State(s): State<AppState>) -> Result<Json<PublicHall>, ApiError> {
    let now = s.clock.now();
    let (building, services, config) = {
        let hall = s.hall();
        (
            hall.building(now),
            hall.services(now),
            hall.config().clone(),
        )
    };
    let today = building.day;
    let (from, to) = last_month(today);
    let c = config.clone();
    let (rows, skm) = s
        .read_db(move |conn| {
            Ok((
                stats::stats(conn, &c, today, today, StatsGroup::Service)?,
                crate::store::skm::report(conn, &c, from, to, SkmGroup::Agency)?,
            ))
        })
        .await?;
    let services = services
        .into_iter()
        .map(|v| {
            let row = rows.iter().find(|r| r.key == v.id);
            let svc = config.service(&v.id);
            PublicService {
                estimated_wait: antri_wire::wait::estimated_wait(v.waiting, v.estimated_wait_secs),
                served_today: row.map_or(0, |r| r.served),
                wait_median_secs: row.and_then(|r| r.wait_median_secs),
                within_target: row.and_then(|r| r.within_target),
                standard: ServiceStandard {
                    bring: svc.map(|s| s.bring.clone()).unwrap_or_default(),
                    service_minutes: svc.map_or(0, |s| s.service_secs / 60),
                    cost: svc.and_then(|s| s.cost.clone()),
                },
                id: v.id,
                agency: v.agency,
                prefix: v.prefix,
                name: v.name,
                availability: v.availability,
                waiting: v.waiting,
                target_wait_secs: v.target_wait_secs,
            }
        })
        .collect();
    let agencies = config
        .agencies
        .iter()
        .map(|a| PublicAgency {
            id: a.id.clone(),
            name: a.name.clone(),
            skm: skm
                .rows
                .iter()
                .find(|r| r.key == a.id)
                .and_then(|r| public_skm(r, from, to)),
        })
        .collect();
    Ok(Json(PublicHall {
        building: building.name,
        day: today,
        now: building.now,
        services,
        agencies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_month_is_the_calendar_month_before() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            last_month(d("2026-11-24")),
            (d("2026-10-01"), d("2026-10-31"))
        );
        assert_eq!(
            last_month(d("2026-03-01")),
            (d("2026-02-01"), d("2026-02-28"))
        );
        assert_eq!(
            last_month(d("2027-01-15")),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }
}
