//! The one error type callers handle.

use std::time::Duration;

use glair_core::{
    AttemptOutcome, BuildError, DispatchError, TransportError, classify, classify_status,
    classify_transport_error,
};
use glair_types::{ApiError, DecodeError, InvalidInput, ResponseError};
use http::StatusCode;

use crate::files::FileError;

/// Everything that can go wrong in a call, in one type.
///
/// Match on the variant to handle a case, or use the predicates:
/// [`status`](Error::status), [`request_id`](Error::request_id),
/// [`is_retryable`](Error::is_retryable), [`is_timeout`](Error::is_timeout),
/// [`is_invalid_input`](Error::is_invalid_input). `Display` is a sentence a person can act on.
/// No variant ever holds a credential.
///
/// The enum and its variants with fields ([`Transport`](Error::Transport),
/// [`Timeout`](Error::Timeout)) are `#[non_exhaustive]`, so that a variant or a field (say, the
/// last attempt's `Request-Id`) can be added without breaking code that matches: match them
/// with `..` (`Error::Transport { source, .. }`). Only the SDK makes them; a test of your own
/// code gets one by scripting the mock transport (feature `mock`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// GLAIR answered with an error status (after any retries the method allowed).
    #[error(transparent)]
    Api(ApiError),
    /// GLAIR answered with success but the body was not the expected JSON.
    #[error(transparent)]
    Decode(DecodeError),
    /// No HTTP response: the connection failed or timed out (the transport's connect timeout),
    /// broke, or the body was too large.
    #[error("could not complete the request to GLAIR after {attempts} attempt(s): {source}")]
    #[non_exhaustive]
    Transport {
        /// The last attempt's error.
        source: TransportError,
        /// How many attempts were made.
        attempts: u32,
    },
    /// No response within a timeout.
    #[error("{}", describe_timeout(*scope, *after, *attempts))]
    #[non_exhaustive]
    Timeout {
        /// Which timeout ran out.
        scope: TimeoutScope,
        /// Its length.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// Input or configuration was refused before anything was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),
    /// A file to upload could not be used ([`read_image`](crate::read_image)): missing,
    /// unreadable, too large, empty or of no accepted format. Nothing was sent.
    #[error("image file {0}")]
    File(#[from] FileError),
    /// The client cannot do this as configured (for example no timer for retries in a build
    /// without the `hyper` feature).
    #[error("glair client configuration: {0}")]
    Config(#[from] ConfigError),
    /// A response problem this version of the SDK has no more specific variant for.
    #[error(transparent)]
    Response(ResponseError),
}

/// Why a client cannot be built, or cannot make a call, as configured.
///
/// Non-exhaustive, and so is each variant with fields: match with `..`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A timer is needed (for retries, timeouts or the pauses of a wait) and none works here:
    /// none was given and none is available by default, or the default one needs a tokio
    /// runtime and the call was made outside one.
    #[error(
        "{needed_for} need a timer and none works here: run inside a tokio runtime (the default \
         timer is tokio's), pass one with ClientBuilder::sleep or ClientBuilder::time, turn \
         retries and timeouts off, or use glair::blocking::Client (feature `ureq`)"
    )]
    #[non_exhaustive]
    MissingTimer {
        /// What needed it: "retries and timeouts", "wait".
        needed_for: &'static str,
    },
    /// No transport was given and this build has no default one.
    #[error(
        "no transport: this build has no default transport (enable the `{feature}` feature), \
         so pass one with ClientBuilder::transport"
    )]
    #[non_exhaustive]
    NoTransport {
        /// The feature that provides the default transport.
        feature: &'static str,
    },
    /// The default transport could not be built.
    #[error("the default transport could not be built: {0}")]
    Transport(#[source] BuildError),
}

/// Which timeout ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutScope {
    /// One attempt took longer than the per-attempt timeout.
    Attempt,
    /// The whole operation, retries included, took longer than the operation timeout.
    Operation,
}

