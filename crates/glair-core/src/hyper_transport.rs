//! [`HyperTransport`]: the default [`Transport`], built on hyper 1 and hyper-util's pooled
//! client (feature `hyper`; HTTPS with the `rustls` feature).

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::error::{BuildError, TransportError, TransportErrorKind};
use crate::transport::Transport;

#[cfg(feature = "rustls")]
type HttpsConnector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The pooled client, with or without TLS.
#[derive(Clone, Debug)]
enum Inner {
    /// http:// only; `https://` requests fail with the stored reason.
    Plain {
        client: Client<HttpConnector, Full<Bytes>>,
        no_tls_reason: Arc<str>,
    },
    #[cfg(feature = "rustls")]
    Tls(Client<HttpsConnector, Full<Bytes>>),
}

/// An HTTP/1.1 and HTTP/2 client transport on hyper 1, with a connection pool (keep-alive).
///
/// - Connect timeout (default 10 s), `TCP_NODELAY`, idle pooled connections kept 90 s, up to 1024
///   per host.
/// - The response body is read with a size cap (default 4 MiB) enforced while streaming, and a
///   `Content-Length` above the cap is refused before reading: an oversized or endless body
///   gives [`TransportErrorKind::BodyTooLarge`] with bounded memory.
/// - With the `rustls` feature, `https://` URLs use rustls (ring provider) with the webpki
///   root certificates and ALPN `h2` + `http/1.1`. Certificate verification is always on;
///   there is no switch to turn it off. Without that feature only `http://` URLs work and
///   `https://` fails with [`TransportErrorKind::Tls`] ("HTTPS requires the `rustls`
///   feature").
/// - Works on any tokio runtime (multi-thread or current-thread); it must be used from within
///   one. Attempt and operation timeouts are the [`Dispatcher`](crate::Dispatcher)'s job.
///
/// Error mapping: a failure to connect is [`TransportErrorKind::Connect`] (the request never
/// left); a connect timeout is `Connect` too with
/// [`is_timeout`](TransportError::is_timeout) true; a TLS failure is
/// [`TransportErrorKind::Tls`]; anything after the connection was made is
/// [`TransportErrorKind::Io`].
///
/// ```no_run
/// use std::time::Duration;
/// use glair_core::{HyperTransport, Transport};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(5))
///     .max_response_body_bytes(1 << 20)
///     .build()?;
/// let request = http::Request::get("http://127.0.0.1:8080/health").body(bytes::Bytes::new())?;
/// let response = transport.send(request).await?;
/// println!("{}", response.status());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct HyperTransport {
    inner: Inner,
    max_response_body_bytes: u64,
    connect_timeout: Duration,
    https_only: bool,
}

/// Builds a [`HyperTransport`].
#[derive(Clone, Debug)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    max_response_body_bytes: u64,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    https_only: bool,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: HyperTransport::DEFAULT_CONNECT_TIMEOUT,
            max_response_body_bytes: HyperTransport::DEFAULT_MAX_RESPONSE_BODY_BYTES,
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 1024,
            https_only: false,
        }
    }
}

impl HyperTransportBuilder {
    /// How long to wait for a TCP connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest response body accepted, in bytes (default 4 MiB).
    #[must_use]
    pub fn max_response_body_bytes(mut self, limit: u64) -> Self {
        self.max_response_body_bytes = limit;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s).
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// How many idle connections are kept per host (default 1024; each closes after the idle
    /// timeout). A limit below your concurrency closes and reopens connections under load.
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Refuse `http://` URLs (default false).
    #[cfg(feature = "rustls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rustls")))]
    #[must_use]
    pub fn https_only(mut self, https_only: bool) -> Self {
        self.https_only = https_only;
        self
    }

    fn http_connector(&self) -> HttpConnector {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        http
    }

    fn client_builder(&self) -> hyper_util::client::legacy::Builder {
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(TokioTimer::new());
        builder
    }

    fn finish(&self, inner: Inner) -> HyperTransport {
        HyperTransport {
            inner,
            max_response_body_bytes: self.max_response_body_bytes,
            connect_timeout: self.connect_timeout,
            https_only: self.https_only,
        }
    }

