//! [`Settings`]: the one settings type, for a client and for the calls of one handle.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use glair_core::{RetryConfig, SendOptions, TimeoutConfig};
use glair_types::{ApiConfig, Credentials, InvalidInput};
use web_time::Instant;

/// Where calls go, as whom, and how they are retried and timed out.
///
/// The same type configures a client ([`ClientBuilder::settings`](crate::ClientBuilder::settings),
/// or the builder's setters of the same names, which write into it) and the calls made through
/// one handle ([`Sessions::with_settings`](crate::Sessions::with_settings)).
///
/// # Merge
///
/// Field by field: **per call over client over defaults**. A field set on the handle's
/// settings wins; a field left unset there takes the client's value; a field unset on the
/// client too takes the default (base URL `https://api.vision.glair.ai`, version `v1`,
/// 3 attempts with backoff from 200 ms up to 10 s, `Retry-After` honoured up to 30 s, 30 s
/// per attempt, 60 s per call). So `Settings::new().max_attempts(1)` on a handle turns retries
/// off for its calls and keeps the client's timeouts and backoff. [`take_unset_from`](Settings::take_unset_from)
/// is that merge.
///
/// Credentials and the base URL are checked where they are used: by
/// [`ClientBuilder::build`](crate::ClientBuilder::build) for the client's, at each call for a
/// handle's.
///
/// `Debug` never shows the credentials, nor a user name or password inside the base URL.
///
/// ```
/// use std::time::Duration;
/// use glair::{Credentials, Settings};
///
/// let per_call = Settings::new()
///     .credentials(Credentials::new("other-key", "other-user", "other-pass")?)
///     .operation_timeout(Duration::from_secs(5));
/// let client = Settings::new().max_attempts(5).operation_timeout(Duration::from_secs(20));
/// let merged = per_call.take_unset_from(&client);
/// assert_eq!(merged.max_attempts_set(), Some(5));
/// assert_eq!(merged.operation_timeout_set(), Some(Some(Duration::from_secs(5))));
/// // client.passive_liveness_sessions().with_settings(per_call).retrieve(sid).await
/// # Ok::<(), glair::InvalidInput>(())
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct Settings {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    api_version: Option<String>,
    allow_plain_http: Option<bool>,
    max_attempts: Option<u32>,
    initial_backoff: Option<Duration>,
    max_backoff: Option<Duration>,
    max_retry_after: Option<Duration>,
    attempt_timeout: Option<Option<Duration>>,
    operation_timeout: Option<Option<Duration>>,
}

impl Settings {
    /// Nothing set: everything comes from the client (or the defaults).
    pub fn new() -> Self {
        Self::default()
    }

