//! [`Client`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use glair_core::{
    Dispatcher, RetryConfig, SharedClock, SharedJitter, SharedSleep, SharedTransport,
    TimeoutConfig, Transport,
};
use glair_types::{
    ActiveLiveness, ApiConfig, Credentials, Decoded, EndpointRequest, InvalidInput, Ktp, Npwp,
    PassiveLiveness, SessionKind,
};

use crate::error::{ConfigError, Error};
use crate::handle::Handle;
use crate::namespaces::{Face, Identity, Ocr};
use crate::options::{Resolved, Settings, resolve_config};
use crate::sessions::Sessions;

/// The environment variables [`Client::from_env`] reads.
pub mod env_vars {
    /// The API key (`x-api-key`). Required.
    pub const API_KEY: &str = "GLAIR_API_KEY";
    /// The Basic-auth username. Required.
    pub const USERNAME: &str = "GLAIR_USERNAME";
    /// The Basic-auth password. Required.
    pub const PASSWORD: &str = "GLAIR_PASSWORD";
    /// The base URL; optional, defaults to `https://api.vision.glair.ai`.
    pub const BASE_URL: &str = "GLAIR_BASE_URL";
    /// The API version; optional, defaults to `v1`.
    pub const API_VERSION: &str = "GLAIR_API_VERSION";
}

/// A GLAIR Vision client: cheap to clone (one `Arc`), safe to share across tasks.
///
/// The async flavour of [`GenericClient`]; `glair::blocking::Client` is the blocking one.
///
/// ```no_run
/// # async fn run() -> Result<(), glair::Error> {
/// use glair::{Client, CreatePassiveLivenessSession};
///
/// let client = Client::from_env()?; // GLAIR_API_KEY, GLAIR_USERNAME, GLAIR_PASSWORD
/// let session = client
///     .passive_liveness_sessions()
///     .create(CreatePassiveLivenessSession::new("https://app.example/liveness/done"))
///     .await?;
/// println!("send the user to {}", session.url);
/// # Ok(()) }
/// ```
pub type Client = GenericClient<Dispatcher>;

/// The client, generic over its driver: [`Client`] is `GenericClient<Dispatcher>` (async),
/// `glair::blocking::Client` is `GenericClient<BlockingDispatcher>` (feature
/// `blocking`). Use those two names; everything but the sending is written once, here.
pub struct GenericClient<D> {
    inner: Arc<Inner<D>>,
}

struct Inner<D> {
    resolved: Arc<Resolved>,
    driver: D,
}

impl<D> Clone for GenericClient<D> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment ([`env_vars`]): `GLAIR_API_KEY`,
    /// `GLAIR_USERNAME`, `GLAIR_PASSWORD`, and optionally `GLAIR_BASE_URL` and
    /// `GLAIR_API_VERSION`. Missing credentials are an error naming the variables.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().load_env().build()
    }
}

impl<D> GenericClient<D> {
    pub(crate) fn from_parts(resolved: Resolved, driver: D) -> Self {
        Self {
            inner: Arc::new(Inner {
                resolved: Arc::new(resolved),
                driver,
            }),
        }
    }

    /// The sessions of kind `K`. The named accessors below cover the known kinds.
    pub fn sessions<K: SessionKind>(&self) -> Sessions<K, D> {
        Sessions::new(self.clone())
    }

    /// Passive liveness sessions: a selfie scored for spoofing.
    pub fn passive_liveness_sessions(&self) -> Sessions<PassiveLiveness, D> {
        self.sessions()
    }

    /// Active liveness sessions: the user performs gestures.
    pub fn active_liveness_sessions(&self) -> Sessions<ActiveLiveness, D> {
        self.sessions()
    }

    /// KTP sessions: the Indonesian identity card, photographed and read.
    pub fn ktp_sessions(&self) -> Sessions<Ktp, D> {
        self.sessions()
    }

    /// NPWP sessions: the Indonesian tax card, photographed and read.
    pub fn npwp_sessions(&self) -> Sessions<Npwp, D> {
        self.sessions()
    }

    /// Face biometrics on uploaded images: face match, passive and active liveness (the
    /// vendor SDKs' `faceBio`).
    pub fn face(&self) -> Face<D> {
        Face::new(self.clone())
    }

    /// Dukcapil identity verification, with and without a face photo (the vendor SDKs'
    /// `identity`).
    pub fn identity(&self) -> Identity<D> {
        Identity::new(self.clone())
    }

    /// OCR of every document GLAIR reads: KTP, NPWP, KK, STNK, BPKB, passport, … (the
    /// vendor SDKs' `ocr`).
    pub fn ocr(&self) -> Ocr<D> {
        Ocr::new(self.clone())
    }

