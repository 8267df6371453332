//! The retry policy: [`decide`] (its docs have the table), [`backoff_delay`],
//! [`parse_retry_after`] and [`RetryConfig`].

use std::time::Duration;

use http::{HeaderValue, StatusCode};

use crate::classify::{Classification, Replay, classify};
use crate::error::TransportError;
use crate::time::SystemTime;

/// Retry settings: how many attempts, and how long to pause between them.
///
/// Fields are private so that the type can grow; read them with the getters, set them with the
/// `with_*` methods.
///
/// ```
/// use std::time::Duration;
/// use glair_core::RetryConfig;
///
/// let config = RetryConfig::default().with_max_attempts(5);
/// assert_eq!(config.max_attempts(), 5);
/// assert_eq!(config.initial_backoff(), Duration::from_millis(200));
/// assert_eq!(RetryConfig::disabled().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RetryConfig {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl RetryConfig {
    /// The default number of attempts: 3.
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
    /// The default upper bound of the first backoff: 200 ms.
    pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(200);
    /// The default upper bound of any backoff: 10 s.
    pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(10);
    /// The default longest `Retry-After` honoured: 30 s.
    pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

    /// The defaults: 3 attempts, backoff from 200 ms up to 10 s, `Retry-After` up to 30 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries: one attempt only.
    pub fn disabled() -> Self {
        Self::default().with_max_attempts(1)
    }

    /// Sets the total number of attempts, the first included (0 counts as 1).
    #[must_use]
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the first backoff's upper bound (it doubles each retry).
    #[must_use]
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the upper bound of any backoff.
    #[must_use]
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Sets the longest `Retry-After` honoured; longer values are clamped to it.
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Total attempts, the first included (at least 1).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Upper bound of the first backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// Upper bound of any backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Longest `Retry-After` honoured.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// True when more than one attempt may be made.
    pub fn retries_enabled(&self) -> bool {
        self.max_attempts > 1
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            initial_backoff: Self::DEFAULT_INITIAL_BACKOFF,
            max_backoff: Self::DEFAULT_MAX_BACKOFF,
            max_retry_after: Self::DEFAULT_MAX_RETRY_AFTER,
        }
    }
}

/// What happened on one attempt.
///
/// Non-exhaustive: a transport may one day report another kind of outcome; match with a wildcard
/// arm.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// A response arrived.
    Response {
        /// Its status.
        status: StatusCode,
        /// Its `Retry-After` header, if any.
        retry_after: Option<&'a HeaderValue>,
    },
    /// The transport failed.
    TransportError(&'a TransportError),
    /// The per-attempt timeout fired.
    AttemptTimedOut,
}

impl AttemptOutcome<'_> {
    /// A short description for logs ("status 503", "connect error", "attempt timed out").
    pub fn describe(&self) -> String {
        match self {
            Self::Response { status, .. } => format!("status {}", status.as_u16()),
            Self::TransportError(e) if e.is_timeout() && e.is_connect() => {
                "connect timeout".to_owned()
            }
            Self::TransportError(e) => e.kind().to_string(),
            Self::AttemptTimedOut => "attempt timed out".to_owned(),
        }
    }
}

/// The outcome of [`decide`].
///
/// Non-exhaustive, as every output of a machine: match with a wildcard arm that stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Wait this long, then make another attempt.
    RetryAfter(Duration),
    /// Make no further attempt.
    Stop(StopReason),
}

/// Why no further attempt is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopReason {
    /// A 2xx response.
    Success,
    /// The outcome is not retryable for any method (4xx other than 429, TLS error, …).
    NotRetryable,
    /// The outcome would be retryable for an idempotent method, but this request is not
    /// idempotent and may already have been processed (a retry could, for example, create a
    /// second session).
    MayHaveBeenProcessed,
    /// `max_attempts` attempts were made.
    AttemptsExhausted,
    /// The delay before the next attempt would not end before the operation deadline.
    BudgetExhausted,
}

