//! Statistics over a date range, from the ticket projection.
//!
//! Wait = first call − issue; service time = finish − start (tickets that were started). Medians
//! and 90th percentiles are exact (nearest-rank), computed from the rows of the range.

use std::collections::BTreeMap;

use antri_wire::{StatsGroup, StatsRow};
use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::StoreError;
use crate::config::Config;

#[derive(Default)]
struct Acc {
    issued: u64,
    served: u64,
    no_shows: u64,
    cancelled: u64,
    waits: Vec<u32>,
    within: u64,
    service_times: Vec<u32>,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

pub fn stats(
    conn: &Connection,
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
    by: StatsGroup,
) -> Result<Vec<StatsRow>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT service, counter, officer, status, issued_at, first_called_at, started_at, finished_at
         FROM tickets WHERE day BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let counter: Option<u32> = r.get(1)?;
        let officer: Option<String> = r.get(2)?;
        let status: String = r.get(3)?;
        let issued_at: i64 = r.get(4)?;
        let called: Option<i64> = r.get(5)?;
        let started: Option<i64> = r.get(6)?;
        let finished: Option<i64> = r.get(7)?;
        let svc = config.service(&service);
        let key = match by {
            StatsGroup::Service => service.clone(),
            StatsGroup::Agency => svc.map_or_else(|| service.clone(), |s| s.agency.clone()),
            StatsGroup::Counter => match counter {
                Some(c) => c.to_string(),
                None => continue, // never reached a loket
            },
            StatsGroup::Officer => match officer {
                Some(o) => o,
                None => continue,
            },
        };
        let acc = groups.entry(key).or_default();
        acc.issued += 1;
        match status.as_str() {
            "done" => acc.served += 1,
            "no_show" => acc.no_shows += 1,
            "cancelled" => acc.cancelled += 1,
            _ => {}
        }
        if let Some(c) = called {
            let wait = (c - issued_at).max(0) as u32;
            acc.waits.push(wait);
            if svc.is_some_and(|s| wait <= s.target_wait_secs) {
                acc.within += 1;
            }
        }
        if let (Some(s), Some(f), "done") = (started, finished, status.as_str()) {
            acc.service_times.push((f - s).max(0) as u32);
        }
    }
    Ok(groups
        .into_iter()
        .map(|(key, mut a)| {
            a.waits.sort_unstable();
            a.service_times.sort_unstable();
            let label = label(config, by, &key);
            StatsRow {
                label,
                issued: a.issued,
                served: a.served,
                no_shows: a.no_shows,
                cancelled: a.cancelled,
                wait_median_secs: percentile(&a.waits, 0.5),
                wait_p90_secs: percentile(&a.waits, 0.9),
                service_median_secs: percentile(&a.service_times, 0.5),
                service_p90_secs: percentile(&a.service_times, 0.9),
                within_target: (!a.waits.is_empty())
                    .then(|| a.within as f64 / a.waits.len() as f64),
                key,
            }
        })
        .collect())
}

fn label(config: &Config, by: StatsGroup, key: &str) -> String {
    match by {
        StatsGroup::Service => config
            .service(key)
            .map_or(key.to_string(), |s| s.name.id.clone()),
        StatsGroup::Agency => config
            .agency(key)
            .map_or(key.to_string(), |a| a.name.id.clone()),
        StatsGroup::Counter => key
            .parse()
            .ok()
            .and_then(|n| config.counter(n))
            .map_or(format!("Loket {key}"), |c| c.name.clone()),
        StatsGroup::Officer => config.user(key).map_or(key.to_string(), |u| u.name.clone()),
    }
}

/// Tickets issued and served per local hour of the day (0–23) over a date range.
pub fn hourly(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    utc_offset_secs: i64,
) -> Result<Vec<(u32, u64, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT ((issued_at + ?3) / 3600) % 24 AS hour, COUNT(*), SUM(status = 'done')
         FROM tickets WHERE day BETWEEN ?1 AND ?2 GROUP BY hour ORDER BY hour",
    )?;
    let rows = stmt.query_map(
        params![from.to_string(), to.to_string(), utc_offset_secs],
        |r| {
            Ok((
                r.get::<_, i64>(0)? as u32,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
            ))
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&v, 0.5), Some(5));
        assert_eq!(percentile(&v, 0.9), Some(9));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