    /// A transport that only speaks plain HTTP; `https://` requests fail with `reason`.
    fn build_plain(&self, reason: &str) -> HyperTransport {
        let client = self.client_builder().build(self.http_connector());
        self.finish(Inner::Plain {
            client,
            no_tls_reason: Arc::from(reason),
        })
    }

    /// Builds the transport. Does not need a tokio runtime (requests do).
    pub fn build(self) -> Result<HyperTransport, BuildError> {
        #[cfg(feature = "rustls")]
        {
            let config = tls_config()?;
            let mut http = self.http_connector();
            http.enforce_http(false);
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(config)
                .https_or_http()
                .enable_http1()
                .enable_http2()
                .wrap_connector(http);
            let client = self.client_builder().build(connector);
            Ok(self.finish(Inner::Tls(client)))
        }
        #[cfg(not(feature = "rustls"))]
        {
            Ok(self.build_plain(NO_TLS_FEATURE))
        }
    }
}

#[cfg(not(feature = "rustls"))]
const NO_TLS_FEATURE: &str = "HTTPS requires the `rustls` feature of glair-core";

#[cfg(feature = "rustls")]
fn tls_config() -> Result<rustls::ClientConfig, BuildError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError::Tls {
            message: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

impl HyperTransport {
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default response body cap: 4 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 4 * 1024 * 1024;

    /// A transport with the default settings.
    ///
    /// Never panics: should the TLS configuration fail to build (it does not with the bundled
    /// provider), the transport still serves `http://` and fails `https://` requests with a
    /// [`TransportErrorKind::Tls`] error saying why. Use [`builder`](Self::builder) to get that
    /// error up front.
    pub fn new() -> Self {
        let builder = HyperTransportBuilder::default();
        match builder.clone().build() {
            Ok(transport) => transport,
            Err(error) => builder.build_plain(&error.to_string()),
        }
    }

    /// Starts building a transport.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// The response body cap, in bytes.
    pub fn max_response_body_bytes(&self) -> u64 {
        self.max_response_body_bytes
    }

    /// The connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }

    fn check_uri(&self, uri: &http::Uri) -> Result<(), TransportError> {
        let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
        if uri.host().is_none() {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "the request URI must be absolute (scheme and host)",
            ));
        }
        match scheme.as_deref() {
            Some("https") => match &self.inner {
                Inner::Plain { no_tls_reason, .. } => Err(TransportError::new(
                    TransportErrorKind::Tls,
                    no_tls_reason.to_string(),
                )),
                #[cfg(feature = "rustls")]
                Inner::Tls(_) => Ok(()),
            },
            Some("http") if self.https_only => Err(TransportError::new(
                TransportErrorKind::Other,
                "plain http:// URL refused: this transport is HTTPS-only",
            )),
            Some("http") => Ok(()),
            _ => Err(TransportError::new(
                TransportErrorKind::Other,
                "unsupported URI scheme (only http and https)",
            )),
        }
    }

    async fn read_body(
        &self,
        response: Response<hyper::body::Incoming>,
    ) -> Result<Response<Bytes>, TransportError> {
        let limit = self.max_response_body_bytes;
        let (parts, body) = response.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if declared.is_some_and(|len| len > limit) {
            return Err(TransportError::body_too_large(limit));
        }
        let cap = usize::try_from(limit).unwrap_or(usize::MAX);
        match Limited::new(body, cap).collect().await {
            Ok(collected) => Ok(Response::from_parts(parts, collected.to_bytes())),
            Err(error) if error.is::<LengthLimitError>() => {
                Err(TransportError::body_too_large(limit))
            }
            Err(error) => Err(TransportError::new(
                TransportErrorKind::Io,
                format!(
                    "error reading the response body: {}",
                    innermost_message(&*error)
                ),
            )
            .with_source(error)),
        }
    }

    fn map_error(&self, error: hyper_util::client::legacy::Error, host: &str) -> TransportError {
        let detail = innermost_message(&error);
        let tls = is_tls_error(&error);
        let timed_out = any_cause(&error, |e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        });
        let mapped = if tls {
            TransportError::new(
                TransportErrorKind::Tls,
                format!("TLS with {host} failed: {detail}"),
            )
        } else if error.is_connect() && timed_out {
            TransportError::connect_timeout(format!(
                "could not connect to {host} within {:?}",
                self.connect_timeout
            ))
        } else if error.is_connect() {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("could not connect to {host}: {detail}"),
            )
        } else {
            TransportError::new(
                TransportErrorKind::Io,
                format!("request to {host} failed: {detail}"),
            )
        };
        mapped.with_source(error)
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        Self::new()
    }
}

