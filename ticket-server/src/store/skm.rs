//! The full SKM survey's answers (`skm_responses`, migration 0010) and its report: per group of a
//! period, the respondents against the minimum sample, NRR per element, IKM, IKM × 25, grade and
//! label, the weakest elements; the respondents' profile; their suggestions.

use std::collections::BTreeMap;

use antri_wire::{StatsGroup, TicketView};
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::log::actor_kind_name;
use super::satisfaction::{group_of, label};
use super::service_days::{AsConfigured, Described};
use super::StoreError;
use crate::config::Config;
use crate::queue::Logged;
use crate::skm::elements::{AgeGroup, Education, Occupation, Sex, COUNT};
use crate::skm::score::{Index, Tally};
use crate::skm::{sample, Grade};

/// A `survey_submitted` entry's row: the answers, who served the ticket, the respondent beside.
pub(super) fn project_survey(
    tx: &Connection,
    logged: &Logged,
    t: &TicketView,
    counter: Option<u32>,
    answers: &[u8; COUNT],
) -> Result<(), StoreError> {
    let e = &logged.event;
    let r = logged.respondent.clone().unwrap_or_default();
    let p = r.profile;
    tx.prepare_cached(
        "INSERT INTO skm_responses (ticket_id, seq, day, service, counter, officer, channel,
             u1, u2, u3, u4, u5, u6, u7, u8, u9, sex, age, education, occupation, suggestion)
         VALUES (?1, ?2, ?3, ?4, ?5, (SELECT officer FROM tickets WHERE id = ?1), ?6,
             ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?
    .execute(params![
        t.id as i64,
        e.seq as i64,
        e.at.date_naive().to_string(),
        t.service,
        counter,
        actor_kind_name(e.actor.kind),
        answers[0],
        answers[1],
        answers[2],
        answers[3],
        answers[4],
        answers[5],
        answers[6],
        answers[7],
        answers[8],
        p.sex.map(Sex::key),
        p.age.map(AgeGroup::key),
        p.education.map(Education::key),
        p.occupation.map(Occupation::key),
        r.suggestion,
    ])?;
    Ok(())
}

/// How the SKM report groups: like the statistics, or the whole building as one unit.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SkmGroup {
    Service,
    Agency,
    Counter,
    Officer,
    Building,
}

impl SkmGroup {
    fn stats(self) -> Option<StatsGroup> {
        match self {
            SkmGroup::Service => Some(StatsGroup::Service),
            SkmGroup::Agency => Some(StatsGroup::Agency),
            SkmGroup::Counter => Some(StatsGroup::Counter),
            SkmGroup::Officer => Some(StatsGroup::Officer),
            SkmGroup::Building => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SkmGroup::Service => "service",
            SkmGroup::Agency => "agency",
            SkmGroup::Counter => "counter",
            SkmGroup::Officer => "officer",
            SkmGroup::Building => "building",
        }
    }
}

/// One unit's SKM over the period.
#[derive(Serialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct SkmRow {
    pub key: String,
    pub label: String,
    /// Surveys answered.
    pub respondents: u64,
    /// Tickets served (done) in the period: the population the sample is drawn from.
    pub population: u64,
    /// The Krejcie–Morgan minimum sample for that population.
    pub minimum_sample: u64,
    /// Fewer respondents than the minimum sample: the index is not representative yet.
    pub sample_too_small: bool,
    /// `None` without respondents.
    pub index: Option<Index>,
    /// `A`…`D`, and the regulation's words ("Sangat Baik" …) and English.
    pub grade: Option<&'static str>,
    pub grade_label: Option<&'static str>,
    pub grade_label_en: Option<&'static str>,
}

/// How many respondents gave each answer of one profile question (`not_given` last).
#[derive(Serialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct ProfileCount {
    pub key: &'static str,
    pub label: &'static str,
    pub label_en: &'static str,
    pub respondents: u64,
}