/// Decides whether to retry after an attempt.
///
/// The retry policy: pure functions, no I/O, no clock reads, no randomness inside (the
/// current time and the jitter sample are passed in). Whether an outcome is transient, and
/// whether a retry is safe for the method, comes from the one classifier in
/// [`classify`](fn@crate::classify); this module adds the attempt count, the delay and the budget.
/// The state machine that applies it to a whole call, deadlines included, is
/// [`Operation`](crate::Operation).
///
/// | outcome of the attempt | GET, HEAD, OPTIONS, PUT, DELETE | POST, PATCH, anything else |
/// |---|---|---|
/// | connect error (request never sent) | retry | retry |
/// | 429 Too Many Requests | retry | retry |
/// | 500, 502, 503, 504 | retry | stop ([`StopReason::MayHaveBeenProcessed`]) |
/// | transport timeout, I/O error, attempt timeout | retry | stop ([`StopReason::MayHaveBeenProcessed`]) |
/// | 2xx | stop ([`StopReason::Success`]) | stop ([`StopReason::Success`]) |
/// | any other status, TLS error, body too large, other error | stop ([`StopReason::NotRetryable`]) | stop ([`StopReason::NotRetryable`]) |
///
/// A retry waits for the `Retry-After` header's delay when the response has a valid one
/// (clamped to [`RetryConfig::max_retry_after`]), otherwise for [`backoff_delay`]. No retry is
/// made once `max_attempts` attempts were made ([`StopReason::AttemptsExhausted`]) or when the
/// delay would not end before the operation deadline ([`StopReason::BudgetExhausted`]).
///
/// The arguments:
///
/// - `replay`: whether the request may be sent again once it may have been received (a
///   [`Replay`], or the request's `&Method` for the method-based rule).
///
/// - `attempts_made`: attempts made so far, including the one that produced `outcome` (≥ 1).
/// - `remaining_budget`: time left before the operation deadline, `None` if there is none.
/// - `now_system`: the current wall-clock time, for `Retry-After` HTTP dates.
/// - `jitter`: a uniform sample from `[0, 1)`, for [`backoff_delay`].
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use glair_core::{AttemptOutcome, RetryConfig, RetryDecision, StopReason, decide};
/// use http::{Method, StatusCode};
///
/// let config = RetryConfig::default();
/// let unavailable = AttemptOutcome::Response { status: StatusCode::SERVICE_UNAVAILABLE, retry_after: None };
/// let now = SystemTime::UNIX_EPOCH;
/// assert_eq!(
///     decide(&Method::GET, &unavailable, 1, None, &config, now, 0.5),
///     RetryDecision::RetryAfter(Duration::from_millis(100)),
/// );
/// assert_eq!(
///     decide(&Method::POST, &unavailable, 1, None, &config, now, 0.5),
///     RetryDecision::Stop(StopReason::MayHaveBeenProcessed),
/// );
/// ```
pub fn decide(
    replay: impl Into<Replay>,
    outcome: &AttemptOutcome<'_>,
    attempts_made: u32,
    remaining_budget: Option<Duration>,
    config: &RetryConfig,
    now_system: SystemTime,
    jitter: f64,
) -> RetryDecision {
    let retry_after = match outcome {
        AttemptOutcome::Response { retry_after, .. } => *retry_after,
        _ => None,
    };
    match classify(outcome) {
        Classification::Success => return RetryDecision::Stop(StopReason::Success),
        Classification::Permanent => return RetryDecision::Stop(StopReason::NotRetryable),
        transient if !transient.permits_replay(replay.into()) => {
            return RetryDecision::Stop(StopReason::MayHaveBeenProcessed);
        }
        _ => {}
    }

    if attempts_made >= config.max_attempts {
        return RetryDecision::Stop(StopReason::AttemptsExhausted);
    }

    let delay = match retry_after.and_then(|value| parse_retry_after(value, now_system)) {
        Some(requested) => requested.min(config.max_retry_after),
        None => backoff_delay(config, attempts_made, jitter),
    };

    if let Some(remaining) = remaining_budget {
        // An attempt started exactly at the deadline could do nothing: stop instead.
        if delay >= remaining {
            return RetryDecision::Stop(StopReason::BudgetExhausted);
        }
    }
    RetryDecision::RetryAfter(delay)
}

