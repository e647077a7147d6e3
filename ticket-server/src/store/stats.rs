//! Statistics over a date range.
//!
//! The definitions (stated on the dashboard too): counts are one per ticket, under the service,
//! loket and officer it ended with. Waits and service times are one per *stay* in a queue (a
//! transferred ticket stays in two): wait = stay began (issue or transfer) → first call of that
//! stay, judged against that stay's service's target; service time = start → end of that stay
//! (finished, or transferred away while served). Medians and 90th percentiles are exact
//! (nearest-rank).
//!
//! Closed days come from the rollup ([`super::rollup`]: counts and per-second histograms per day
//! and per finished month, written in the same transaction that starts a new day); the days not
//! rolled up yet (today) are read from the ticket projection. Both feed the same accumulator, so a
//! figure is the same whichever way its tickets were read.

use std::collections::BTreeMap;

use antri_wire::{StatsGroup, StatsRow};
use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::rollup::{self, Part};
use super::service_days::{AsConfigured, Described};
use super::StoreError;
use crate::config::Config;

/// Whole seconds → how many tickets took that long.
#[derive(Default)]
struct Hist {
    pairs: Vec<(u32, u32)>,
    total: u64,
}

impl Hist {
    fn add(&mut self, secs: u32, n: u32) {
        self.pairs.push((secs, n));
        self.total += n as u64;
    }

    /// Nearest-rank percentiles `ps` (ascending) of the values, exact.
    fn percentiles<const N: usize>(&self, ps: [f64; N], dense: &mut Vec<u64>) -> [Option<u32>; N] {
        let mut out = [None; N];
        if self.total == 0 {
            return out;
        }
        let ranks = ps.map(|p| ((p * self.total as f64).ceil() as u64).clamp(1, self.total));
        let max = self.pairs.iter().map(|p| p.0).max().unwrap_or(0) as usize;
        // Counting into a dense array is linear; many small days' histograms merge without a sort.
        dense.clear();
        dense.resize(max + 1, 0);
        for &(s, n) in &self.pairs {
            dense[s as usize] += n as u64;
        }
        let mut cum = 0u64;
        let mut next = 0;
        for (secs, &n) in dense.iter().enumerate() {
            cum += n;
            while next < N && cum >= ranks[next] {
                out[next] = Some(secs as u32);
                next += 1;
            }
            if next == N {
                break;
            }
        }
        out
    }
}

#[derive(Default)]
struct Acc {
    issued: u64,
    served: u64,
    no_shows: u64,
    cancelled: u64,
    waits: Hist,
    within: u64,
    service_times: Hist,
    /// The name of the group on the latest day it had tickets: (day, name).
    label: Option<(String, String)>,
}

impl Acc {
    /// Offer the group's name on `day`; the latest day's wins.
    fn name_on(&mut self, day: &str, name: &str) {
        if self.label.as_ref().is_none_or(|(d, _)| d.as_str() <= day) {
            self.label = Some((day.to_string(), name.to_string()));
        }
    }
}

fn dim(by: StatsGroup) -> &'static str {
    match by {
        StatsGroup::Service | StatsGroup::Agency => "service",
        StatsGroup::Counter => "counter",
        StatsGroup::Officer => "officer",
    }
}

/// The group a fact of `dim` belongs to: agencies are merged from their services here, because
/// which agency a service belongs to is configuration — on a closed day, as it was that day.
fn group_key(
    config: &Config,
    by: StatsGroup,
    key: String,
    service: &str,
    day: Option<&str>,
) -> String {
    match (by, day) {
        (StatsGroup::Agency, Some(agency)) => agency.to_string(),
        (StatsGroup::Agency, None) => config.service(service).map_or(key, |s| s.agency.clone()),
        _ => key,
    }
}

