//! A blocking client, for programs without an async runtime (feature `blocking-client`; the
//! feature `blocking` adds the default transport, ureq 3 with rustls).
//!
//! [`Client`] mirrors [`glair::Client`](crate::Client): the same builder methods, the same
//! accessors, the same [`Settings`] and their merge, `create`, `retrieve`,
//! `retrieve_from_redirect` and `wait` on [`Sessions`], and every method of [`Face`],
//! [`Identity`] and [`Ocr`] — returning instead of awaiting, through the same call path. It is
//! driven by the same sans-IO engine ([`glair_core::Operation`], [`glair_core::PollPlan`])
//! through [`BlockingDispatcher`], so retries, the attempt and operation timeouts and `wait`'s
//! `max_wait` hold exactly as they do for the async client: each attempt is handed the time it
//! may take, and the transport gives up by then.
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
//! No tokio, no hyper: `cargo tree -p glair --no-default-features --features blocking` lists
//! neither. No thread is started: pauses block the calling thread.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use glair_core::{
    BlockingDispatcher, BlockingSleep, BlockingTransport, Clock, SharedBlockingSleep,
    SharedBlockingTransport, SharedClock,
};
use glair_types::{
    ActiveLiveness, ApiConfig, CreateSession, Credentials, Decoded, EndpointRequest, Ktp, Npwp,
    PassiveLiveness, RetrieveSession, Session, SessionId, SessionKind,
};
use web_time::Instant;

use crate::call::{self, ClientParts};
use crate::client::{CommonBuilder, common_builder_setters};
#[cfg(not(feature = "blocking"))]
use crate::error::ConfigError;
use crate::error::Error;
use crate::options::Settings;

/// Face biometrics through a blocking [`Client`]: [`Client::face`]. The same methods as the
/// async [`crate::Face`], returning instead of awaiting.
pub type Face = crate::namespaces::Face<Client>;
/// Dukcapil identity verification through a blocking [`Client`]: [`Client::identity`].
pub type Identity = crate::namespaces::Identity<Client>;
/// OCR through a blocking [`Client`]: [`Client::ocr`].
pub type Ocr = crate::namespaces::Ocr<Client>;
use crate::wait::{WaitOptions, WaitOutcome, WaitProgress, WaitStep, Waiting};

/// A blocking GLAIR Vision client: cheap to clone (one `Arc`), safe to share across threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ApiConfig,
    credentials: Credentials,
    dispatcher: BlockingDispatcher,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment ([`env_vars`](crate::env_vars)).
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().load_env().build()
    }

    /// The sessions of kind `K`. The named accessors below cover the known kinds.
    pub fn sessions<K: SessionKind>(&self) -> Sessions<K> {
        Sessions {
            client: self.clone(),
            settings: Settings::default(),
            kind: PhantomData,
        }
    }

    /// Passive liveness sessions: a selfie scored for spoofing.
    pub fn passive_liveness_sessions(&self) -> Sessions<PassiveLiveness> {
        self.sessions()
    }

    /// Active liveness sessions: the user performs gestures.
    pub fn active_liveness_sessions(&self) -> Sessions<ActiveLiveness> {
        self.sessions()
    }

    /// KTP sessions: the Indonesian identity card, photographed and read.
    pub fn ktp_sessions(&self) -> Sessions<Ktp> {
        self.sessions()
    }

    /// NPWP sessions: the Indonesian tax card, photographed and read.
    pub fn npwp_sessions(&self) -> Sessions<Npwp> {
        self.sessions()
    }

    crate::namespaces::namespace_accessors!();

    /// Where requests go.
    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    fn parts(&self) -> ClientParts<'_> {
        let retry = self.inner.dispatcher.retry();
        let timeouts = self.inner.dispatcher.timeouts();
        ClientParts::new(&self.inner.config, &self.inner.credentials, retry, timeouts)
    }

    /// The one call path of the blocking client: the same [`crate::call`] halves as the
    /// async client's, around a blocking send.
    pub(crate) fn call<R: EndpointRequest>(
        &self,
        request: &R,
        settings: &Settings,
        deadline: Option<Instant>,
    ) -> Result<Decoded<R::Response>, Error> {
        let dispatcher = &self.inner.dispatcher;
        let (http_request, send) = call::prepare(request, settings, &self.parts(), deadline)?;
        let response = {
            let _span = call::span::<R>().entered();
            dispatcher.send_with(http_request, &send)?
        };
        call::finish(request, &response)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Client")
            .field("config", &self.inner.config)
            .field("credentials", &self.inner.credentials)
            .field("retry", self.inner.dispatcher.retry())
            .field("timeouts", self.inner.dispatcher.timeouts())
            .field("transport", self.inner.dispatcher.transport())
            .finish()
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

    /// Sets the pause and the clock from one time source, such as `glair_core::FakeTime` in
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
            )?,
        };
        let mut dispatcher = BlockingDispatcher::builder(transport)
            .retry(resolved.retry)
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
        Ok(Client {
            inner: Arc::new(Inner {
                config: resolved.config,
                credentials: resolved.credentials,
                dispatcher: dispatcher.build(),
            }),
        })
    }
}

