//! A blocking client, for programs without an async runtime (feature `blocking`; the feature
//! `ureq` adds the default transport, ureq 3 with rustls).
//!
//! [`Client`] *is* [`glair::Client`](crate::Client), over the blocking driver
//! ([`BlockingDispatcher`]) instead of the async one: the same accessors, the same
//! [`Settings`](crate::Settings) and their merge, `create`, `retrieve`,
//! `retrieve_from_redirect` and `wait` on [`Sessions`], and every method of [`Face`],
//! [`Identity`] and [`Ocr`] — returning instead of awaiting. The same sans-IO machines (one
//! call, [`crate::net::Call`]; a wait, the call nested in the polling plan) run under both
//! drivers, so retries, the attempt and operation timeouts and `wait`'s `max_wait` hold
//! exactly as they do for the async client: each attempt is handed the time it may take, and
//! the transport gives up by then.
//!
//! ```no_run
//! use glair::blocking::Client;
//! use glair::CreatePassiveLivenessSession;
//!
//! let client = Client::from_env()?; // GLAIR_API_KEY, GLAIR_USERNAME, GLAIR_PASSWORD
//! let sessions = client.passive_liveness_sessions();
//! let session = sessions.create(CreatePassiveLivenessSession::new("https://app.example/done"))?;
//! println!("send the user to {}", session.url);
//! # Ok::<(), glair::Error>(())
//! ```
//!
//! No tokio, no hyper: `cargo tree -p glair --no-default-features --features ureq` lists
//! neither (and with `--features blocking` alone, no HTTP stack at all). Pauses block the calling thread. The default transport
//! ([`UreqTransport`](glair_core::UreqTransport)) starts no thread per request: only its
//! resolver's short-lived `glair-dns` lookup threads, at most 4 at once, while a host name is
//! looked up (never for IP addresses or names looked up in the last 30 s). It takes its proxy
//! from the environment like the async client (see `UreqTransportBuilder::proxy`).

use std::fmt;
use std::time::Duration;

pub use glair_core::{
    BlockingDispatcher, BlockingSleep, BlockingTransport, SharedBlockingSleep,
    SharedBlockingTransport, ThreadSleep,
};
use glair_core::{Clock, SharedClock};

use crate::client::{CommonBuilder, common_builder_setters};
use crate::error::{ConfigError, Error};

/// A blocking GLAIR Vision client: [`crate::Client`] over the blocking driver. Cheap to
/// clone (one `Arc`), safe to share across threads.
pub type Client = crate::GenericClient<BlockingDispatcher>;
/// The hosted sessions of kind `K` through a blocking [`Client`]: [`crate::Sessions`] over
/// the blocking driver.
pub type Sessions<K> = crate::Sessions<K, BlockingDispatcher>;
/// Face biometrics through a blocking [`Client`]: [`Client::face`]. The same methods as the
/// async [`crate::Face`], returning instead of awaiting.
pub type Face = crate::Face<BlockingDispatcher>;
/// Dukcapil identity verification through a blocking [`Client`]: [`Client::identity`].
pub type Identity = crate::Identity<BlockingDispatcher>;
/// OCR through a blocking [`Client`]: [`Client::ocr`].
pub type Ocr = crate::Ocr<BlockingDispatcher>;

impl crate::GenericClient<BlockingDispatcher> {
    /// Starts configuring a blocking client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A blocking client configured from the environment ([`env_vars`](crate::env_vars)).
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().load_env().build()
    }
}

impl fmt::Debug for crate::GenericClient<BlockingDispatcher> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("blocking::Client", self.driver().transport(), f)
    }
}

/// Configures a blocking [`Client`]: the same setters as [`crate::ClientBuilder`], with a
/// [`BlockingTransport`] and a [`BlockingSleep`] where that one takes async ones.
///
/// `Debug` shows no credential and no user name or password inside the base URL.
#[derive(Default, Clone)]
pub struct ClientBuilder {
    common: CommonBuilder,
    transport: Option<SharedBlockingTransport>,
    sleep: Option<SharedBlockingSleep>,
}

impl ClientBuilder {
    common_builder_setters!();

    /// Sends requests through `transport` instead of the default ureq transport.
    pub fn transport(mut self, transport: impl BlockingTransport + 'static) -> Self {
        self.transport = Some(SharedBlockingTransport::new(transport));
        self
    }

    /// Like [`transport`](ClientBuilder::transport), for a transport already shared.
    pub fn shared_transport(mut self, transport: SharedBlockingTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The pause between retries and between polls (default: `std::thread::sleep`).
    pub fn sleep(mut self, sleep: SharedBlockingSleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Sets the pause and the clock from one time source, such as `glair::net::FakeTime` in
    /// tests.
    pub fn time<T>(self, time: T) -> Self
    where
        T: BlockingSleep + Clock + Clone + 'static,
    {
        self.sleep(SharedBlockingSleep::new(time.clone()))
            .clock(SharedClock::new(time))
    }

    /// Checks the configuration and builds the client; fails as
    /// [`crate::ClientBuilder::build`] does. A blocking client always has a timer.
    pub fn build(self) -> Result<Client, Error> {
        let resolved = self.common.resolve()?;
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(
                self.common.connect_timeout,
                self.common.max_response_body_bytes,
                resolved.timeouts.attempt(),
            )?,
        };
        let mut dispatcher = BlockingDispatcher::builder(transport)
            .retry(resolved.retry.clone())
            .timeouts(resolved.timeouts);
        if let Some(sleep) = self.sleep {
            dispatcher = dispatcher.sleep(sleep);
        }
        if let Some(clock) = self.common.clock {
            dispatcher = dispatcher.clock(clock);
        }
        if let Some(jitter) = self.common.jitter {
            dispatcher = dispatcher.jitter(jitter);
        }
        Ok(Client::from_parts(resolved, dispatcher.build()))
    }
}

#[cfg(feature = "ureq")]
fn default_transport(
    connect_timeout: Option<Duration>,
    max_body: Option<u64>,
    attempt_timeout: Option<Duration>,
) -> Result<SharedBlockingTransport, Error> {
    // Most attempts are sent with the attempt timeout: set on the agent once, it needs no
    // configuration per request.
    let mut builder = glair_core::UreqTransport::builder().agent_timeout(attempt_timeout);
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(limit) = max_body {
        builder = builder.max_response_body_bytes(limit);
    }
    let transport = builder
        .build()
        .map_err(|e| Error::Config(ConfigError::Transport(e)))?;
    Ok(SharedBlockingTransport::new(transport))
}

#[cfg(not(feature = "ureq"))]
fn default_transport(
    _: Option<Duration>,
    _: Option<u64>,
    _: Option<Duration>,
) -> Result<SharedBlockingTransport, Error> {
    Err(Error::Config(ConfigError::NoTransport { feature: "ureq" }))
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::ClientBuilder")
            .field("common", &self.common)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}