    /// The credentials.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The base URL, e.g. `https://api.vision.glair.ai` or a local emulator's
    /// `http://127.0.0.1:8080`. Plain `http://` is refused for hosts that are not loopback
    /// unless [`allow_plain_http`](Settings::allow_plain_http) is set.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The API version (default `v1`).
    #[must_use]
    pub fn api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = Some(api_version.into());
        self
    }

    /// Accepts a plain `http://` base URL to a host that is not loopback. Credentials then
    /// travel unencrypted: only for a hop that something else encrypts.
    #[must_use]
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = Some(allow);
        self
    }

    /// All retry settings at once.
    #[must_use]
    // Owned, like every other setter of a builder-style type here.
    #[allow(clippy::needless_pass_by_value)]
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.max_attempts = Some(retry.max_attempts());
        self.initial_backoff = Some(retry.initial_backoff());
        self.max_backoff = Some(retry.max_backoff());
        self.max_retry_after = Some(retry.max_retry_after());
        self
    }

    /// The most attempts per call, the first included (1 disables retries; 0 counts as 1).
    #[must_use]
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts.max(1));
        self
    }

    /// Both timeouts at once (a `None` in `timeouts` means no limit).
    #[must_use]
    pub fn timeouts(mut self, timeouts: TimeoutConfig) -> Self {
        self.attempt_timeout = Some(timeouts.attempt());
        self.operation_timeout = Some(timeouts.operation());
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(Some(timeout));
        self
    }

    /// How long a whole call may take, retries and the pauses between them included.
    #[must_use]
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(Some(timeout));
        self
    }

    /// Fills every field not set here from `fallback`: the merge (see the
    /// [type docs](Settings#merge)).
    #[must_use]
    pub fn take_unset_from(self, fallback: &Settings) -> Self {
        Self {
            credentials: self.credentials.or_else(|| fallback.credentials.clone()),
            base_url: self.base_url.or_else(|| fallback.base_url.clone()),
            api_version: self.api_version.or_else(|| fallback.api_version.clone()),
            allow_plain_http: self.allow_plain_http.or(fallback.allow_plain_http),
            max_attempts: self.max_attempts.or(fallback.max_attempts),
            initial_backoff: self.initial_backoff.or(fallback.initial_backoff),
            max_backoff: self.max_backoff.or(fallback.max_backoff),
            max_retry_after: self.max_retry_after.or(fallback.max_retry_after),
            attempt_timeout: self.attempt_timeout.or(fallback.attempt_timeout),
            operation_timeout: self.operation_timeout.or(fallback.operation_timeout),
        }
    }

    /// The credentials, if set.
    pub fn credentials_set(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The base URL, if set.
    pub fn base_url_set(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// The API version, if set.
    pub fn api_version_set(&self) -> Option<&str> {
        self.api_version.as_deref()
    }

    /// The most attempts, if set.
    pub fn max_attempts_set(&self) -> Option<u32> {
        self.max_attempts
    }

    /// The attempt timeout, if set (`Some(None)`: set to no limit).
    pub fn attempt_timeout_set(&self) -> Option<Option<Duration>> {
        self.attempt_timeout
    }

    /// The operation timeout, if set (`Some(None)`: set to no limit).
    pub fn operation_timeout_set(&self) -> Option<Option<Duration>> {
        self.operation_timeout
    }

    /// True when nothing is set (the common per-call case: the client's settings apply as
    /// they are).
    pub fn is_empty(&self) -> bool {
        self.credentials.is_none()
            && self.base_url.is_none()
            && self.api_version.is_none()
            && self.allow_plain_http.is_none()
            && !self.sets_retry()
            && !self.sets_timeouts()
    }

    fn sets_retry(&self) -> bool {
        self.max_attempts.is_some()
            || self.initial_backoff.is_some()
            || self.max_backoff.is_some()
            || self.max_retry_after.is_some()
    }

    fn sets_timeouts(&self) -> bool {
        self.attempt_timeout.is_some() || self.operation_timeout.is_some()
    }

    /// The retry settings these give over `base`.
    pub(crate) fn retry_over(&self, base: &RetryConfig) -> RetryConfig {
        base.clone()
            .with_max_attempts(self.max_attempts.unwrap_or(base.max_attempts()))
            .with_initial_backoff(self.initial_backoff.unwrap_or(base.initial_backoff()))
            .with_max_backoff(self.max_backoff.unwrap_or(base.max_backoff()))
            .with_max_retry_after(self.max_retry_after.unwrap_or(base.max_retry_after()))
    }

    /// The timeouts these give over `base`.
    pub(crate) fn timeouts_over(&self, base: &TimeoutConfig) -> TimeoutConfig {
        base.with_attempt(self.attempt_timeout.unwrap_or(base.attempt()))
            .with_operation(self.operation_timeout.unwrap_or(base.operation()))
    }

    /// The API configuration these give over `base` (a client's): `base` itself when neither
    /// the base URL nor the version is set here.
    pub(crate) fn config_over<'a>(
        &self,
        base: &'a ApiConfig,
    ) -> Result<Cow<'a, ApiConfig>, InvalidInput> {
        if self.base_url.is_none() && self.api_version.is_none() {
            return Ok(Cow::Borrowed(base));
        }
        let url = self.base_url.as_deref().unwrap_or(base.base_url());
        let version = self.api_version.as_deref().unwrap_or(base.api_version());
        // The client's own base URL passed its checks already.
        let allow_plain = self.allow_plain_http.unwrap_or(false) || self.base_url.is_none();
        resolve_config(Some(url), Some(version), allow_plain).map(Cow::Owned)
    }

    /// The dispatcher overrides for one call over a client with `retry` and `timeouts`, capped
    /// by `deadline`.
    pub(crate) fn send_options(
        &self,
        retry: &RetryConfig,
        timeouts: &TimeoutConfig,
        deadline: Option<Instant>,
    ) -> SendOptions {
        let mut send = SendOptions::new();
        if self.sets_retry() {
            send = send.with_retry(self.retry_over(retry));
        }
        if self.sets_timeouts() {
            send = send.with_timeouts(self.timeouts_over(timeouts));
        }
        if let Some(deadline) = deadline {
            send = send.with_deadline(deadline);
        }
        send
    }

    pub(crate) fn allows_plain_http(&self) -> bool {
        self.allow_plain_http.unwrap_or(false)
    }
}

