//! The estimated wait as a visitor reads it. One rule and one wording for the kiosk's screens, the
//! printed ticket and the tracking page on the visitor's phone (the server puts the words in its
//! `/track` answer), so the same ticket never says "segera" on paper and "1 minute" on the phone.
//!
//! The rule: nobody ahead is "segera / soon"; otherwise whole minutes, rounded up (so "0 minutes"
//! never shows while someone is still ahead), at least one. The words are plain ASCII, so the
//! thermal printer prints them as they are.

use crate::types::Text;

/// "segera" / "soon", or "sekitar 12 menit" / "about 12 min".
///
/// `ahead`: tickets to be called before this one (for a service: the tickets waiting, as a new
/// ticket would have them ahead); `estimated_wait_secs`: the server's estimate.
pub fn estimated_wait(ahead: u32, estimated_wait_secs: u32) -> Text {
    match wait_minutes(ahead, estimated_wait_secs) {
        None => Text {
            id: "segera".into(),
            en: "soon".into(),
        },
        Some(m) => Text {
            id: format!("sekitar {m} menit"),
            en: format!("about {m} min"),
        },
    }
}

/// The number behind [`estimated_wait`]: `None` for "soon", else the minutes it says.
pub fn wait_minutes(ahead: u32, estimated_wait_secs: u32) -> Option<u32> {
    (ahead > 0).then(|| estimated_wait_secs.div_ceil(60).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ahead: u32, secs: u32) -> (String, String) {
        let t = estimated_wait(ahead, secs);
        (t.id, t.en)
    }

    #[test]
    fn nobody_ahead_is_soon_whatever_the_estimate() {
        assert_eq!(words(0, 0), ("segera".into(), "soon".into()));
        // A stale estimate does not contradict "nobody ahead of you" printed beside it.
        assert_eq!(words(0, 600), ("segera".into(), "soon".into()));
    }

    #[test]
    fn someone_ahead_is_whole_minutes_rounded_up_at_least_one() {
        assert_eq!(
            words(1, 30),
            ("sekitar 1 menit".into(), "about 1 min".into())
        );
        assert_eq!(
            words(1, 0).0,
            "sekitar 1 menit",
            "never 0 with someone ahead"
        );
        assert_eq!(words(3, 600).0, "sekitar 10 menit");
        assert_eq!(
            words(3, 601),
            ("sekitar 11 menit".into(), "about 11 min".into())
        );
        assert_eq!(wait_minutes(2, 119), Some(2));
        assert_eq!(wait_minutes(0, 119), None);
    }

    #[test]
    fn the_words_print_on_a_thermal_printer_as_they_are() {
        for (a, s) in [(0, 0), (1, 1), (40, 7_200)] {
            let t = estimated_wait(a, s);
            assert!(t.id.is_ascii() && t.en.is_ascii(), "{t:?}");
        }
    }
}