pub fn stats(
    conn: &Connection,
    config: &Config,
    from: NaiveDate,
    to: NaiveDate,
    by: StatsGroup,
) -> Result<Vec<StatsRow>, StoreError> {
    let mut groups: BTreeMap<String, Acc> = BTreeMap::new();
    let plan = rollup::plan(conn, from, to)?;
    let described = Described::load(conn, from, to)?;
    for part in &plan.parts {
        add_rolled(conn, config, &described, by, part, &mut groups)?;
    }
    if let Some((a, b)) = plan.live {
        add_live(conn, config, by, a, b, &mut groups)?;
    }
    let mut dense = Vec::new();
    Ok(groups
        .into_iter()
        .map(|(key, a)| {
            let [wm, w90] = a.waits.percentiles([0.5, 0.9], &mut dense);
            let [sm, s90] = a.service_times.percentiles([0.5, 0.9], &mut dense);
            let label = match a.label {
                Some((_, name)) => name,
                None => label(config, by, &key),
            };
            StatsRow {
                label,
                issued: a.issued,
                served: a.served,
                no_shows: a.no_shows,
                cancelled: a.cancelled,
                wait_median_secs: wm,
                wait_p90_secs: w90,
                service_median_secs: sm,
                service_p90_secs: s90,
                within_target: (a.waits.total > 0).then(|| a.within as f64 / a.waits.total as f64),
                key,
            }
        })
        .collect())
}

/// The days a rollup period covers, as bounds for [`Described::latest`].
fn days_of(level: &str, period: &str) -> (String, String) {
    match level {
        "m" => (format!("{period}-00"), format!("{period}-99")),
        _ => (period.to_string(), period.to_string()),
    }
}

fn add_rolled(
    conn: &Connection,
    config: &Config,
    described: &Described,
    by: StatsGroup,
    part: &Part,
    groups: &mut BTreeMap<String, Acc>,
) -> Result<(), StoreError> {
    let mut counts = conn.prepare_cached(
        "SELECT key, service, period, issued, served, no_shows, cancelled FROM stats_counts
         WHERE level = ?1 AND dim = ?2 AND period BETWEEN ?3 AND ?4",
    )?;
    let mut rows = counts.query(params![part.level, dim(by), part.from, part.to])?;
    while let Some(r) = rows.next()? {
        let service: String = r.get(1)?;
        let (first, last) = days_of(part.level, &r.get::<_, String>(2)?);
        // The service as it was on the period's last day it had tickets (see `service_days`).
        let was = described.latest(&service, &first, &last);
        let key: String = r.get(0)?;
        // Lokets and officers as they were named on the period's last day they worked.
        let name = match by {
            StatsGroup::Counter | StatsGroup::Officer => {
                described.latest_name(dim(by), &key, &first, &last)
            }
            _ => None,
        };
        let acc = groups
            .entry(group_key(
                config,
                by,
                key,
                &service,
                was.map(|(_, d)| d.agency.as_str()),
            ))
            .or_default();
        if let Some((day, d)) = was {
            match by {
                StatsGroup::Service => acc.name_on(day, &d.name),
                StatsGroup::Agency => acc.name_on(day, &d.agency_name),
                StatsGroup::Counter | StatsGroup::Officer => {}
            }
        }
        if let Some((day, name)) = name {
            acc.name_on(day, name);
        }
        acc.issued += r.get::<_, i64>(3)? as u64;
        acc.served += r.get::<_, i64>(4)? as u64;
        acc.no_shows += r.get::<_, i64>(5)? as u64;
        acc.cancelled += r.get::<_, i64>(6)? as u64;
    }
    add_rolled_hists(conn, config, described, by, part, groups)
}

