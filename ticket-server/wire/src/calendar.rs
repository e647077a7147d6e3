//! Day and month names as Indonesians (and English readers) write them, shared by the kiosk's
//! screens, its printed ticket and the wall display, so a date reads the same everywhere.

use chrono::{DateTime, Datelike, FixedOffset};

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

#[cfg(test)]
mod tests {
    use super::*;

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
