//! [`HyperTransport`]: the default [`Transport`], built on hyper 1 and hyper-util's pooled
//! client (feature `hyper`; HTTPS with the `rustls` feature).
//!
//! - [`connector`]: the route of each connection (direct or through a CONNECT tunnel, as the
//!   crate's shared [`proxy`](crate::proxy) rules decide) and the connect deadline;
//! - [`errors`]: which side and stage failed, as a [`TransportError`];
//! - [`tls`]: the rustls configuration (roots, ALPN);
//! - [`timer`]: the runtime-independent timer behind the deadline and the pool.

mod connector;
mod errors;
mod slots;
mod timer;
#[cfg(feature = "rustls")]
mod tls;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use self::connector::{Connector, Deadline};
use self::slots::Slots;
use crate::error::{BuildError, TransportError, TransportErrorKind};
use crate::proxy::{self, Proxies, ProxySource, Route};
use crate::transport::Transport;

#[cfg(feature = "rustls")]
type TlsClient = Client<Deadline<hyper_rustls::HttpsConnector<Connector>>, Full<Bytes>>;
#[cfg(not(feature = "rustls"))]
type PlainClient = Client<Deadline<Connector>, Full<Bytes>>;

/// The pooled client, or why there is none.
// One per transport, and `Unusable` is the rare fallback: boxing the client would only add an
// indirection to every request.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
enum Inner {
    /// http:// only (built without the `rustls` feature).
    #[cfg(not(feature = "rustls"))]
    Plain(PlainClient),
    /// http:// and https://.
    #[cfg(feature = "rustls")]
    Tls(TlsClient),
    /// [`HyperTransport::new`] could not build the configuration: every request fails with
    /// this error's kind and message.
    Unusable {
        kind: TransportErrorKind,
        reason: Arc<str>,
    },
}

/// Bodies up to this size are copied out of hyper's read buffer (see `read_body`).
const SMALL_BODY: usize = 16 * 1024;

