//! Satisfaction ratings: from a loket's rating tablet or the visitor's tracking page, and the IKM
//! report for the dashboard.

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{DeviceKind, Rated, Role, TrackView};
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
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabletRating {
    /// The ticket number the loket just finished, e.g. `KTP-012`.
    number: String,
    score: u8,
}

/// `POST /api/v1/track/{code}/rating` (the visitor).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitorRating {
    score: u8,
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

/// A rating tablet rates a ticket its loket finished today.
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn from_tablet(
    State(s): State<AppState>,
    who: Principal,
    Json(req): Json<TabletRating>,
) -> Result<(StatusCode, Json<Rated>), ApiError> {
    let device = who.require_device(DeviceKind::Rating)?.to_string();
    let score = check_score(req.score)?;
    if req.number.is_empty() || req.number.len() > 16 {
        return Err(ApiError::bad_request(
            "invalid_number",
            "number: a ticket number like KTP-012",
        ));
    }
    let counter = s
        .config()
        .devices
        .iter()
        .find(|d| d.id == device)
        .and_then(|d| d.counter)
        .ok_or_else(|| ApiError::forbidden("this tablet is not assigned to a loket"))?;
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

/// The visitor rates their own finished ticket on the tracking page; the code is the proof.
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
        // Not a ticket of today: say so if it is an older one, rather than "unknown".
        Err(WriteError::Rejected(QueueError::UnknownTicket(_))) => {
            let lookup = code.clone();
            let old = s.read_db(move |c| log::ticket_by_code(c, &lookup)).await?;
            return Err(match old {
                Some(t) => ApiError::new(
                    StatusCode::CONFLICT,
                    "rating_closed",
                    format!(
                        "ticket {} was on {}; a visit is rated on its day",
                        t.number, t.day
                    ),
                ),
                None => ApiError::not_found(
                    "unknown_ticket",
                    format!("no ticket with tracking code {code}"),
                ),
            });
        }
        other => other?,
    };
    match reply {
        Reply::Ticket(t) => Ok((StatusCode::CREATED, Json(s.hall().track(&t)))),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// `GET /api/v1/satisfaction?from&to&by`: number of ratings and IKM per group.
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
