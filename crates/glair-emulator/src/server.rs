//! The running server: accept loop, connections, shutdown.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::auth::Credentials;
use crate::clock::Clock;
use crate::config::{EmulatorConfig, Outcome};
use crate::faults::Faults;
use crate::idle::Activity;
use crate::ids::IdGen;
use crate::kinds;
use crate::routes;
use crate::state::State;
use crate::stats::{Counters, Stats};
use crate::store::{Session, Store};
use crate::tls::Tls;
use crate::urls::validate_redirect_url;

/// How long [`Emulator::shutdown`] waits for in-flight requests before aborting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Pending-connection queue length.
const LISTEN_BACKLOG: u32 = 1024;

/// A running emulator server.
///
/// Start one with [`Emulator::start`]; stop it with [`Emulator::shutdown`] (graceful) or by
/// dropping it (immediate: the listener closes and every connection is aborted).
pub struct Emulator {
    local_addr: SocketAddr,
    base_url: String,
    certificate_pem: Option<String>,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Bind the configured address and start serving in the background on the current Tokio
    /// runtime (which must have the time and IO drivers enabled).
    ///
    /// Fails if the address cannot be bound, or with [`io::ErrorKind::InvalidInput`] if the
    /// configured public URL is not an absolute `http`/`https` URL.
    pub async fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        let public_url = match &config.public_url {
            Some(url) => {
                let url = url.trim_end_matches('/');
                validate_redirect_url(url).map_err(|why| {
                    io::Error::new(io::ErrorKind::InvalidInput, format!("public URL {why}"))
                })?;
                Some(url.to_owned())
            }
            None => None,
        };
        let tls = config.tls.as_ref().map(Tls::new).transpose()?;
        let listener = bind(config.addr)?;
        let local_addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{}", reachable(local_addr));
        let certificate_pem = tls.as_ref().map(|t| t.certificate_pem.clone());
        let acceptor = tls.map(|t| t.acceptor);
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = Arc::new(State {
            credentials: Credentials::new(config.api_key, config.username, config.password),
            outcome: config.outcome,
            public_base: public_url.unwrap_or_else(|| base_url.clone()),
            session_lifetime_ms: config.session_lifetime_ms,
            clock: Clock::default(),
            store: Store::new(
                config.limits.max_sessions,
                config.limits.expired_retention_ms(),
            ),
            faults: Faults::default(),
            vision_outcomes: Default::default(),
            stats: Counters::new(),
            ids: IdGen::new(),
            limits: config.limits,
            shutdown: shutdown_rx,
        });
        let task = tokio::spawn(accept_loop(listener, acceptor, Arc::clone(&state)));
        // Ends by itself when the shutdown flag is set (by `shutdown` or by dropping).
        tokio::spawn(crate::state::sweep_periodically(Arc::clone(&state)));
        tracing::debug!(addr = %local_addr, "glair-emulator listening");
        Ok(Emulator {
            local_addr,
            base_url,
            certificate_pem,
            state,
            shutdown,
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://HOST:PORT` of the bound address, e.g. `http://127.0.0.1:41234` — the base URL
    /// to give an API client (`https://HOST:PORT` with TLS). (An unspecified bind address such as `0.0.0.0` is reported as
    /// the loopback address of the same family.)
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// With [`EmulatorConfig::tls`](crate::EmulatorConfig::tls): the PEM of the certificate
    /// chain it serves (the generated self-signed certificate, for clients to trust). `None`
    /// over plain HTTP.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    /// The base of the sessions' `url` field: the configured public URL, or [`base_url`].
    ///
    /// [`base_url`]: Emulator::base_url
    pub fn public_url(&self) -> &str {
        &self.state.public_base
    }

    /// The API key the emulator accepts.
    pub fn api_key(&self) -> &str {
        self.state.credentials.api_key()
    }

    /// The Basic-auth username the emulator accepts.
    pub fn username(&self) -> &str {
        self.state.credentials.username()
    }

    /// The Basic-auth password the emulator accepts.
    pub fn password(&self) -> &str {
        self.state.credentials.password()
    }

    /// The counters, as `GET /_emulator/stats` reports them.
    pub fn stats(&self) -> Stats {
        self.state.stats()
    }

    /// The emulator clock, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> u64 {
        self.state.clock.now_ms()
    }

    /// Move the emulator clock forward by `ms` milliseconds, like
    /// `POST /_emulator/clock/advance` (sessions whose retention time that passes are evicted
    /// at once). The clock stops at the end of year 9999 (the last instant an HTTP date can
    /// name): an advance past it moves the clock there, where the endpoint refuses it with
    /// `400`.
    pub fn advance_clock(&self, ms: u64) {
        self.state.advance_clock_clamped(ms);
    }

    /// Finish a session without a browser, like `POST /_emulator/{resource}/{sid}/complete`.
    ///
    /// `kind_path` is the API resource name (`"passive-liveness-sessions"`) or the full API
    /// path (`"/face/v1/passive-liveness-sessions"`). Returns the finished session object, or
    /// `None` if the kind or sid is unknown or the session is already finished or expired.
    pub fn complete(&self, kind_path: &str, sid: &str, outcome: Outcome) -> Option<Value> {
        let resource = kind_path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(kind_path);
        let kind = kinds::by_resource(resource)?;
        let now = self.state.clock.now_ms();
        self.state
            .store
            .complete(kind, sid, now, outcome, Session::to_value)
            .ok()
    }

    /// Stop gracefully: stop accepting, let in-flight requests finish (at most 5 seconds;
    /// hung requests and endless bodies end at once), close idle connections, and return.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("local_addr", &self.local_addr)
            .field("public_url", &self.state.public_base)
            .field("username", &self.username())
            .field("outcome", &self.state.outcome)
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            // Dropping the accept loop drops its JoinSet, which aborts every connection.
            task.abort();
        }
    }
}

