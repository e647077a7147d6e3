//! Whether a service hands out tickets at a given local time: opening hours, breaks, daily quota.

use antri_wire::Availability;
use chrono::{Datelike, NaiveDateTime};

use crate::config::Service;

/// `issued_today`: tickets of this service already issued today (transfers in do not count).
pub fn availability(service: &Service, local: NaiveDateTime, issued_today: u32) -> Availability {
    let Some((open, close)) = service.hours.on(local.weekday()) else {
        return Availability::Closed;
    };
    let t = local.time();
    if t < open {
        return Availability::NotYetOpen { opens_at: open };
    }
    if t >= close {
        return Availability::Closed;
    }
    if let Some(b) = service
        .hours
        .breaks
        .iter()
        .find(|b| b.days.contains(&local.weekday()) && b.from <= t && t < b.to)
    {
        return Availability::OnBreak {
            name: b.name.clone(),
            until: b.to,
        };
    }
    match service.quota {
        Some(q) if issued_today >= q => Availability::QuotaReached { quota: q },
        _ => Availability::Open,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use chrono::NaiveDate;

    fn at(date: (i32, u32, u32), hm: (u32, u32)) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(date.0, date.1, date.2)
            .unwrap()
            .and_hms_opt(hm.0, hm.1, 0)
            .unwrap()
    }

    #[test]
    fn hours_breaks_and_quota() {
        let c = Config::example();
        let ktp = c.service("ktp").unwrap();
        // 2026-11-24 is a Tuesday, 2026-11-27 a Friday, 2026-11-29 a Sunday.
        assert_eq!(
            availability(ktp, at((2026, 11, 24), (9, 0)), 0),
            Availability::Open
        );
        assert!(matches!(
            availability(ktp, at((2026, 11, 24), (7, 59)), 0),
            Availability::NotYetOpen { .. }
        ));
        assert_eq!(
            availability(ktp, at((2026, 11, 24), (15, 0)), 0),
            Availability::Closed
        );
        assert!(matches!(
            availability(ktp, at((2026, 11, 24), (12, 30)), 0),
            Availability::OnBreak { .. }
        ));
        // Friday: the prayer break starts at 11:30, not the lunch break at 12:00.
        match availability(ktp, at((2026, 11, 27), (11, 45)), 0) {
            Availability::OnBreak { name, .. } => assert_eq!(name.id, "Istirahat salat Jumat"),
            other => panic!("expected the Friday prayer break, got {other:?}"),
        }
        assert_eq!(
            availability(ktp, at((2026, 11, 29), (9, 0)), 0),
            Availability::Closed
        );
        assert_eq!(
            availability(ktp, at((2026, 11, 24), (9, 0)), 150),
            Availability::QuotaReached { quota: 150 }
        );
        // The bank keeps its own hours but the building's breaks.
        let teller = c.service("bank-teller").unwrap();
        assert_eq!(
            availability(teller, at((2026, 11, 24), (14, 30)), 0),
            Availability::Closed
        );
        assert!(matches!(
            availability(teller, at((2026, 11, 24), (12, 10)), 0),
            Availability::OnBreak { .. }
        ));
    }
}
