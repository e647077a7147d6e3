//! The full SKM survey (Permenpan RB 14/2017): its questions for the survey screens, answers from
//! a loket's rating tablet or the visitor's phone, and the report with its exports.

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{ErrorBody, Role};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dashboard::check_range;
use crate::api::error::ApiError;
use crate::api::extract::{Json, Path, Query};
use crate::api::AppState;
use crate::auth::Principal;
use crate::queue::{Command, QueueError, RateBy, Reply, Respondent};
use crate::skm::elements::{
    AgeGroup, Education, Element, Occupation, Sex, ELEMENTS, SUGGESTION_MAX,
};
use crate::skm::{Answers, Profile};
use crate::store::skm::{self, SkmGroup, SkmReport};
use crate::store::writer::WriteError;

/// `POST /api/v1/track/{code}/survey` (the visitor, on their phone).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitorSurvey {
    /// U1..U9 in order, each 1 (the first answer) to 4 (the last): all nine.
    #[schema(min_items = 9, max_items = 9, value_type = Vec<AnswerValue>)]
    answers: Vec<f64>,
    #[serde(default)]
    profile: Profile,
    /// Saran dan masukan, at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    suggestion: Option<String>,
}

/// `POST /api/v1/surveys` (a loket's rating tablet, for a ticket that loket finished).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TabletSurvey {
    /// The ticket number the loket finished, e.g. `KTP-012`.
    #[schema(min_length = 1, max_length = 16)]
    number: String,
    /// U1..U9 in order, each 1 (the first answer) to 4 (the last): all nine.
    #[schema(min_items = 9, max_items = 9, value_type = Vec<AnswerValue>)]
    answers: Vec<f64>,
    #[serde(default)]
    profile: Profile,
    /// Saran dan masukan, at most 1000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    suggestion: Option<String>,
}

/// One answer: 1 (the element's first answer, e.g. "Tidak sesuai") to 4 (its last, e.g. "Sangat
/// sesuai"). For the document only; the handler reads numbers and checks them itself.
pub struct AnswerValue;

impl utoipa::PartialSchema for AnswerValue {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .minimum(Some(1))
            .maximum(Some(4))
            .into()
    }
}

impl utoipa::ToSchema for AnswerValue {}

/// A survey taken.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Surveyed {
    /// The ticket's number.
    number: String,
}

/// The answers as sent: nine whole numbers 1..=4 (JSON may write 4 as 4.0); a wrong one is named
/// by its place and element, with the value sent.
fn check_answers(values: &[f64]) -> Result<Answers, ApiError> {
    let bad = |e: String| ApiError::bad_request("invalid_answers", e);
    let mut whole = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        if v.fract() != 0.0 || !(1.0..=4.0).contains(v) {
            let code = ELEMENTS.get(i).map_or("no such element", |e| e.code);
            return Err(bad(format!(
                "answers[{i}] ({code}): {v} is not an answer from 1 to 4"
            )));
        }
        whole.push(*v as u64);
    }
    Answers::new(&whole).map_err(|e| bad(e.to_string()))
}

/// The suggestion, trimmed; empty is none. Kept as written (no character is removed), at most
/// [`SUGGESTION_MAX`] characters.
fn check_suggestion(s: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(text) = s.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let n = text.chars().count();
    if n > SUGGESTION_MAX {
        return Err(ApiError::bad_request(
            "invalid_suggestion",
            format!("suggestion: {n} characters; at most {SUGGESTION_MAX}"),
        ));
    }
    Ok(Some(text))
}

