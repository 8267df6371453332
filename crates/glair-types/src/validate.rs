//! Checks of the text fields GLAIR's identity and face calls take, each refusing with an
//! [`InvalidInput`] that names the field and says what is wrong — never echoing the value, which
//! is personal data (a NIK, a name, a birth date).

use std::fmt;

use crate::error::InvalidInput;

/// The longest free-text field accepted (a name, an address), in bytes. GLAIR documents no
/// bound; KTP fields are far shorter, so anything longer is a mistake.
pub const MAX_TEXT_FIELD_LEN: usize = 1024;

/// Refuses anything but exactly 16 ASCII digits (a NIK or a KK number).
pub(crate) fn check_sixteen_digits(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    let digits = value.bytes().all(|b| b.is_ascii_digit());
    if value.len() == 16 && digits {
        return Ok(());
    }
    let found = if !digits {
        "characters other than digits".to_owned()
    } else {
        format!("{} digits", value.len())
    };
    Err(InvalidInput::new(
        field,
        format!("must be exactly 16 digits (found {found})"),
    ))
}

/// Refuses an empty (or all-blank) value, one longer than [`MAX_TEXT_FIELD_LEN`], and one with
/// control characters other than line breaks and tabs.
pub(crate) fn check_text(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.trim().is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if value.len() > MAX_TEXT_FIELD_LEN {
        return Err(InvalidInput::new(
            field,
            format!(
                "is {} bytes long; at most {MAX_TEXT_FIELD_LEN} are accepted",
                value.len()
            ),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(InvalidInput::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A calendar date as GLAIR's identity calls take it: `dd-mm-yyyy`.
///
/// ```
/// use glair_types::DateOfBirth;
///
/// let date: DateOfBirth = "29-02-2000".parse()?;
/// assert_eq!(date.to_string(), "29-02-2000");
/// assert_eq!(DateOfBirth::new(1990, 8, 17)?.to_string(), "17-08-1990");
/// assert!("29-02-1900".parse::<DateOfBirth>().is_err()); // not a leap year
/// assert!("1990-08-17".parse::<DateOfBirth>().is_err()); // wrong order
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateOfBirth {
    year: u16,
    month: u8,
    day: u8,
}

/// The earliest year accepted; no living person was born earlier, so an earlier year is a typo.
pub const MIN_BIRTH_YEAR: u16 = 1850;

impl DateOfBirth {
    /// The date `day`-`month`-`year`; refuses a date that does not exist or a year before
    /// [`MIN_BIRTH_YEAR`] or after 9999. (The SDK reads no clock, so it cannot refuse a future
    /// date; Dukcapil will not match one.)
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, InvalidInput> {
        let refuse = |problem: &str| InvalidInput::new("date_of_birth", problem.to_owned());
        if !(MIN_BIRTH_YEAR..=9999).contains(&year) {
            return Err(refuse("has a year before 1850 or after 9999"));
        }
        if !(1..=12).contains(&month) {
            return Err(refuse("has a month outside 01-12"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(refuse("has a day that does not exist in that month"));
        }
        Ok(Self { year, month, day })
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl std::str::FromStr for DateOfBirth {
    type Err = InvalidInput;

    /// Parses `dd-mm-yyyy` (two digits, two digits, four digits).
    fn from_str(s: &str) -> Result<Self, InvalidInput> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[2] == b'-'
            && b[5] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit());
        if !shape {
            return Err(InvalidInput::new(
                "date_of_birth",
                "must be a date in dd-mm-yyyy format, for example 17-08-1990",
            ));
        }
        let number = |range: std::ops::Range<usize>| {
            s.get(range)
                .and_then(|digits| digits.parse::<u16>().ok())
                .unwrap_or(0)
        };
        let day = u8::try_from(number(0..2)).unwrap_or(0);
        let month = u8::try_from(number(3..5)).unwrap_or(0);
        Self::new(number(6..10), month, day)
    }
}

impl fmt::Display for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}-{:04}", self.day, self.month, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_digits() {
        assert!(check_sixteen_digits("nik", "3171234567890123").is_ok());
        let e = check_sixteen_digits("nik", "317123456789012").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid nik: must be exactly 16 digits (found 15 digits)"
        );
        let e = check_sixteen_digits("nik", "31712345678901a3").unwrap_err();
        assert!(e.problem().contains("other than digits"));
        assert!(!e.to_string().contains("3171"));
        assert!(check_sixteen_digits("nik", "３１７１２３４５６７８９０１２３").is_err());
    }

    #[test]
    fn dates() {
        for ok in [
            "01-01-1850",
            "31-12-9999",
            "29-02-2024",
            "29-02-2000",
            "30-04-1990",
        ] {
            assert_eq!(ok.parse::<DateOfBirth>().unwrap().to_string(), ok);
        }
        for bad in [
            "",
            "1-1-1990",
            "31-04-1990",
            "29-02-2023",
            "29-02-1900",
            "00-01-1990",
            "01-13-1990",
            "01-00-1990",
            "01-01-1849",
            "01/01/1990",
            "+1-01-1990",
            "01-01-199a",
            "٠١-٠١-١٩٩٠",
        ] {
            let e = bad.parse::<DateOfBirth>().unwrap_err();
            assert_eq!(e.field(), "date_of_birth", "{bad}");
        }
    }

    #[test]
    fn text() {
        assert!(check_text("name", "BUDI SANTOSO").is_ok());
        assert!(check_text("name", "  ").is_err());
        assert!(check_text("name", "a\u{0}b").is_err());
        assert!(check_text("name", &"a".repeat(1025)).is_err());
    }
}