/// What one call runs with: a handle's settings merged over its client's.
pub(crate) struct CallSettings<'a> {
    pub(crate) config: Cow<'a, ApiConfig>,
    pub(crate) credentials: &'a Credentials,
    pub(crate) send: SendOptions,
}

impl<'a> CallSettings<'a> {
    /// Merges `settings` over the client's parts. Nothing is copied when `settings` is empty.
    pub(crate) fn over(
        settings: &'a Settings,
        config: &'a ApiConfig,
        credentials: &'a Credentials,
        retry: &RetryConfig,
        timeouts: &TimeoutConfig,
        deadline: Option<Instant>,
    ) -> Result<Self, InvalidInput> {
        if settings.is_empty() {
            let mut send = SendOptions::new();
            if let Some(deadline) = deadline {
                send = send.with_deadline(deadline);
            }
            return Ok(Self {
                config: Cow::Borrowed(config),
                credentials,
                send,
            });
        }
        Ok(Self {
            config: settings.config_over(config)?,
            credentials: settings.credentials.as_ref().unwrap_or(credentials),
            send: settings.send_options(retry, timeouts, deadline),
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

/// A URL for `Debug` output: without the `user:password@` of its authority.
pub(crate) fn redact_userinfo(url: &str) -> Cow<'_, str> {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_len].rfind('@') {
        Some(at) => Cow::Owned(format!("{}{}", &url[..authority_start], &rest[at + 1..])),
        None => Cow::Borrowed(url),
    }
}

/// `Debug` of an optional URL without its userinfo.
pub(crate) struct RedactedUrl<'a>(pub(crate) Option<&'a str>);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(url) => fmt::Debug::fmt(&redact_userinfo(url), f),
            None => f.write_str("None"),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("credentials", &self.credentials)
            .field("base_url", &RedactedUrl(self.base_url.as_deref()))
            .field("api_version", &self.api_version)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("max_attempts", &self.max_attempts)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_removed() {
        let cases = [
            ("https://user:pass@host.example/x", "https://host.example/x"),
            ("https://user@host.example", "https://host.example"),
            ("http://a:b@127.0.0.1:8080?q=1", "http://127.0.0.1:8080?q=1"),
            ("https://host.example/p@th", "https://host.example/p@th"),
            ("https://u:p@ss@host.example", "https://host.example"),
            ("user:pass@host", "host"),
            ("", ""),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_userinfo(url), shown, "{url}");
        }
    }

    #[test]
    fn debug_hides_userinfo_and_credentials() {
        let settings = Settings::new()
            .base_url("https://alice:s3cret@glair.example")
            .credentials(Credentials::new("key-123", "bob", "pw-456").unwrap());
        let debug = format!("{settings:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("alice"),
            "{debug}"
        );
        assert!(
            !debug.contains("key-123") && !debug.contains("pw-456"),
            "{debug}"
        );
        assert!(debug.contains("glair.example"), "{debug}");
    }

    #[test]
    fn merge_is_per_call_over_client_over_defaults() {
        let client = Settings::new()
            .max_attempts(5)
            .attempt_timeout(Duration::from_secs(3))
            .api_version("v2");
        let call = Settings::new()
            .max_attempts(1)
            .timeouts(TimeoutConfig::none().with_operation(Some(Duration::from_secs(9))));
        let merged = call.clone().take_unset_from(&client);
        assert_eq!(merged.max_attempts_set(), Some(1));
        assert_eq!(merged.api_version_set(), Some("v2"));
        // The call set both timeouts (attempt: none), so the client's attempt timeout is gone.
        assert_eq!(merged.attempt_timeout_set(), Some(None));
        let retry = merged.retry_over(&RetryConfig::default());
        assert_eq!(retry.max_attempts(), 1);
        assert_eq!(
            retry.initial_backoff(),
            RetryConfig::DEFAULT_INITIAL_BACKOFF
        );
        let timeouts = client.timeouts_over(&TimeoutConfig::default());
        assert_eq!(timeouts.attempt(), Some(Duration::from_secs(3)));
        assert_eq!(timeouts.operation(), Some(TimeoutConfig::DEFAULT_OPERATION));
        assert!(Settings::new().is_empty() && !call.is_empty());
        assert_eq!(Settings::new().max_attempts(0).max_attempts_set(), Some(1));
    }
}
