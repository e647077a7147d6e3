//! Dates and clock times as Indonesians write them, shared by the kiosk's screens, its printed
//! ticket and the wall display, so a date and a time read the same everywhere: day and month names
//! in Indonesian and English, and the time of day in the Indonesian style, `09.05 WIB` (a dot
//! between hours and minutes, 24-hour clock, the zone's abbreviation), in both languages.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

/// Monday first, as `chrono::Weekday::num_days_from_monday` counts.
pub const HARI: [&str; 7] = [
    "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
];
pub const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
pub const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The Indonesian day name: "Selasa".
pub fn hari(t: &DateTime<FixedOffset>) -> &'static str {
    HARI[t.weekday().num_days_from_monday() as usize]
}

/// "Selasa, 24 November 2026".
pub fn indonesian_date(t: &DateTime<FixedOffset>) -> String {
    format!(
        "{}, {} {} {}",
        hari(t),
        t.day(),
        BULAN[t.month0() as usize],
        t.year()
    )
}

/// "Tuesday, 24 November 2026".
pub fn english_date(t: &DateTime<FixedOffset>) -> String {
    format!(
        "{}, {} {} {}",
        DAYS[t.weekday().num_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month0() as usize],
        t.year()
    )
}

/// The time of day as Indonesians write it: "09.05" (24-hour clock, a dot between hours and
/// minutes). For a timestamp in the building's offset or a time of the opening hours alike.
pub fn clock(t: &impl Timelike) -> String {
    format!("{:02}.{:02}", t.hour(), t.minute())
}

/// [`clock`] with the building's zone: "09.05 WIB" (WIB, WITA or WIT; an empty zone is left out).
pub fn clock_in_zone(t: &impl Timelike, zone_abbrev: &str) -> String {
    if zone_abbrev.is_empty() {
        clock(t)
    } else {
        format!("{} {zone_abbrev}", clock(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_in_the_indonesian_style() {
        let t: DateTime<FixedOffset> = "2026-11-24T09:05:59+07:00".parse().unwrap();
        assert_eq!(clock(&t), "09.05", "seconds are dropped, not rounded");
        assert_eq!(clock_in_zone(&t, "WIB"), "09.05 WIB");
        let evening: DateTime<FixedOffset> = "2026-11-24T17:30:00+08:00".parse().unwrap();
        assert_eq!(
            clock_in_zone(&evening, "WITA"),
            "17.30 WITA",
            "24-hour clock"
        );
        let opens = chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap();
        assert_eq!(clock(&opens), "08.00");
        assert_eq!(clock_in_zone(&opens, ""), "08.00");
    }

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let t: DateTime<FixedOffset> = "2026-11-24T09:05:00+07:00".parse().unwrap();
        assert_eq!(indonesian_date(&t), "Selasa, 24 November 2026");
        assert_eq!(english_date(&t), "Tuesday, 24 November 2026");
        // Read in the building's own zone: WITA and WIT days, not UTC's.
        let sunday: DateTime<FixedOffset> = "2026-03-01T00:00:00+08:00".parse().unwrap();
        assert_eq!(indonesian_date(&sunday), "Minggu, 1 Maret 2026");
        let friday: DateTime<FixedOffset> = "2027-08-20T23:59:00+09:00".parse().unwrap();
        assert_eq!(indonesian_date(&friday), "Jumat, 20 Agustus 2027");
    }
}
