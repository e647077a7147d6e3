//! The building's time zone. Indonesia has three zones and no daylight saving, so a fixed offset per
//! zone is exact — no time-zone database is needed.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl Zone {
    /// Accepts the IANA names of Indonesian zones and the abbreviations.
    pub fn parse(s: &str) -> Option<Zone> {
        Some(match s {
            "Asia/Jakarta" | "Asia/Pontianak" | "WIB" => Zone::Wib,
            "Asia/Makassar" | "Asia/Ujung_Pandang" | "WITA" => Zone::Wita,
            "Asia/Jayapura" | "WIT" => Zone::Wit,
            _ => return None,
        })
    }

    pub fn iana(self) -> &'static str {
        match self {
            Zone::Wib => "Asia/Jakarta",
            Zone::Wita => "Asia/Makassar",
            Zone::Wit => "Asia/Jayapura",
        }
    }

    pub fn abbrev(self) -> &'static str {
        match self {
            Zone::Wib => "WIB",
            Zone::Wita => "WITA",
            Zone::Wit => "WIT",
        }
    }

    pub fn offset(self) -> FixedOffset {
        let hours = match self {
            Zone::Wib => 7,
            Zone::Wita => 8,
            Zone::Wit => 9,
        };
        FixedOffset::east_opt(hours * 3600).expect("offsets of 7–9 hours are valid")
    }

    pub fn local(self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        t.with_timezone(&self.offset())
    }

    pub fn local_date(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date_naive()
    }
}
