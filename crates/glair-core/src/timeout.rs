//! Timeout settings.

use std::time::Duration;

/// Timeouts for one operation (one call of [`Dispatcher::send`](crate::Dispatcher::send)).
///
/// - `connect` is a transport setting (the hyper transport reads it from its own builder; this
///   field documents the intended value and is what the facade passes on).
/// - `attempt` bounds each attempt (connect, send, and reading the whole response).
/// - `operation` bounds everything: all attempts and the waits between them. A retry whose
///   delay would run past it is not made.
///
/// `attempt` and `operation` are enforced by the [`Dispatcher`](crate::Dispatcher) for any
/// transport, using its [`Sleep`](crate::Sleep).
///
/// ```
/// use std::time::Duration;
/// use glair_core::TimeoutConfig;
///
/// let timeouts = TimeoutConfig::default()
///     .with_attempt(Some(Duration::from_secs(5)))
///     .with_operation(None);
/// assert_eq!(timeouts.connect, Duration::from_secs(10));
/// assert_eq!(timeouts.attempt, Some(Duration::from_secs(5)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Connect timeout (default 10 s).
    pub connect: Duration,
    /// Per-attempt timeout (default 30 s); `None` for no limit.
    pub attempt: Option<Duration>,
    /// Whole-operation timeout (default 60 s); `None` for no limit.
    pub operation: Option<Duration>,
}

impl TimeoutConfig {
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(10);
    /// The default per-attempt timeout: 30 s.
    pub const DEFAULT_ATTEMPT: Duration = Duration::from_secs(30);
    /// The default operation timeout: 60 s.
    pub const DEFAULT_OPERATION: Duration = Duration::from_secs(60);

    /// No attempt or operation timeout (connect timeout left at its default).
    pub fn none() -> Self {
        Self {
            connect: Self::DEFAULT_CONNECT,
            attempt: None,
            operation: None,
        }
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn with_connect(mut self, connect: Duration) -> Self {
        self.connect = connect;
        self
    }

    /// Sets the per-attempt timeout.
    #[must_use]
    pub fn with_attempt(mut self, attempt: Option<Duration>) -> Self {
        self.attempt = attempt;
        self
    }

    /// Sets the whole-operation timeout.
    #[must_use]
    pub fn with_operation(mut self, operation: Option<Duration>) -> Self {
        self.operation = operation;
        self
    }

    /// True if the dispatcher needs a timer to enforce this configuration.
    pub(crate) fn needs_timer(&self) -> bool {
        self.attempt.is_some() || self.operation.is_some()
    }
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        Self {
            connect: Self::DEFAULT_CONNECT,
            attempt: Some(Self::DEFAULT_ATTEMPT),
            operation: Some(Self::DEFAULT_OPERATION),
        }
    }
}