fn describe_timeout(scope: TimeoutScope, after: Duration, attempts: u32) -> String {
    let which = match scope {
        TimeoutScope::Attempt => "for one attempt",
        TimeoutScope::Operation => "for the whole call",
    };
    let tries = if attempts == 1 { "attempt" } else { "attempts" };
    format!(
        "GLAIR did not answer within {after:?} {which} ({attempts} {tries}); raise the \
         timeout or check connectivity"
    )
}

impl Error {
    /// The HTTP status, for errors that came with a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status()),
            Self::Decode(e) => Some(e.status()),
            _ => None,
        }
    }

    /// The `Request-Id` GLAIR assigned, for errors that came with a response: quote it when
    /// asking GLAIR for help.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id(),
            Self::Decode(e) => e.request_id(),
            _ => None,
        }
    }

    /// Whether trying the same call again later may succeed: transient statuses (429, 500,
    /// 502, 503, 504), connection failures, broken connections and timeouts. Invalid input,
    /// authentication errors, bodies that do not decode or are too large, and TLS failures are
    /// not.
    ///
    /// Retrying a *create* that failed this way can create a second session if the first one
    /// reached GLAIR; the SDK's own retries never do that (see the crate docs).
    ///
    /// The answer comes from the one classifier the SDK's own retries use
    /// ([`glair::net::classify`](fn@crate::net::classify)).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => classify_status(e.status()).is_transient(),
            Self::Transport { source, .. } => classify_transport_error(source).is_transient(),
            Self::Timeout { .. } => classify(&AttemptOutcome::AttemptTimedOut).is_transient(),
            Self::Decode(_)
            | Self::InvalidInput(_)
            | Self::File(_)
            | Self::Config(_)
            | Self::Response(_) => false,
        }
    }

    /// Whether a timeout ended the call.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::Transport { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Whether the input (a field, a file) or configuration was refused before anything was
    /// sent.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Self::InvalidInput(_) | Self::File(_) | Self::Config(_)
        )
    }
}

impl From<ResponseError> for Error {
    fn from(e: ResponseError) -> Self {
        match e {
            ResponseError::Api(e) => Self::Api(e),
            ResponseError::Decode(e) => Self::Decode(e),
            // ResponseError is non_exhaustive; a future variant is kept as it is.
            #[allow(unreachable_patterns)]
            other => Self::Response(other),
        }
    }
}

impl From<DispatchError> for Error {
    fn from(e: DispatchError) -> Self {
        match e {
            DispatchError::Transport {
                source, attempts, ..
            } => Self::Transport { source, attempts },
            DispatchError::AttemptTimeout {
                timeout, attempts, ..
            } => Self::Timeout {
                scope: TimeoutScope::Attempt,
                after: timeout,
                attempts,
            },
            DispatchError::OperationTimeout {
                timeout, attempts, ..
            } => Self::Timeout {
                scope: TimeoutScope::Operation,
                after: timeout,
                attempts,
            },
            DispatchError::MissingSleep => Self::Config(ConfigError::MissingTimer {
                needed_for: "retries and timeouts",
            }),
            // DispatchError is non_exhaustive; a future variant reads as a transport failure.
            #[allow(unreachable_patterns)]
            other => Self::Transport {
                attempts: other.attempts(),
                source: TransportError::new(
                    glair_core::TransportErrorKind::Other,
                    other.to_string(),
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_scope_is_reported() {
        let err = Error::Timeout {
            scope: TimeoutScope::Operation,
            after: Duration::from_secs(60),
            attempts: 3,
        };
        assert_eq!(
            err.to_string(),
            "GLAIR did not answer within 60s for the whole call (3 attempts); raise the timeout \
             or check connectivity"
        );
        assert!(err.is_retryable());
        let one = Error::Timeout {
            scope: TimeoutScope::Attempt,
            after: Duration::from_secs(30),
            attempts: 1,
        };
        assert!(
            one.to_string()
                .contains("within 30s for one attempt (1 attempt)"),
            "{one}"
        );
    }
}
