//! The bounds the server enforces on clients: sessions held, expired-session retention, body
//! read time, concurrent connections. Part of [`EmulatorConfig`].

use std::time::Duration;

use crate::config::EmulatorConfig;

/// Default cap on the sessions held at once (pending, finished, or expired and retained).
pub const DEFAULT_MAX_SESSIONS: usize = 100_000;

/// Default time an expired session stays retrievable before it is evicted: for ever
/// (`Duration::MAX`). GLAIR's docs never say that a session disappears once it expires, so by
/// default the emulator forgets none; memory stays bounded by the session cap, at which the
/// session that expired first is evicted to make room.
pub const DEFAULT_EXPIRED_RETENTION: Duration = Duration::MAX;

/// How long a connection may sit with no request in flight (HTTP/1.1 between requests,
/// HTTP/2 with no open stream) before the emulator closes it; also how long a client may take
/// to send a request's headers.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Default deadline for reading a request body, from the moment the handler starts reading it.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Default cap on connections served at once: above what one SDK client's pool (up to 1024
/// idle connections) and the benchmarks' 1,000 concurrent waits open, so legitimate load never
/// queues by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;

/// The limits of one emulator (see the crate documentation, "Lifetime and limits").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_sessions: usize,
    pub(crate) expired_retention: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: DEFAULT_MAX_SESSIONS,
            expired_retention: DEFAULT_EXPIRED_RETENTION,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

impl Limits {
    /// The retention time in milliseconds.
    pub(crate) fn expired_retention_ms(&self) -> u64 {
        u64::try_from(self.expired_retention.as_millis()).unwrap_or(u64::MAX)
    }
}

impl EmulatorConfig {
    /// The most sessions held at once (default [`DEFAULT_MAX_SESSIONS`]; at least 1). Pending,
    /// finished and expired-but-retained sessions all count. When the cap is reached, a create
    /// evicts the one session that expired first; if none has expired, it is refused with
    /// `429 Too Many Requests`, a `{"message": …}` body and a `Retry-After` header.
    pub fn max_sessions(mut self, max: usize) -> Self {
        self.limits.max_sessions = max.max(1);
        self
    }

    /// How long an expired session stays retrievable (`GET` answers it, past its `expired`
    /// instant, and its page says it expired) before it is evicted and answers `404` (default
    /// [`DEFAULT_EXPIRED_RETENTION`]: for ever, or until the session cap needs its room).
    /// `Duration::ZERO` evicts sessions as soon as they expire.
    pub fn expired_retention(mut self, retention: Duration) -> Self {
        self.limits.expired_retention = retention;
        self
    }

    /// The deadline for reading a request body (default [`DEFAULT_BODY_READ_TIMEOUT`]),
    /// counted from when the emulator starts reading it. A client that has not sent the whole
    /// body by then gets `408 Request Timeout` (`{"message": …}`) and the connection is closed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.limits.body_read_timeout = timeout;
        self
    }

    /// How long a connection may be idle — no request in flight: HTTP/1.1 between requests,
    /// HTTP/2 with no stream open — before it is closed, and how long a client may take to send
    /// a request's headers (default [`DEFAULT_IDLE_TIMEOUT`]; at least 1 ms). Every kind of
    /// connection has it, HTTP/2 over TLS included, so silent clients cannot hold the
    /// connection slots of [`EmulatorConfig::max_connections`] for good.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// The most connections served at once (default [`DEFAULT_MAX_CONNECTIONS`]; at least 1).
    /// At the cap the emulator stops accepting: further connections wait in the listen backlog
    /// (1024 deep; the kernel drops connection attempts beyond it) and are served, in order, as
    /// open connections close.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max.max(1);
        self
    }
}
