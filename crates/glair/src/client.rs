//! [`Client`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use glair_core::{
    Dispatcher, RetryConfig, SharedClock, SharedJitter, SharedSleep, SharedTransport,
    TimeoutConfig, Transport,
};
use glair_types::{
    ActiveLiveness, ApiConfig, Credentials, InvalidInput, Ktp, Npwp, PassiveLiveness, SessionKind,
};

use crate::error::Error;
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
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ApiConfig,
    credentials: Credentials,
    dispatcher: Dispatcher,
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

    /// The sessions of kind `K`. The named accessors below cover the known kinds.
    pub fn sessions<K: SessionKind>(&self) -> Sessions<K> {
        Sessions::new(self.clone())
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

    /// Where requests go.
    pub fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    pub(crate) fn dispatcher(&self) -> &Dispatcher {
        &self.inner.dispatcher
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("credentials", &self.inner.credentials)
            .field("retry", self.inner.dispatcher.retry_config())
            .field("timeouts", self.inner.dispatcher.timeout_config())
            .field("transport", self.inner.dispatcher.transport())
            .finish()
    }
}

/// Configures a [`Client`]. Nothing is checked until [`build`](ClientBuilder::build), which
/// reports every problem with the field it concerns.
///
/// Defaults: base URL `https://api.vision.glair.ai`, API version `v1`, the hyper transport
/// (feature `hyper`), timeouts of 10 s to connect, 30 s per attempt and 60 s per operation, and
/// up to 3 attempts with exponential backoff and full jitter (see `glair_core::retry` for which
/// failures are retried for which method).
#[derive(Default, Clone)]
pub struct ClientBuilder {
    api_key: Option<String>,
    username: Option<String>,
    password: Option<String>,
    credentials: Option<Credentials>,
    base_url: Option<String>,
    api_version: Option<String>,
    allow_plain_http: bool,
    transport: Option<SharedTransport>,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    max_response_body_bytes: Option<u64>,
    sleep: Option<SharedSleep>,
    clock: Option<SharedClock>,
    jitter: Option<SharedJitter>,
}