/// The visitor answers the nine SKM questions for their own finished ticket of today; the code
/// is the proof. One survey per ticket; logged as the visitor by the ticket's number.
#[utoipa::path(post, path = "/api/v1/track/{code}/survey", tag = "public",
    params(("code" = String, Path, description = "The tracking code printed under the QR", pattern = "^[A-Za-z0-9]{1,32}$")),
    request_body(content = VisitorSurvey, example = json!({"answers": [4, 3, 3, 4, 3, 4, 4, 3, 3], "profile": {"sex": "female", "age": "30_39"}, "suggestion": "Ruang tunggu nyaman"})),
    responses((status = 201, description = "Taken", body = Surveyed), crate::api::openapi::BadPath, crate::api::openapi::BadBody,
        (status = 404, description = "`unknown_ticket`", body = ErrorBody),
        (status = 409, description = "`already_surveyed`, `invalid_state` (not done) or `survey_closed` (a ticket of another day)", body = ErrorBody),
        crate::api::openapi::NotStored, crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn from_visitor(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Json(req): Json<VisitorSurvey>,
) -> Result<(StatusCode, Json<Surveyed>), ApiError> {
    super::public::check_code(&code)?;
    let answers = check_answers(&req.answers)?;
    let respondent = Respondent {
        profile: req.profile,
        suggestion: check_suggestion(req.suggestion)?,
    };
    let actor = Actor {
        kind: ActorKind::Visitor,
        id: "visitor".into(),
    };
    let command = Command::Survey {
        by: RateBy::TrackingCode(code.clone()),
        answers,
        respondent,
    };
    match s.writer.execute(command, actor).await {
        Err(WriteError::Rejected(QueueError::UnknownTicket(_))) => {
            Err(super::ratings::not_today(&s, &code, "survey_closed", "surveyed").await)
        }
        other => taken(other?),
    }
}

fn taken(reply: Reply) -> Result<(StatusCode, Json<Surveyed>), ApiError> {
    match reply {
        Reply::Ticket(t) => Ok((StatusCode::CREATED, Json(Surveyed { number: t.number }))),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

/// A loket's rating tablet sends the nine answers for a ticket that loket finished today (the
/// one it just rated). One survey per ticket.
#[utoipa::path(post, path = "/api/v1/surveys", tag = "ratings",
    request_body(content = TabletSurvey, example = json!({"number": "KTP-012", "answers": [4, 3, 3, 4, 3, 4, 4, 3, 3]})),
    responses((status = 201, description = "Taken", body = Surveyed), crate::api::openapi::BadBody, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_ticket`: no ticket of today has this number", body = ErrorBody),
        (status = 409, description = "`already_surveyed`, `not_rated_here` (another loket served it) or `invalid_state` (not done)", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["rating"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn from_tablet(
    State(s): State<AppState>,
    who: Principal,
    Json(req): Json<TabletSurvey>,
) -> Result<(StatusCode, Json<Surveyed>), ApiError> {
    let counter = super::ratings::tablet_loket(&s, &who)?;
    super::ratings::check_number(&req.number)?;
    let answers = check_answers(&req.answers)?;
    let respondent = Respondent {
        profile: req.profile,
        suggestion: check_suggestion(req.suggestion)?,
    };
    let command = Command::Survey {
        by: RateBy::Counter {
            counter,
            number: req.number,
        },
        answers,
        respondent,
    };
    taken(s.writer.execute(command, who.actor()).await?)
}

/// One answer of a profile list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Choice {
    key: &'static str,
    label: &'static str,
    label_en: &'static str,
}

/// `GET /api/v1/skm/questions`: what the survey screens ask.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Questions {
    elements: Vec<Element>,
    sex: Vec<Choice>,
    age: Vec<Choice>,
    education: Vec<Choice>,
    occupation: Vec<Choice>,
    suggestion_max: usize,
    /// Where complaints go: SP4N-LAPOR!.
    complaints_url: &'static str,
}

fn choices<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    words: fn(T) -> (&'static str, &'static str),
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            key: key(*v),
            label: words(*v).0,
            label_en: words(*v).1,
        })
        .collect()
}

/// The nine SKM questions with their answers (value 1..4 in order), and the profile's lists, in
/// the regulation's wording with English: the survey screens show these.
#[utoipa::path(get, path = "/api/v1/skm/questions", tag = "public",
    responses((status = 200, body = Questions)),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn questions() -> Json<Questions> {
    Json(Questions {
        elements: ELEMENTS.to_vec(),
        sex: choices(Sex::ALL, Sex::key, Sex::words),
        age: choices(AgeGroup::ALL, AgeGroup::key, AgeGroup::words),
        education: choices(Education::ALL, Education::key, Education::words),
        occupation: choices(Occupation::ALL, Occupation::key, Occupation::words),
        suggestion_max: SUGGESTION_MAX,
        complaints_url: COMPLAINTS_URL,
    })
}

/// SP4N-LAPOR!, the national complaints service.
pub const COMPLAINTS_URL: &str = "https://www.lapor.go.id";

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SkmQuery {
    /// First day, 1970-01-01 to 9999-12-31.
    pub from: NaiveDate,
    /// Last day, at most 366 days after `from`.
    pub to: NaiveDate,
    /// The unit: service (default), agency, counter, officer or building.
    #[serde(default = "by_service")]
    #[param(required = false, inline)]
    pub by: SkmGroup,
    /// Exports only: `pdf` (default), `xlsx` (the report) or `csv` (the raw answers).
    #[serde(default)]
    #[param(pattern = "^(pdf|xlsx|csv)$")]
    pub format: Option<String>,
}

fn by_service() -> SkmGroup {
    SkmGroup::Service
}

/// The SKM report of a period per unit: respondents against the minimum sample, NRR per element,
/// IKM, IKM × 25, grade and label, the weakest elements; the profile counts; the suggestions.
#[utoipa::path(get, path = "/api/v1/skm", tag = "statistics",
    params(SkmQuery),
    responses((status = 200, body = SkmReport), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn report(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<SkmQuery>,
) -> Result<Json<SkmReport>, ApiError> {
    Ok(Json(read_report(&s, &who, &q).await?))
}

pub(super) async fn read_report(
    s: &AppState,
    who: &Principal,
    q: &SkmQuery,
) -> Result<SkmReport, ApiError> {
    who.require_role(&[Role::Supervisor, Role::Admin])?;
    check_range(q.from, q.to)?;
    let config = s.config();
    let (from, to, by) = (q.from, q.to, q.by);
    s.read_db(move |c| skm::report(c, &config, from, to, by))
        .await
}