/// An HTTP/1.1 and HTTP/2 client transport on hyper 1, with a connection pool (keep-alive).
///
/// - **Connect timeout** (default 10 s): one deadline over resolving the host, the TCP
///   connect, the proxy tunnel and the TLS handshake. `TCP_NODELAY`; idle pooled connections
///   are kept 90 s, up to 1024 per host.
/// - **Requests in flight**: at most 128 at once by default
///   ([`max_concurrent_requests`](HyperTransportBuilder::max_concurrent_requests)); more wait
///   for a slot within their attempt's timeout, so a burst does not open a connection each.
/// - **Body cap**: the response body is read with a size cap (default 4 MiB) enforced while
///   streaming, and a `Content-Length` above the cap is refused before reading: an oversized
///   or endless body gives [`TransportErrorKind::BodyTooLarge`] with bounded memory.
/// - **TLS** (feature `rustls`): rustls (ring provider), ALPN `h2` + `http/1.1` (only
///   `http/1.1` with [`http2(false)`](HyperTransportBuilder::http2)). Trusted roots: the
///   bundled webpki (Mozilla) roots, plus the operating system's store with the
///   `native-roots` feature, plus any PEM roots you add
///   ([`add_root_certificates_pem`](HyperTransportBuilder::add_root_certificates_pem)); or a
///   whole [`rustls::ClientConfig`] of yours
///   ([`tls_config`](HyperTransportBuilder::tls_config)). Certificate verification is always
///   on; there is no switch to turn it off. Without the feature only `http://` URLs work and
///   `https://` fails with [`TransportErrorKind::Tls`] ("HTTPS requires the `rustls`
///   feature").
/// - **Proxies**: by default from the environment, read once at build time: `HTTPS_PROXY`
///   for `https://` URLs, `HTTP_PROXY` for `http://`, `ALL_PROXY` for either when the
///   scheme's own is unset, `NO_PROXY` for hosts to reach directly (each name in lower or
///   upper case; the lower-case one wins when both are set, as in curl; in a CGI process,
///   recognised by `REQUEST_METHOD`, upper-case `HTTP_PROXY` is ignored because it can come
///   from a request header). `NO_PROXY` follows curl 7.88 (a table test compares the two):
///   entries separated by commas or blanks; `*` alone matches every host; a name matches
///   itself and its subdomains, trailing dots ignored (`example.com` and `.example.com` both
///   match `api.example.com.`, not `notexample.com`); IPv4 addresses and CIDR ranges match
///   IPv4 hosts; IPv6 hosts match the same text (`::1`). `https://` goes through an HTTP
///   `CONNECT` tunnel (hyper-util's `Tunnel`), so TLS stays end to end with the origin.
///   Plain `http://` never goes through a proxy (its credentials would cross it in clear):
///   to a loopback host it goes direct, to any other host that a proxy would carry it is
///   refused with [`TransportErrorKind::Other`]. Proxy URLs are checked completely at build
///   time: only `http://` (`host:port` means `http://host:port`), a port from 1 to 65535
///   (default 80), no path, query or fragment; `https://` and SOCKS proxy URLs are refused
///   rather than silently ignored, and the error quotes nothing of the URL. The rules are
///   shared with the blocking `UreqTransport`. Credentials in the URL's userinfo
///   (percent-encoded) are sent as `Proxy-Authorization: Basic` to the proxy only, and never
///   appear in `Debug`, errors or
///   logs. Set a proxy yourself with [`proxy`](HyperTransportBuilder::proxy), or turn the
///   environment off with [`proxy_from_env(false)`](HyperTransportBuilder::proxy_from_env).
/// - **Runtimes**: works on any tokio runtime (multi-thread or current-thread, with or without
///   the time driver: its timers run on the crate's one timer thread, not on tokio's
///   timer); it must be used from within one, with the IO driver enabled. Attempt and
///   operation timeouts are the [`Dispatcher`](crate::Dispatcher)'s job.
///
/// Error mapping: a failure to connect is [`TransportErrorKind::Connect`] (the request never
/// left); a connect timeout is `Connect` too with [`is_timeout`](TransportError::is_timeout)
/// true; a TLS failure is [`TransportErrorKind::Tls`]; a `407` from the proxy is
/// [`TransportErrorKind::ProxyAuth`]; anything after the connection was made is
/// [`TransportErrorKind::Io`]. When the proxy (rather than the origin) failed,
/// [`is_proxy_error`](TransportError::is_proxy_error) is true and the message names the proxy
/// (`host:port`, never its credentials).
///
/// ```no_run
/// use std::time::Duration;
/// use glair_core::{HyperTransport, Transport};
///
/// # #[cfg(feature = "rustls")]
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let corporate_ca = std::fs::read("/etc/ssl/corp-root.pem")?;
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(5))
///     .max_response_body_bytes(1 << 20)
///     .proxy("http://user:password@proxy.corp.example:3128")
///     .no_proxy("localhost, 127.0.0.1, .corp.example")
///     .add_root_certificates_pem(corporate_ca)
///     .build()?;
/// let request = http::Request::get("https://api.vision.glair.ai/").body(bytes::Bytes::new())?;
/// let response = transport.send(request).await?;
/// println!("{} over {:?}", response.status(), response.version());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    inner: Inner,
    /// Requests in flight at once (`None`: no limit).
    in_flight: Option<Arc<Slots>>,
    proxies: Option<Arc<Proxies>>,
    max_response_body_bytes: u64,
    connect_timeout: Duration,
    https_only: bool,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("proxies", &self.proxies)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .field("connect_timeout", &self.connect_timeout)
            .field("https_only", &self.https_only)
            .field(
                "unusable",
                &match &self.inner {
                    Inner::Unusable { reason, .. } => Some(reason),
                    _ => None,
                },
            )
            .finish_non_exhaustive()
    }
}

/// Builds a [`HyperTransport`].
#[derive(Clone)]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    max_response_body_bytes: u64,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    max_concurrent_requests: usize,
    https_only: bool,
    http2: bool,
    proxy: ProxySource,
    no_proxy: Option<String>,
    #[cfg(feature = "rustls")]
    tls: tls::TlsSettings,
}

