//! [`UreqTransport`]: the default [`BlockingTransport`], on ureq 3 with rustls.
//!
//! Why ureq: it is the maintained blocking HTTP client of the ecosystem that needs no async
//! runtime (no tokio, no hyper), builds on the same rustls/ring/webpki-roots stack as
//! `HyperTransport`, pools connections, and takes a time limit per request, so the engine's
//! attempt deadline is enforced by the transport itself, body included.

use std::io::ErrorKind;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use ureq::Agent;

mod resolver;

use crate::blocking::BlockingTransport;
use crate::error::{TransportError, TransportErrorKind};

/// Idle connections kept for reuse, per host and in all (ureq's default is 3 per host).
pub(crate) const MAX_IDLE_CONNECTIONS: usize = 32;

/// A blocking HTTP/1.1 transport on ureq 3: connection pool, rustls (ring) with the webpki
/// root certificates for `https://` (certificate verification cannot be switched off), a
/// connect timeout (default 10 s), a response body limit (default 4 MiB), up to 32 idle
/// connections kept for reuse.
///
/// Like `HyperTransport`, it follows no redirects (a 3xx is returned as it is), treats no
/// status as an error (the engine classifies them), and reads no proxy from the environment.
///
/// ```
/// use std::time::Duration;
/// use glair_core::UreqTransport;
///
/// let transport = UreqTransport::builder()
///     .connect_timeout(Duration::from_secs(5))
///     .max_response_body_bytes(1 << 20)
///     .build();
/// # drop(transport);
/// ```
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
    connect_timeout: Duration,
    max_body: u64,
}

/// Builds a [`UreqTransport`].
#[derive(Clone, Debug)]
pub struct UreqTransportBuilder {
    connect_timeout: Duration,
    max_body: u64,
}

impl UreqTransport {
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default response body limit: 4 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 4 * 1024 * 1024;

    /// A transport with the defaults.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// Starts configuring a transport.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder {
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_body: Self::DEFAULT_MAX_RESPONSE_BODY_BYTES,
        }
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    /// The response body limit, in bytes.
    pub fn max_response_body_bytes(&self) -> u64 {
        self.max_body
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for UreqTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UreqTransport")
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_body_bytes", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl UreqTransportBuilder {
    /// How long to wait for a connection, TLS included (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body accepted (default 4 MiB); a larger one fails with
    /// [`TransportErrorKind::BodyTooLarge`].
    #[must_use]
    pub fn max_response_body_bytes(mut self, limit: u64) -> Self {
        self.max_body = limit;
        self
    }

    /// Builds the transport.
    pub fn build(self) -> UreqTransport {
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .proxy(None)
            .timeout_connect(Some(self.connect_timeout))
            // ureq keeps 3 idle connections per host by default: a program calling from more
            // threads would open and close a connection for most requests.
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .build();
        // ureq's own connector (TCP, rustls) with a resolver that starts no thread per
        // request (see `resolver`).
        let agent = Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            resolver::CachingResolver::default(),
        );
        UreqTransport {
            agent,
            connect_timeout: self.connect_timeout,
            max_body: self.max_body,
        }
    }
}

impl BlockingTransport for UreqTransport {
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        let (parts, body) = request.into_parts();
        let request = Request::from_parts(parts, body.to_vec());
        // The attempt's whole time limit, connect and body included.
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(timeout)
            .build();
        let response = self.agent.run(request).map_err(map_error)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(map_error)?;
        Ok(Response::from_parts(parts, Bytes::from(bytes)))
    }
}

/// Maps a ureq error to the kind the engine classifies. The messages are ureq's, which name
/// neither header values nor credentials.
fn map_error(error: ureq::Error) -> TransportError {
    use ureq::Error as E;
    use ureq::Timeout as T;
    let message = error.to_string();
    let mapped = match &error {
        E::Timeout(T::Connect | T::Resolve) => TransportError::connect_timeout(message),
        E::Timeout(_) => TransportError::new(TransportErrorKind::Timeout, message),
        E::HostNotFound | E::ConnectionFailed => {
            TransportError::new(TransportErrorKind::Connect, message)
        }
        // ureq reports a failed TLS handshake as an I/O error wrapping rustls's.
        E::Io(io) if is_tls_io(io) => TransportError::new(TransportErrorKind::Tls, message),
        E::Io(io) if is_connect_io(io.kind()) => {
            TransportError::new(TransportErrorKind::Connect, message)
        }
        E::Io(io) if matches!(io.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
            TransportError::new(TransportErrorKind::Timeout, message)
        }
        E::Io(_) | E::Protocol(_) => TransportError::new(TransportErrorKind::Io, message),
        E::BodyExceedsLimit(limit) => TransportError::body_too_large(*limit),
        // Its message would quote the URI.
        E::BadUri(_) => TransportError::new(TransportErrorKind::Other, "ureq refused the URI"),
        E::Tls(_) | E::Rustls(_) | E::Pem(_) => {
            TransportError::new(TransportErrorKind::Tls, message)
        }
        _ => TransportError::new(TransportErrorKind::Other, message),
    };
    match error {
        // Its text is the URI: not kept as a source either.
        E::BadUri(_) => mapped,
        other => mapped.with_source(other),
    }
}

/// An I/O error that is rustls refusing the connection.
fn is_tls_io(io: &std::io::Error) -> bool {
    io.get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
}

/// I/O failures that happen before a connection exists (the request never left).
fn is_connect_io(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::ConnectionRefused | ErrorKind::AddrNotAvailable
    )
}