/// The respondents' profile, each question counted.
#[derive(Serialize, Clone, Debug, Default, PartialEq, utoipa::ToSchema)]
pub struct ProfileCounts {
    pub sex: Vec<ProfileCount>,
    pub age: Vec<ProfileCount>,
    pub education: Vec<ProfileCount>,
    pub occupation: Vec<ProfileCount>,
}

/// A suggestion, with its day and service's name (never the ticket or the respondent).
#[derive(Serialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct Suggestion {
    pub day: String,
    pub service: String,
    pub text: String,
}

/// `GET /api/v1/skm`.
#[derive(Serialize, Clone, Debug, PartialEq, utoipa::ToSchema)]
pub struct SkmReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: SkmGroup,
    pub building: String,
    /// The whole building over the period.
    pub overall: SkmRow,
    pub rows: Vec<SkmRow>,
    pub profile: ProfileCounts,
    /// Newest first.
    pub suggestions: Vec<Suggestion>,
}

/// One stored survey, as the raw CSV lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub day: String,
    pub service: String,
    pub counter: Option<u32>,
    pub officer: Option<String>,
    pub channel: String,
    pub answers: [u8; COUNT],
    pub profile: [Option<String>; 4],
    pub suggestion: Option<String>,
}

/// Every survey answered between `from` and `to` (local days, inclusive), oldest first.
pub fn responses(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Response>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT day, service, counter, officer, channel, u1, u2, u3, u4, u5, u6, u7, u8, u9,
                sex, age, education, occupation, suggestion
         FROM skm_responses WHERE day BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut answers = [0u8; COUNT];
        for (i, a) in answers.iter_mut().enumerate() {
            *a = r.get(5 + i)?;
        }
        out.push(Response {
            day: r.get(0)?,
            service: r.get(1)?,
            counter: r.get(2)?,
            officer: r.get(3)?,
            channel: r.get(4)?,
            answers,
            profile: [r.get(14)?, r.get(15)?, r.get(16)?, r.get(17)?],
            suggestion: r.get(18)?,
        });
    }
    Ok(out)
}

/// A group being summed: its name (the latest day's), answers, population.
#[derive(Default)]
struct Acc {
    name: Option<(String, String)>,
    tally: Tally,
    respondents: u64,
    population: u64,
}

/// Puts rows of a period into groups the way the satisfaction report does.
struct Grouper<'a> {
    conn: &'a Connection,
    config: &'a Config,
    described: Described,
    now: AsConfigured<'a>,
    by: SkmGroup,
    groups: BTreeMap<String, Acc>,
}

impl<'a> Grouper<'a> {
    fn group(
        &mut self,
        service: &str,
        counter: Option<u32>,
        officer: Option<String>,
        day: &str,
    ) -> Result<Option<&mut Acc>, StoreError> {
        let Some(by) = self.by.stats() else {
            return Ok(Some(self.groups.entry("building".into()).or_default()));
        };
        let found = group_of(
            self.conn,
            &self.described,
            &mut self.now,
            by,
            (service, counter, officer),
            day,
        )?;
        let Some((key, name)) = found else {
            return Ok(None);
        };
        let acc = self.groups.entry(key).or_default();
        if let Some(name) = name {
            if acc.name.as_ref().is_none_or(|(d, _)| d.as_str() <= day) {
                acc.name = Some((day.to_string(), name));
            }
        }
        Ok(Some(acc))
    }

    fn label(&self, key: &str, acc: &Acc) -> String {
        match (self.by.stats(), &acc.name) {
            (None, _) => self.config.building.name.clone(),
            (Some(_), Some((_, name))) => name.clone(),
            (Some(by), None) => label(self.config, by, key),
        }
    }
}