/// Visits `error` and its causes (looking inside `io::Error`s, whose `source` skips the
/// wrapped error), at most 32 deep. Returns true as soon as `f` does.
fn any_cause(
    error: &(dyn StdError + 'static),
    mut f: impl FnMut(&(dyn StdError + 'static)) -> bool,
) -> bool {
    let mut current = Some(error);
    let mut depth = 0;
    while let Some(e) = current {
        if f(e) {
            return true;
        }
        depth += 1;
        if depth > 32 {
            break;
        }
        current = next_cause(e);
    }
    false
}

fn next_cause<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        if let Some(inner) = io.get_ref() {
            return Some(inner as &(dyn StdError + 'static));
        }
    }
    error.source()
}

/// The message of the deepest cause (such as "Connection refused (os error 111)").
fn innermost_message(error: &(dyn StdError + 'static)) -> String {
    let mut last = error;
    for _ in 0..32 {
        match next_cause(last) {
            Some(next) => last = next,
            None => break,
        }
    }
    last.to_string()
}

#[cfg(feature = "rustls")]
fn is_tls_error(error: &(dyn StdError + 'static)) -> bool {
    any_cause(error, |e| e.is::<rustls::Error>())
}

#[cfg(not(feature = "rustls"))]
fn is_tls_error(_error: &(dyn StdError + 'static)) -> bool {
    false
}

#[async_trait::async_trait]
impl Transport for HyperTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "HyperTransport must be used from within a tokio runtime",
            ));
        }
        self.check_uri(request.uri())?;
        let host = request.uri().host().unwrap_or_default().to_owned();
        let request = request.map(Full::new);
        let result = match &self.inner {
            Inner::Plain { client, .. } => client.request(request).await,
            #[cfg(feature = "rustls")]
            Inner::Tls(client) => client.request(request).await,
        };
        let response = result.map_err(|error| self.map_error(error, &host))?;
        self.read_body(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_walk_looks_inside_io_errors() {
        #[derive(Debug)]
        struct Leaf;
        impl std::fmt::Display for Leaf {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("leaf")
            }
        }
        impl StdError for Leaf {}
        let io = std::io::Error::other(Leaf);
        assert!(any_cause(&io, |e| e.is::<Leaf>()));
        assert_eq!(innermost_message(&io), "leaf");
    }

    #[test]
    fn outside_tokio_is_an_error_not_a_panic() {
        let t = HyperTransport::new();
        let req = Request::get("http://127.0.0.1:1/x")
            .body(Bytes::new())
            .unwrap();
        let err = pollster::block_on(t.send(req)).unwrap_err();
        assert!(err.message().contains("tokio runtime"));
    }

    #[tokio::test]
    async fn rejects_bad_uris() {
        let t = HyperTransport::new();
        let relative = Request::get("/x").body(Bytes::new()).unwrap();
        assert_eq!(
            t.send(relative).await.unwrap_err().kind(),
            TransportErrorKind::Other
        );
        let ftp = Request::get("ftp://127.0.0.1/x")
            .body(Bytes::new())
            .unwrap();
        assert_eq!(
            t.send(ftp).await.unwrap_err().kind(),
            TransportErrorKind::Other
        );
    }

    #[cfg(feature = "rustls")]
    #[tokio::test]
    async fn https_only_refuses_http() {
        let t = HyperTransport::builder().https_only(true).build().unwrap();
        let req = Request::get("http://127.0.0.1:1/x")
            .body(Bytes::new())
            .unwrap();
        let err = t.send(req).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(err.message().contains("HTTPS-only"));
    }

    #[cfg(not(feature = "rustls"))]
    #[tokio::test]
    async fn https_without_rustls_is_a_clear_tls_error() {
        let t = HyperTransport::new();
        let req = Request::get("https://127.0.0.1:1/x")
            .body(Bytes::new())
            .unwrap();
        let err = t.send(req).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Tls);
        assert!(err.message().contains("requires the `rustls` feature"));
    }
}