/// A rolled-up part's wait and service-time histograms, each wait judged against the target its
/// service had then.
fn add_rolled_hists(
    conn: &Connection,
    config: &Config,
    described: &Described,
    by: StatsGroup,
    part: &Part,
    groups: &mut BTreeMap<String, Acc>,
) -> Result<(), StoreError> {
    let mut hists = conn.prepare_cached(
        "SELECT key, service, kind = 'wait', hist, period FROM stats_hist
         WHERE level = ?1 AND dim = ?2 AND period BETWEEN ?3 AND ?4",
    )?;
    let mut rows = hists.query(params![part.level, dim(by), part.from, part.to])?;
    while let Some(r) = rows.next()? {
        let service: String = r.get(1)?;
        let is_wait: bool = r.get(2)?;
        let hist = r.get_ref(3)?.as_blob().map_err(rusqlite::Error::from)?;
        let (first, last) = days_of(part.level, &r.get::<_, String>(4)?);
        let was = described.latest(&service, &first, &last).map(|(_, d)| d);
        let acc = groups
            .entry(group_key(
                config,
                by,
                r.get(0)?,
                &service,
                was.map(|d| d.agency.as_str()),
            ))
            .or_default();
        // The target in force that day (a month: at its last day); today's only for days closed
        // before the days were described.
        let target = match was {
            Some(d) => Some(d.target_wait_secs),
            None => config.service(&service).map(|s| s.target_wait_secs),
        };
        for pair in hist.chunks_exact(8) {
            let secs = u32::from_be_bytes([pair[0], pair[1], pair[2], pair[3]]);
            let n = u32::from_be_bytes([pair[4], pair[5], pair[6], pair[7]]);
            if is_wait {
                acc.waits.add(secs, n);
                if target.is_some_and(|t| secs <= t) {
                    acc.within += n as u64;
                }
            } else {
                acc.service_times.add(secs, n);
            }
        }
    }
    Ok(())
}

/// Days not rolled up yet, straight from the projection: counts per ticket, waits and service
/// times per stay (`visits`), as the rollup counts them when the day closes.
fn add_live(
    conn: &Connection,
    config: &Config,
    by: StatsGroup,
    from: NaiveDate,
    to: NaiveDate,
    groups: &mut BTreeMap<String, Acc>,
) -> Result<(), StoreError> {
    // A service removed today is still reported as it was, not as an unknown id.
    let mut now = AsConfigured::new(config);
    let days = params![from.to_string(), to.to_string()];
    let mut tickets = conn.prepare_cached(
        "SELECT service, counter, officer, status FROM tickets WHERE day BETWEEN ?1 AND ?2",
    )?;
    let mut rows = tickets.query(days)?;
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let Some(acc) = live_group(
            conn,
            &mut now,
            by,
            to,
            &service,
            r.get(1)?,
            r.get(2)?,
            groups,
        )?
        else {
            continue;
        };
        acc.issued += 1;
        match r.get_ref(3)?.as_str().map_err(rusqlite::Error::from)? {
            "done" => acc.served += 1,
            "no_show" => acc.no_shows += 1,
            "cancelled" => acc.cancelled += 1,
            _ => {}
        }
    }
    let mut visits = conn.prepare_cached(
        "SELECT service, counter, officer, called_at - queued_at,
                CASE WHEN outcome IN ('done', 'transferred') THEN ended_at - started_at END
         FROM visits WHERE day BETWEEN ?1 AND ?2",
    )?;
    let mut rows = visits.query(days)?;
    while let Some(r) = rows.next()? {
        let service: String = r.get(0)?;
        let target = now.get(conn, &service)?.map(|s| s.target_wait_secs);
        let Some(acc) = live_group(
            conn,
            &mut now,
            by,
            to,
            &service,
            r.get(1)?,
            r.get(2)?,
            groups,
        )?
        else {
            continue;
        };
        if let Some(wait) = r.get::<_, Option<i64>>(3)? {
            let wait = wait.max(0) as u32;
            acc.waits.add(wait, 1);
            if target.is_some_and(|t| wait <= t) {
                acc.within += 1;
            }
        }
        if let Some(secs) = r.get::<_, Option<i64>>(4)? {
            acc.service_times.add(secs.max(0) as u32, 1);
        }
    }
    Ok(())
}

