//! What each service was on each closed day (table `service_days`, migration 0005): its names,
//! agency and target wait, as configured when the day closed.
//!
//! Figures and names of a closed day must not change because the configuration did: removing a
//! service once turned its past `within_target` into 0.0, its name into its id and its id into a
//! fake agency. So the writer describes every service of the days a `day_started` closes, in the
//! same transaction, and reports read the description of the day instead of the configuration.
//! A service removed during the day is described as the newest stored configuration that still
//! had it. The names of its lokets and officers are kept the same way (table `day_names`,
//! migration 0006).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use super::StoreError;
use crate::config::{raw, Config};

/// One service on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceDay {
    pub name: String,
    pub agency: String,
    pub agency_name: String,
    pub target_wait_secs: u32,
}

fn of_config(config: &Config, service: &str) -> Option<ServiceDay> {
    let s = config.service(service)?;
    Some(ServiceDay {
        name: s.name.id.clone(),
        agency: s.agency.clone(),
        agency_name: config
            .agency(&s.agency)
            .map_or_else(|| s.agency.clone(), |a| a.name.id.clone()),
        target_wait_secs: s.target_wait_secs,
    })
}

fn of_document(doc: &raw::File, service: &str) -> Option<ServiceDay> {
    let s = doc.services.iter().find(|s| s.id == service)?;
    Some(ServiceDay {
        name: s.name_id.clone(),
        agency: s.agency.clone(),
        agency_name: doc
            .agencies
            .iter()
            .find(|a| a.id == s.agency)
            .map_or_else(|| s.agency.clone(), |a| a.name_id.clone()),
        target_wait_secs: s.target_wait_minutes.saturating_mul(60),
    })
}

