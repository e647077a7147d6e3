//! The NIK (Nomor Induk Kependudukan), the 16-digit number on every Indonesian's KTP, as the
//! booking desk handles it: checked for its structure, never kept in clear.
//!
//! Its digits: `PP KK CC DDMMYY SSSS` — province, regency/city, district, date of birth (a woman's
//! day plus 40), and a serial. The check catches typing mistakes and invented numbers (a wrong
//! province, a 31st of February); it cannot prove that a number is someone's, which is why the
//! officer compares the masked NIK with the KTP at the loket.
//!
//! What is kept: a keyed hash ([`Nik::keyed_hash`], BLAKE2b in its keyed (MAC) mode under a key
//! only this building's database holds), to find a person's other bookings without storing the
//! number, and a masked form ([`Nik::masked`], `3271********0001`) for the officer.

use std::fmt;

use blake2::digest::{consts::U32, KeyInit, Mac};
use blake2::Blake2bMac;
use chrono::NaiveDate;

/// Province codes in use (Kemendagri): Sumatra 11–19 and 21, Java 31–36, Bali–Nusa Tenggara
/// 51–53, Kalimantan 61–65, Sulawesi 71–76, Maluku 81–82, Papua 91–96.
const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// A NIK whose structure is right. Its `Debug` is masked, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Nik(String);

/// What is wrong with a typed NIK, in words the visitor can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("a NIK has 16 digits; this has {0}")]
    Length(usize),
    #[error("a NIK has digits only")]
    NotDigits,
    #[error("the NIK's first two digits ({0:02}) are no Indonesian province")]
    Province(u8),
    #[error("the NIK's regency and district digits (3–6) cannot be zero")]
    Region,
    #[error("the NIK's digits 7–12 ({0}) are not a date of birth (DDMMYY, women DD+40)")]
    BirthDate(String),
    #[error("the NIK's last four digits cannot be 0000")]
    Serial,
}

impl NikError {
    /// A stable code for the API and the booking page's own words.
    pub fn code(&self) -> &'static str {
        match self {
            NikError::Length(_) => "nik_length",
            NikError::NotDigits => "nik_digits",
            NikError::Province(_) => "nik_province",
            NikError::Region => "nik_region",
            NikError::BirthDate(_) => "nik_birth_date",
            NikError::Serial => "nik_serial",
        }
    }
}

impl Nik {
    /// Check a typed NIK; spaces, dots and dashes people type between groups are ignored.
    pub fn parse(typed: &str) -> Result<Nik, NikError> {
        let digits: String = typed
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-'))
            .collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(NikError::NotDigits);
        }
        if digits.len() != 16 {
            return Err(NikError::Length(digits.chars().count()));
        }
        let two = |i: usize| digits[i..i + 2].parse::<u32>().unwrap_or(0);
        let province = two(0) as u8;
        if !PROVINCES.contains(&province) {
            return Err(NikError::Province(province));
        }
        if two(2) == 0 || two(4) == 0 {
            return Err(NikError::Region);
        }
        let (day, month, year) = (two(6), two(8), two(10));
        let day = if day > 40 { day - 40 } else { day };
        // Either century will do: the check is for a real calendar date (no 31 February).
        let born = [1900, 2000]
            .iter()
            .any(|c| NaiveDate::from_ymd_opt(c + year as i32, month, day).is_some());
        if !born {
            return Err(NikError::BirthDate(digits[6..12].to_string()));
        }
        if &digits[12..] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(Nik(digits))
    }

    /// What the officer sees to compare with the KTP: the region and the serial, the date of
    /// birth hidden.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..4], &self.0[12..])
    }

    /// The number under the building's key: the same person gives the same hash, and without the
    /// key the 10^16 numbers cannot be tried one by one against a stolen database.
    pub fn keyed_hash(&self, key: &[u8; 32]) -> String {
        let mut mac =
            <Blake2bMac<U32> as KeyInit>::new_from_slice(key).expect("a 32-byte key suits BLAKE2b");
        mac.update(b"antri-nik-v1:");
        mac.update(self.0.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_real_shaped_nik_is_accepted_and_masked() {
        // Kota Bekasi (3275), a woman born 12 Aug 1985 (52 = 12 + 40), serial 0001.
        let nik = Nik::parse("3275 0452 0885 0001").unwrap();
        assert_eq!(nik.masked(), "3275********0001");
        assert_eq!(format!("{nik:?}"), "Nik(3275********0001)");
        assert!(Nik::parse("3275.04.520885.0001").is_ok());
    }

    #[test]
    fn each_mistake_is_named() {
        let err = |s| Nik::parse(s).unwrap_err();
        assert_eq!(err("327504520885001"), NikError::Length(15));
        assert_eq!(err("32750452088500011"), NikError::Length(17));
        assert_eq!(err("3275045208850O01"), NikError::NotDigits);
        assert_eq!(err("2075045208850001"), NikError::Province(20));
        assert_eq!(err("3200045208850001"), NikError::Region);
        assert_eq!(err("3275000208850001"), NikError::Region);
        assert_eq!(err("3275043102850001").code(), "nik_birth_date"); // 31 February
        assert_eq!(err("3275047208850001").code(), "nik_birth_date"); // day 72 - 40 = 32
        assert_eq!(err("3275041213850001").code(), "nik_birth_date"); // month 13
        assert_eq!(err("3275045208850000"), NikError::Serial);
        // A man born on the 29th of February of a leap year is fine.
        assert!(Nik::parse("3275042902000001").is_ok());
    }

    #[test]
    fn the_hash_depends_on_the_key_and_the_person() {
        let a = Nik::parse("3275045208850001").unwrap();
        let b = Nik::parse("3275045208850002").unwrap();
        let k1 = [1u8; 32];
        let k2 = [2u8; 32];
        assert_eq!(a.keyed_hash(&k1), a.keyed_hash(&k1));
        assert_eq!(a.keyed_hash(&k1).len(), 64);
        assert_ne!(a.keyed_hash(&k1), b.keyed_hash(&k1));
        assert_ne!(a.keyed_hash(&k1), a.keyed_hash(&k2));
        assert!(!a.keyed_hash(&k1).contains("3275045208850001"));
    }

    fn valid_nik() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(PROVINCES),
            1u32..100,
            1u32..100,
            (1u32..=28, any::<bool>()),
            1u32..=12,
            0u32..100,
            1u32..10_000,
        )
            .prop_map(|(p, k, c, (d, woman), m, y, s)| {
                let d = if woman { d + 40 } else { d };
                format!("{p:02}{k:02}{c:02}{d:02}{m:02}{y:02}{s:04}")
            })
    }

    proptest! {
        #[test]
        fn every_well_formed_nik_is_accepted_and_its_mask_hides_the_birth_date(nik in valid_nik()) {
            let parsed = Nik::parse(&nik).unwrap();
            let masked = parsed.masked();
            prop_assert_eq!(&masked[..4], &nik[..4]);
            prop_assert_eq!(&masked[12..], &nik[12..]);
            prop_assert_eq!(&masked[4..12], "********");
        }

        #[test]
        fn no_input_panics(typed in "\\PC{0,40}") {
            let _ = Nik::parse(&typed);
        }
    }
}