    /// Where requests go.
    pub fn config(&self) -> &ApiConfig {
        &self.inner.resolved.config
    }

    /// The client's settings, resolved once when it was built.
    pub(crate) fn resolved(&self) -> &Arc<Resolved> {
        &self.inner.resolved
    }

    /// The driver: [`Dispatcher`] or `BlockingDispatcher`.
    pub(crate) fn driver(&self) -> &D {
        &self.inner.driver
    }
}

impl Client {
    /// Sends any [`EndpointRequest`] — one of `glair_types`' builders or one of your own, for
    /// an endpoint GLAIR added before this SDK models it — with the client's credentials,
    /// retries and timeouts, and decodes the answer. Whether it may be repeated after it may
    /// have reached GLAIR comes from its endpoint's [`repeat`](glair_types::Endpoint::repeat).
    /// The named methods ([`Client::face`], [`Client::ocr`], …) are this call with a fixed
    /// request type.
    ///
    /// See [`EndpointRequest`] for how to implement one.
    pub async fn call<R>(&self, request: &R) -> Result<Decoded<R::Response>, Error>
    where
        R: EndpointRequest + Sync,
    {
        Handle::new(self.clone()).call(request, None).await
    }
}

#[cfg(feature = "blocking")]
impl GenericClient<glair_core::BlockingDispatcher> {
    /// Sends any [`EndpointRequest`] and decodes the answer, as the async
    /// [`Client::call`] does.
    pub fn call<R: EndpointRequest>(&self, request: &R) -> Result<Decoded<R::Response>, Error> {
        Handle::new(self.clone()).call(request, None)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.debug_as("Client", self.driver().transport(), f)
    }
}

impl<D> GenericClient<D> {
    /// `Debug` of either client: never a credential (they redact themselves).
    pub(crate) fn debug_as(
        &self,
        name: &str,
        transport: &dyn fmt::Debug,
        f: &mut fmt::Formatter<'_>,
    ) -> fmt::Result {
        let resolved = &self.inner.resolved;
        f.debug_struct(name)
            .field("config", &resolved.config)
            .field("credentials", &resolved.credentials)
            .field("retry", &resolved.retry)
            .field("timeouts", &resolved.timeouts)
            .field("transport", transport)
            .finish()
    }
}

/// The settings both clients' builders share ([`ClientBuilder`] and, with the `blocking`
/// feature, `glair::blocking::ClientBuilder`), and their checks.
#[derive(Default, Clone)]
pub(crate) struct CommonBuilder {
    pub(crate) api_key: Option<String>,
    pub(crate) username: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) settings: Settings,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) max_response_body_bytes: Option<u64>,
    pub(crate) clock: Option<SharedClock>,
    pub(crate) jitter: Option<SharedJitter>,
}

impl CommonBuilder {
    pub(crate) fn load_env_from(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| get(name).filter(|v| !v.is_empty());
        self.api_key = self.api_key.or_else(|| read(env_vars::API_KEY));
        self.username = self.username.or_else(|| read(env_vars::USERNAME));
        self.password = self.password.or_else(|| read(env_vars::PASSWORD));
        let mut from_env = Settings::new();
        if let Some(url) = read(env_vars::BASE_URL) {
            from_env = from_env.base_url(url);
        }
        if let Some(version) = read(env_vars::API_VERSION) {
            from_env = from_env.api_version(version);
        }
        self.settings = std::mem::take(&mut self.settings).take_unset_from(&from_env);
        self
    }

    /// Checks credentials and the base URL, and applies the defaults under the settings.
    pub(crate) fn resolve(&self) -> Result<Resolved, Error> {
        let credentials = match self.settings.credentials_set() {
            Some(c) => c.clone(),
            None => match (&self.api_key, &self.username, &self.password) {
                (Some(k), Some(u), Some(p)) => Credentials::new(k, u, p)?,
                _ => {
                    let missing: Vec<&str> = [
                        (
                            self.api_key.is_none(),
                            "api key (.api_key() or GLAIR_API_KEY)",
                        ),
                        (
                            self.username.is_none(),
                            "username (.username() or GLAIR_USERNAME)",
                        ),
                        (
                            self.password.is_none(),
                            "password (.password() or GLAIR_PASSWORD)",
                        ),
                    ]
                    .into_iter()
                    .filter_map(|(absent, what)| absent.then_some(what))
                    .collect();
                    return Err(InvalidInput::new(
                        "credentials",
                        format!("missing {}", missing.join(", ")),
                    )
                    .into());
                }
            },
        };
        let config = resolve_config(
            self.settings.base_url_set(),
            self.settings.api_version_set(),
            self.settings.allows_plain_http(),
        )?;
        Ok(Resolved {
            config,
            credentials,
            retry: self.settings.retry_over(&RetryConfig::default()),
            timeouts: self.settings.timeouts_over(&TimeoutConfig::default()),
        })
    }
}

