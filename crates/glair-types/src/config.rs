//! Where requests go: the base URL and the API version.

use std::fmt;

use bytes::Bytes;
use http::Uri;
use http::uri::{Authority, PathAndQuery, Scheme};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::InvalidInput;
use crate::web_url::check_web_url;

mod uri_cache;

use uri_cache::UriCache;

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
#[derive(Clone, PartialEq, Eq)]
pub struct ApiConfig {
    base_url: String,
    api_version: String,
    /// The base URL parsed once, so that a request parses only its own path.
    origin: Origin,
    /// The URIs of the collection endpoints called so far, each built once.
    uris: UriCache,
}

/// The parts of the base URL every request URI shares.
#[derive(Clone, PartialEq, Eq)]
struct Origin {
    scheme: Scheme,
    authority: Authority,
    /// The base URL's path without its trailing slashes (empty for the root).
    path: String,
}

impl Origin {
    /// The parts of `uri`, an absolute URL already checked.
    fn of(uri: &Uri) -> Option<Self> {
        Some(Self {
            scheme: uri.scheme()?.clone(),
            authority: uri.authority()?.clone(),
            path: uri.path().trim_end_matches('/').to_owned(),
        })
    }
}

/// Bytes a path parameter keeps as they are: ASCII letters, digits, `-` and `_`. Everything
/// else (`/`, `.`, `%`, …) is percent-encoded, so that a parameter is always exactly one path
/// segment and never a dot segment, whoever made it.
const PATH_PARAM_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            origin: Origin {
                scheme: Scheme::HTTPS,
                authority: Authority::from_static("api.vision.glair.ai"),
                path: String::new(),
            },
            uris: UriCache::default(),
        }
    }
}

impl fmt::Debug for ApiConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiConfig")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .finish()
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
        let origin = Origin::of(&checked.uri)
            .ok_or_else(|| InvalidInput::new("base_url", "must include a scheme and a host"))?;
        Ok(Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            origin,
            uris: UriCache::default(),
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
        // The cached URIs hold the old version.
        self.uris = UriCache::default();
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

    /// The request URI `{base_url}/{service}/{api_version}/{resource}`, with `param` as one
    /// more path segment (percent-encoded: see [`PATH_PARAM_KEEPS`]). Only the path is built
    /// and parsed here; the scheme and host were parsed once, with the base URL. Without a
    /// parameter, the URI is built once per configuration and cloned after that.
    pub(crate) fn endpoint_uri(
        &self,
        service: &'static str,
        resource: &'static str,
        param: Option<&str>,
    ) -> Result<Uri, InvalidInput> {
        match param {
            None => self.uris.get_or_build(service, resource, || {
                self.build_uri(service, resource, None)
            }),
            Some(_) => self.build_uri(service, resource, param),
        }
    }

    /// Builds [`endpoint_uri`](Self::endpoint_uri)'s answer.
    fn build_uri(
        &self,
        service: &str,
        resource: &str,
        param: Option<&str>,
    ) -> Result<Uri, InvalidInput> {
        let origin = &self.origin;
        // An empty parameter would leave the collection's URL: `%20`-free, explicit.
        if param.is_some_and(str::is_empty) {
            return Err(InvalidInput::new("path parameter", "must not be empty"));
        }
        let keep = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        let plain = param.is_none_or(|p| p.bytes().all(keep));
        // The exact length when nothing is percent-encoded: the `Bytes` made of the `String`
        // then takes its buffer as it is, where spare capacity costs it an allocation more.
        let param_len = param.map_or(0, |p| if plain { p.len() + 1 } else { p.len() * 3 + 1 });
        let mut path = String::with_capacity(
            origin.path.len()
                + service.len()
                + self.api_version.len()
                + resource.len()
                + param_len
                + 3,
        );
        path.push_str(&origin.path);
        path.push('/');
        path.push_str(service);
        path.push('/');
        path.push_str(&self.api_version);
        path.push('/');
        path.push_str(resource);
        if let Some(param) = param {
            path.push('/');
            if plain {
                path.push_str(param);
            } else {
                path.extend(utf8_percent_encode(param, PATH_PARAM_KEEPS));
            }
        }
        let invalid = || InvalidInput::new("base_url", "does not form a valid request URL");
        let path = PathAndQuery::from_maybe_shared(Bytes::from(path)).map_err(|_| invalid())?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(origin.scheme.clone());
        parts.authority = Some(origin.authority.clone());
        parts.path_and_query = Some(path);
        Uri::from_parts(parts).map_err(|_| invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_uris_join_the_parsed_base_and_encode_the_parameter() {
        let config = ApiConfig::new("http://127.0.0.1:8080/prefix/").unwrap();
        let uri = config
            .endpoint_uri("face", "passive-liveness-sessions", Some("abc_1-2"))
            .unwrap();
        assert_eq!(
            uri,
            "http://127.0.0.1:8080/prefix/face/v1/passive-liveness-sessions/abc_1-2"
        );
        let odd = config
            .endpoint_uri("ocr", "ktp", Some("../a/b?c#d"))
            .unwrap();
        assert_eq!(odd.path(), "/prefix/ocr/v1/ktp/%2E%2E%2Fa%2Fb%3Fc%23d");
        assert!(config.endpoint_uri("ocr", "ktp", Some("")).is_err());
        let default = ApiConfig::default()
            .endpoint_uri("face", "passive-liveness", None)
            .unwrap();
        assert_eq!(
            default,
            "https://api.vision.glair.ai/face/v1/passive-liveness"
        );
        assert_eq!(
            ApiConfig::new(DEFAULT_BASE_URL).unwrap(),
            ApiConfig::default(),
            "the default's parts are those of its URL"
        );
    }

    #[test]
    fn cached_uris_follow_the_configuration_they_were_built_for() {
        let v1 = ApiConfig::new("http://127.0.0.1:8080/p").unwrap();
        let first = v1.endpoint_uri("face", "passive-liveness-sessions", None);
        assert_eq!(
            first.unwrap(),
            "http://127.0.0.1:8080/p/face/v1/passive-liveness-sessions"
        );
        // A clone answers from the shared cache; equality ignores what is cached.
        let clone = v1.clone();
        assert_eq!(clone, ApiConfig::new("http://127.0.0.1:8080/p").unwrap());
        assert_eq!(
            clone
                .endpoint_uri("face", "passive-liveness-sessions", None)
                .unwrap(),
            "http://127.0.0.1:8080/p/face/v1/passive-liveness-sessions"
        );
        // Another version sends elsewhere, though the cache was filled first.
        let v2 = clone.with_api_version("v2").unwrap();
        assert_eq!(
            v2.endpoint_uri("face", "passive-liveness-sessions", None)
                .unwrap(),
            "http://127.0.0.1:8080/p/face/v2/passive-liveness-sessions"
        );
        assert_eq!(
            v1.endpoint_uri("face", "passive-liveness-sessions", None)
                .unwrap(),
            "http://127.0.0.1:8080/p/face/v1/passive-liveness-sessions"
        );
        // Other endpoints of the same configuration get their own URIs.
        assert_eq!(
            v1.endpoint_uri("ocr", "ktp", None).unwrap(),
            "http://127.0.0.1:8080/p/ocr/v1/ktp"
        );
    }

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
