//! A call turned into the clips that speak it (pure: no audio, no I/O).
//!
//! "Nomor antrian, K T P, nol dua belas, silakan menuju loket tiga." The ticket number is read as
//! Indonesian halls read it: the prefix letter by letter with Indonesian letter names, then the
//! digits. Leading zeros of a zero-padded number are each read "nol" and the rest as one number
//! in words, as the issue's own example has it (`012` → "nol dua belas", `005` → "nol nol lima",
//! `100` → "seratus"): the visitor hears exactly the digits printed on the ticket, and a number
//! above the padding ("seratus dua belas") still sounds like a number, not a PIN.
//!
//! The English part, when enabled, reads the letters and the digits one by one ("zero one two"),
//! which is how queue numbers are read aloud in English, and the loket number in words.

/// One piece of an announcement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// A recorded clip, by name under the clips directory without `.wav` (`id/dua`).
    Clip(&'static str),
    /// Silence between phrases, in milliseconds.
    Pause(u32),
}

/// Pause between the phrases of one announcement (after the chime, after the number…).
pub const PHRASE_PAUSE_MS: u32 = 300;

pub const CHIME: &str = "chime";

const ID_DIGITS: [&str; 10] = [
    "id/nol",
    "id/satu",
    "id/dua",
    "id/tiga",
    "id/empat",
    "id/lima",
    "id/enam",
    "id/tujuh",
    "id/delapan",
    "id/sembilan",
];

const ID_LETTERS: [&str; 26] = [
    "id/huruf-a",
    "id/huruf-b",
    "id/huruf-c",
    "id/huruf-d",
    "id/huruf-e",
    "id/huruf-f",
    "id/huruf-g",
    "id/huruf-h",
    "id/huruf-i",
    "id/huruf-j",
    "id/huruf-k",
    "id/huruf-l",
    "id/huruf-m",
    "id/huruf-n",
    "id/huruf-o",
    "id/huruf-p",
    "id/huruf-q",
    "id/huruf-r",
    "id/huruf-s",
    "id/huruf-t",
    "id/huruf-u",
    "id/huruf-v",
    "id/huruf-w",
    "id/huruf-x",
    "id/huruf-y",
    "id/huruf-z",
];

const EN_LETTERS: [&str; 26] = [
    "en/letter-a",
    "en/letter-b",
    "en/letter-c",
    "en/letter-d",
    "en/letter-e",
    "en/letter-f",
    "en/letter-g",
    "en/letter-h",
    "en/letter-i",
    "en/letter-j",
    "en/letter-k",
    "en/letter-l",
    "en/letter-m",
    "en/letter-n",
    "en/letter-o",
    "en/letter-p",
    "en/letter-q",
    "en/letter-r",
    "en/letter-s",
    "en/letter-t",
    "en/letter-u",
    "en/letter-v",
    "en/letter-w",
    "en/letter-x",
    "en/letter-y",
    "en/letter-z",
];

/// English 0–19 (clip names are the numbers themselves).
const EN_SMALL: [&str; 20] = [
    "en/0", "en/1", "en/2", "en/3", "en/4", "en/5", "en/6", "en/7", "en/8", "en/9", "en/10",
    "en/11", "en/12", "en/13", "en/14", "en/15", "en/16", "en/17", "en/18", "en/19",
];
const EN_TENS: [&str; 10] = [
    "", "", "en/20", "en/30", "en/40", "en/50", "en/60", "en/70", "en/80", "en/90",
];

/// Every clip an announcement may use; the clip set is checked against this list at start.
pub fn all_clips() -> Vec<&'static str> {
    let mut v = vec![
        CHIME,
        "id/nomor-antrian",
        "id/silakan-menuju-loket",
        "id/sepuluh",
        "id/sebelas",
        "id/belas",
        "id/puluh",
        "id/seratus",
        "id/ratus",
        "id/seribu",
        "id/ribu",
        "en/number",
        "en/please-go-to-counter",
        "en/hundred",
    ];
    v.extend(ID_DIGITS);
    v.extend(ID_LETTERS);
    v.extend(EN_LETTERS);
    v.extend(EN_SMALL);
    v.extend(EN_TENS.iter().filter(|s| !s.is_empty()));
    v
}

