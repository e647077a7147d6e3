//! Check-in with a booking code: what a code is (8 characters of an alphabet without look-alikes,
//! shown as `ABCD-EFGH`), and why a booking cannot be checked in now, decided first from the
//! booking as the server shows it and then, as the authority, from the check-in's error code.
//! Pure: no window, no network, the building's clock comes in as an argument.

use antri_wire::booking::{BookingStatus, BookingView};
use antri_wire::client::ClientError;
use chrono::{NaiveDateTime, NaiveTime};

/// The booking code's alphabet: no 0/O, 1/I, so what is read aloud or typed is what was meant.
pub const ALPHABET: &str = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 8;

/// One character as typed or scanned, upper-cased, if it belongs to the alphabet.
pub fn code_char(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    ALPHABET.contains(c).then_some(c)
}

/// A complete code from what was typed: case-insensitive, with or without the dash (and spaces a
/// visitor may type between the groups). `None` unless exactly 8 characters of the alphabet.
pub fn normalize(input: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LEN);
    for c in input.chars().filter(|c| !matches!(c, '-' | ' ')) {
        code.push(code_char(c)?);
    }
    (code.chars().count() == CODE_LEN).then_some(code)
}

/// The code a scanner typed before Enter: the last 8 characters (dash and spaces aside), so a
/// stray key pressed just before the scan does not spoil it. `None` unless they are a code.
pub fn scanned(input: &str) -> Option<String> {
    let chars: Vec<char> = input.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    let tail = chars.get(chars.len().checked_sub(CODE_LEN)?..)?;
    tail.iter().map(|c| code_char(*c)).collect()
}

/// `ABCD-EFGH`; a partial code as far as it goes (`ABCD-E`), so the visitor sees the groups of the
/// paper or the phone while typing.
pub fn grouped(code: &str) -> String {
    let mut s = String::with_capacity(code.len() + 1);
    for (i, c) in code.chars().enumerate() {
        if i == 4 {
            s.push('-');
        }
        s.push(c);
    }
    s
}

/// Why a booking cannot be checked in now; each has its own screen saying what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No booking has this code: check the code, or ask the officer.
    Unknown,
    /// Before the check-in window: come back at `checkin_from`.
    TooEarly,
    /// After the check-in window: take a normal ticket, or ask the officer.
    TooLate,
    /// The booking is for another date.
    WrongDay,
    /// Already used, cancelled or a no-show; the booking's status says which.
    NotActive,
}

impl Refusal {
    /// The check-in's (or the look-up's) API error code; `None` for codes that are not about the
    /// booking (a closed service, a server fault).
    pub fn of_code(code: &str) -> Option<Refusal> {
        Some(match code {
            "unknown_booking" => Refusal::Unknown,
            "too_early" => Refusal::TooEarly,
            "too_late" => Refusal::TooLate,
            "wrong_day" => Refusal::WrongDay,
            "booking_not_active" => Refusal::NotActive,
            _ => return None,
        })
    }
}

/// What the booking as the server shows it says before anything is asked of the visitor:
/// `None` when it looks good to check in. `now` is the building's local time, when known; without
/// it only the status is judged, and the check-in's answer decides the rest.
pub fn judge(view: &BookingView, now: Option<NaiveDateTime>) -> Option<Refusal> {
    if view.status != BookingStatus::Active {
        return Some(Refusal::NotActive);
    }
    let now = now?;
    if view.date != now.date() {
        return Some(Refusal::WrongDay);
    }
    let hhmm = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
    let t = now.time();
    if hhmm(&view.checkin_from).is_some_and(|from| t < from) {
        return Some(Refusal::TooEarly);
    }
    if hhmm(&view.checkin_until).is_some_and(|until| t > until) {
        return Some(Refusal::TooLate);
    }
    None
}

/// How a look-up of the booking ended, as the controller needs it.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    Found(Box<BookingView>),
    Refused(Refusal),
    /// Not reached, or an answer that says nothing about the booking.
    ServerDown,
}

