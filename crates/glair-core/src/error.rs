//! Error types: [`TransportError`] (one attempt failed below HTTP), [`DispatchError`] (the whole
//! retry loop gave up without a response) and [`BuildError`] (a builder was misconfigured).
//!
//! None of these ever carries a header value, a credential or a query string: messages are
//! written by this crate from the request's method, host and path at most.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// What kind of failure a [`TransportError`] is. It decides whether a retry is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made: the request never left this process, so retrying is safe
    /// for every method. A connect timeout is of this kind too (and
    /// [`TransportError::is_timeout`] is then also true).
    Connect,
    /// The transport gave up waiting (for example on a read) after the request may have been
    /// sent.
    Timeout,
    /// An I/O or protocol failure after the request may have been sent.
    Io,
    /// The response body was larger than the transport's limit.
    BodyTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// TLS could not be established (handshake or certificate failure, or TLS support is not
    /// compiled in).
    Tls,
    /// The proxy answered `407 Proxy Authentication Required`: its credentials (the userinfo
    /// of the proxy URL) are missing or wrong. The request never reached the origin; retrying
    /// with the same credentials cannot help, so it is not retried.
    ProxyAuth,
    /// Anything else (misconfiguration, unsupported URL, unscripted mock call, …).
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect => f.write_str("connect error"),
            Self::Timeout => f.write_str("timeout"),
            Self::Io => f.write_str("I/O error"),
            Self::BodyTooLarge { .. } => f.write_str("response body too large"),
            Self::Tls => f.write_str("TLS error"),
            Self::ProxyAuth => f.write_str("proxy authentication required"),
            Self::Other => f.write_str("transport error"),
        }
    }
}