/// A value in Indonesian words: 0 "nol", 11 "sebelas", 21 "dua puluh satu", 105 "seratus lima",
/// 1000 "seribu", 2024 "dua ribu dua puluh empat". Up to 999 999; above that, digit by digit
/// (no queue gets there in a day).
pub fn indonesian_number(n: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if n > 999_999 {
        for d in n.to_string().bytes() {
            out.push(ID_DIGITS[(d - b'0') as usize]);
        }
        return out;
    }
    if n == 0 {
        return vec![ID_DIGITS[0]];
    }
    push_indonesian(n, &mut out);
    out
}

/// Words for 1..=999_999 (nothing for 0: callers use it for the remainder after a multiplier).
fn push_indonesian(n: u32, out: &mut Vec<&'static str>) {
    match n {
        0 => {}
        1..=9 => out.push(ID_DIGITS[n as usize]),
        10 => out.push("id/sepuluh"),
        11 => out.push("id/sebelas"),
        12..=19 => {
            out.push(ID_DIGITS[(n - 10) as usize]);
            out.push("id/belas");
        }
        20..=99 => {
            out.push(ID_DIGITS[(n / 10) as usize]);
            out.push("id/puluh");
            push_indonesian(n % 10, out);
        }
        100..=199 => {
            out.push("id/seratus");
            push_indonesian(n % 100, out);
        }
        200..=999 => {
            out.push(ID_DIGITS[(n / 100) as usize]);
            out.push("id/ratus");
            push_indonesian(n % 100, out);
        }
        1000..=1999 => {
            out.push("id/seribu");
            push_indonesian(n % 1000, out);
        }
        _ => {
            push_indonesian(n / 1000, out);
            out.push("id/ribu");
            push_indonesian(n % 1000, out);
        }
    }
}

/// The digits of a ticket number as spoken: each leading zero "nol", then the rest in words.
pub fn indonesian_digits(digits: &str) -> Vec<&'static str> {
    let digits: Vec<u8> = digits.bytes().filter(u8::is_ascii_digit).collect();
    if digits.is_empty() {
        return Vec::new();
    }
    let zeros = digits.iter().take_while(|&&d| d == b'0').count();
    // All zeros: every digit is a "nol".
    if zeros == digits.len() {
        return vec![ID_DIGITS[0]; zeros];
    }
    let mut out = vec![ID_DIGITS[0]; zeros];
    let rest = &digits[zeros..];
    if rest.len() > 6 {
        out.extend(rest.iter().map(|d| ID_DIGITS[(d - b'0') as usize]));
        return out;
    }
    let value = rest.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
    out.extend(indonesian_number(value));
    out
}

/// An English number in words, up to 999 ("one hundred twenty three"); above, digit by digit.
pub fn english_number(n: u32) -> Vec<&'static str> {
    let mut out = Vec::new();
    if n > 999 {
        for d in n.to_string().bytes() {
            out.push(EN_SMALL[(d - b'0') as usize]);
        }
        return out;
    }
    let (hundreds, rest) = (n / 100, n % 100);
    if hundreds > 0 {
        out.push(EN_SMALL[hundreds as usize]);
        out.push("en/hundred");
        if rest == 0 {
            return out;
        }
    }
    if rest < 20 {
        out.push(EN_SMALL[rest as usize]);
    } else {
        out.push(EN_TENS[(rest / 10) as usize]);
        if rest % 10 != 0 {
            out.push(EN_SMALL[(rest % 10) as usize]);
        }
    }
    out
}

