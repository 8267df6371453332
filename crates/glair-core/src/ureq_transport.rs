//! [`UreqTransport`]: the default [`BlockingTransport`], on ureq 3 with rustls.
//!
//! Why ureq: it is the maintained blocking HTTP client of the ecosystem that needs no async
//! runtime (no tokio, no hyper), builds on the same rustls/ring/webpki-roots stack as
//! `HyperTransport`, pools connections, and takes a time limit per request, so the engine's
//! attempt deadline is enforced by the transport itself, body included.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use ureq::Agent;

mod resolver;

use crate::blocking::BlockingTransport;
use crate::error::{BuildError, TransportError, TransportErrorKind};
use crate::proxy::{self, Proxies, ProxySource, ProxyUrl, Route};

/// Idle connections kept for reuse, per host and in all (ureq's default is 3 per host).
pub(crate) const MAX_IDLE_CONNECTIONS: usize = 32;

/// A blocking HTTP/1.1 transport on ureq 3: connection pool, rustls (ring) with the webpki
/// root certificates for `https://` (certificate verification cannot be switched off), a
/// connect timeout (default 10 s), a response body limit (default 4 MiB), up to 32 idle
/// connections kept for reuse.
///
/// Like `HyperTransport`, it follows no redirects (a 3xx is returned as it is) and treats no
/// status as an error (the engine classifies them).
///
/// **Proxies**: exactly `HyperTransport`'s rules, from the same code (the crate's one proxy
/// matcher): `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` read at build time (curl's
/// rules, trailing dots included), or [`proxy`](UreqTransportBuilder::proxy) /
/// [`no_proxy`](UreqTransportBuilder::no_proxy) /
/// [`proxy_from_env`](UreqTransportBuilder::proxy_from_env) on the builder; every proxy URL
/// is checked at build time. `https://` goes through an HTTP `CONNECT` tunnel with
/// `Proxy-Authorization: Basic` from the URL's userinfo; a `407` is
/// [`TransportErrorKind::ProxyAuth`] (not retried). Plain `http://` never goes through a
/// proxy: to a loopback host it goes direct, to any other host it is refused.
///
/// **Threads**: none of its own, except the resolver's short-lived `glair-dns` lookup
/// threads, at most 4 at once and only while a host name is being looked up (IP addresses
/// and names looked up in the last 30 s need none; failures are remembered for 5 s).
///
/// ```
/// use std::time::Duration;
/// use glair_core::UreqTransport;
///
/// let transport = UreqTransport::builder()
///     .connect_timeout(Duration::from_secs(5))
///     .max_response_body_bytes(1 << 20)
///     .proxy("http://user:password@proxy.corp.example:3128")
///     .no_proxy("localhost, .corp.example")
///     .build()?;
/// # drop(transport);
/// # Ok::<(), glair_core::BuildError>(())
/// ```
#[derive(Clone)]
pub struct UreqTransport {
    agent: Agent,
    connect_timeout: Duration,
    max_body: u64,
    /// The time limit set once on the agent (see [`UreqTransportBuilder::agent_timeout`]).
    agent_timeout: Option<Duration>,
    proxies: Option<Arc<Proxies>>,
    /// The ureq proxy of each proxy URL `proxies` can pick (at most three).
    tunnels: Arc<[(ProxyUrl, ureq::Proxy)]>,
    /// Why every request fails: the default configuration did not build (see `new`).
    unusable: Option<Arc<str>>,
    resolver: resolver::CachingResolver,
}

/// Builds a [`UreqTransport`].
#[derive(Clone, Debug)]
pub struct UreqTransportBuilder {
    connect_timeout: Duration,
    max_body: u64,
    agent_timeout: Option<Duration>,
    proxy: ProxySource,
    no_proxy: Option<String>,
}

impl UreqTransport {
    /// The default connect timeout: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default response body limit: 4 MiB.
    pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 4 * 1024 * 1024;

    /// A transport with the defaults (proxy from the environment).
    ///
    /// Never panics: should the configuration fail to build (an unusable proxy variable, say),
    /// every request fails with that error instead. Use [`builder`](Self::builder) to get the
    /// error up front.
    pub fn new() -> Self {
        match Self::builder().build() {
            Ok(transport) => transport,
            Err(error) => {
                let mut transport = Self::builder()
                    .proxy_from_env(false)
                    .build()
                    .unwrap_or_else(|_| unreachable!("no proxy: nothing to fail"));
                transport.unusable = Some(Arc::from(error.to_string()));
                transport
            }
        }
    }

    /// Starts configuring a transport.
    pub fn builder() -> UreqTransportBuilder {
        UreqTransportBuilder {
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            max_body: Self::DEFAULT_MAX_RESPONSE_BODY_BYTES,
            agent_timeout: None,
            proxy: ProxySource::Env(proxy::process_env()),
            no_proxy: None,
        }
    }