/// Truncated exponential backoff with full jitter: a delay uniform in
/// `[0, min(max_backoff, initial_backoff × 2^(attempts_made − 1))]`, scaled by `jitter`
/// (clamped to `[0, 1]`; NaN counts as 0).
///
/// ```
/// use std::time::Duration;
/// use glair_core::{RetryConfig, backoff_delay};
///
/// let config = RetryConfig::default(); // 200 ms initial, 10 s max
/// assert_eq!(backoff_delay(&config, 1, 1.0), Duration::from_millis(200));
/// assert_eq!(backoff_delay(&config, 3, 0.5), Duration::from_millis(400));
/// assert_eq!(backoff_delay(&config, 30, 1.0), Duration::from_secs(10));
/// ```
pub fn backoff_delay(config: &RetryConfig, attempts_made: u32, jitter: f64) -> Duration {
    let exponent = attempts_made.saturating_sub(1);
    let ceiling = if config.initial_backoff.is_zero() {
        Duration::ZERO
    } else {
        2u32.checked_pow(exponent)
            .and_then(|factor| config.initial_backoff.checked_mul(factor))
            .map_or(config.max_backoff, |d| d.min(config.max_backoff))
    };
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter)
        .unwrap_or(Duration::ZERO)
        .min(ceiling)
}

