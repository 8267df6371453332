//! The one retry classifier: [`classify`] (its docs have the table), [`classify_status`],
//! [`classify_transport_error`], [`Classification`] and [`Replay`].

use http::{Method, StatusCode};

use crate::error::{TransportError, TransportErrorKind};
use crate::retry::AttemptOutcome;

/// What an attempt's outcome says about trying again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Classification {
    /// A 2xx response: nothing to retry.
    Success,
    /// Trying again later may succeed.
    Transient {
        /// The server certainly did not act on the request (connect failure, 429), so even a
        /// non-idempotent request may be sent again. When false, the request may have been
        /// processed, and only an idempotent request may be repeated.
        not_processed: bool,
    },
    /// Trying again will not help (4xx other than 429, TLS failure, body too large, …).
    Permanent,
}

impl Classification {
    /// True for [`Classification::Transient`].
    pub fn is_transient(self) -> bool {
        matches!(self, Self::Transient { .. })
    }

    /// True when a request with `method` may be sent again after this outcome: the outcome is
    /// transient and either the method is idempotent or the server did not act on the request.
    ///
    /// ```
    /// use glair_core::{Classification, classify_status};
    /// use http::{Method, StatusCode};
    ///
    /// let busy = classify_status(StatusCode::SERVICE_UNAVAILABLE);
    /// assert!(busy.permits_retry_of(&Method::GET));
    /// assert!(!busy.permits_retry_of(&Method::POST)); // it may have created a session
    /// assert!(classify_status(StatusCode::TOO_MANY_REQUESTS).permits_retry_of(&Method::POST));
    /// assert_eq!(classify_status(StatusCode::OK), Classification::Success);
    /// ```
    pub fn permits_retry_of(self, method: &Method) -> bool {
        self.permits_replay(Replay::of_method(method))
    }

    /// True when a request that may be sent again as `replay` says may be sent again after
    /// this outcome: the outcome is transient and either the request is safe to repeat or the
    /// server did not act on it.
    pub fn permits_replay(self, replay: Replay) -> bool {
        match self {
            Self::Transient { not_processed } => not_processed || replay == Replay::Safe,
            Self::Success | Self::Permanent => false,
        }
    }
}

/// Whether a request may be sent again once its bytes may have reached the server.
///
/// A call's repeatability is a fact of the endpoint it calls (the catalog's `Repeat` in
/// `glair-types`, mapped by the facade), as gax takes idempotency from the method
/// description. A bare HTTP request sent with [`Dispatcher::send`](crate::Dispatcher::send)
/// has no such description, and takes it from its method ([`Replay::of_method`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Replay {
    /// Safe to send again after any transient failure (a read, or an idempotent write).
    Safe,
    /// Sent again only when the server certainly did not act on it (a connect failure, a
    /// 429): a POST that creates a session or is billed on receipt.
    OnlyIfUnprocessed,
}

impl Replay {
    /// From the HTTP method: [`Replay::Safe`] for the idempotent methods ([`is_idempotent`]),
    /// else [`Replay::OnlyIfUnprocessed`].
    pub fn of_method(method: &Method) -> Self {
        if is_idempotent(method) {
            Self::Safe
        } else {
            Self::OnlyIfUnprocessed
        }
    }
}

impl From<&Method> for Replay {
    fn from(method: &Method) -> Self {
        Self::of_method(method)
    }
}

/// True for the methods that may be repeated without changing the outcome:
/// GET, HEAD, OPTIONS, PUT and DELETE.
pub fn is_idempotent(method: &Method) -> bool {
    *method == Method::GET
        || *method == Method::HEAD
        || *method == Method::OPTIONS
        || *method == Method::PUT
        || *method == Method::DELETE
}

/// Classifies a response status (see [`classify`] for the table).
pub fn classify_status(status: StatusCode) -> Classification {
    match status.as_u16() {
        200..=299 => Classification::Success,
        // GLAIR refused the request without processing it.
        429 => Classification::Transient {
            not_processed: true,
        },
        // A gateway or the service failed, possibly after acting on the request.
        500 | 502 | 503 | 504 => Classification::Transient {
            not_processed: false,
        },
        _ => Classification::Permanent,
    }
}

