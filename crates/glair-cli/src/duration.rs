//! Parsing of durations such as `500ms`, `2s`, `1m30s` or `1h`, and of other small values the
//! command line takes.

use std::time::Duration;

/// The longest piece of an argument quoted back in an error message.
const QUOTE_LIMIT: usize = 64;

/// Parses a duration with humantime: one or more numbers, each followed by a unit (`ms`, `s`,
/// `m`, `h`, `d`, and their long forms), e.g. `500ms`, `2s`, `1m30s`, `1h 15m`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| {
        let quoted: String = text.chars().take(QUOTE_LIMIT).collect();
        let why = match e {
            humantime::DurationError::NumberOverflow => "too long".to_owned(),
            _ => "use numbers with units, e.g. 500ms, 2s, 1m30s or 1h".to_owned(),
        };
        format!("invalid duration '{quoted}': {why}")
    })
}

/// Like [`parse_duration`], refusing zero (a zero timeout could never be met).
pub(crate) fn parse_timeout(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err(format!(
            "invalid duration '{text}': must be greater than zero"
        ));
    }
    Ok(duration)
}

/// Parses a positive integer (1 or more) that fits in 32 bits.
pub(crate) fn parse_positive(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(0) | Err(_) => Err(format!(
            "invalid number '{text}': use a positive integer (1 or more)"
        )),
        Ok(n) => Ok(n),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Duration {
        match parse_duration(text) {
            Ok(d) => d,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn parses_units_and_compound_values() {
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("2s"), Duration::from_secs(2));
        assert_eq!(ok("5m"), Duration::from_secs(300));
        assert_eq!(ok("1h"), Duration::from_secs(3600));
        assert_eq!(ok("1m30s"), Duration::from_secs(90));
        assert_eq!(ok("1h 15m"), Duration::from_secs(4500));
        assert_eq!(ok("0s"), Duration::ZERO);
        assert_eq!(ok("1.5m"), Duration::from_secs(90));
    }

    #[test]
    fn refuses_bad_input_with_a_clear_message() {
        for bad in ["", "5", "5x", "x5s", "s", "-1s", "+1s", "1,5s", "١s"] {
            let err = match parse_duration(bad) {
                Ok(d) => panic!("{bad:?} parsed as {d:?}"),
                Err(e) => e,
            };
            assert!(
                err.starts_with(&format!("invalid duration '{bad}'")),
                "{bad:?}: {err}"
            );
        }
        let long = "9".repeat(10_000);
        let err = parse_duration(&long).unwrap_err();
        assert!(err.len() < 200, "{err}");
    }

    #[test]
    fn refuses_overflow() {
        let err = parse_duration("99999999999999999999h").unwrap_err();
        assert!(err.contains("too long"), "{err}");
    }

    #[test]
    fn timeouts_must_be_positive() {
        assert_eq!(parse_timeout("1ms"), Ok(Duration::from_millis(1)));
        let err = parse_timeout("0s").unwrap_err();
        assert!(err.contains("greater than zero"), "{err}");
        assert!(parse_timeout("5x").is_err());
    }

    #[test]
    fn positive_integers() {
        assert_eq!(parse_positive("1"), Ok(1));
        assert_eq!(parse_positive("4294967295"), Ok(u32::MAX));
        for bad in ["0", "-1", "", "1.5", "x", "4294967296"] {
            assert!(parse_positive(bad).is_err(), "{bad:?}");
        }
    }
}
