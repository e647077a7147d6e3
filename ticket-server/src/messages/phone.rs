//! Visitors' phone numbers: an Indonesian mobile number checked and written one way, and its
//! masked form, the only one shown anywhere (`0812****7890`).

/// An Indonesian mobile number as people type it (`0812-3456-7890`, `+62 812 3456 7890`,
/// `62812…`), as `+62812…`. `Err` says what is wrong, naming the field.
pub fn indonesian_mobile(typed: &str) -> Result<String, String> {
    let compact: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let national = compact
        .strip_prefix("+62")
        .or_else(|| compact.strip_prefix("62"))
        .or_else(|| compact.strip_prefix('0'))
        .ok_or_else(|| {
            "phone: an Indonesian mobile number starts with 08, 62 or +62 (e.g. 0812-3456-7890)"
                .to_string()
        })?;
    if !national.chars().all(|c| c.is_ascii_digit()) {
        return Err("phone: only digits, spaces, dashes and a leading +".into());
    }
    // Mobile numbers are 8xx followed by 6–9 digits: 9–12 digits after the country code.
    if !national.starts_with('8') || !(9..=12).contains(&national.len()) {
        return Err(
            "phone: not an Indonesian mobile number (08 and 9 to 12 more digits, e.g. 0812-3456-7890)"
                .into(),
        );
    }
    Ok(format!("+62{national}"))
}

/// The number as shown in the delivery log and back to the visitor: the first four and the last
/// four digits in the national form, the rest hidden (and how many are hidden, too).
pub fn mask(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let local = match digits.strip_prefix("62") {
        Some(rest) if phone.starts_with('+') || digits.len() > 11 => format!("0{rest}"),
        _ => digits,
    };
    if local.len() < 9 {
        return "****".into();
    }
    format!("{}****{}", &local[..4], &local[local.len() - 4..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_ways_of_writing_a_number_are_one_number() {
        for typed in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "62812.3456.7890",
            "(0812) 34567890",
        ] {
            assert_eq!(
                indonesian_mobile(typed).unwrap(),
                "+6281234567890",
                "{typed}"
            );
        }
    }

    #[test]
    fn what_is_not_a_mobile_number_is_refused_by_field() {
        for typed in [
            "021-555-1234",
            "+1 202 555 0100",
            "0812",
            "08123456789012345",
            "0812-34x6-7890",
            "",
        ] {
            let e = indonesian_mobile(typed).unwrap_err();
            assert!(e.starts_with("phone: "), "{typed}: {e}");
        }
    }

    #[test]
    fn the_mask_keeps_four_and_four() {
        assert_eq!(mask("+6281234567890"), "0812****7890");
        assert_eq!(mask("081234567890"), "0812****7890");
        assert_eq!(mask("0812-3456-7890"), "0812****7890");
        assert_eq!(mask("12345"), "****");
        assert!(!mask("+6281234567890").contains("3456"));
    }
}