/// The group a live fact belongs to (none: a ticket that never reached a loket or an officer, by
/// loket or officer), named as configured now since its day is not closed.
#[allow(clippy::too_many_arguments)] // one fact's coordinates, read by both of add_live's scans
fn live_group<'a>(
    conn: &Connection,
    now: &mut AsConfigured,
    by: StatsGroup,
    to: NaiveDate,
    service: &str,
    counter: Option<u32>,
    officer: Option<String>,
    groups: &'a mut BTreeMap<String, Acc>,
) -> Result<Option<&'a mut Acc>, StoreError> {
    let svc = now.get(conn, service)?;
    let key = match by {
        StatsGroup::Service => service.to_string(),
        StatsGroup::Agency => svc
            .as_ref()
            .map_or_else(|| service.to_string(), |s| s.agency.clone()),
        StatsGroup::Counter => match counter {
            Some(c) => c.to_string(),
            None => return Ok(None),
        },
        StatsGroup::Officer => match officer {
            Some(o) => o,
            None => return Ok(None),
        },
    };
    let name = match by {
        StatsGroup::Counter | StatsGroup::Officer => now.name(conn, dim(by), &key)?,
        StatsGroup::Service => svc.as_ref().map(|s| s.name.clone()),
        StatsGroup::Agency => svc.as_ref().map(|s| s.agency_name.clone()),
    };
    let acc = groups.entry(key).or_default();
    if let Some(name) = name {
        acc.name_on(&to.to_string(), &name);
    }
    Ok(Some(acc))
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
    if utc_offset_secs % 900 != 0 {
        // No real zone has such an offset; the rollup's quarter hours could not place it.
        return hourly_scan(conn, &from.to_string(), &to.to_string(), utc_offset_secs)
            .map(|m| m.into_iter().map(|(h, (i, s))| (h, i, s)).collect());
    }
    let plan = rollup::plan(conn, from, to)?;
    let mut hours: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT quarter, SUM(issued), SUM(served) FROM stats_hourly
         WHERE level = ?1 AND period BETWEEN ?2 AND ?3 GROUP BY quarter",
    )?;
    for part in &plan.parts {
        let mut rows = stmt.query(params![part.level, part.from, part.to])?;
        while let Some(r) = rows.next()? {
            let q: i64 = r.get(0)?;
            let hour = ((q * 900 + utc_offset_secs).rem_euclid(86_400) / 3600) as u32;
            let e = hours.entry(hour).or_default();
            e.0 += r.get::<_, i64>(1)? as u64;
            e.1 += r.get::<_, i64>(2)? as u64;
        }
    }
    if let Some((a, b)) = plan.live {
        for (h, (i, s)) in hourly_scan(conn, &a.to_string(), &b.to_string(), utc_offset_secs)? {
            let e = hours.entry(h).or_default();
            e.0 += i;
            e.1 += s;
        }
    }
    Ok(hours.into_iter().map(|(h, (i, s))| (h, i, s)).collect())
}

fn hourly_scan(
    conn: &Connection,
    from: &str,
    to: &str,
    utc_offset_secs: i64,
) -> Result<BTreeMap<u32, (u64, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT ((issued_at + ?3) / 3600) % 24 AS hour, COUNT(*), SUM(status = 'done')
         FROM tickets WHERE day BETWEEN ?1 AND ?2 GROUP BY hour ORDER BY hour",
    )?;
    let rows = stmt.query_map(params![from, to, utc_offset_secs], |r| {
        Ok((
            r.get::<_, i64>(0)? as u32,
            (r.get::<_, i64>(1)? as u64, r.get::<_, i64>(2)? as u64),
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::Hist;

    /// Nearest-rank percentile of sorted values: the plain definition the histograms must match.
    fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
        if sorted.is_empty() {
            return None;
        }
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        Some(sorted[rank - 1])
    }

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=10).collect();
        assert_eq!(percentile(&v, 0.5), Some(5));
        assert_eq!(percentile(&v, 0.9), Some(9));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn histogram_percentiles_equal_sorted_ones() {
        // Values with repeats, split over several "days" as the rollup merges them.
        let values: Vec<u32> = (0..997u32).map(|i| (i * 7919) % 613).collect();
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let mut h = Hist::default();
        for chunk in values.chunks(100) {
            let mut counts = std::collections::BTreeMap::new();
            for v in chunk {
                *counts.entry(*v).or_insert(0u32) += 1;
            }
            for (s, n) in counts {
                h.add(s, n);
            }
        }
        let mut dense = Vec::new();
        let [m, p] = h.percentiles([0.5, 0.9], &mut dense);
        assert_eq!(m, percentile(&sorted, 0.5));
        assert_eq!(p, percentile(&sorted, 0.9));
        assert_eq!(Hist::default().percentiles([0.5], &mut dense), [None]);
    }
}
