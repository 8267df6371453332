//! Per-request overrides, so one client can serve several accounts, endpoints or deadlines.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use glair_core::{RetryConfig, SendOptions};
use glair_types::{ApiConfig, Credentials};

use crate::client::{Client, resolve_config};
use crate::error::Error;

/// Settings for the calls of one [`Sessions`](crate::Sessions) handle that differ from the
/// client's: credentials, base URL, API version, timeouts, retries.
///
/// ```
/// use std::time::Duration;
/// use glair::{Credentials, RequestOptions};
///
/// let options = RequestOptions::new()
///     .credentials(Credentials::new("other-key", "other-user", "other-pass")?)
///     .timeout(Duration::from_secs(5));
/// // client.passive_liveness_sessions().with_options(options).retrieve(sid).await
/// # Ok::<(), glair::InvalidInput>(())
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    api_version: Option<String>,
    allow_plain_http: bool,
    timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    retry: Option<RetryConfig>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Other credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Another base URL (checked when the call is made, like the client's).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Another API version.
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// Accepts a plain `http://` override base URL to a non-loopback host.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// The operation timeout: the whole call, retries included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The per-attempt timeout.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Other retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Combines these overrides with the client's settings.
    pub(crate) fn resolve<'a>(&'a self, client: &'a Client) -> Result<Resolved<'a>, Error> {
        let config = if self.base_url.is_some() || self.api_version.is_some() {
            let base = self
                .base_url
                .as_deref()
                .unwrap_or(client.config().base_url());
            let version = self
                .api_version
                .as_deref()
                .unwrap_or(client.config().api_version());
            let allow_plain = self.allow_plain_http || self.base_url.is_none();
            Cow::Owned(resolve_config(Some(base), Some(version), allow_plain)?)
        } else {
            Cow::Borrowed(client.config())
        };
        let mut send = SendOptions::new();
        if self.timeout.is_some() || self.attempt_timeout.is_some() {
            let mut timeouts = *client.dispatcher().timeout_config();
            if let Some(t) = self.timeout {
                timeouts.operation = Some(t);
            }
            if let Some(t) = self.attempt_timeout {
                timeouts.attempt = Some(t);
            }
            send = send.with_timeouts(timeouts);
        }
        if let Some(retry) = &self.retry {
            send = send.with_retry(retry.clone());
        }
        Ok(Resolved {
            config,
            credentials: self.credentials.as_ref().unwrap_or(client.credentials()),
            send,
        })
    }
}

/// The settings one call runs with.
pub(crate) struct Resolved<'a> {
    pub(crate) config: Cow<'a, ApiConfig>,
    pub(crate) credentials: &'a Credentials,
    pub(crate) send: SendOptions,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("credentials", &self.credentials)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("timeout", &self.timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("retry", &self.retry)
            .finish()
    }
}
