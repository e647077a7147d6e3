//! Satisfaction over a date range, from the `ratings` projection of `ticket_rated` events.
//!
//! MPPs report satisfaction as the IKM (Indeks Kepuasan Masyarakat, the SKM survey of Permenpan RB
//! 14/2017): the mean of answers on a 1..4 scale, times 25, so 25–100, with a quality grade.
//! The regulation's survey has nine elements and weights them equally; Antri asks one overall
//! question ("Bagaimana pelayanan kami?"), so its IKM is that one element's mean × 25 — comparable
//! in scale and grade, not a full SKM; the full nine-element survey is `store::skm`.

use std::collections::BTreeMap;

use antri_wire::StatsGroup;
use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::Serialize;

use super::StoreError;
use crate::config::Config;

/// The four faces, 1..=4, as the visitor reads them.
pub const SCORE_WORDS: [(&str, &str); 4] = [
    ("Tidak baik", "Poor"),
    ("Kurang baik", "Fair"),
    ("Baik", "Good"),
    ("Sangat baik", "Very good"),
];

/// Ratings of one group (a service, a loket, …).
#[derive(Serialize, Clone, Debug, Default, PartialEq, utoipa::ToSchema)]
pub struct Satisfaction {
    pub key: String,
    pub label: String,
    pub ratings: u32,
    /// How many gave 1, 2, 3, 4.
    pub by_score: [u32; 4],
    /// Mean × 25, rounded to two decimals (25–100); `None` without ratings.
    pub ikm: Option<f64>,
    /// A, B, C or D.
    pub grade: Option<&'static str>,
    /// "Sangat Baik", "Baik", "Kurang Baik" or "Tidak Baik".
    pub grade_words: Option<&'static str>,
}

impl Satisfaction {
    fn add(&mut self, score: u8, n: u32) {
        if (1..=4).contains(&score) {
            self.by_score[score as usize - 1] += n;
            self.ratings += n;
        }
    }

    fn finish(mut self) -> Satisfaction {
        let sum: u32 = self
            .by_score
            .iter()
            .enumerate()
            .map(|(i, n)| (i as u32 + 1) * n)
            .sum();
        self.ikm = ikm(sum, self.ratings);
        if let Some(v) = self.ikm {
            let (g, w) = grade(v);
            self.grade = Some(g);
            self.grade_words = Some(w);
        }
        self
    }
}

/// IKM of `count` answers that add up to `sum`: mean × 25, two decimals.
pub fn ikm(sum: u32, count: u32) -> Option<f64> {
    (count > 0).then(|| (sum as f64 / count as f64 * 25.0 * 100.0).round() / 100.0)
}

/// The quality grade of an IKM (Permenpan RB 14/2017): A 88.31–100, B 76.61–88.30,
/// C 65.00–76.60, D 25.00–64.99.
pub fn grade(ikm: f64) -> (&'static str, &'static str) {
    let g = crate::skm::Grade::of(ikm);
    (g.letter(), g.label())
}

/// All ratings of the range, and per group.
/// `GET /api/v1/satisfaction`: every rating of the range, and per group.
#[derive(Serialize, Clone, Debug, utoipa::ToSchema)]
pub struct Report {
    pub overall: Satisfaction,
    pub rows: Vec<Satisfaction>,
}

/// Satisfaction of the ratings given between `from` and `to` (local days, inclusive), grouped
/// like the statistics: by service, agency, loket (where the ticket was served) or officer.
/// A rating's group, and its name on the rating's day: a closed day's service, loket or officer as
/// described that day; a day not closed yet's as configured now (or, removed today, as it was).
pub(super) fn group_of(
    conn: &Connection,
    described: &super::service_days::Described,
    now: &mut super::service_days::AsConfigured,
    by: StatsGroup,
    (service, counter, officer): (&str, Option<u32>, Option<String>),
    day: &str,
) -> Result<Option<(String, Option<String>)>, StoreError> {
    let was = match described.latest(service, day, day) {
        Some((_, d)) => Some(d.clone()),
        None => now.get(conn, service)?,
    };
    let key = match by {
        StatsGroup::Service => Some(service.to_string()),
        StatsGroup::Agency => Some(
            was.as_ref()
                .map_or_else(|| service.to_string(), |d| d.agency.clone()),
        ),
        StatsGroup::Counter => counter.map(|c| c.to_string()),
        StatsGroup::Officer => officer,
    };
    let Some(key) = key else { return Ok(None) };
    let name = match (by, was) {
        (StatsGroup::Service, Some(d)) => Some(d.name),
        (StatsGroup::Agency, Some(d)) => Some(d.agency_name),
        (StatsGroup::Counter, _) | (StatsGroup::Officer, _) => {
            let dim = if by == StatsGroup::Counter {
                "counter"
            } else {
                "officer"
            };
            match described.latest_name(dim, &key, day, day) {
                Some((_, n)) => Some(n.to_string()),
                None => now.name(conn, dim, &key)?,
            }
        }
        _ => None,
    };
    Ok(Some((key, name)))
}