impl fmt::Debug for HyperTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("HyperTransportBuilder");
        s.field("connect_timeout", &self.connect_timeout)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("https_only", &self.https_only)
            .field("http2", &self.http2)
            .field("proxy", &self.proxy)
            .field("no_proxy", &self.no_proxy);
        #[cfg(feature = "rustls")]
        s.field("extra_root_bundles", &self.tls.extra_pem.len())
            .field("webpki_roots", &self.tls.webpki_roots)
            .field("custom_tls_config", &self.tls.config.is_some());
        s.finish_non_exhaustive()
    }
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: HyperTransport::DEFAULT_CONNECT_TIMEOUT,
            max_response_body_bytes: HyperTransport::DEFAULT_MAX_RESPONSE_BODY_BYTES,
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 1024,
            max_concurrent_requests: HyperTransport::DEFAULT_MAX_CONCURRENT_REQUESTS,
            https_only: false,
            http2: true,
            proxy: ProxySource::Env(proxy::process_env()),
            no_proxy: None,
            #[cfg(feature = "rustls")]
            tls: tls::TlsSettings::default(),
        }
    }
}

impl HyperTransportBuilder {
    /// How long setting up a connection may take (default 10 s): resolving the host, the TCP
    /// connect (to the origin or the proxy), the proxy tunnel and the TLS handshake, together.
    /// Zero is treated as 1 ms.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
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

    /// How many requests may be in flight at once through this transport (default 128; `0`:
    /// no limit). Further requests wait for a free slot, within their attempt's timeout.
    ///
    /// Over HTTP/1.1 every request in flight holds a connection of its own, with hyper's
    /// buffers (about 20 KiB): without a limit, 1,000 concurrent `wait`s open 1,000
    /// connections at once.
    #[must_use]
    pub fn max_concurrent_requests(mut self, max: usize) -> Self {
        self.max_concurrent_requests = max;
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

    /// Offer HTTP/2 in the TLS handshake (ALPN `h2`, default true). With `false` only
    /// HTTP/1.1 is offered and spoken. Plain `http://` always uses HTTP/1.1.
    #[must_use]
    pub fn http2(mut self, enabled: bool) -> Self {
        self.http2 = enabled;
        self
    }

    crate::proxy::proxy_builder_methods!();

    /// Also trust the certificates of this PEM bundle (one or more
    /// `-----BEGIN CERTIFICATE-----` blocks), for example a corporate CA that inspects TLS.
    /// Can be called several times. A bundle without a certificate, or with a malformed one,
    /// fails [`build`](Self::build) naming the bundle by its position.
    #[cfg(feature = "rustls")]
    #[must_use]
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.extra_pem.push(pem.into());
        self
    }

    /// Trust the bundled webpki (Mozilla) roots (default true). Turn off to trust only the
    /// roots you add (and the system's, with `native-roots`).
    #[cfg(feature = "rustls")]
    #[must_use]
    pub fn webpki_roots(mut self, enabled: bool) -> Self {
        self.tls.webpki_roots = enabled;
        self
    }

    /// Trust the operating system's certificate store (default true with the `native-roots`
    /// feature), read at [`build`](Self::build).
    #[cfg(feature = "native-roots")]
    #[must_use]
    pub fn native_roots(mut self, enabled: bool) -> Self {
        self.tls.native_roots = enabled;
        self
    }