/// Bind with a listen backlog large enough for bursts of hundreds of simultaneous connects
/// (the standard library's default of 128 makes such bursts wait for SYN retransmits).
fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// The address clients should use for a bound address.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Resolve once the shutdown flag is set (or its sender is gone).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Arc<State>,
) {
    let mut stop = state.shutdown.clone();
    let mut connections = JoinSet::new();
    // One permit per connection served: at the cap, accepting pauses and further connections
    // wait in the listen backlog until one closes.
    // (Clamped: a semaphore panics above MAX_PERMITS, far beyond any file descriptor limit.)
    let permits = Arc::new(Semaphore::new(
        state.limits.max_connections.min(Semaphore::MAX_PERMITS),
    ));
    loop {
        let next = async {
            let permit = Arc::clone(&permits).acquire_owned().await;
            (permit, listener.accept().await)
        };
        tokio::select! {
            biased;
            () = stopped(&mut stop) => break,
            (permit, accepted) = next => match accepted {
                Ok((stream, _peer)) => {
                    let state = Arc::clone(&state);
                    let tls = tls.clone();
                    connections.spawn(async move {
                        match tls {
                            Some(acceptor) => {
                                crate::tls::serve_connection(stream, acceptor, state).await;
                            }
                            None => serve_connection(stream, state).await,
                        }
                        drop(permit);
                    });
                }
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drain).await.is_err() {
        tracing::warn!("connections still busy after the shutdown grace period; aborting them");
        connections.shutdown().await;
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    serve_http1(TokioIo::new(stream), state).await;
}

/// Serves HTTP/1.1 on `io` (a TCP stream, or a TLS stream that negotiated `http/1.1`).
pub(crate) async fn serve_http1<I>(io: TokioIo<I>, state: Arc<State>)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let mut stop = state.shutdown.clone();
    let idle_timeout = state.limits.idle_timeout;
    let activity = Activity::new();
    let service = counted_service(Arc::clone(&state), Arc::clone(&activity));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(idle_timeout)
        .keep_alive(true)
        .title_case_headers(true);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::trace!(error = %e, "connection ended with an error");
            }
        }
        () = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
        () = activity.idle_for_at_least(idle_timeout) => {
            tracing::trace!("closing an idle HTTP/1.1 connection");
            connection.as_mut().graceful_shutdown();
            // A response still being written gets one more idle timeout to finish.
            let _ = tokio::time::timeout(idle_timeout, connection).await;
        }
    }
}

/// The routes as a hyper service that marks each request in flight on `activity` while its
/// handler runs (see [`crate::idle`]).
pub(crate) fn counted_service(
    state: Arc<State>,
    activity: Arc<Activity>,
) -> impl hyper::service::Service<
    hyper::Request<hyper::body::Incoming>,
    Response = crate::respond::Resp,
    Error = crate::respond::DropConnection,
    Future = impl std::future::Future<
        Output = Result<crate::respond::Resp, crate::respond::DropConnection>,
    > + Send,
> + Clone {
    service_fn(move |req| {
        let in_flight = activity.begin();
        let state = Arc::clone(&state);
        async move {
            let response = routes::handle(state, req).await;
            drop(in_flight);
            response
        }
    })
}