impl ClientBuilder {
    /// The API key, sent as `x-api-key`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The username for HTTP Basic authentication.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The password for HTTP Basic authentication.
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// All three credentials at once (takes precedence over the single setters).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The base URL, e.g. `https://api.vision.glair.ai` or a local emulator's
    /// `http://127.0.0.1:8080`. Plain `http://` is refused for non-loopback hosts unless
    /// [`allow_plain_http`](ClientBuilder::allow_plain_http) is set.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The API version (default `v1`).
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// Accepts a plain `http://` base URL to a host that is not loopback. Credentials then
    /// travel unencrypted: only for a hop that something else encrypts.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Sends requests through `transport` instead of the default hyper transport: reqwest, a
    /// WASM fetch, a blocking socket, a test double — anything implementing
    /// [`Transport`].
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(SharedTransport::new(transport));
        self
    }

    /// Like [`transport`](ClientBuilder::transport), for a transport already shared.
    pub fn shared_transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The most attempts per call, the first included (1 disables retries).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        let retry = self.retry.take().unwrap_or_default();
        self.retry = Some(retry.with_max_attempts(max_attempts));
        self
    }

    /// All timeouts at once.
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// How long the default transport may take to connect.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        let mut t = self.timeouts.unwrap_or_default();
        t.connect = timeout;
        self.timeouts = Some(t);
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        let mut t = self.timeouts.unwrap_or_default();
        t.attempt = Some(timeout);
        self.timeouts = Some(t);
        self
    }

    /// How long a whole call may take, retries and the waits between them included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        let mut t = self.timeouts.unwrap_or_default();
        t.operation = Some(timeout);
        self.timeouts = Some(t);
        self
    }

    /// The largest response body the default transport accepts (default 4 MiB); a larger or
    /// endless body fails with a transport error instead of exhausting memory.
    pub fn max_response_body_bytes(mut self, limit: u64) -> Self {
        self.max_response_body_bytes = Some(limit);
        self
    }

    /// The timer used between retries and for timeouts (default: tokio's, with the `hyper`
    /// feature). Tests pass `glair_core::FakeTime` here.
    pub fn sleep(mut self, sleep: SharedSleep) -> Self {
        self.sleep = Some(sleep);
        self
    }

    /// The clock used for budgets and for judging expiry in
    /// [`wait`](crate::Sessions::wait) (default: the system clock).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the timer and the clock from one time source, such as `glair_core::FakeTime` in
    /// tests (time then passes only when the SDK sleeps, instantly).
    pub fn time<T>(self, time: T) -> Self
    where
        T: glair_core::Sleep + glair_core::Clock + Clone + 'static,
    {
        self.sleep(SharedSleep::new(time.clone()))
            .clock(SharedClock::new(time))
    }

    /// The randomness used for backoff jitter (default: a seeded generator).
    pub fn jitter(mut self, jitter: SharedJitter) -> Self {
        self.jitter = Some(jitter);
        self
    }

    /// Fills every setting not given yet from the environment ([`env_vars`]).
    pub fn load_env(self) -> Self {
        self.load_env_from(|name| std::env::var(name).ok())
    }

    /// Like [`load_env`](ClientBuilder::load_env), reading variables through `get` (for tests
    /// and for configuration systems other than the process environment).
    pub fn load_env_from(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| get(name).filter(|v| !v.is_empty());
        self.api_key = self.api_key.or_else(|| read(env_vars::API_KEY));
        self.username = self.username.or_else(|| read(env_vars::USERNAME));
        self.password = self.password.or_else(|| read(env_vars::PASSWORD));
        self.base_url = self.base_url.or_else(|| read(env_vars::BASE_URL));
        self.api_version = self.api_version.or_else(|| read(env_vars::API_VERSION));
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// Fails, naming what to fix, on missing or invalid credentials, an invalid base URL or
    /// version, plain HTTP to a remote host, or no transport (a build without the `hyper`
    /// feature must pass one).
    pub fn build(self) -> Result<Client, Error> {
        let credentials = match self.credentials {
            Some(c) => c,
            None => {
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
                match (&self.api_key, &self.username, &self.password) {
                    (Some(k), Some(u), Some(p)) => Credentials::new(k, u, p)?,
                    _ => {
                        return Err(InvalidInput::new(
                            "credentials",
                            format!("missing {}", missing.join(", ")),
                        )
                        .into());
                    }
                }
            }
        };
        let config = resolve_config(
            self.base_url.as_deref(),
            self.api_version.as_deref(),
            self.allow_plain_http,
        )?;
        let timeouts = self.timeouts.unwrap_or_default();
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(timeouts.connect, self.max_response_body_bytes)?,
        };
        let mut dispatcher = Dispatcher::builder(transport)
            .retry(self.retry.unwrap_or_default())
            .timeouts(timeouts);
        if let Some(sleep) = self.sleep {
            dispatcher = dispatcher.sleep(sleep);
        }
        if let Some(clock) = self.clock {
            dispatcher = dispatcher.clock(clock);
        }
        if let Some(jitter) = self.jitter {
            dispatcher = dispatcher.jitter(jitter);
        }
        let dispatcher = dispatcher.build().map_err(|e| match e {
            glair_core::BuildError::MissingSleep { needed_for } => Error::Config(format!(
                "{needed_for} need a timer: pass one with ClientBuilder::sleep or \
                 ClientBuilder::time, disable them, or enable the `hyper` feature"
            )),
            other => Error::Config(other.to_string()),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                credentials,
                dispatcher,
            }),
        })
    }
}

/// Builds an [`ApiConfig`] from optional parts, applying the plain-HTTP policy.
pub(crate) fn resolve_config(
    base_url: Option<&str>,
    api_version: Option<&str>,
    allow_plain_http: bool,
) -> Result<ApiConfig, InvalidInput> {
    let config = match base_url {
        None => ApiConfig::default(),
        Some(url) if allow_plain_http => ApiConfig::allowing_plain_http(url)?,
        Some(url) => ApiConfig::new(url)?,
    };
    match api_version {
        Some(v) => config.with_api_version(v),
        None => Ok(config),
    }
}

#[cfg(feature = "hyper")]
fn default_transport(
    connect_timeout: Duration,
    max_body: Option<u64>,
) -> Result<SharedTransport, Error> {
    let mut builder = glair_core::HyperTransport::builder().connect_timeout(connect_timeout);
    if let Some(limit) = max_body {
        builder = builder.max_response_body_bytes(limit);
    }
    let transport = builder.build().map_err(|e| Error::Config(e.to_string()))?;
    Ok(SharedTransport::new(transport))
}

#[cfg(not(feature = "hyper"))]
fn default_transport(_: Duration, _: Option<u64>) -> Result<SharedTransport, Error> {
    Err(Error::Config(
        "no transport: this build has no default transport (the `hyper` feature is off); \
         pass one with ClientBuilder::transport"
            .into(),
    ))
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |o: bool| if o { "<redacted>" } else { "<unset>" };
        f.debug_struct("ClientBuilder")
            .field("api_key", &set(self.api_key.is_some()))
            .field("username", &set(self.username.is_some()))
            .field("password", &set(self.password.is_some()))
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}
