//! Timeout settings.

use std::time::Duration;

/// The two timeouts the retry engine enforces for any transport.
///
/// - `attempt` bounds each attempt (sending, and reading the whole response).
/// - `operation` bounds everything: all attempts and the pauses between them. A retry whose
///   pause would run past it is not made, and an attempt in flight when it passes is
///   abandoned.
///
/// The connect timeout is not here: it acts where connections are made, so it is a setting of
/// the transport (`HyperTransport`'s builder, the blocking transport's builder).
///
/// ```
/// use std::time::Duration;
/// use glair_core::TimeoutConfig;
///
/// let timeouts = TimeoutConfig::default()
///     .with_attempt(Some(Duration::from_secs(5)))
///     .with_operation(None);
/// assert_eq!(timeouts.attempt(), Some(Duration::from_secs(5)));
/// assert_eq!(timeouts.operation(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TimeoutConfig {
    attempt: Option<Duration>,
    operation: Option<Duration>,
}

impl TimeoutConfig {
    /// The default per-attempt timeout: 30 s.
    pub const DEFAULT_ATTEMPT: Duration = Duration::from_secs(30);
    /// The default operation timeout: 60 s.
    pub const DEFAULT_OPERATION: Duration = Duration::from_secs(60);

    /// The defaults: 30 s per attempt, 60 s per operation.
    pub fn new() -> Self {
        Self::default()
    }

    /// No attempt or operation timeout.
    pub fn none() -> Self {
        Self {
            attempt: None,
            operation: None,
        }
    }

    /// Sets the per-attempt timeout (`None`: no limit).
    #[must_use]
    pub fn with_attempt(mut self, attempt: Option<Duration>) -> Self {
        self.attempt = attempt;
        self
    }

    /// Sets the whole-operation timeout (`None`: no limit).
    #[must_use]
    pub fn with_operation(mut self, operation: Option<Duration>) -> Self {
        self.operation = operation;
        self
    }

    /// The per-attempt timeout, if any.
    pub fn attempt(&self) -> Option<Duration> {
        self.attempt
    }

    /// The whole-operation timeout, if any.
    pub fn operation(&self) -> Option<Duration> {
        self.operation
    }

    /// True if a driver needs a timer to enforce this configuration.
    pub fn needs_timer(&self) -> bool {
        self.attempt.is_some() || self.operation.is_some()
    }
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            attempt: Some(Self::DEFAULT_ATTEMPT),
            operation: Some(Self::DEFAULT_OPERATION),
        }
    }
}