/// Parses a `Retry-After` value: delta-seconds (`"120"`) or an HTTP date, relative to `now`.
/// A date in the past gives zero. Returns `None` for anything else. The caller clamps the
/// result (see [`RetryConfig::max_retry_after`]).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use glair_core::parse_retry_after;
/// use http::HeaderValue;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
/// let in_a_minute = HeaderValue::from_static("Sun, 06 Nov 1994 08:50:37 GMT");
/// assert_eq!(parse_retry_after(&in_a_minute, now), Some(Duration::from_secs(60)));
/// assert_eq!(parse_retry_after(&HeaderValue::from_static("7"), now), Some(Duration::from_secs(7)));
/// assert_eq!(parse_retry_after(&HeaderValue::from_static("soon"), now), None);
/// ```
pub fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still "a very long time": the caller clamps it.
        return Some(Duration::from_secs(text.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let date = crate::time::from_std_system_time(httpdate::parse_http_date(text).ok()?);
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::TransportErrorKind;
    use http::Method;
    use proptest::prelude::*;

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    fn config() -> RetryConfig {
        RetryConfig::default()
    }

    fn status(code: u16) -> AttemptOutcome<'static> {
        AttemptOutcome::Response {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    fn decide_simple(
        method: &Method,
        outcome: &AttemptOutcome<'_>,
        attempts: u32,
    ) -> RetryDecision {
        decide(method, outcome, attempts, None, &config(), NOW, 1.0)
    }

    fn stop(reason: StopReason) -> RetryDecision {
        RetryDecision::Stop(reason)
    }

    #[test]
    fn success_and_client_errors_stop() {
        assert_eq!(
            decide_simple(&Method::GET, &status(200), 1),
            stop(StopReason::Success)
        );
        assert_eq!(
            decide_simple(&Method::POST, &status(201), 1),
            stop(StopReason::Success)
        );
        for code in [301, 400, 401, 403, 404, 409, 415, 422, 501, 505] {
            assert_eq!(
                decide_simple(&Method::GET, &status(code), 1),
                stop(StopReason::NotRetryable),
                "{code}"
            );
        }
    }

    #[test]
    fn idempotent_methods_retry_on_retryable_statuses() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            for code in [429, 500, 502, 503, 504] {
                assert_eq!(
                    decide_simple(&method, &status(code), 1),
                    RetryDecision::RetryAfter(Duration::from_millis(200)),
                    "{method} {code}"
                );
            }
        }
    }

    #[test]
    fn post_only_retries_on_429_and_never_sent() {
        for method in [
            Method::POST,
            Method::PATCH,
            Method::from_bytes(b"PURGE").unwrap(),
        ] {
            assert!(matches!(
                decide_simple(&method, &status(429), 1),
                RetryDecision::RetryAfter(_)
            ));
            for code in [500, 502, 503, 504] {
                assert_eq!(
                    decide_simple(&method, &status(code), 1),
                    stop(StopReason::MayHaveBeenProcessed)
                );
            }
            let connect = TransportError::new(TransportErrorKind::Connect, "refused");
            assert!(matches!(
                decide_simple(&method, &AttemptOutcome::TransportError(&connect), 1),
                RetryDecision::RetryAfter(_)
            ));
            let connect_timeout = TransportError::connect_timeout("slow");
            assert!(matches!(
                decide_simple(
                    &method,
                    &AttemptOutcome::TransportError(&connect_timeout),
                    1
                ),
                RetryDecision::RetryAfter(_)
            ));
            for kind in [TransportErrorKind::Timeout, TransportErrorKind::Io] {
                let e = TransportError::new(kind, "x");
                assert_eq!(
                    decide_simple(&method, &AttemptOutcome::TransportError(&e), 1),
                    stop(StopReason::MayHaveBeenProcessed)
                );
            }
            assert_eq!(
                decide_simple(&method, &AttemptOutcome::AttemptTimedOut, 1),
                stop(StopReason::MayHaveBeenProcessed)
            );
        }
    }

    #[test]
    fn get_retries_on_transport_failures_but_not_tls_or_body_too_large() {
        for kind in [
            TransportErrorKind::Connect,
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
        ] {
            let e = TransportError::new(kind, "x");
            assert!(matches!(
                decide_simple(&Method::GET, &AttemptOutcome::TransportError(&e), 1),
                RetryDecision::RetryAfter(_)
            ));
        }
        assert!(matches!(
            decide_simple(&Method::GET, &AttemptOutcome::AttemptTimedOut, 2),
            RetryDecision::RetryAfter(_)
        ));
        for e in [
            TransportError::new(TransportErrorKind::Tls, "bad certificate"),
            TransportError::body_too_large(10),
            TransportError::new(TransportErrorKind::Other, "x"),
        ] {
            assert_eq!(
                decide_simple(&Method::GET, &AttemptOutcome::TransportError(&e), 1),
                stop(StopReason::NotRetryable)
            );
        }
    }

    #[test]
    fn attempts_exhausted() {
        assert_eq!(
            decide_simple(&Method::GET, &status(503), 3),
            stop(StopReason::AttemptsExhausted)
        );
        let disabled = RetryConfig::disabled();
        assert_eq!(
            decide(&Method::GET, &status(503), 1, None, &disabled, NOW, 0.0),
            stop(StopReason::AttemptsExhausted)
        );
        let zero = RetryConfig::default().with_max_attempts(0);
        assert_eq!(
            decide(&Method::GET, &status(503), 1, None, &zero, NOW, 0.0),
            stop(StopReason::AttemptsExhausted)
        );
    }

    #[test]
    fn budget_exhausted() {
        let c = config();
        assert_eq!(
            decide(
                &Method::GET,
                &status(503),
                1,
                Some(Duration::from_millis(199)),
                &c,
                NOW,
                1.0
            ),
            stop(StopReason::BudgetExhausted)
        );
        assert_eq!(
            decide(
                &Method::GET,
                &status(503),
                1,
                Some(Duration::from_millis(200)),
                &c,
                NOW,
                1.0
            ),
            stop(StopReason::BudgetExhausted)
        );
        assert_eq!(
            decide(
                &Method::GET,
                &status(503),
                1,
                Some(Duration::from_millis(201)),
                &c,
                NOW,
                1.0
            ),
            RetryDecision::RetryAfter(Duration::from_millis(200))
        );
        assert_eq!(
            decide(
                &Method::GET,
                &status(503),
                1,
                Some(Duration::ZERO),
                &c,
                NOW,
                0.0
            ),
            stop(StopReason::BudgetExhausted)
        );
    }

    #[test]
    fn retry_after_seconds_and_date_are_honoured_and_clamped() {
        let c = config();
        let seven = HeaderValue::from_static("7");
        let outcome = AttemptOutcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(&seven),
        };
        assert_eq!(
            decide(&Method::POST, &outcome, 1, None, &c, NOW, 0.0),
            RetryDecision::RetryAfter(Duration::from_secs(7))
        );

        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let date = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:49 GMT");
        let outcome = AttemptOutcome::Response {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after: Some(&date),
        };
        assert_eq!(
            decide(&Method::GET, &outcome, 1, None, &c, now, 0.0),
            RetryDecision::RetryAfter(Duration::from_secs(12))
        );

        let long = HeaderValue::from_static("3600");
        let outcome = AttemptOutcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(&long),
        };
        assert_eq!(
            decide(&Method::GET, &outcome, 1, None, &c, NOW, 0.0),
            RetryDecision::RetryAfter(Duration::from_secs(30))
        );
        // ... but never past the deadline.
        assert_eq!(
            decide(
                &Method::GET,
                &outcome,
                1,
                Some(Duration::from_secs(20)),
                &c,
                NOW,
                0.0
            ),
            stop(StopReason::BudgetExhausted)
        );

        // Unparseable: falls back to backoff.
        let junk = HeaderValue::from_static("later");
        let outcome = AttemptOutcome::Response {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(&junk),
        };
        assert_eq!(
            decide(&Method::GET, &outcome, 2, None, &c, NOW, 0.5),
            RetryDecision::RetryAfter(Duration::from_millis(200))
        );
    }

    #[test]
    fn backoff_values() {
        let c = config();
        assert_eq!(backoff_delay(&c, 1, 0.0), Duration::ZERO);
        assert_eq!(backoff_delay(&c, 1, 0.5), Duration::from_millis(100));
        assert_eq!(backoff_delay(&c, 2, 1.0), Duration::from_millis(400));
        assert_eq!(backoff_delay(&c, 6, 1.0), Duration::from_millis(6400));
        assert_eq!(backoff_delay(&c, 7, 1.0), Duration::from_secs(10));
        assert_eq!(backoff_delay(&c, u32::MAX, 1.0), Duration::from_secs(10));
        assert_eq!(backoff_delay(&c, 0, 1.0), Duration::from_millis(200));
        // Out-of-range jitter is clamped.
        assert_eq!(backoff_delay(&c, 1, 7.0), Duration::from_millis(200));
        assert_eq!(backoff_delay(&c, 1, -1.0), Duration::ZERO);
        assert_eq!(backoff_delay(&c, 1, f64::NAN), Duration::ZERO);
        assert_eq!(
            backoff_delay(&c, 1, f64::INFINITY),
            Duration::from_millis(200)
        );
        let huge = RetryConfig::default()
            .with_initial_backoff(Duration::MAX)
            .with_max_backoff(Duration::MAX);
        assert!(backoff_delay(&huge, 3, 0.999) <= Duration::MAX);
    }

    #[test]
    fn retry_after_parsing() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let p = |s: &'static str| parse_retry_after(&HeaderValue::from_static(s), now);
        assert_eq!(p("0"), Some(Duration::ZERO));
        assert_eq!(p(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(
            p("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(p("-5"), None);
        assert_eq!(p("1.5"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        assert_eq!(p("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(
            p("Sun, 06 Nov 1994 09:49:37 GMT"),
            Some(Duration::from_secs(3600))
        );
        // The obsolete formats httpdate accepts too.
        assert_eq!(
            p("Sunday, 06-Nov-94 08:49:38 GMT"),
            Some(Duration::from_secs(1))
        );
        let non_utf8 = HeaderValue::from_bytes(b"\xff1").unwrap();
        assert_eq!(parse_retry_after(&non_utf8, now), None);
    }

    #[test]
    fn describe_outcomes() {
        assert_eq!(status(503).describe(), "status 503");
        assert_eq!(
            AttemptOutcome::AttemptTimedOut.describe(),
            "attempt timed out"
        );
        let e = TransportError::connect_timeout("x");
        assert_eq!(
            AttemptOutcome::TransportError(&e).describe(),
            "connect timeout"
        );
    }

    fn any_method() -> impl Strategy<Value = Method> {
        prop_oneof![
            Just(Method::GET),
            Just(Method::HEAD),
            Just(Method::OPTIONS),
            Just(Method::PUT),
            Just(Method::DELETE),
            Just(Method::POST),
            Just(Method::PATCH),
            Just(Method::from_bytes(b"CUSTOM").unwrap()),
        ]
    }

    #[derive(Clone, Debug)]
    enum Kind {
        Status(u16, Option<u64>),
        Error(TransportErrorKind, bool),
        TimedOut,
    }

    fn any_kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            (100u16..600, proptest::option::of(0u64..100_000))
                .prop_map(|(s, r)| Kind::Status(s, r)),
            (
                prop_oneof![
                    Just(TransportErrorKind::Connect),
                    Just(TransportErrorKind::Timeout),
                    Just(TransportErrorKind::Io),
                    Just(TransportErrorKind::Tls),
                    Just(TransportErrorKind::Other),
                    Just(TransportErrorKind::BodyTooLarge { limit: 1 }),
                ],
                any::<bool>()
            )
                .prop_map(|(k, t)| Kind::Error(k, t)),
            Just(Kind::TimedOut),
        ]
    }

    /// Runs `decide` on `kind` (building the borrowed outcome it needs).
    fn decide_kind(
        method: &Method,
        kind: &Kind,
        attempts: u32,
        remaining: Option<Duration>,
        config: &RetryConfig,
        jitter: f64,
    ) -> RetryDecision {
        match kind {
            Kind::Status(code, retry_after) => {
                let header = retry_after.map(HeaderValue::from);
                let outcome = AttemptOutcome::Response {
                    status: StatusCode::from_u16(*code).unwrap(),
                    retry_after: header.as_ref(),
                };
                decide(method, &outcome, attempts, remaining, config, NOW, jitter)
            }
            Kind::Error(k, connect_timeout) => {
                let e = if *k == TransportErrorKind::Connect && *connect_timeout {
                    TransportError::connect_timeout("x")
                } else {
                    TransportError::new(*k, "x")
                };
                decide(
                    method,
                    &AttemptOutcome::TransportError(&e),
                    attempts,
                    remaining,
                    config,
                    NOW,
                    jitter,
                )
            }
            Kind::TimedOut => decide(
                method,
                &AttemptOutcome::AttemptTimedOut,
                attempts,
                remaining,
                config,
                NOW,
                jitter,
            ),
        }
    }

    fn any_config() -> impl Strategy<Value = RetryConfig> {
        (0u32..8, 0u64..5_000, 0u64..60_000, 0u64..120_000).prop_map(|(a, i, m, r)| RetryConfig {
            max_attempts: a,
            initial_backoff: Duration::from_millis(i),
            max_backoff: Duration::from_millis(m),
            max_retry_after: Duration::from_millis(r),
        })
    }

    proptest! {
        #[test]
        fn delays_are_bounded(
            method in any_method(),
            kind in any_kind(),
            attempts in 1u32..10,
            config in any_config(),
            jitter in -0.5f64..1.5,
        ) {
            if let RetryDecision::RetryAfter(delay) = decide_kind(&method, &kind, attempts, None, &config, jitter) {
                match kind {
                    Kind::Status(_, Some(_)) => prop_assert!(delay <= config.max_retry_after),
                    _ => prop_assert!(delay <= config.max_backoff),
                }
                prop_assert!(attempts < config.max_attempts);
            }
        }

        #[test]
        fn backoff_never_exceeds_max(config in any_config(), attempts in 0u32..100, jitter in any::<f64>()) {
            let d = backoff_delay(&config, attempts, jitter);
            prop_assert!(d <= config.max_backoff);
            prop_assert!(d <= config.initial_backoff.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1))));
        }

        #[test]
        fn non_idempotent_only_retried_when_safe(
            method in prop_oneof![Just(Method::POST), Just(Method::PATCH), Just(Method::from_bytes(b"X").unwrap())],
            kind in any_kind(),
            attempts in 1u32..3,
            jitter in 0f64..1.0,
        ) {
            let decision = decide_kind(&method, &kind, attempts, None, &config(), jitter);
            if matches!(decision, RetryDecision::RetryAfter(_)) {
                let safe = matches!(kind, Kind::Status(429, _) | Kind::Error(TransportErrorKind::Connect, _));
                prop_assert!(safe, "{method} retried after {kind:?}");
            }
        }

        /// Simulates whole operations: the sum of delays never exceeds the budget and the
        /// number of attempts never exceeds max_attempts.
        #[test]
        fn operation_respects_budget_and_attempts(
            method in any_method(),
            kinds in proptest::collection::vec(any_kind(), 1..12),
            config in any_config(),
            budget_ms in proptest::option::of(0u64..100_000),
            attempt_cost_ms in 0u64..5_000,
            jitters in proptest::collection::vec(0f64..1.0, 12),
        ) {
            let budget = budget_ms.map(Duration::from_millis);
            let mut elapsed = Duration::ZERO;
            let mut slept = Duration::ZERO;
            let mut attempts = 0u32;
            for (i, kind) in kinds.iter().enumerate() {
                attempts += 1;
                elapsed += Duration::from_millis(attempt_cost_ms);
                let remaining = budget.map(|b| b.saturating_sub(elapsed));
                match decide_kind(&method, kind, attempts, remaining, &config, jitters[i]) {
                    RetryDecision::RetryAfter(d) => {
                        slept += d;
                        elapsed += d;
                        if let Some(b) = budget {
                            prop_assert!(elapsed < b);
                        }
                    }
                    RetryDecision::Stop(_) => break,
                }
            }
            prop_assert!(attempts <= config.max_attempts.max(1));
            if let Some(b) = budget {
                prop_assert!(slept <= b);
            }
        }
    }
}