pub fn satisfaction(
    conn: &Connection,
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
    by: StatsGroup,
) -> Result<Report, StoreError> {
    // A closed day's service is named and placed in its agency as it was that day.
    let described = super::service_days::Described::load(conn, from, to)?;
    let mut stmt = conn.prepare_cached(
        "SELECT r.service, r.counter, t.officer, r.score, COUNT(*), r.day
         FROM ratings r LEFT JOIN tickets t ON t.id = r.ticket_id
         WHERE r.day BETWEEN ?1 AND ?2
         GROUP BY r.service, r.counter, t.officer, r.score, r.day",
    )?;
    // Per group: the latest day a name was known, and that name.
    let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut now = super::service_days::AsConfigured::new(config);
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    let mut groups: BTreeMap<String, Satisfaction> = BTreeMap::new();
    let mut overall = Satisfaction {
        key: "all".into(),
        label: "Semua · All".into(),
        ..Default::default()
    };
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let counter: Option<u32> = r.get(1)?;
        let officer: Option<String> = r.get(2)?;
        let score: u8 = r.get(3)?;
        let n: u32 = r.get(4)?;
        let day: String = r.get(5)?;
        overall.add(score, n);
        let Some((key, name)) = group_of(
            conn,
            &described,
            &mut now,
            by,
            (&service, counter, officer),
            &day,
        )?
        else {
            continue;
        };
        if let Some(name) = name {
            if names.get(&key).is_none_or(|(d, _)| *d <= day) {
                names.insert(key.clone(), (day.clone(), name));
            }
        }
        groups
            .entry(key.clone())
            .or_insert_with(|| Satisfaction {
                label: label(config, by, &key),
                key,
                ..Default::default()
            })
            .add(score, n);
    }
    for (key, (_, name)) in names {
        if let Some(g) = groups.get_mut(&key) {
            g.label = name;
        }
    }
    Ok(Report {
        overall: overall.finish(),
        rows: groups.into_values().map(Satisfaction::finish).collect(),
    })
}

pub(super) fn label(config: &Config, by: StatsGroup, key: &str) -> String {
    match by {
        StatsGroup::Service => config
            .service(key)
            .map_or_else(|| key.to_string(), |s| s.name.id.clone()),
        StatsGroup::Agency => config
            .agency(key)
            .map_or_else(|| key.to_string(), |a| a.name.id.clone()),
        StatsGroup::Counter => key
            .parse()
            .ok()
            .and_then(|n| config.counter(n))
            .map_or_else(|| format!("Loket {key}"), |c| c.name.clone()),
        StatsGroup::Officer => config
            .user(key)
            .map_or_else(|| key.to_string(), |u| u.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ikm_is_the_mean_times_25_with_the_regulations_grades() {
        assert_eq!(ikm(0, 0), None);
        assert_eq!(ikm(4, 1), Some(100.0));
        assert_eq!(ikm(1, 1), Some(25.0));
        // 3, 4, 4 → mean 3.6667 → 91.67
        assert_eq!(ikm(11, 3), Some(91.67));
        assert_eq!(grade(100.0), ("A", "Sangat Baik"));
        assert_eq!(grade(88.31), ("A", "Sangat Baik"));
        assert_eq!(grade(88.30), ("B", "Baik"));
        assert_eq!(grade(76.61), ("B", "Baik"));
        assert_eq!(grade(76.60), ("C", "Kurang Baik"));
        assert_eq!(grade(65.0), ("C", "Kurang Baik"));
        assert_eq!(grade(64.99), ("D", "Tidak Baik"));
        assert_eq!(grade(25.0), ("D", "Tidak Baik"));
    }
}
