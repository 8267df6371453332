//! Parsing of durations such as `500ms`, `2s`, `1.5m` or `1h`, and of other small values the
//! command line takes.

use std::time::Duration;

/// Parses a duration: a non-negative number (digits, optionally with a decimal point) directly
/// followed by one of the units `ms`, `s`, `m` or `h`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid duration '{text}': use a number followed by ms, s, m or h");
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.is_empty() || !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(invalid()),
    };
    // Whole numbers are exact; only fractions go through floating point.
    if let Ok(whole) = number.parse::<u64>() {
        let duration = match unit {
            "ms" => Some(Duration::from_millis(whole)),
            "s" => Some(Duration::from_secs(whole)),
            "m" => whole.checked_mul(60).map(Duration::from_secs),
            _ => whole.checked_mul(3600).map(Duration::from_secs),
        };
        return duration.ok_or_else(|| format!("invalid duration '{text}': too long"));
    }
    let value: f64 = number.parse().map_err(|_| invalid())?;
    Duration::try_from_secs_f64(value * seconds_per_unit)
        .map_err(|_| format!("invalid duration '{text}': too long"))
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
    fn parses_every_unit() {
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("2s"), Duration::from_secs(2));
        assert_eq!(ok("5m"), Duration::from_secs(300));
        assert_eq!(ok("1h"), Duration::from_secs(3600));
        assert_eq!(ok("0s"), Duration::ZERO);
        assert_eq!(ok("0ms"), Duration::ZERO);
    }

    #[test]
    fn parses_fractions() {
        assert_eq!(ok("1.5s"), Duration::from_millis(1500));
        assert_eq!(ok("0.5m"), Duration::from_secs(30));
        assert_eq!(ok(".25h"), Duration::from_secs(900));
        assert_eq!(ok("2.s"), Duration::from_secs(2));
    }

    #[test]
    fn refuses_bad_input_with_a_clear_message() {
        for bad in [
            "", "5", "5x", "x5s", "s", "ms", "-1s", "1 s", " 1s", "1s ", "1S", "1sec", "1e3s",
            "1..5s", ".s", "1m30s", "+1s", "1,5s", "١s",
        ] {
            let err = match parse_duration(bad) {
                Ok(d) => panic!("{bad:?} parsed as {d:?}"),
                Err(e) => e,
            };
            assert_eq!(
                err,
                format!("invalid duration '{bad}': use a number followed by ms, s, m or h"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn refuses_overflow() {
        let err = parse_duration("99999999999999999999h").unwrap_err();
        assert!(err.contains("too long"), "{err}");
        let err = parse_duration("18446744073709551615h").unwrap_err();
        assert!(err.contains("too long"), "{err}");
        assert!(parse_duration("1e400s").is_err());
        assert!(parse_duration("99999999999999999999999999.5h").is_err());
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