/// One attempt failed below the HTTP level (no response was received).
///
/// The message never contains header values or credentials.
///
/// ```
/// use glair_core::{TransportError, TransportErrorKind};
///
/// let err = TransportError::new(TransportErrorKind::Connect, "connection refused");
/// assert!(err.is_connect());
/// assert!(err.request_never_sent());
/// assert_eq!(err.to_string(), "connect error: connection refused");
/// ```
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    connect_timed_out: bool,
    proxy_failed: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl TransportError {
    /// Creates an error of the given kind. `message` must not contain secrets.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            connect_timed_out: false,
            proxy_failed: false,
            source: None,
        }
    }

    /// A connect attempt that timed out: of kind [`TransportErrorKind::Connect`] (the request
    /// never left) and [`is_timeout`](Self::is_timeout) returns true.
    ///
    /// ```
    /// let err = glair_core::TransportError::connect_timeout("connect timed out after 10s");
    /// assert!(err.is_connect() && err.is_timeout() && err.request_never_sent());
    /// ```
    pub fn connect_timeout(message: impl Into<String>) -> Self {
        Self {
            connect_timed_out: true,
            ..Self::new(TransportErrorKind::Connect, message)
        }
    }

    /// A response body larger than `limit` bytes.
    pub fn body_too_large(limit: u64) -> Self {
        Self::new(
            TransportErrorKind::BodyTooLarge { limit },
            format!("response body exceeds the limit of {limit} bytes"),
        )
    }

    /// Attaches the underlying cause (returned by [`std::error::Error::source`]).
    #[must_use]
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Marks the error as the proxy's failure (not the origin's): see
    /// [`is_proxy_error`](Self::is_proxy_error).
    #[must_use]
    pub fn at_proxy(mut self) -> Self {
        self.proxy_failed = true;
        self
    }

    /// True when the proxy failed (could not be reached, refused the tunnel, or asked for
    /// credentials), as opposed to the origin server behind it.
    pub fn is_proxy_error(&self) -> bool {
        self.proxy_failed
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// The human-readable message (without the kind prefix).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// True for [`TransportErrorKind::Connect`].
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// True for [`TransportErrorKind::Timeout`] and for connect timeouts.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout || self.connect_timed_out
    }

    /// True when the request certainly never left this process (a connect failure), so that
    /// even a non-idempotent request may be retried.
    pub fn request_never_sent(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// True for [`TransportErrorKind::BodyTooLarge`].
    pub fn is_body_too_large(&self) -> bool {
        matches!(self.kind, TransportErrorKind::BodyTooLarge { .. })
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.connect_timed_out && self.kind == TransportErrorKind::Connect {
            write!(f, "connect timeout: {}", self.message)
        } else {
            write!(f, "{}: {}", self.kind, self.message)
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The [`Dispatcher`](crate::Dispatcher) gave up without an HTTP response.
///
/// Any HTTP response, including 4xx and 5xx, is returned as `Ok` by the dispatcher; this error
/// only covers failures below HTTP and timeouts.
///
/// The enum and its variants with fields are `#[non_exhaustive]`, so that a variant or a field
/// can be added without breaking code that matches: match them with `..`
/// (`DispatchError::Transport { source, .. }`) or use the accessors. Only this crate makes
/// them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// The last attempt failed in the transport and was not (or could no longer be) retried.
    #[error("request failed after {attempts} attempt(s): {source}")]
    #[non_exhaustive]
    Transport {
        /// The last attempt's error.
        source: TransportError,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The last attempt exceeded the per-attempt timeout and was not (or could no longer be)
    /// retried.
    #[error("request timed out after {timeout:?} (attempt {attempts}; per-attempt timeout)")]
    #[non_exhaustive]
    AttemptTimeout {
        /// The per-attempt timeout.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The whole operation (all attempts and the waits between them) exceeded its timeout.
    #[error("operation timed out after {timeout:?} ({attempts} attempt(s) made)")]
    #[non_exhaustive]
    OperationTimeout {
        /// The operation timeout.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// The request needed a timer (for a timeout or a retry delay) but the dispatcher has no
    /// [`Sleep`](crate::Sleep) implementation (only possible without the `hyper` feature).
    #[error(
        "this request needs a timer for retries or timeouts, but the Dispatcher was built without a Sleep implementation"
    )]
    MissingSleep,
}

impl DispatchError {
    /// How many attempts were made before giving up (0 if none was started).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Transport { attempts, .. }
            | Self::AttemptTimeout { attempts, .. }
            | Self::OperationTimeout { attempts, .. } => *attempts,
            Self::MissingSleep => 0,
        }
    }

    /// True for attempt and operation timeouts and for transport timeouts (including connect
    /// timeouts).
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Transport { source, .. } => source.is_timeout(),
            Self::AttemptTimeout { .. } | Self::OperationTimeout { .. } => true,
            Self::MissingSleep => false,
        }
    }

    /// The last transport error, for [`DispatchError::Transport`].
    pub fn transport_error(&self) -> Option<&TransportError> {
        match self {
            Self::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A builder ([`DispatcherBuilder`](crate::DispatcherBuilder) or the hyper transport's builder)
/// was given a configuration it cannot build.
///
/// Non-exhaustive, and so is each variant with fields: match with `..`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Retries or timeouts are configured, but no [`Sleep`](crate::Sleep) was given and none is
    /// available by default (the `hyper` feature provides `TimerThreadSleep`).
    #[error(
        "a Sleep implementation is required for {needed_for}: pass one with DispatcherBuilder::sleep or enable the `hyper` feature"
    )]
    #[non_exhaustive]
    MissingSleep {
        /// What needed it ("retries", "timeouts").
        needed_for: &'static str,
    },
    /// The TLS configuration could not be built.
    #[error("TLS configuration error: {message}")]
    #[non_exhaustive]
    Tls {
        /// What went wrong.
        message: String,
    },
    /// A proxy URL (from the builder or the environment) is unusable. The message names where
    /// it came from and shows it without credentials.
    #[error("proxy configuration error: {message}")]
    #[non_exhaustive]
    Proxy {
        /// What went wrong.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_predicates() {
        let e = TransportError::new(TransportErrorKind::Io, "connection reset");
        assert_eq!(e.to_string(), "I/O error: connection reset");
        assert!(!e.request_never_sent());
        assert!(!e.is_timeout());

        let t = TransportError::new(TransportErrorKind::Timeout, "read timed out");
        assert!(t.is_timeout() && !t.is_connect());

        let c = TransportError::connect_timeout("after 10s");
        assert_eq!(c.to_string(), "connect timeout: after 10s");
        assert!(c.request_never_sent());

        let b = TransportError::body_too_large(10);
        assert!(b.is_body_too_large());
        assert_eq!(b.kind(), TransportErrorKind::BodyTooLarge { limit: 10 });
    }

    #[test]
    fn source_chain() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e =
            TransportError::new(TransportErrorKind::Connect, "could not connect").with_source(io);
        let src = StdError::source(&e).map(|s| s.to_string());
        assert_eq!(src.as_deref(), Some("refused"));
    }

    #[test]
    fn dispatch_error_display() {
        let e = DispatchError::AttemptTimeout {
            timeout: Duration::from_secs(30),
            attempts: 3,
        };
        assert_eq!(
            e.to_string(),
            "request timed out after 30s (attempt 3; per-attempt timeout)"
        );
        assert!(e.is_timeout());
        assert_eq!(e.attempts(), 3);
        assert!(e.transport_error().is_none());

        let e = DispatchError::Transport {
            source: TransportError::new(TransportErrorKind::Connect, "refused"),
            attempts: 2,
        };
        assert_eq!(
            e.to_string(),
            "request failed after 2 attempt(s): connect error: refused"
        );
        assert!(e.transport_error().is_some_and(TransportError::is_connect));
    }
}