    /// Use this rustls configuration (roots, verifier, client certificate, protocol
    /// versions) instead of building one. Its ALPN list is replaced according to
    /// [`http2`](Self::http2). Cannot be combined with the root options above. Build it with
    /// the same rustls as this crate: [`glair_core::rustls`](crate::rustls).
    #[cfg(feature = "rustls")]
    #[must_use]
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls.config = Some(Arc::new(config));
        self
    }

    fn connector(&self, proxies: Option<Arc<Proxies>>) -> Connector {
        let mut http = HttpConnector::new();
        // The connect deadline is ours (see `connector::Deadline`), and happy-eyeballs'
        // fallback delay would need tokio's timer: addresses are tried in order instead.
        http.set_connect_timeout(None);
        http.set_happy_eyeballs_timeout(None);
        http.set_nodelay(true);
        http.enforce_http(false);
        Connector::new(http, proxies)
    }

    fn client_builder(&self) -> hyper_util::client::legacy::Builder {
        let mut builder = Client::builder(TokioExecutor::new());
        builder
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .pool_timer(timer::ThreadTimer);
        builder
    }

    /// Builds the transport. Does not need a tokio runtime (requests do). Fails on an
    /// unusable proxy URL (from the builder or the environment) or TLS setting.
    pub fn build(self) -> Result<HyperTransport, BuildError> {
        let proxies = proxy::resolve(&self.proxy, self.no_proxy.as_deref())?.map(Arc::new);
        let connector = self.connector(proxies.clone());
        #[cfg(feature = "rustls")]
        let inner = {
            let config = tls::client_config(&self.tls)?;
            let builder = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(config)
                .https_or_http();
            let https = if self.http2 {
                builder
                    .enable_http1()
                    .enable_http2()
                    .wrap_connector(connector)
            } else {
                builder.enable_http1().wrap_connector(connector)
            };
            Inner::Tls(
                self.client_builder()
                    .build(Deadline::new(https, self.connect_timeout)),
            )
        };
        #[cfg(not(feature = "rustls"))]
        let inner = Inner::Plain(
            self.client_builder()
                .build(Deadline::new(connector, self.connect_timeout)),
        );
        let in_flight = (self.max_concurrent_requests > 0)
            .then(|| Arc::new(Slots::new(self.max_concurrent_requests)));
        Ok(HyperTransport {
            inner,
            in_flight,
            proxies,
            max_response_body_bytes: self.max_response_body_bytes,
            connect_timeout: self.connect_timeout,
            https_only: self.https_only,
        })
    }
}

#[cfg(not(feature = "rustls"))]
const NO_TLS_FEATURE: &str = "HTTPS requires the `rustls` feature of glair-core";

