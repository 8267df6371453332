//! The connector under hyper-util's pooled client: direct, or through an HTTP CONNECT tunnel
//! (hyper-util's [`Tunnel`]) for `https://` as the shared [`proxy`](crate::proxy) rules
//! decide, with one deadline over the whole connection setup. (Plain `http://` never goes
//! through a proxy: the transport refuses it before it gets here.)

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use super::timer::within;
use crate::proxy::{Proxies, Route};

type BoxError = Box<dyn StdError + Send + Sync>;
type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

/// What went wrong with the proxy, as far as the tunnel handshake tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProxyProblem {
    /// No TCP connection to the proxy.
    Unreachable,
    /// The proxy answered `407 Proxy Authentication Required`.
    AuthRequired,
    /// The proxy answered the `CONNECT` with another non-200 status (it may not reach the
    /// origin, refuse it by policy, or, like tinyproxy, answer wrong credentials with 401),
    /// or with something that is not HTTP (over 100 headers included). hyper-util does not
    /// pass the status on.
    Refused,
    /// The proxy closed the connection during the handshake.
    Closed,
    /// The proxy's answer to the `CONNECT` was over 8 KiB of headers.
    HeadersTooLong,
    /// Reading or writing the handshake failed.
    Io,
}

impl ProxyProblem {
    fn describe(self) -> &'static str {
        match self {
            Self::Unreachable => "could not connect to the proxy",
            Self::AuthRequired => {
                "the proxy answered 407 Proxy Authentication Required: check the credentials in the proxy URL"
            }
            Self::Refused => {
                "the proxy refused to open a tunnel to the origin (its answer to CONNECT was neither 200 nor 407, or not valid HTTP: it may refuse the credentials or the destination, or be unable to reach it)"
            }
            Self::Closed => "the proxy closed the connection during the CONNECT handshake",
            Self::HeadersTooLong => "the proxy's answer to CONNECT had over 8 KiB of headers",
            Self::Io => "I/O error during the CONNECT handshake with the proxy",
        }
    }

    /// hyper-util does not export its tunnel error type, only its `Display`; these are its
    /// messages (hyper-util 0.1.21, `client::legacy::connect::proxy::tunnel`), and the proxy
    /// tests over a real proxy hold them to it.
    fn of_tunnel_error(error: &dyn StdError) -> Self {
        let text = error.to_string();
        let text = text.strip_prefix("tunnel error: ").unwrap_or(&text);
        match text {
            "proxy authorization required" => Self::AuthRequired,
            "failed to create underlying connection" => Self::Unreachable,
            "unexpected end of file" => Self::Closed,
            "proxy response headers too long" => Self::HeadersTooLong,
            "io error establishing tunnel" => Self::Io,
            _ => Self::Refused,
        }
    }
}

/// A failed connection setup, saying whether the proxy or the origin failed.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// Connecting straight to the origin failed.
    Origin(BoxError),
    /// The proxy at `proxy` (`host:port`) failed.
    Proxy {
        proxy: String,
        problem: ProxyProblem,
        source: BoxError,
    },
    /// The whole setup (resolve, connect, tunnel, TLS) took longer than the connect timeout.
    Timeout(Duration),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(_) => f.write_str("could not connect to the origin"),
            Self::Proxy { proxy, problem, .. } => {
                write!(f, "proxy {proxy}: {}", problem.describe())
            }
            Self::Timeout(limit) => write!(f, "no connection within {limit:?}"),
        }
    }
}

impl StdError for ConnectError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Origin(source) | Self::Proxy { source, .. } => Some(&**source),
            Self::Timeout(_) => None,
        }
    }
}

/// A TCP connection, to the origin or through a tunnel to it.
#[derive(Debug)]
pub(crate) struct Conn {
    io: TokioIo<TcpStream>,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        self.io.connected()
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

/// Picks the route for each destination and opens the TCP connection (TLS is layered on top
/// by hyper-rustls).
#[derive(Clone, Debug)]
pub(crate) struct Connector {
    http: HttpConnector,
    proxies: Option<Arc<Proxies>>,
}

impl Connector {
    pub(crate) fn new(http: HttpConnector, proxies: Option<Arc<Proxies>>) -> Self {
        Self { http, proxies }
    }
}

impl Service<Uri> for Connector {
    type Response = Conn;
    type Error = ConnectError;
    type Future = BoxFuture<Conn, ConnectError>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ConnectError>> {
        self.http
            .poll_ready(cx)
            .map_err(|e| ConnectError::Origin(Box::new(e)))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let mut http = self.http.clone();
        let proxy = match self.proxies.as_ref().map(|p| p.route(&dst)) {
            None | Some(Route::Direct) => None,
            Some(Route::Tunnel(proxy)) => Some(proxy),
            Some(Route::Refused(proxy)) => {
                // `send` refuses these first; kept so that no path connects in clear.
                let address = proxy.address();
                return Box::pin(async move {
                    Err(ConnectError::Proxy {
                        proxy: address,
                        problem: ProxyProblem::Refused,
                        source: "plain http:// through a proxy is refused".into(),
                    })
                });
            }
        };
        let Some(proxy) = proxy else {
            return Box::pin(async move {
                let io = http
                    .call(dst)
                    .await
                    .map_err(|e| ConnectError::Origin(Box::new(e)))?;
                Ok(Conn { io })
            });
        };
        let address = proxy.address();
        let proxy_uri = match Uri::builder()
            .scheme("http")
            .authority(address.as_str())
            .path_and_query("/")
            .build()
        {
            Ok(uri) => uri,
            Err(e) => {
                return Box::pin(async move {
                    Err(ConnectError::Proxy {
                        proxy: address,
                        problem: ProxyProblem::Unreachable,
                        source: Box::new(e),
                    })
                });
            }
        };
        let mut tunnel = Tunnel::new(proxy_uri, http);
        if let Some(auth) = proxy
            .basic_auth()
            .and_then(|a| http::HeaderValue::from_str(&a).ok())
        {
            // Tunnel marks the value sensitive; it is only ever written to the proxy.
            tunnel = tunnel.with_auth(auth);
        }
        // Bytes a proxy sends after its `200` in the same read are dropped by hyper-util;
        // harmless for TLS, where the client speaks first.
        Box::pin(async move {
            let io = tunnel.call(dst).await.map_err(|e| ConnectError::Proxy {
                proxy: address,
                problem: ProxyProblem::of_tunnel_error(&e),
                source: Box::new(e),
            })?;
            Ok(Conn { io })
        })
    }
}

/// Puts one deadline over a connector's whole call (for hyper-rustls: resolve, connect,
/// tunnel and TLS handshake).
#[derive(Clone, Debug)]
pub(crate) struct Deadline<S> {
    inner: S,
    limit: Duration,
}

impl<S> Deadline<S> {
    pub(crate) fn new(inner: S, limit: Duration) -> Self {
        Self { inner, limit }
    }
}

impl<S> Service<Uri> for Deadline<S>
where
    S: Service<Uri>,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<S::Response, BoxError>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let connecting = self.inner.call(dst);
        let limit = self.limit;
        Box::pin(async move {
            match within(limit, connecting).await {
                Some(result) => result.map_err(Into::into),
                None => Err(Box::new(ConnectError::Timeout(limit)) as BoxError),
            }
        })
    }
}