impl fmt::Debug for CommonBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |o: bool| if o { "<redacted>" } else { "<unset>" };
        f.debug_struct("CommonBuilder")
            .field("api_key", &set(self.api_key.is_some()))
            .field("username", &set(self.username.is_some()))
            .field("password", &set(self.password.is_some()))
            .field("settings", &self.settings)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .finish_non_exhaustive()
    }
}

/// The setters both clients' builders share: one name and one implementation per setting.
macro_rules! common_builder_setters {
    () => {
        /// The API key, sent as `x-api-key`.
        pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
            self.common.api_key = Some(api_key.into());
            self
        }

        /// The username for HTTP Basic authentication.
        pub fn username(mut self, username: impl Into<String>) -> Self {
            self.common.username = Some(username.into());
            self
        }

        /// The password for HTTP Basic authentication.
        pub fn password(mut self, password: impl Into<String>) -> Self {
            self.common.password = Some(password.into());
            self
        }

        /// All of these [`Settings`](crate::Settings) at once: each field set there replaces
        /// what was set before; fields unset there keep their values.
        pub fn settings(mut self, settings: $crate::Settings) -> Self {
            self.common.settings = settings.take_unset_from(&self.common.settings);
            self
        }

        /// All three credentials at once (takes precedence over the single setters); see
        /// [`Settings::credentials`](crate::Settings::credentials).
        pub fn credentials(self, credentials: glair_types::Credentials) -> Self {
            self.with_settings(|s| s.credentials(credentials))
        }

        /// See [`Settings::base_url`](crate::Settings::base_url).
        pub fn base_url(self, base_url: impl Into<String>) -> Self {
            self.with_settings(|s| s.base_url(base_url))
        }

        /// See [`Settings::api_version`](crate::Settings::api_version).
        pub fn api_version(self, api_version: impl Into<String>) -> Self {
            self.with_settings(|s| s.api_version(api_version))
        }

        /// See [`Settings::allow_plain_http`](crate::Settings::allow_plain_http).
        pub fn allow_plain_http(self, allow: bool) -> Self {
            self.with_settings(|s| s.allow_plain_http(allow))
        }

        /// See [`Settings::retry`](crate::Settings::retry).
        pub fn retry(self, retry: glair_core::RetryConfig) -> Self {
            self.with_settings(|s| s.retry(retry))
        }

        /// See [`Settings::max_attempts`](crate::Settings::max_attempts).
        pub fn max_attempts(self, max_attempts: u32) -> Self {
            self.with_settings(|s| s.max_attempts(max_attempts))
        }

        /// See [`Settings::timeouts`](crate::Settings::timeouts).
        pub fn timeouts(self, timeouts: glair_core::TimeoutConfig) -> Self {
            self.with_settings(|s| s.timeouts(timeouts))
        }

        /// See [`Settings::attempt_timeout`](crate::Settings::attempt_timeout).
        pub fn attempt_timeout(self, timeout: std::time::Duration) -> Self {
            self.with_settings(|s| s.attempt_timeout(timeout))
        }

        /// See [`Settings::operation_timeout`](crate::Settings::operation_timeout).
        pub fn operation_timeout(self, timeout: std::time::Duration) -> Self {
            self.with_settings(|s| s.operation_timeout(timeout))
        }

        /// How long the default transport may take to connect (default 10 s). A transport
        /// setting: a transport given with `transport` has its own.
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.common.connect_timeout = Some(timeout);
            self
        }

        /// The largest response body the default transport accepts (default 4 MiB); a larger
        /// or endless body fails with a transport error instead of exhausting memory.
        pub fn max_response_body_bytes(mut self, limit: u64) -> Self {
            self.common.max_response_body_bytes = Some(limit);
            self
        }

        /// The clock used for deadlines and for judging expiry in `wait` (default: the
        /// system clock).
        pub fn clock(mut self, clock: glair_core::SharedClock) -> Self {
            self.common.clock = Some(clock);
            self
        }

        /// The randomness used for backoff jitter (default: a seeded generator).
        pub fn jitter(mut self, jitter: glair_core::SharedJitter) -> Self {
            self.common.jitter = Some(jitter);
            self
        }

        /// Fills every setting not given yet from the environment ([`env_vars`](crate::env_vars)).
        pub fn load_env(self) -> Self {
            self.load_env_from(|name| std::env::var(name).ok())
        }

        /// Like `load_env`, reading variables through `get` (for tests and for
        /// configuration systems other than the process environment).
        pub fn load_env_from(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
            self.common = self.common.load_env_from(get);
            self
        }

        fn with_settings(mut self, set: impl FnOnce($crate::Settings) -> $crate::Settings) -> Self {
            self.common.settings = set(std::mem::take(&mut self.common.settings));
            self
        }
    };
}
#[cfg(feature = "blocking")]
pub(crate) use common_builder_setters;

