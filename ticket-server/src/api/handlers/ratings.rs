//! Satisfaction ratings: from a loket's rating tablet or the visitor's tracking page, and the IKM
//! report for the dashboard.

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{DeviceKind, ErrorBody, Rated, Role, StatsGroup, TrackView};
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::dashboard::{check_range, RangeQuery};
use crate::api::error::ApiError;
use crate::api::extract::{Json, Path, Query};
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, QueueError, RateBy, Reply};
use crate::store::log;
use crate::store::satisfaction::{self, Report};
use crate::store::writer::WriteError;

/// `POST /api/v1/ratings` (a rating tablet).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TabletRating {
    /// The ticket number the loket just finished, e.g. `KTP-012`.
    #[schema(min_length = 1, max_length = 16)]
    number: String,
    /// 1 (Tidak baik) … 4 (Sangat baik).
    #[schema(minimum = 1, maximum = 4)]
    #[serde(deserialize_with = "whole_number")]
    score: u8,
}

/// `POST /api/v1/track/{code}/rating` (the visitor).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorRating {
    /// 1 (Tidak baik) … 4 (Sangat baik).
    #[schema(minimum = 1, maximum = 4)]
    #[serde(deserialize_with = "whole_number")]
    score: u8,
}

/// A score as JSON may send it: `4` or `4.0` (JSON has one kind of number, and JSON Schema counts
/// 4.0 as an integer; found by schemathesis). [`check_score`] then checks its range.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u8, D::Error> {
    let v = f64::deserialize(d)?;
    if v.fract() == 0.0 && (0.0..=255.0).contains(&v) {
        Ok(v as u8)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a whole number from 1 to 4"
        )))
    }
}

fn check_score(score: u8) -> Result<u8, ApiError> {
    if (1..=4).contains(&score) {
        Ok(score)
    } else {
        Err(ApiError::bad_request(
            "invalid_score",
            format!("score: {score} is not 1 (Tidak baik), 2 (Kurang baik), 3 (Baik) or 4 (Sangat baik)"),
        ))
    }
}

/// The loket of the rating tablet that asks (403 for anyone else, or a tablet at no loket).
pub(super) fn tablet_loket(s: &AppState, who: &Principal) -> Result<u32, ApiError> {
    let device = who.require_device(DeviceKind::Rating)?;
    s.config()
        .devices
        .iter()
        .find(|d| d.id == device)
        .and_then(|d| d.counter)
        .ok_or_else(|| ApiError::forbidden("this tablet is not assigned to a loket"))
}

/// A ticket number as a tablet sends it. Counted in characters, as the document's maxLength is
/// (bytes refused a 16-character number with a non-ASCII letter; found by schemathesis).
pub(super) fn check_number(number: &str) -> Result<(), ApiError> {
    if number.is_empty() || number.chars().count() > 16 {
        return Err(ApiError::bad_request(
            "invalid_number",
            "number: a ticket number like KTP-012",
        ));
    }
    Ok(())
}

/// A loket's rating tablet rates a ticket that loket finished today, 1..4; one rating per ticket.
#[utoipa::path(post, path = "/api/v1/ratings", tag = "ratings",
    request_body(content = TabletRating, example = json!({"number": "KTP-012", "score": 4})),
    responses((status = 201, description = "Rated", body = Rated), crate::api::openapi::BadBody, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_ticket`: no ticket of today has this number", body = ErrorBody),
        (status = 409, description = "`already_rated`, `not_rated_here` (another loket served it) or `invalid_state` (not done)", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["rating"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn from_tablet(
    State(s): State<AppState>,
    who: Principal,
    Json(req): Json<TabletRating>,
) -> Result<(StatusCode, Json<Rated>), ApiError> {
    let counter = tablet_loket(&s, &who)?;
    let score = check_score(req.score)?;
    check_number(&req.number)?;
    let reply = s
        .writer
        .execute(
            Command::Rate {
                by: RateBy::Counter {
                    counter,
                    number: req.number,
                },
                score,
            },
            who.actor(),
        )
        .await?;
    match reply {
        Reply::Ticket(t) => Ok((
            StatusCode::CREATED,
            Json(Rated {
                number: t.number,
                score,
            }),
        )),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// The visitor rates their own finished ticket of today on the tracking page; the code is the
/// proof. One rating per ticket; logged as the visitor by the ticket's number.
#[utoipa::path(post, path = "/api/v1/track/{code}/rating", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    request_body(content = VisitorRating, example = json!({"score": 4})),
    responses((status = 201, description = "Rated", body = TrackView), crate::api::openapi::BadPath, crate::api::openapi::BadBody,
        (status = 404, description = "`unknown_ticket`", body = ErrorBody),
        (status = 409, description = "`already_rated`, `invalid_state` (not done) or `rating_closed` (a ticket of another day)", body = ErrorBody),
        crate::api::openapi::NotStored, crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn from_visitor(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Json(req): Json<VisitorRating>,
) -> Result<(StatusCode, Json<TrackView>), ApiError> {
    super::public::check_code(&code)?;
    let score = check_score(req.score)?;
    // The queue names the visitor in the log by the ticket's number, never by the code.
    let actor = Actor {
        kind: ActorKind::Visitor,
        id: "visitor".into(),
    };
    let result = s
        .writer
        .execute(
            Command::Rate {
                by: RateBy::TrackingCode(code.clone()),
                score,
            },
            actor,
        )
        .await;
    let reply = match result {
        Err(WriteError::Rejected(QueueError::UnknownTicket(_))) => {
            return Err(not_today(&s, &code, "rating_closed", "rated").await)
        }
        other => other?,
    };
    match reply {
        Reply::Ticket(t) => Ok((StatusCode::CREATED, Json(s.hall().track(&t)))),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// A tracking code the queue does not know among today's tickets: say so if it is an older ticket
/// (`closed`, 409: a visit is `done` on its day), rather than "unknown" (404).
pub(super) async fn not_today(
    s: &AppState,
    code: &str,
    closed: &'static str,
    done: &str,
) -> ApiError {
    let lookup = code.to_string();
    match s.read_db(move |c| log::ticket_by_code(c, &lookup)).await {
        Ok(Some(t)) => ApiError::new(
            StatusCode::CONFLICT,
            closed,
            format!(
                "ticket {} was on {}; a visit is {done} on its day",
                t.number, t.day
            ),
        ),
        Ok(None) => ApiError::not_found(
            "unknown_ticket",
            format!("no ticket with tracking code {code}"),
        ),
        Err(e) => e,
    }
}

/// Satisfaction over a date range, grouped like the statistics: ratings, count per face, IKM.
///
/// IKM = mean × 25 (25–100) and its grade A–D (Permenpan RB 14/2017; one overall question, not the
/// nine SKM elements).
#[utoipa::path(get, path = "/api/v1/satisfaction", tag = "statistics",
    params(
        ("from" = NaiveDate, Query, description = "First day, 1970-01-01 to 9999-12-31"),
        ("to" = NaiveDate, Query, description = "Last day, at most 366 days after `from`"),
        ("by" = Option<StatsGroup>, Query, description = "How to group (default service)"),
    ),
    responses((status = 200, body = Report), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn report(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Report>, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    check_range(q.from, q.to)?;
    let config = s.config();
    let (from, to, by) = (q.from, q.to, q.by);
    Ok(Json(
        s.read_db(move |c| satisfaction::satisfaction(c, &config, from, to, by))
            .await?,
    ))
}