impl Lookup {
    pub fn of(result: Result<BookingView, ClientError>) -> Lookup {
        match result {
            Ok(v) => Lookup::Found(Box::new(v)),
            Err(e) if e.is_transient() => Lookup::ServerDown,
            // A 404 (or a malformed code the server refuses) is a code nobody booked.
            Err(ClientError::Api { body, .. }) => {
                Lookup::Refused(Refusal::of_code(&body.error.code).unwrap_or(Refusal::Unknown))
            }
            Err(_) => Lookup::ServerDown,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use antri_wire::booking::Named;
    use antri_wire::Text;

    pub(crate) fn view(status: BookingStatus) -> BookingView {
        let named = |id: &str, s: &str| Named {
            id: id.into(),
            name: Text {
                id: s.into(),
                en: format!("{s} (en)"),
            },
        };
        BookingView {
            code: "ABCD2345".into(),
            status,
            service: named("ktp", "ktp"),
            agency: named("dukcapil", "Dukcapil"),
            date: "2026-11-24".parse().unwrap(),
            session: 1,
            from: "09:00".into(),
            to: "10:00".into(),
            checkin_from: "08:30".into(),
            checkin_until: "09:15".into(),
            nik_masked: "3275********0001".into(),
            reminders: false,
            bring: Vec::new(),
            late: Default::default(),
        }
    }

    fn at(s: &str) -> Option<NaiveDateTime> {
        Some(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    #[test]
    fn codes_are_read_with_or_without_the_dash_in_any_case() {
        assert_eq!(normalize("abcd-2345").as_deref(), Some("ABCD2345"));
        assert_eq!(normalize("ABCD2345").as_deref(), Some("ABCD2345"));
        assert_eq!(normalize("abcd 2345").as_deref(), Some("ABCD2345"));
        assert_eq!(normalize("ABCD234"), None, "too short");
        assert_eq!(normalize("ABCD23456"), None, "too long");
        assert_eq!(normalize("ABCD2340"), None, "0 is not in the alphabet");
        assert_eq!(normalize("OBCD2345"), None, "O is not in the alphabet");
        assert_eq!(code_char('i'), None);
        assert_eq!(code_char('z'), Some('Z'));
        assert_eq!(ALPHABET.chars().count(), 32);
    }

    #[test]
    fn a_scan_is_its_last_eight_characters() {
        assert_eq!(scanned("abcd-2345").as_deref(), Some("ABCD2345"));
        assert_eq!(scanned("qwABCD2345").as_deref(), Some("ABCD2345"));
        assert_eq!(scanned("ABCD234"), None);
        assert_eq!(scanned("ABCD234O"), None);
        assert_eq!(scanned(""), None);
    }

    #[test]
    fn codes_are_shown_in_two_groups() {
        assert_eq!(grouped("ABCD2345"), "ABCD-2345");
        assert_eq!(grouped("ABCD2"), "ABCD-2");
        assert_eq!(grouped("ABCD"), "ABCD");
        assert_eq!(grouped(""), "");
    }

    #[test]
    fn the_view_decides_the_screen_before_anything_is_asked() {
        let v = view(BookingStatus::Active);
        assert_eq!(judge(&v, at("2026-11-24 08:30")), None, "window opens");
        assert_eq!(
            judge(&v, at("2026-11-24 09:15")),
            None,
            "window's last minute"
        );
        assert_eq!(judge(&v, None), None, "no clock: the server decides");
        assert_eq!(judge(&v, at("2026-11-24 08:29")), Some(Refusal::TooEarly));
        assert_eq!(judge(&v, at("2026-11-24 09:16")), Some(Refusal::TooLate));
        assert_eq!(judge(&v, at("2026-11-25 09:00")), Some(Refusal::WrongDay));
        assert_eq!(judge(&v, at("2026-11-23 09:00")), Some(Refusal::WrongDay));
        for s in [
            BookingStatus::CheckedIn,
            BookingStatus::Cancelled,
            BookingStatus::NoShow,
        ] {
            assert_eq!(judge(&view(s), None), Some(Refusal::NotActive), "{s:?}");
        }
    }

    #[test]
    fn error_codes_name_the_refusal() {
        assert_eq!(Refusal::of_code("too_early"), Some(Refusal::TooEarly));
        assert_eq!(Refusal::of_code("too_late"), Some(Refusal::TooLate));
        assert_eq!(Refusal::of_code("wrong_day"), Some(Refusal::WrongDay));
        assert_eq!(
            Refusal::of_code("booking_not_active"),
            Some(Refusal::NotActive)
        );
        assert_eq!(Refusal::of_code("unknown_booking"), Some(Refusal::Unknown));
        assert_eq!(Refusal::of_code("service_closed"), None);
    }
}