/// Configures a [`Client`]. Nothing is checked until [`build`](ClientBuilder::build), which
/// reports every problem with the field it concerns.
///
/// The settings that calls can also override per handle are a [`Settings`]; the setters of
/// the same names write into the builder's, and [`settings`](ClientBuilder::settings) sets
/// several at once. Defaults: base URL `https://api.vision.glair.ai`, API version `v1`, the
/// hyper transport (feature `hyper`) with a 10 s connect timeout, 30 s per attempt and 60 s
/// per operation, and up to 3 attempts with exponential backoff and full jitter (see
/// `glair::net::classify` for which failures are retried for which method).
///
/// `Debug` shows no credential and no user name or password inside the base URL.
#[derive(Default, Clone)]
pub struct ClientBuilder {
    common: CommonBuilder,
    transport: Option<SharedTransport>,
    sleep: Option<SharedSleep>,
}

impl ClientBuilder {
    common_builder_setters!();

    /// Sends requests through `transport` instead of the default hyper transport: reqwest, a
    /// WASM fetch, a test double — anything implementing [`Transport`]. (For a blocking
    /// socket, use `glair::blocking::Client` and a `BlockingTransport`.)
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(SharedTransport::new(transport));
        self
    }

    /// Like [`transport`](ClientBuilder::transport), for a transport already shared.
    pub fn shared_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The timer used between retries, for timeouts and for the pauses of `wait` (default,
    /// with the `hyper` feature: `TimerThreadSleep`, which sleeps on the crate's one timer
    /// thread; on wasm32 with the `fetch` feature: `JsSleep`, on `setTimeout`). Tests pass `glair::mock::FakeTime` here.
    pub fn sleep(mut self, sleep: SharedSleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// Sets the timer and the clock from one time source, such as `glair::net::FakeTime` in
    /// tests (time then passes only when the SDK sleeps, instantly).
    pub fn time<T>(self, time: T) -> Self
    where
        T: glair_core::Sleep + glair_core::Clock + Clone + 'static,
    {
        self.sleep(SharedSleep::new(time.clone()))
            .clock(SharedClock::new(time))
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails, naming what to fix, on missing or invalid credentials, an invalid base URL or
    /// version, plain HTTP to a remote host, no transport (a build without the `hyper`
    /// feature must pass one), or retries or timeouts configured with no timer
    /// ([`ConfigError::MissingTimer`](crate::ConfigError::MissingTimer)).
    pub fn build(self) -> Result<Client, Error> {
        let resolved = self.common.resolve()?;
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(
                self.common.connect_timeout,
                self.common.max_response_body_bytes,
            )?,
        };
        let mut dispatcher = Dispatcher::builder(transport)
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
        let dispatcher = dispatcher.build().map_err(|e| match e {
            glair_core::BuildError::MissingSleep { .. } => {
                Error::Config(ConfigError::MissingTimer {
                    needed_for: "retries and timeouts",
                })
            }
            other => Error::Config(ConfigError::Transport(other)),
        })?;
        Ok(Client::from_parts(resolved, dispatcher))
    }
}

#[cfg(feature = "hyper")]
fn default_transport(
    connect_timeout: Option<Duration>,
    max_body: Option<u64>,
) -> Result<SharedTransport, Error> {
    let mut builder = glair_core::HyperTransport::builder();
    if let Some(timeout) = connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(limit) = max_body {
        builder = builder.max_response_body_bytes(limit);
    }
    let transport = builder
        .build()
        .map_err(|e| Error::Config(ConfigError::Transport(e)))?;
    Ok(SharedTransport::new(transport))
}

/// On wasm32 with the `fetch` feature: the global `fetch`. It has no connect phase of its own
/// to time, so the connect timeout does not apply (the attempt timeout bounds everything).
#[cfg(all(not(feature = "hyper"), feature = "fetch", target_arch = "wasm32"))]
fn default_transport(_: Option<Duration>, max_body: Option<u64>) -> Result<SharedTransport, Error> {
    let mut transport = glair_core::FetchTransport::new();
    if let Some(limit) = max_body {
        transport = transport.with_max_response_body_bytes(limit);
    }
    Ok(SharedTransport::new(transport))
}

#[cfg(not(any(feature = "hyper", all(feature = "fetch", target_arch = "wasm32"))))]
fn default_transport(_: Option<Duration>, _: Option<u64>) -> Result<SharedTransport, Error> {
    Err(Error::Config(ConfigError::NoTransport { feature: "hyper" }))
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("common", &self.common)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}