/// The SKM report of the surveys answered between `from` and `to`, grouped `by`.
pub fn report(
    conn: &Connection,
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
    by: SkmGroup,
) -> Result<SkmReport, StoreError> {
    let all = responses(conn, from, to)?;
    let mut g = Grouper {
        conn,
        config,
        described: Described::load(conn, from, to)?,
        now: AsConfigured::new(config),
        by,
        groups: BTreeMap::new(),
    };
    let mut overall = Acc::default();
    for r in &all {
        overall.tally.add(&r.answers);
        overall.respondents += 1;
        if let Some(acc) = g.group(&r.service, r.counter, r.officer.clone(), &r.day)? {
            acc.tally.add(&r.answers);
            acc.respondents += 1;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT service, counter, officer, day, COUNT(*) FROM tickets
         WHERE day BETWEEN ?1 AND ?2 AND status = 'done'
         GROUP BY service, counter, officer, day",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    while let Some(r) = rows.next()? {
        let (service, counter, officer, day): (String, Option<u32>, Option<String>, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let n: u64 = r.get(4)?;
        overall.population += n;
        // Only units with answers are reported; a unit nobody answered for has no index.
        if let Some(acc) = g.group(&service, counter, officer, &day)? {
            acc.population += n;
        }
    }
    let rows = g
        .groups
        .iter()
        .filter(|(_, acc)| acc.respondents > 0)
        .map(|(key, acc)| row(key.clone(), g.label(key, acc), acc))
        .collect();
    Ok(SkmReport {
        from,
        to,
        by,
        building: config.building.name.clone(),
        overall: row("all".into(), "Semua · All".into(), &overall),
        rows,
        profile: profile_counts(&all),
        suggestions: suggestions(&all, config),
    })
}

fn row(key: String, label: String, acc: &Acc) -> SkmRow {
    let index = Index::of(&acc.tally);
    let grade: Option<Grade> = index.as_ref().map(|i| i.grade);
    let minimum_sample = sample::minimum(acc.population);
    SkmRow {
        key,
        label,
        respondents: acc.respondents,
        population: acc.population,
        minimum_sample,
        sample_too_small: acc.respondents < minimum_sample,
        index,
        grade: grade.map(Grade::letter),
        grade_label: grade.map(Grade::label),
        grade_label_en: grade.map(Grade::label_en),
    }
}

fn count<T: Copy>(
    all: &[Response],
    part: usize,
    list: &[T],
    key: fn(T) -> &'static str,
    words: fn(T) -> (&'static str, &'static str),
) -> Vec<ProfileCount> {
    let n = |k: Option<&str>| {
        all.iter()
            .filter(|r| r.profile[part].as_deref() == k)
            .count() as u64
    };
    let mut out: Vec<ProfileCount> = list
        .iter()
        .map(|v| ProfileCount {
            key: key(*v),
            label: words(*v).0,
            label_en: words(*v).1,
            respondents: n(Some(key(*v))),
        })
        .collect();
    out.push(ProfileCount {
        key: "not_given",
        label: "Tidak diisi",
        label_en: "Not given",
        respondents: all.len() as u64 - out.iter().map(|c| c.respondents).sum::<u64>(),
    });
    out
}

fn profile_counts(all: &[Response]) -> ProfileCounts {
    ProfileCounts {
        sex: count(all, 0, Sex::ALL, Sex::key, Sex::words),
        age: count(all, 1, AgeGroup::ALL, AgeGroup::key, AgeGroup::words),
        education: count(all, 2, Education::ALL, Education::key, Education::words),
        occupation: count(all, 3, Occupation::ALL, Occupation::key, Occupation::words),
    }
}

fn suggestions(all: &[Response], config: &Config) -> Vec<Suggestion> {
    all.iter()
        .rev()
        .filter_map(|r| {
            let text = r.suggestion.as_deref()?.trim();
            (!text.is_empty()).then(|| Suggestion {
                day: r.day.clone(),
                service: label(config, StatsGroup::Service, &r.service),
                text: text.to_string(),
            })
        })
        .collect()
}