impl HyperTransport {
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default response body cap: 4 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 4 * 1024 * 1024;
    /// The default limit of requests in flight at once: 128.
    pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 128;
    /// The environment variables the proxy settings are read from (`REQUEST_METHOD` marks a
    /// CGI process), for callers that pass their own
    /// [`proxy_env_source`](HyperTransportBuilder::proxy_env_source).
    pub const PROXY_ENV_VARS: [&'static str; 9] = proxy::ENV_VARS;

    /// A transport with the default settings (proxy from the environment).
    ///
    /// Never panics: should the configuration fail to build (an unusable proxy variable, say),
    /// every request fails with that error instead. Use [`builder`](Self::builder) to get
    /// the error up front.
    pub fn new() -> Self {
        let builder = HyperTransportBuilder::default();
        let max_response_body_bytes = builder.max_response_body_bytes;
        let connect_timeout = builder.connect_timeout;
        match builder.build() {
            Ok(transport) => transport,
            Err(error) => {
                let kind = match error {
                    BuildError::Tls { .. } => TransportErrorKind::Tls,
                    _ => TransportErrorKind::Other,
                };
                HyperTransport {
                    inner: Inner::Unusable {
                        kind,
                        reason: Arc::from(error.to_string()),
                    },
                    in_flight: None,
                    proxies: None,
                    max_response_body_bytes,
                    connect_timeout,
                    https_only: false,
                }
            }
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

    /// The proxy `uri` goes through (`host:port`, without credentials), or `None` when it is
    /// reached directly.
    pub fn proxy_for(&self, uri: &http::Uri) -> Option<String> {
        self.proxies.as_ref().and_then(|p| p.proxy_for(uri))
    }

    fn check_uri(&self, uri: &http::Uri) -> Result<(), TransportError> {
        if let Inner::Unusable { kind, reason } = &self.inner {
            return Err(TransportError::new(*kind, reason.to_string()));
        }
        // `Scheme`'s own comparison ignores case, without allocating.
        let scheme = uri.scheme().map(|s| {
            if *s == http::uri::Scheme::HTTPS {
                "https"
            } else if *s == http::uri::Scheme::HTTP {
                "http"
            } else {
                "other"
            }
        });
        // `host()` is `Some` exactly when there is an authority; finding it costs a parse.
        if uri.authority().is_none() {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "the request URI must be absolute (scheme and host)",
            ));
        }
        match scheme {
            #[cfg(not(feature = "rustls"))]
            Some("https") => Err(TransportError::new(TransportErrorKind::Tls, NO_TLS_FEATURE)),
            #[cfg(feature = "rustls")]
            Some("https") => Ok(()),
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

    /// Reads the whole body, at most `max_response_body_bytes` of it.
    ///
    /// Frame by frame rather than through `http_body_util`'s `Limited` and `Collect`: a small
    /// response is one frame, kept as it is instead of passing through a buffer list (fewer
    /// instructions per request, glair-bench's callgrind counts). A declared `Content-Length`
    /// over the limit is refused before a byte is read; hyper holds the body to its declared
    /// length, and the running total is checked for the rest (chunked bodies).
    async fn read_body(
        &self,
        response: Response<hyper::body::Incoming>,
    ) -> Result<Response<Bytes>, TransportError> {
        use hyper::body::Body as _;
        let limit = self.max_response_body_bytes;
        let (parts, mut body) = response.into_parts();
        if body.size_hint().exact().is_some_and(|len| len > limit) {
            return Err(TransportError::body_too_large(limit));
        }
        let cap = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut read = Read::Nothing;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|error| {
                TransportError::new(
                    TransportErrorKind::Io,
                    format!(
                        "error reading the response body: {}",
                        errors::innermost_message(&error)
                    ),
                )
                .with_source(error)
            })?;
            // Trailers carry nothing the SDK reads.
            if let Ok(data) = frame.into_data() {
                read = read
                    .push(data, cap)
                    .ok_or_else(|| TransportError::body_too_large(limit))?;
            }
        }
        let body = match read {
            Read::Nothing => Bytes::new(),
            // A small body is a slice of hyper's read buffer (8 KiB or more): kept as it is
            // (a session keeps its raw JSON), it would pin that whole buffer for as long as
            // the caller holds the response. Copied, it costs its own size.
            Read::One(body) if body.len() <= SMALL_BODY => Bytes::copy_from_slice(&body),
            Read::One(body) => body,
            Read::Joined(body) => Bytes::from(body),
        };
        Ok(Response::from_parts(parts, body))
    }
}

/// What has been read of a response body so far.
enum Read {
    Nothing,
    /// One frame: most responses, kept without copying.
    One(Bytes),
    /// Frames joined.
    Joined(Vec<u8>),
}

impl Read {
    /// Adds a frame; `None` once the body would hold more than `cap` bytes.
    fn push(self, data: Bytes, cap: usize) -> Option<Self> {
        let held = match &self {
            Read::Nothing => 0,
            Read::One(b) => b.len(),
            Read::Joined(v) => v.len(),
        };
        if held.checked_add(data.len())? > cap {
            return None;
        }
        Some(match self {
            Read::Nothing => Read::One(data),
            Read::One(first) => {
                let mut joined = Vec::with_capacity(first.len() + data.len());
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&data);
                Read::Joined(joined)
            }
            Read::Joined(mut joined) => {
                joined.extend_from_slice(&data);
                Read::Joined(joined)
            }
        })
    }
}

impl Default for HyperTransport {
    fn default() -> Self {
        Self::new()
    }
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
        // Held until the body is read.
        let _slot = match &self.in_flight {
            Some(slots) => Some(slots.take().await),
            None => None,
        };
        // For the error message; a clone of the shared authority costs no allocation, where
        // copying the host into a `String` on every request did.
        let authority = request.uri().authority().cloned();
        let via = match self.proxies.as_ref().map(|p| p.route(request.uri())) {
            None | Some(Route::Direct) => None,
            Some(Route::Tunnel(proxy)) => Some(proxy.address()),
            Some(Route::Refused(proxy)) => return Err(proxy::refused_plain_http(&proxy.address())),
        };
        let request = request.map(Full::new);
        let result = match &self.inner {
            #[cfg(not(feature = "rustls"))]
            Inner::Plain(client) => client.request(request).await,
            #[cfg(feature = "rustls")]
            Inner::Tls(client) => client.request(request).await,
            Inner::Unusable { kind, reason } => {
                return Err(TransportError::new(*kind, reason.to_string()));
            }
        };
        let response = result.map_err(|error| {
            let host = authority.as_ref().map_or("", http::uri::Authority::host);
            errors::map_error(error, host, via.as_deref())
        })?;
        self.read_body(response).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