/// The letters of a ticket number's prefix, by their clip names in `letters` (A–Z only: the
/// server's prefixes are 1–3 capital letters; anything else is not spoken).
fn letters(number: &str, table: &[&'static str; 26]) -> Vec<&'static str> {
    number
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| table[(c.to_ascii_uppercase() as u8 - b'A') as usize])
        .collect()
}

/// The whole announcement of a call: chime, Indonesian, and optionally English.
///
/// `number` is the ticket number as printed (`KTP-012`); `counter` the loket it is called to.
pub fn announcement(number: &str, counter: u32, english: bool) -> Vec<Part> {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let mut parts = vec![Part::Clip(CHIME), Part::Pause(PHRASE_PAUSE_MS)];
    let clips = |v: Vec<&'static str>| v.into_iter().map(Part::Clip);

    parts.push(Part::Clip("id/nomor-antrian"));
    parts.push(Part::Pause(PHRASE_PAUSE_MS / 2));
    parts.extend(clips(letters(number, &ID_LETTERS)));
    parts.push(Part::Pause(PHRASE_PAUSE_MS / 2));
    parts.extend(clips(indonesian_digits(&digits)));
    parts.push(Part::Pause(PHRASE_PAUSE_MS));
    parts.push(Part::Clip("id/silakan-menuju-loket"));
    parts.extend(clips(indonesian_number(counter)));

    if english {
        parts.push(Part::Pause(PHRASE_PAUSE_MS * 2));
        parts.push(Part::Clip("en/number"));
        parts.push(Part::Pause(PHRASE_PAUSE_MS / 2));
        parts.extend(clips(letters(number, &EN_LETTERS)));
        parts.push(Part::Pause(PHRASE_PAUSE_MS / 2));
        parts.extend(
            digits
                .bytes()
                .map(|d| Part::Clip(EN_SMALL[(d - b'0') as usize])),
        );
        parts.push(Part::Pause(PHRASE_PAUSE_MS));
        parts.push(Part::Clip("en/please-go-to-counter"));
        parts.extend(clips(english_number(counter)));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words as a readable sentence, to compare with what a person would say.
    fn say(v: &[&str]) -> String {
        v.iter()
            .map(|c| c.split_once('/').map_or(*c, |(_, w)| w))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn numbers_read_as_indonesians_say_them() {
        let cases = [
            (0, "nol"),
            (1, "satu"),
            (9, "sembilan"),
            (10, "sepuluh"),
            (11, "sebelas"),
            (12, "dua belas"),
            (19, "sembilan belas"),
            (20, "dua puluh"),
            (21, "dua puluh satu"),
            (99, "sembilan puluh sembilan"),
            (100, "seratus"),
            (101, "seratus satu"),
            (105, "seratus lima"),
            (110, "seratus sepuluh"),
            (111, "seratus sebelas"),
            (115, "seratus lima belas"),
            (120, "seratus dua puluh"),
            (200, "dua ratus"),
            (312, "tiga ratus dua belas"),
            (999, "sembilan ratus sembilan puluh sembilan"),
            (1000, "seribu"),
            (1001, "seribu satu"),
            (1100, "seribu seratus"),
            (2024, "dua ribu dua puluh empat"),
            (11000, "sebelas ribu"),
            (100_000, "seratus ribu"),
        ];
        for (n, want) in cases {
            assert_eq!(say(&indonesian_number(n)), want, "{n}");
        }
    }

    /// Independent reference for 0–999: built from the rules as a person states them, as text.
    fn reference(n: u32) -> String {
        let unit = [
            "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
        ];
        let below100 = |m: u32| -> String {
            match m {
                0..=9 => unit[m as usize].to_string(),
                10 => "sepuluh".into(),
                11 => "sebelas".into(),
                12..=19 => format!("{} belas", unit[(m - 10) as usize]),
                _ => match (m / 10, m % 10) {
                    (tens, 0) => format!("{} puluh", unit[tens as usize]),
                    (tens, ones) => {
                        format!("{} puluh {}", unit[tens as usize], unit[ones as usize])
                    }
                },
            }
        };
        let h = n / 100;
        let r = n % 100;
        let head = match h {
            0 => String::new(),
            1 => "seratus".into(),
            _ => format!("{} ratus", unit[h as usize]),
        };
        match (h, r) {
            (0, _) => below100(r),
            (_, 0) => head,
            _ => format!("{head} {}", below100(r)),
        }
    }

    #[test]
    fn every_number_from_0_to_999_matches_the_reference_and_has_a_clip() {
        let known = all_clips();
        for n in 0..=999 {
            let words = indonesian_number(n);
            assert_eq!(say(&words), reference(n), "{n}");
            assert!(words.iter().all(|w| known.contains(w)), "{n}: {words:?}");
            let en = english_number(n);
            assert!(
                !en.is_empty() && en.iter().all(|w| known.contains(w)),
                "{n}: {en:?}"
            );
        }
    }

    #[test]
    fn zero_padded_ticket_digits_keep_their_leading_zeros() {
        assert_eq!(say(&indonesian_digits("012")), "nol dua belas");
        assert_eq!(say(&indonesian_digits("005")), "nol nol lima");
        assert_eq!(say(&indonesian_digits("100")), "seratus");
        assert_eq!(say(&indonesian_digits("021")), "nol dua puluh satu");
        assert_eq!(say(&indonesian_digits("000")), "nol nol nol");
        assert_eq!(say(&indonesian_digits("0105")), "nol seratus lima");
        assert_eq!(say(&indonesian_digits("1000")), "seribu");
        assert!(indonesian_digits("").is_empty());
    }

    #[test]
    fn english_numbers() {
        assert_eq!(say(&english_number(3)), "3");
        assert_eq!(say(&english_number(21)), "20 1");
        assert_eq!(say(&english_number(40)), "40");
        assert_eq!(say(&english_number(100)), "1 hundred");
        assert_eq!(say(&english_number(115)), "1 hundred 15");
        assert_eq!(say(&english_number(1234)), "1 2 3 4");
    }

    fn clips_of(parts: &[Part]) -> Vec<&'static str> {
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Clip(c) => Some(*c),
                Part::Pause(_) => None,
            })
            .collect()
    }

    #[test]
    fn the_issue_example_is_spoken_word_for_word() {
        let parts = announcement("A-012", 3, false);
        assert_eq!(
            say(&clips_of(&parts)),
            "chime nomor-antrian huruf-a nol dua belas silakan-menuju-loket tiga"
        );
        // The chime comes first and stands apart from the words.
        assert_eq!(parts[0], Part::Clip(CHIME));
        assert!(matches!(parts[1], Part::Pause(ms) if ms > 0));
    }

    #[test]
    fn every_prefix_form_is_spelled_letter_by_letter() {
        // One, two and three letters; with or without the dash; lower case tolerated.
        let cases = [
            ("T-007", "huruf-t nol nol tujuh"),
            ("CS-110", "huruf-c huruf-s seratus sepuluh"),
            ("KTP-012", "huruf-k huruf-t huruf-p nol dua belas"),
            (
                "PKB999",
                "huruf-p huruf-k huruf-b sembilan ratus sembilan puluh sembilan",
            ),
            ("nib-021", "huruf-n huruf-i huruf-b nol dua puluh satu"),
            ("042", "nol empat puluh dua"),
        ];
        for (number, want) in cases {
            let words = clips_of(&announcement(number, 12, false));
            let spoken = say(&words);
            assert_eq!(
                spoken,
                format!("chime nomor-antrian {want} silakan-menuju-loket dua belas"),
                "{number}"
            );
        }
    }

    #[test]
    fn every_letter_has_a_clip_in_both_languages() {
        let known = all_clips();
        for c in 'A'..='Z' {
            let number = format!("{c}-001");
            for w in clips_of(&announcement(&number, 1, true)) {
                assert!(known.contains(&w), "{number}: {w}");
            }
        }
    }

    #[test]
    fn english_follows_the_indonesian_when_enabled() {
        let parts = clips_of(&announcement("KTP-012", 23, true));
        let spoken = say(&parts);
        assert!(
            spoken.ends_with(
                "silakan-menuju-loket dua puluh tiga number letter-k letter-t letter-p 0 1 2 \
                 please-go-to-counter 20 3"
            ),
            "{spoken}"
        );
        assert!(!say(&clips_of(&announcement("KTP-012", 23, false))).contains("number"));
    }
}