    /// The environment variables the proxy settings are read from (`REQUEST_METHOD` marks a
    /// CGI process), for callers that pass their own
    /// [`proxy_env_source`](UreqTransportBuilder::proxy_env_source).
    pub const PROXY_ENV_VARS: [&'static str; 9] = proxy::ENV_VARS;

    /// The proxy `uri` goes through (`host:port`, without credentials), or `None` when it is
    /// reached directly.
    pub fn proxy_for(&self, uri: &http::Uri) -> Option<String> {
        self.proxies.as_ref().and_then(|p| p.proxy_for(uri))
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
            .field("proxies", &self.proxies)
            .field("resolver", &self.resolver)
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

    /// The time limit set once on the agent, for the requests sent with exactly this limit
    /// (give the dispatcher's attempt timeout: nearly every attempt is sent with it). Such a
    /// request is sent as it is; a request with another limit, or through a proxy, is
    /// configured on its own, which costs a copy of the agent's configuration (about 400
    /// instructions per request, measured with glair-bench under callgrind). Default: none,
    /// so only requests without a limit skip that step. Either way every request gets exactly
    /// the limit it was sent with.
    #[must_use]
    pub fn agent_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.agent_timeout = timeout;
        self
    }

    crate::proxy::proxy_builder_methods!();

    /// Builds the transport. Fails on an unusable proxy URL (from the builder or the
    /// environment), naming where it came from and never quoting its credentials.
    pub fn build(self) -> Result<UreqTransport, BuildError> {
        let proxies = proxy::resolve(&self.proxy, self.no_proxy.as_deref())?;
        let mut tunnels: Vec<(ProxyUrl, ureq::Proxy)> = Vec::new();
        for url in proxies.iter().flat_map(Proxies::proxy_urls) {
            if tunnels.iter().any(|(known, _)| known == url) {
                continue;
            }
            let mut builder = ureq::Proxy::builder(ureq::ProxyProtocol::Http)
                .host(url.host())
                .port(url.port());
            if let Some(credentials) = url.credentials() {
                builder = builder
                    .username(&credentials.user)
                    .password(&credentials.password);
            }
            let built = builder.build().map_err(|_| BuildError::Proxy {
                message: format!("the proxy {url:?} could not be set up"),
            })?;
            tunnels.push((url.clone(), built));
        }
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .proxy(None)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_global(self.agent_timeout)
            // ureq keeps 3 idle connections per host by default: a program calling from more
            // threads would open and close a connection for most requests.
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            .build();
        // ureq's own connector (TCP, CONNECT, rustls) with a resolver that starts no thread
        // per request (see `resolver`).
        let resolver = resolver::CachingResolver::default();
        let agent = Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::new(),
            resolver.clone(),
        );
        Ok(UreqTransport {
            agent,
            connect_timeout: self.connect_timeout,
            max_body: self.max_body,
            agent_timeout: self.agent_timeout,
            proxies: proxies.map(Arc::new),
            tunnels: tunnels.into(),
            unusable: None,
            resolver,
        })
    }
}

impl BlockingTransport for UreqTransport {
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        if let Some(reason) = &self.unusable {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                reason.to_string(),
            ));
        }
        let tunnel = match self.proxies.as_ref().map(|p| p.route(request.uri())) {
            None | Some(Route::Direct) => None,
            Some(Route::Tunnel(url)) => self.tunnels.iter().find(|(known, _)| known == url),
            Some(Route::Refused(url)) => {
                return Err(proxy::refused_plain_http(&url.address()));
            }
        };
        let via = tunnel.map(|(url, _)| url.address());
        // For error messages; a clone of the shared authority allocates nothing.
        let authority = request.uri().authority().cloned();
        let (parts, body) = request.into_parts();
        // The body is lent to ureq, not copied.
        let request = Request::from_parts(parts, &body[..]);
        let request = if tunnel.is_none() && timeout == self.agent_timeout {
            // What the agent is configured with already.
            request
        } else {
            // The attempt's whole time limit, connect and body included; the route's proxy
            // (ureq's connection pool is keyed by it).
            self.agent
                .configure_request(request)
                .timeout_global(timeout)
                .proxy(tunnel.map(|(_, p)| p.clone()))
                .build()
        };
        let host = || authority.as_ref().map_or("", http::uri::Authority::host);
        let mapped = |e| map_error(e, host(), via.as_deref());
        let response = self.agent.run(request).map_err(mapped)?;
        let (parts, mut body) = response.into_parts();
        let bytes = body
            .with_config()
            .limit(self.max_body)
            .read_to_vec()
            .map_err(mapped)?;
        Ok(Response::from_parts(parts, Bytes::from(bytes)))
    }
}

/// Maps a ureq error to the kind the engine classifies. The messages are ureq's, which name
/// neither header values nor credentials. With a proxy (`via`, `host:port`), a failure before
/// the tunnel is open is the proxy's, worded as `HyperTransport` words it.
fn map_error(error: ureq::Error, host: &str, via: Option<&str>) -> TransportError {
    use ureq::Error as E;
    use ureq::Timeout as T;
    if let Some(proxy) = via {
        if let Some(mapped) = proxy_error(&error, host, proxy) {
            return mapped.with_source(error);
        }
    }
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

/// The proxy's part of a failure through `proxy`: it could not be reached, asked for
/// credentials (407, not retried), or refused the tunnel.
fn proxy_error(error: &ureq::Error, host: &str, proxy: &str) -> Option<TransportError> {
    use ureq::Error as E;
    let mapped = match error {
        // ureq's text is `proxy server responded 407/Proxy Authentication Required`.
        E::ConnectProxyFailed(reason) if reason.contains(" 407") => TransportError::new(
            TransportErrorKind::ProxyAuth,
            format!(
                "proxy {proxy} refused the tunnel to {host}: 407 Proxy Authentication Required (check the user and password in the proxy URL)"
            ),
        ),
        E::ConnectProxyFailed(_) => TransportError::new(
            TransportErrorKind::Connect,
            format!(
                "proxy {proxy}: the proxy refused to open a tunnel to the origin (its answer to CONNECT was not 200: it may refuse the credentials or the destination, or be unable to reach it) (destination {host})"
            ),
        ),
        E::HostNotFound | E::ConnectionFailed => TransportError::new(
            TransportErrorKind::Connect,
            format!("could not connect to proxy {proxy} (for {host}): {error}"),
        ),
        E::Io(io) if is_connect_io(io.kind()) => TransportError::new(
            TransportErrorKind::Connect,
            format!("could not connect to proxy {proxy} (for {host}): {error}"),
        ),
        _ => return None,
    };
    Some(mapped.at_proxy())
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
