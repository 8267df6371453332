//! Where requests go: the base URL and the API version.

use crate::error::InvalidInput;
use crate::web_url::check_web_url;

/// GLAIR's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.vision.glair.ai";
/// The API version every documented endpoint uses.
pub const DEFAULT_API_VERSION: &str = "v1";

/// The endpoint a client talks to: a base URL and an API version.
///
/// Request paths are `{base_url}/{service}/{api_version}/{resource}`, for example
/// `https://api.vision.glair.ai/face/v1/passive-liveness-sessions`.
///
/// Plain `http://` is refused for any host but loopback (`localhost`, `127.0.0.0/8`, `::1`),
/// because the credentials would travel in clear; [`ApiConfig::allowing_plain_http`] is the
/// explicit opt-in for, say, a TLS-terminating sidecar on another host.
///
/// ```
/// use glair_types::ApiConfig;
///
/// let config = ApiConfig::new("http://127.0.0.1:8080/")?.with_api_version("v1")?;
/// assert_eq!(config.base_url(), "http://127.0.0.1:8080");
/// assert!(ApiConfig::new("http://api.example.com").is_err());
/// assert!(ApiConfig::allowing_plain_http("http://api.example.com").is_ok());
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiConfig {
    base_url: String,
    api_version: String,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
        }
    }
}

impl ApiConfig {
    /// A configuration for `base_url` with the default API version.
    ///
    /// Trailing slashes are removed. Refuses anything that is not an absolute `http`/`https`
    /// URL, URLs with a query, fragment or embedded credentials, and plain `http://` to a host
    /// that is not loopback.
    pub fn new(base_url: &str) -> Result<Self, InvalidInput> {
        Self::parse(base_url, false)
    }

    /// Like [`ApiConfig::new`], but also accepts plain `http://` to any host. Credentials then
    /// travel unencrypted: use this only behind something that encrypts the hop.
    pub fn allowing_plain_http(base_url: &str) -> Result<Self, InvalidInput> {
        Self::parse(base_url, true)
    }

    fn parse(base_url: &str, allow_plain_http: bool) -> Result<Self, InvalidInput> {
        let checked = check_web_url("base_url", base_url)?;
        if base_url.contains('#') || checked.uri.query().is_some() {
            return Err(InvalidInput::new(
                "base_url",
                "must not contain a query string or fragment",
            ));
        }
        if !checked.https && !allow_plain_http && !checked.is_loopback() {
            return Err(InvalidInput::new(
                "base_url",
                "uses plain http:// to a host that is not loopback, so credentials would \
                 travel unencrypted: use https://",
            ));
        }
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
        })
    }

    /// Replaces the API version (default `v1`). Versions are a path segment, so only ASCII
    /// letters, digits, `.`, `_` and `-` are accepted, at most 32 of them.
    pub fn with_api_version(mut self, api_version: &str) -> Result<Self, InvalidInput> {
        let valid = !api_version.is_empty()
            && api_version.len() <= 32
            && api_version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && api_version != "."
            && api_version != "..";
        if !valid {
            return Err(InvalidInput::new(
                "api_version",
                "must be 1 to 32 ASCII letters, digits, '.', '_' or '-' (for example v1)",
            ));
        }
        self.api_version = api_version.to_owned();
        Ok(self)
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API version, e.g. `v1`.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// Whether requests go over plain HTTP.
    pub fn is_plain_http(&self) -> bool {
        self.base_url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    }

    /// The URL of a collection: `{base_url}/{service}/{api_version}/{resource}`.
    pub(crate) fn collection_url(&self, service: &str, resource: &str) -> String {
        let mut url = String::with_capacity(
            self.base_url.len() + service.len() + self.api_version.len() + resource.len() + 3,
        );
        url.push_str(&self.base_url);
        url.push('/');
        url.push_str(service);
        url.push('/');
        url.push_str(&self.api_version);
        url.push('/');
        url.push_str(resource);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_production() {
        let c = ApiConfig::default();
        assert_eq!(c.base_url(), "https://api.vision.glair.ai");
        assert_eq!(c.api_version(), "v1");
        assert_eq!(
            c.collection_url("face", "passive-liveness-sessions"),
            "https://api.vision.glair.ai/face/v1/passive-liveness-sessions"
        );
    }

    #[test]
    fn normalises_trailing_slashes_and_keeps_a_path_prefix() {
        let c = ApiConfig::new("https://proxy.example.com/glair///").unwrap();
        assert_eq!(c.base_url(), "https://proxy.example.com/glair");
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts_unless_opted_in() {
        let err = ApiConfig::new("http://api.example.com").unwrap_err();
        assert_eq!(err.field(), "base_url");
        assert!(err.to_string().contains("unencrypted"));
        assert!(ApiConfig::new("http://localhost:1234").is_ok());
        assert!(ApiConfig::new("http://[::1]:1234").is_ok());
        let c = ApiConfig::allowing_plain_http("http://api.example.com").unwrap();
        assert!(c.is_plain_http());
    }

    #[test]
    fn refuses_query_fragment_and_bad_versions() {
        assert!(ApiConfig::new("https://a.example/?x=1").is_err());
        assert!(ApiConfig::new("https://a.example/#x").is_err());
        for bad in ["", "v1/../x", "..", "v 1", "v1?", &"v".repeat(33)] {
            let err = ApiConfig::default().with_api_version(bad).unwrap_err();
            assert_eq!(err.field(), "api_version", "{bad}");
        }
        assert_eq!(
            ApiConfig::default()
                .with_api_version("v2-beta")
                .unwrap()
                .api_version(),
            "v2-beta"
        );
    }
}
