//! Which pieces of a date range the statistics rollup answers, and which are read live.
//!
//! The rollup itself is kept by SQL triggers (migration `0003_stats_rollup.sql`) in the transaction
//! that logs a `day_started`: every earlier day, then every month that is over. Days are rolled in
//! order, so "rolled" is simply "not after the last rolled day".

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// Rows of one rollup level over periods `from..=to` (dates or months as text).
#[derive(Debug, PartialEq)]
pub struct Part {
    pub level: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, PartialEq)]
pub struct Plan {
    pub parts: Vec<Part>,
    /// Days not rolled up yet: read from the ticket projection.
    pub live: Option<(NaiveDate, NaiveDate)>,
}

fn month_of(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

fn month_start(m: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok()
}

fn month_end(start: NaiveDate) -> NaiveDate {
    let next = if start.month() == 12 {
        NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(start)
}

fn days(level: &'static str, from: NaiveDate, to: NaiveDate) -> Option<Part> {
    (from <= to).then(|| Part {
        level,
        from: from.to_string(),
        to: to.to_string(),
    })
}

pub fn plan(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Plan, StoreError> {
    let last: Option<String> = conn
        .query_row(
            "SELECT MAX(period) FROM stats_rolled WHERE level = 'd'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let last = last.and_then(|d| d.parse::<NaiveDate>().ok());
    let (rolled_to, live_from) = match last {
        Some(l) if l >= from => (Some(l.min(to)), l.checked_add_days(Days::new(1))),
        Some(_) | None => (None, Some(from)),
    };
    let live = live_from.filter(|l| *l <= to).map(|l| (l, to));
    let mut parts = Vec::new();
    let Some(rolled_to) = rolled_to else {
        return Ok(Plan { parts, live });
    };
    // Finished months wholly inside the range are read as one month row each, not 20-odd days.
    let mut stmt = conn.prepare_cached(
        "SELECT period FROM stats_rolled WHERE level = 'm' AND period BETWEEN ?1 AND ?2
         ORDER BY period",
    )?;
    let months: Vec<String> = stmt
        .query_map([month_of(from), month_of(rolled_to)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let covered: Vec<(String, NaiveDate, NaiveDate)> = months
        .into_iter()
        .filter_map(|m| {
            let start = month_start(&m)?;
            let end = month_end(start);
            (start >= from && end <= rolled_to).then_some((m, start, end))
        })
        .collect();
    match (covered.first(), covered.last()) {
        (Some(first), Some(last)) => {
            parts.extend(first.1.pred_opt().and_then(|p| days("d", from, p)));
            parts.push(Part {
                level: "m",
                from: first.0.clone(),
                to: last.0.clone(),
            });
            parts.extend(last.2.succ_opt().and_then(|s| days("d", s, rolled_to)));
        }
        _ => parts.extend(days("d", from, rolled_to)),
    }
    Ok(Plan { parts, live })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn splits_a_range_into_months_days_and_live_days() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let conn = super::super::open_writer(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO stats_rolled VALUES ('d', '2026-01-30'), ('d', '2026-02-02'),
                 ('d', '2026-03-31'), ('d', '2026-04-01'), ('m', '2026-01'), ('m', '2026-02'),
                 ('m', '2026-03');",
        )
        .unwrap();
        let p = plan(&conn, d("2026-01-15"), d("2026-04-10")).unwrap();
        assert_eq!(
            p.parts,
            vec![
                Part {
                    level: "d",
                    from: "2026-01-15".into(),
                    to: "2026-01-31".into()
                },
                Part {
                    level: "m",
                    from: "2026-02".into(),
                    to: "2026-03".into()
                },
                Part {
                    level: "d",
                    from: "2026-04-01".into(),
                    to: "2026-04-01".into()
                },
            ]
        );
        assert_eq!(p.live, Some((d("2026-04-02"), d("2026-04-10"))));
        // A range before anything is rolled, and one wholly rolled.
        let p = plan(&conn, d("2026-02-03"), d("2026-02-10")).unwrap();
        assert_eq!(p.parts.len(), 1);
        assert_eq!(p.live, None);
        let p = plan(&conn, d("2026-05-01"), d("2026-05-02")).unwrap();
        assert!(p.parts.is_empty());
        assert_eq!(p.live, Some((d("2026-05-01"), d("2026-05-02"))));
    }
}