/// Classifies a transport failure (see [`classify`] for the table).
pub fn classify_transport_error(error: &TransportError) -> Classification {
    match error.kind() {
        TransportErrorKind::Connect => Classification::Transient {
            not_processed: true,
        },
        TransportErrorKind::Timeout | TransportErrorKind::Io => Classification::Transient {
            not_processed: false,
        },
        // A 407: the same proxy credentials cannot succeed on a retry.
        TransportErrorKind::BodyTooLarge { .. }
        | TransportErrorKind::Tls
        | TransportErrorKind::ProxyAuth
        | TransportErrorKind::Other => Classification::Permanent,
    }
}

/// Classifies an attempt's outcome. An attempt that timed out may have been processed.
///
/// Every question of the form "is this worth retrying?" in glair-rs is answered here: the
/// retry engine ([`Operation`](crate::Operation)) and `glair::Error::is_retryable` both call
/// [`classify`], [`classify_status`] or
/// [`classify_transport_error`]. Whether a retry is also *safe* depends on the method, and
/// [`Classification::permits_retry_of`] answers that from the same classification.
///
/// | outcome | classification |
/// |---|---|
/// | 2xx | [`Success`](Classification::Success) |
/// | 429 Too Many Requests (refused unprocessed) | transient, request not processed |
/// | 500, 502, 503, 504 | transient, request may have been processed |
/// | connect error (also a connect timeout): the request never left | transient, request not processed |
/// | transport timeout, I/O error, attempt timeout | transient, request may have been processed |
/// | any other status, TLS error, body too large, other transport error | [`Permanent`](Classification::Permanent) |
pub fn classify(outcome: &AttemptOutcome<'_>) -> Classification {
    match outcome {
        AttemptOutcome::Response { status, .. } => classify_status(*status),
        AttemptOutcome::TransportError(error) => classify_transport_error(error),
        AttemptOutcome::AttemptTimedOut => Classification::Transient {
            not_processed: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSIENT: Classification = Classification::Transient {
        not_processed: false,
    };
    const NOT_PROCESSED: Classification = Classification::Transient {
        not_processed: true,
    };

    #[test]
    fn status_table() {
        let table = [
            (200, Classification::Success),
            (201, Classification::Success),
            (204, Classification::Success),
            (301, Classification::Permanent),
            (400, Classification::Permanent),
            (401, Classification::Permanent),
            (404, Classification::Permanent),
            (408, Classification::Permanent),
            (409, Classification::Permanent),
            (429, NOT_PROCESSED),
            (500, TRANSIENT),
            (501, Classification::Permanent),
            (502, TRANSIENT),
            (503, TRANSIENT),
            (504, TRANSIENT),
            (505, Classification::Permanent),
        ];
        for (code, expected) in table {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(classify_status(status), expected, "{code}");
        }
    }

    #[test]
    fn transport_table() {
        let table = [
            (
                TransportError::new(TransportErrorKind::Connect, "x"),
                NOT_PROCESSED,
            ),
            (TransportError::connect_timeout("x"), NOT_PROCESSED),
            (
                TransportError::new(TransportErrorKind::Timeout, "x"),
                TRANSIENT,
            ),
            (TransportError::new(TransportErrorKind::Io, "x"), TRANSIENT),
            (
                TransportError::new(TransportErrorKind::Tls, "x"),
                Classification::Permanent,
            ),
            (TransportError::body_too_large(1), Classification::Permanent),
            (
                TransportError::new(TransportErrorKind::Other, "x"),
                Classification::Permanent,
            ),
        ];
        for (error, expected) in table {
            assert_eq!(classify_transport_error(&error), expected, "{error}");
            assert_eq!(classify(&AttemptOutcome::TransportError(&error)), expected);
        }
        assert_eq!(classify(&AttemptOutcome::AttemptTimedOut), TRANSIENT);
    }

    #[test]
    fn method_rule() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert!(is_idempotent(&method));
            assert!(TRANSIENT.permits_retry_of(&method));
            assert!(NOT_PROCESSED.permits_retry_of(&method));
            assert!(!Classification::Permanent.permits_retry_of(&method));
            assert!(!Classification::Success.permits_retry_of(&method));
        }
        for method in [
            Method::POST,
            Method::PATCH,
            Method::from_bytes(b"PURGE").unwrap(),
        ] {
            assert!(!is_idempotent(&method));
            assert!(!TRANSIENT.permits_retry_of(&method));
            assert!(NOT_PROCESSED.permits_retry_of(&method));
        }
    }
}
