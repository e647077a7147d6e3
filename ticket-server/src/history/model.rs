//! Who comes when, and how long things take: the shape of a day at an MPP.
//!
//! The figures are plausible, not measured: demand per service relative to a typical service
//! (KTP-el and Samsat busy, BPN quiet), a morning peak around 09:00–11:00, fewer visitors around
//! lunch and late in the afternoon, Saturdays at half demand, about 10% priority visitors, about
//! 5% no-shows, about 2% transfers, service times spread around each service's configured
//! `service_minutes`.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

use super::rng::Rng;
use crate::config::Config;

/// Visitors per open day of a typical service at scale 1.0.
const TYPICAL_DEMAND: f64 = 20.0;
pub const NO_SHOW: f64 = 0.05;
pub const TRANSFER: f64 = 0.02;

pub enum Next {
    Start,
    Recall,
    Finish,
    Transfer(usize),
}

struct ServiceModel {
    weight: f64,
    service_secs: f64,
    /// Where a transfer from this service goes: another service of the same agency.
    transfer_to: Vec<usize>,
    hours: crate::config::Hours,
}

pub struct Model {
    services: Vec<ServiceModel>,
}

/// Relative demand: the busiest desks of an MPP are the population registry's ID cards and the
/// vehicle tax office; land certificates are few.
fn weight(service: &str, agency: &str) -> f64 {
    match (service, agency) {
        ("ktp", _) => 2.6,
        (_, "samsat") => 2.0,
        ("kk", _) | ("skck", _) => 1.6,
        (_, "dukcapil") | (_, "imigrasi") | (_, "bpjs-kes") => 1.2,
        (_, "bpn") => 0.25,
        (_, "kemenag") | (_, "disnaker") => 0.5,
        _ => 0.8,
    }
}

/// Arrivals per hour relative to the day's busiest hour.
fn intensity(t: NaiveTime) -> f64 {
    let h = t.hour() as f64 + t.minute() as f64 / 60.0;
    match h {
        h if h < 8.5 => 0.6,
        h if h < 9.0 => 0.85,
        h if h < 11.0 => 1.0,
        h if h < 12.0 => 0.75,
        h if h < 13.0 => 0.35,
        h if h < 14.0 => 0.6,
        _ => 0.35,
    }
}

impl Model {
    pub fn new(config: &Config) -> Model {
        let served: std::collections::HashSet<&str> = config
            .counters
            .iter()
            .flat_map(|c| c.services.iter().map(String::as_str))
            .collect();
        let services = config
            .services
            .iter()
            .enumerate()
            .map(|(i, s)| ServiceModel {
                weight: weight(&s.id, &s.agency),
                service_secs: s.service_secs.max(60) as f64,
                transfer_to: config
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(j, o)| {
                        *j != i && o.agency == s.agency && served.contains(o.id.as_str())
                    })
                    .map(|(j, _)| j)
                    .collect(),
                hours: s.hours.clone(),
            })
            .collect();
        Model { services }
    }

    /// The day's visitors: (arrival at the kiosk, service index, category index), in time order.
    pub fn arrivals(
        &self,
        rng: &mut Rng,
        date: NaiveDate,
        scale: f64,
    ) -> Vec<(NaiveTime, usize, u8)> {
        let wd = date.weekday();
        let day_factor = match wd {
            Weekday::Mon => 1.15,
            Weekday::Sat => 0.5,
            Weekday::Fri => 0.85,
            _ => 1.0,
        };
        let mut out = Vec::new();
        for (i, s) in self.services.iter().enumerate() {
            let Some((open, close)) = s.hours.on(wd) else {
                continue;
            };
            let mean = TYPICAL_DEMAND * s.weight * day_factor * scale;
            let n = (mean + rng.normal() * mean.sqrt()).round().max(0.0) as u32;
            let span = (close - open).num_seconds().max(1) as f64;
            for _ in 0..n {
                // Rejection sampling from the hour profile.
                let t = loop {
                    let t = open + chrono::Duration::seconds((rng.unit() * span) as i64);
                    if rng.unit() < intensity(t) {
                        break t;
                    }
                };
                // Someone who arrives during a break waits for the kiosk to take tickets again.
                let t = match s
                    .hours
                    .breaks
                    .iter()
                    .find(|b| b.days.contains(&wd) && b.from <= t && t < b.to)
                {
                    Some(b) => b.to + chrono::Duration::seconds(rng.range(0, 900) as i64),
                    None => t,
                };
                let c = rng.unit();
                let category = match c {
                    c if c < 0.05 => 1, // elderly
                    c if c < 0.07 => 2, // disability
                    c if c < 0.10 => 3, // pregnant or with an infant
                    _ => 0,
                };
                out.push((t, i, category));
            }
        }
        out.sort();
        out
    }

    /// A ticket was just called with `left` seconds of the loket's working window remaining:
    /// the visitor walks up (start), or does not come (recall, then no-show).
    pub fn at_loket(&self, rng: &mut Rng, _left: u32) -> (Next, u32) {
        if rng.unit() < NO_SHOW {
            (Next::Recall, rng.range(60, 120))
        } else {
            (Next::Start, rng.range(10, 60))
        }
    }

    /// Serving has started; `left` seconds remain before the loket must stop.
    pub fn serving(&self, rng: &mut Rng, service: usize, left: u32) -> (Next, u32) {
        let s = &self.services[service];
        let cap = left.saturating_sub(1).max(1);
        if !s.transfer_to.is_empty() && rng.unit() < TRANSFER {
            let to = s.transfer_to[rng.range(0, s.transfer_to.len() as u32) as usize];
            return (Next::Transfer(to), rng.range(60, 180).min(cap));
        }
        // Log-normal around the configured time: most near it, a few much longer.
        let secs = (s.service_secs * (0.45 * rng.normal()).exp()).round();
        let secs = (secs as u32).clamp(30, 4 * s.service_secs as u32);
        (Next::Finish, secs.min(cap))
    }
}