/// Describe the services of the days that a `day_started` for `new_day` closes, as `config` (in
/// force now, at their end) has them. Called inside the transaction that logs the event.
pub fn describe_closed_days(
    tx: &Connection,
    config: &Config,
    new_day: NaiveDate,
) -> Result<(), StoreError> {
    // Exactly the days the rollup is about to roll (see 0003): after the last rolled day, before
    // the new one. Days closed before this table existed stay undescribed.
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT day, service FROM tickets
         WHERE day > (SELECT COALESCE(MAX(period), '') FROM stats_rolled WHERE level = 'd')
           AND day < ?1",
    )?;
    let pairs = stmt
        .query_map([new_day.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO service_days
             (day, service, name, agency, agency_name, target_wait_secs)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut now = AsConfigured::new(config);
    for (day, service) in pairs {
        // A service no configuration ever named (only a hand-edited database) stays undescribed.
        if let Some(d) = now.get(tx, &service)? {
            insert.execute(params![
                day,
                service,
                d.name,
                d.agency,
                d.agency_name,
                d.target_wait_secs
            ])?;
        }
    }
    let mut names = tx.prepare_cached(
        "SELECT DISTINCT day, 'counter', CAST(counter AS TEXT) FROM tickets
         WHERE day > (SELECT COALESCE(MAX(period), '') FROM stats_rolled WHERE level = 'd')
           AND day < ?1 AND counter IS NOT NULL
         UNION
         SELECT DISTINCT day, 'officer', officer FROM tickets
         WHERE day > (SELECT COALESCE(MAX(period), '') FROM stats_rolled WHERE level = 'd')
           AND day < ?1 AND officer IS NOT NULL",
    )?;
    let keys = names
        .query_map([new_day.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO day_names (dim, key, day, name) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (day, dim, key) in keys {
        if let Some(name) = now.name(tx, &dim, &key)? {
            insert.execute(params![dim, key, day, name])?;
        }
    }
    Ok(())
}

/// A service as configured now or, once removed, as the newest stored configuration had it: for
/// the days not closed yet (and the ones being closed).
pub struct AsConfigured<'a> {
    config: &'a Config,
    removed: BTreeMap<String, Option<ServiceDay>>,
    /// Names of removed lokets and officers, by (dim, key).
    removed_names: BTreeMap<(String, String), Option<String>>,
}

impl<'a> AsConfigured<'a> {
    pub fn new(config: &'a Config) -> AsConfigured<'a> {
        AsConfigured {
            config,
            removed: BTreeMap::new(),
            removed_names: BTreeMap::new(),
        }
    }

    /// The name of a loket (`dim` "counter", `key` its number) or an officer ("officer", the
    /// username).
    pub fn name(
        &mut self,
        conn: &Connection,
        dim: &str,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let configured = match dim {
            "counter" => key
                .parse()
                .ok()
                .and_then(|n| self.config.counter(n))
                .map(|c| c.name.clone()),
            _ => self.config.user(key).map(|u| u.name.clone()),
        };
        if configured.is_some() {
            return Ok(configured);
        }
        let id = (dim.to_string(), key.to_string());
        if let Some(n) = self.removed_names.get(&id) {
            return Ok(n.clone());
        }
        let n = newest_stored_name(conn, dim, key)?;
        self.removed_names.insert(id, n.clone());
        Ok(n)
    }

    pub fn get(
        &mut self,
        conn: &Connection,
        service: &str,
    ) -> Result<Option<ServiceDay>, StoreError> {
        if let Some(d) = of_config(self.config, service) {
            return Ok(Some(d));
        }
        if let Some(d) = self.removed.get(service) {
            return Ok(d.clone());
        }
        let d = newest_stored(conn, service)?;
        self.removed.insert(service.to_string(), d.clone());
        Ok(d)
    }
}

/// Every stored configuration, newest first, until `found` finds something in one.
fn newest_stored_with<T>(
    conn: &Connection,
    mut found: impl FnMut(&raw::File) -> Option<T>,
) -> Result<Option<T>, StoreError> {
    let mut stmt =
        conn.prepare_cached("SELECT version, document FROM config_versions ORDER BY version DESC")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let version: i64 = r.get(0)?;
        let document: String = r.get(1)?;
        let doc: raw::File = serde_json::from_str(&document).map_err(|e| StoreError::Corrupt {
            seq: u64::try_from(version).unwrap_or_default(),
            reason: format!("stored configuration: {e}"),
        })?;
        if let Some(t) = found(&doc) {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// A removed loket's or officer's name, as the newest stored configuration that had it.
fn newest_stored_name(
    conn: &Connection,
    dim: &str,
    key: &str,
) -> Result<Option<String>, StoreError> {
    newest_stored_with(conn, |doc| match dim {
        "counter" => doc
            .counters
            .iter()
            .find(|c| c.number.to_string() == key)
            .map(|c| c.name.clone().unwrap_or_else(|| format!("Loket {key}"))),
        _ => doc
            .users
            .iter()
            .find(|u| u.username == key)
            .map(|u| u.name.clone()),
    })
}

/// The service as the newest stored configuration that had it.
fn newest_stored(conn: &Connection, service: &str) -> Result<Option<ServiceDay>, StoreError> {
    newest_stored_with(conn, |doc| of_document(doc, service))
}

/// The descriptions of the closed days of a range, for reports.
#[derive(Default)]
pub struct Described {
    services: BTreeMap<(String, String), ServiceDay>,
    /// (dim, key, day) → name.
    names: BTreeMap<(String, String, String), String>,
}

impl Described {
    pub fn load(
        conn: &Connection,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Described, StoreError> {
        let mut stmt = conn.prepare_cached(
            "SELECT service, day, name, agency, agency_name, target_wait_secs FROM service_days
             WHERE day BETWEEN ?1 AND ?2",
        )?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                ServiceDay {
                    name: r.get(2)?,
                    agency: r.get(3)?,
                    agency_name: r.get(4)?,
                    target_wait_secs: r.get(5)?,
                },
            ))
        })?;
        let services = rows.collect::<Result<_, _>>()?;
        let mut stmt = conn.prepare_cached(
            "SELECT dim, key, day, name FROM day_names WHERE day BETWEEN ?1 AND ?2",
        )?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?))
        })?;
        let names = rows.collect::<Result<_, _>>()?;
        Ok(Described { services, names })
    }

    /// The latest name of a loket ("counter", its number) or an officer ("officer", the username)
    /// on a day from `first` to `last`, with its day.
    pub fn latest_name(
        &self,
        dim: &str,
        key: &str,
        first: &str,
        last: &str,
    ) -> Option<(&str, &str)> {
        let lo = (dim.to_string(), key.to_string(), first.to_string());
        let hi = (dim.to_string(), key.to_string(), last.to_string());
        self.names
            .range(lo..=hi)
            .next_back()
            .map(|((_, _, day), name)| (day.as_str(), name.as_str()))
    }

    /// The latest description of `service` on a day from `first` to `last` (YYYY-MM-DD, or a
    /// month's bounds `YYYY-MM-00`, `YYYY-MM-99`), with its day.
    pub fn latest(&self, service: &str, first: &str, last: &str) -> Option<(&str, &ServiceDay)> {
        let lo = (service.to_string(), first.to_string());
        let hi = (service.to_string(), last.to_string());
        self.services
            .range(lo..=hi)
            .next_back()
            .map(|((_, day), d)| (day.as_str(), d))
    }
}
