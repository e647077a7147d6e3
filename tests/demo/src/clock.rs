//! The demo's hall clock. The sample building is open 08:00–15:00 WIB with a lunch break at
//! 12:00, Friday's prayer break at 11:30; a demo started in the evening would show a closed hall.
//! So by default the clock starts at 09:00 WIB of the last Monday–Thursday (today if it is one) and
//! runs at real speed: three hours of open hall before the lunch break.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveTime, Utc, Weekday};

pub fn default_start(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    let wib = FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset");
    let mut day = now.with_timezone(&wib).date_naive();
    while !matches!(
        day.weekday(),
        Weekday::Mon | Weekday::Tue | Weekday::Wed | Weekday::Thu
    ) {
        day = day - Days::new(1);
    }
    day.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("09:00 exists"))
        .and_local_timezone(wib)
        .single()
        .expect("a fixed offset has no gaps")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekend_evenings_start_on_thursday_morning() {
        // Sunday 2026-11-29 21:00 WIB.
        let now: DateTime<Utc> = "2026-11-29T14:00:00Z".parse().unwrap();
        assert_eq!(default_start(now).to_rfc3339(), "2026-11-26T09:00:00+07:00");
        // Tuesday late evening WIB is still Tuesday.
        let now: DateTime<Utc> = "2026-11-24T16:30:00Z".parse().unwrap();
        assert_eq!(default_start(now).to_rfc3339(), "2026-11-24T09:00:00+07:00");
        // Tuesday 01:00 WIB is Monday evening in UTC: the WIB date counts.
        let now: DateTime<Utc> = "2026-11-23T18:00:00Z".parse().unwrap();
        assert_eq!(default_start(now).to_rfc3339(), "2026-11-24T09:00:00+07:00");
    }
}