#[cfg(feature = "blocking")]
fn default_transport(
    connect_timeout: Option<Duration>,
    max_body: Option<u64>,
) -> Result<SharedBlockingTransport, Error> {
    let mut builder = glair_core::UreqTransport::builder();
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(limit) = max_body {
        builder = builder.max_response_body_bytes(limit);
    }
    Ok(SharedBlockingTransport::new(builder.build()))
}

#[cfg(not(feature = "blocking"))]
fn default_transport(
    _: Option<Duration>,
    _: Option<u64>,
) -> Result<SharedBlockingTransport, Error> {
    Err(Error::Config(ConfigError::NoTransport {
        feature: "blocking",
    }))
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::ClientBuilder")
            .field("common", &self.common)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// The hosted sessions of kind `K`, reached through a blocking [`Client`]; the blocking twin
/// of [`crate::Sessions`].
pub struct Sessions<K: SessionKind> {
    client: Client,
    settings: Settings,
    kind: PhantomData<K>,
}

impl<K: SessionKind> Clone for Sessions<K> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            settings: self.settings.clone(),
            kind: PhantomData,
        }
    }
}

impl<K: SessionKind> fmt::Debug for Sessions<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Sessions")
            .field("kind", &K::NAME)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<K: SessionKind> Sessions<K> {
    /// The same handle with its own [`Settings`], merged over the client's.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// This handle's own settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Creates a session; never creates two (see [`crate::Sessions::create`]).
    // By value, like the async `create`: the two clients take the same arguments.
    #[allow(clippy::needless_pass_by_value)]
    pub fn create(&self, request: CreateSession<K>) -> Result<Session<K>, Error> {
        let _span = tracing::debug_span!("glair.create", kind = K::NAME).entered();
        self.call(&request, None)
    }

    /// Retrieves a session by its sid; the session returned keeps that sid as its own.
    pub fn retrieve(&self, sid: impl AsRef<str>) -> Result<Session<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        self.retrieve_before(&sid, None)
    }

    fn retrieve_before(
        &self,
        sid: &SessionId,
        deadline: Option<Instant>,
    ) -> Result<Session<K>, Error> {
        let _span =
            tracing::debug_span!("glair.retrieve", kind = K::NAME, sid = sid.as_str()).entered();
        let request = RetrieveSession::<K>::new(sid.clone());
        self.call(&request, deadline)
    }

    /// Reads the `sid` from the URL GLAIR redirected the user to and retrieves that session;
    /// trust only the sid (see [`crate::Sessions::retrieve_from_redirect`]).
    pub fn retrieve_from_redirect(&self, url: &str) -> Result<Session<K>, Error> {
        let sid = SessionId::from_redirect_url(url)?;
        self.retrieve(sid)
    }

    /// Polls the session until it is finished, it expires, or `options.max_wait` passes, a
    /// poll in flight included (see [`crate::Sessions::wait`]).
    pub fn wait(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<WaitOutcome<K>, Error> {
        self.wait_with_progress(sid, options, |_| {})
    }

    /// As [`wait`](Sessions::wait), calling `on_poll` after every poll that leaves the wait
    /// waiting (see [`crate::Sessions::wait_with_progress`]).
    pub fn wait_with_progress(
        &self,
        sid: impl AsRef<str>,
        options: WaitOptions,
        mut on_poll: impl FnMut(&WaitProgress),
    ) -> Result<WaitOutcome<K>, Error> {
        let sid = SessionId::new(sid.as_ref())?;
        let _span =
            tracing::debug_span!("glair.wait", kind = K::NAME, sid = sid.as_str()).entered();
        let dispatcher = &self.client.inner.dispatcher;
        let clock = dispatcher.clock();
        let mut waiting = Waiting::new(&options, clock.now());
        let mut step = waiting.begin_poll(clock.now());
        loop {
            step = match step {
                WaitStep::Poll(deadline) => {
                    let polled = self.retrieve_before(&sid, deadline);
                    let now = clock.now();
                    let step = waiting.on_poll(polled, now, clock.system_now());
                    if matches!(step, WaitStep::Pause(_)) {
                        on_poll(&waiting.progress(now));
                    }
                    step
                }
                WaitStep::Pause(pause) => {
                    dispatcher.sleep().sleep(pause);
                    waiting.begin_poll(clock.now())
                }
                WaitStep::Done(outcome) => return outcome,
            };
        }
    }

    /// Sends `request` through the client's one call path with this handle's settings.
    fn call<R>(&self, request: &R, deadline: Option<Instant>) -> Result<Session<K>, Error>
    where
        R: EndpointRequest<Response = Session<K>>,
    {
        self.client
            .call(request, &self.settings, deadline)
            .map(Decoded::into_value)
    }
}
