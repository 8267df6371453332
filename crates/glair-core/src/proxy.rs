//! Which proxy a request goes through: one set of rules for both transports
//! (`HyperTransport` and `UreqTransport`), resolved once when a transport is built, so that
//! the two cannot drift.
//!
//! - Where the configuration comes from: the environment (through an injectable source) or
//!   the builder ([`ProxySource`]).
//! - Every proxy URL is checked completely up front ([`url`]), so a typo is a clear build
//!   error instead of a silent direct connection or a connection to the wrong port.
//! - `NO_PROXY` follows curl ([`no_proxy`]).
//! - **Plain `http://` never goes through a proxy**: the request and its credentials would
//!   cross the proxy in clear, and the proxy would decide what `localhost` means. A plain
//!   request to a loopback host (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`: the only
//!   plain-http targets the SDK accepts) goes direct, as with curl's `NO_PROXY=localhost`
//!   convention; to any other host it is refused. `https://` goes through a `CONNECT` tunnel,
//!   TLS end to end with the origin.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

pub(crate) mod no_proxy;
pub(crate) mod url;

use self::no_proxy::NoProxy;
pub(crate) use self::url::ProxyUrl;
use crate::error::BuildError;

/// Reads one environment variable; `None` when unset. Injectable so that tests and embedding
/// SDKs need not touch the process environment.
pub(crate) type EnvSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where the proxy configuration comes from.
#[derive(Clone)]
pub(crate) enum ProxySource {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (either case) from this source.
    Env(EnvSource),
    /// One proxy for both schemes, set on the builder; the environment is not read.
    Explicit(String),
    /// Always connect direct; the environment is not read.
    Off,
}

impl fmt::Debug for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(_) => f.write_str("Env"),
            Self::Explicit(url) => write!(f, "Explicit({})", crate::redact_userinfo(url)),
            Self::Off => f.write_str("Off"),
        }
    }
}

/// Every variable the environment source is asked for.
pub(crate) const ENV_VARS: [&str; 9] = [
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
];

/// The process environment.
pub(crate) fn process_env() -> EnvSource {
    Arc::new(|name| std::env::var(name).ok())
}

/// The proxy options of a transport builder (one set for both transports, so they cannot
/// drift): the builder has `proxy: ProxySource` and `no_proxy: Option<String>` fields, and a
/// `build` that checks them.
macro_rules! proxy_builder_methods {
    () => {
        /// Send every `https://` request through this HTTP proxy,
        /// `http://[user:password@]host:port` (userinfo percent-encoded), and ignore the
        /// proxy environment variables (plain `http://` never goes through a proxy: loopback
        /// is reached directly, anything else refused). Hosts in
        /// [`no_proxy`](Self::no_proxy) are still reached directly. Checked by
        /// [`build`](Self::build).
        #[must_use]
        pub fn proxy(mut self, url: impl Into<String>) -> Self {
            self.proxy = $crate::proxy::ProxySource::Explicit(url.into());
            self
        }

        /// Hosts to reach without the proxy, in `NO_PROXY` syntax (curl's: trailing dots
        /// ignored, a lone `*` for every host). Set, it replaces the `NO_PROXY` variable.
        #[must_use]
        pub fn no_proxy(mut self, hosts: impl Into<String>) -> Self {
            self.no_proxy = Some(hosts.into());
            self
        }

        /// Whether to take the proxy from the environment (default true). `false` connects
        /// directly unless [`proxy`](Self::proxy) is called afterwards; `true` undoes an
        /// earlier [`proxy`](Self::proxy).
        #[must_use]
        pub fn proxy_from_env(mut self, enabled: bool) -> Self {
            self.proxy = if enabled {
                $crate::proxy::ProxySource::Env($crate::proxy::process_env())
            } else {
                $crate::proxy::ProxySource::Off
            };
            self
        }

        /// Reads the proxy variables through `get` instead of the process environment (for
        /// tests, or an application that keeps its settings elsewhere). `get` is called at
        /// [`build`](Self::build) with each variable name and returns its value, if set.
        #[must_use]
        pub fn proxy_env_source(
            mut self,
            get: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
        ) -> Self {
            let source: $crate::proxy::EnvSource = std::sync::Arc::new(get);
            self.proxy = $crate::proxy::ProxySource::Env(source);
            self
        }
    };
}
pub(crate) use proxy_builder_methods;

/// How one request reaches its origin.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    /// Straight to the origin.
    Direct,
    /// Through an HTTP `CONNECT` tunnel opened by this proxy (`https://` only).
    Tunnel(&'a ProxyUrl),
    /// A plain `http://` request to a host that is not loopback would go through this proxy
    /// in clear: refused.
    Refused(&'a ProxyUrl),
}

/// The resolved proxy rules of a transport.
#[derive(Clone)]
pub(crate) struct Proxies {
    https: Option<ProxyUrl>,
    http: Option<ProxyUrl>,
    no_proxy: NoProxy,
    /// For `Debug`: each proxy as `http://[***@]host:port` and its origin.
    description: String,
}

impl fmt::Debug for Proxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

impl Proxies {
    /// How a request to `uri` goes.
    pub(crate) fn route(&self, uri: &http::Uri) -> Route<'_> {
        let host = uri.host().unwrap_or_default();
        let https = uri
            .scheme_str()
            .is_some_and(|s| s.eq_ignore_ascii_case("https"));
        let proxy = if https { &self.https } else { &self.http };
        let Some(proxy) = proxy else {
            return Route::Direct;
        };
        if self.no_proxy.matches(host) {
            return Route::Direct;
        }
        match (https, is_loopback(host)) {
            (true, _) => Route::Tunnel(proxy),
            (false, true) => Route::Direct,
            (false, false) => Route::Refused(proxy),
        }
    }

    /// Every proxy a route may name.
    #[cfg(feature = "ureq")]
    pub(crate) fn proxy_urls(&self) -> impl Iterator<Item = &ProxyUrl> {
        self.https.iter().chain(self.http.iter())
    }

    /// The proxy `uri` goes through (`host:port`), or `None`.
    pub(crate) fn proxy_for(&self, uri: &http::Uri) -> Option<String> {
        match self.route(uri) {
            Route::Tunnel(p) => Some(p.address()),
            Route::Direct | Route::Refused(_) => None,
        }
    }
}

/// The error for a plain `http://` request that a proxy would carry in clear: the request
/// never left; a misconfiguration, so never retried. Shared by both transports.
pub(crate) fn refused_plain_http(proxy: &str) -> crate::TransportError {
    crate::TransportError::new(
        crate::TransportErrorKind::Other,
        format!(
            "plain http:// through proxy {proxy} refused: the request and its credentials would cross the proxy in clear; use https://, or list the host in NO_PROXY to reach it directly"
        ),
    )
    .at_proxy()
}

/// `localhost`, a name under `.localhost` (RFC 6761: always loopback), `127.0.0.0/8` or
/// `[::1]` (the IPv4-mapped `[::ffff:127.x.y.z]` too).
pub(crate) fn is_loopback(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        });
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// One variable's name (as found) and value, the lower-case name winning as in curl.
struct Found {
    name: &'static str,
    value: String,
}

fn lookup(env: &EnvSource, names: &[&'static str]) -> Option<Found> {
    names.iter().find_map(|name| {
        env(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(|value| Found { name, value })
    })
}

/// Resolves `source` (with an optional explicit bypass list that replaces `NO_PROXY`).
/// `Ok(None)` means "always direct".
pub(crate) fn resolve(
    source: &ProxySource,
    no_proxy: Option<&str>,
) -> Result<Option<Proxies>, BuildError> {
    let resolved = match source {
        ProxySource::Off => return Ok(None),
        ProxySource::Explicit(url) => {
            let proxy = ProxyUrl::parse("the builder's proxy", url)?;
            let no = no_proxy.unwrap_or_default().trim().to_owned();
            Proxies {
                description: format!("all via {proxy:?}; no_proxy={no:?}"),
                https: Some(proxy.clone()),
                http: Some(proxy),
                no_proxy: NoProxy::parse(&no),
            }
        }
        ProxySource::Env(env) => {
            // In a CGI script HTTP_PROXY can come from the request's `Proxy:` header
            // ("httpoxy"): there, like curl, only the lower-case `http_proxy` counts.
            let cgi = env("REQUEST_METHOD").is_some();
            let http_names: &[&'static str] = if cgi {
                &["http_proxy"]
            } else {
                &["http_proxy", "HTTP_PROXY"]
            };
            let https = lookup(env, &["https_proxy", "HTTPS_PROXY"]);
            let http = lookup(env, http_names);
            let all = lookup(env, &["all_proxy", "ALL_PROXY"]);
            if https.is_none() && http.is_none() && all.is_none() {
                return Ok(None);
            }
            let env_no = lookup(env, &["no_proxy", "NO_PROXY"]).map(|f| f.value);
            let no = no_proxy
                .map(|n| n.trim().to_owned())
                .or(env_no)
                .unwrap_or_default();
            let mut parts = Vec::new();
            let mut checked = |found: &Option<Found>, what: &str| -> Result<_, BuildError> {
                found
                    .as_ref()
                    .map(|f| {
                        let proxy = ProxyUrl::parse(f.name, &f.value)?;
                        parts.push(format!("{what} via {proxy:?} ({})", f.name));
                        Ok(proxy)
                    })
                    .transpose()
            };
            let https = checked(&https, "https")?;
            let http = checked(&http, "http")?;
            let all = checked(&all, "otherwise")?;
            parts.push(format!("no_proxy={no:?}"));
            Proxies {
                https: https.or_else(|| all.clone()),
                http: http.or(all),
                no_proxy: NoProxy::parse(&no),
                description: parts.join("; "),
            }
        }
    };
    Ok((!resolved.no_proxy.is_everything()).then_some(resolved))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> EnvSource {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Arc::new(move |name| map.get(name).cloned())
    }

    fn route(proxies: &Option<Proxies>, url: &str) -> Option<String> {
        let uri: http::Uri = url.parse().unwrap();
        proxies.as_ref().and_then(|p| p.proxy_for(&uri))
    }

    #[test]
    fn no_variables_means_direct() {
        let p = resolve(&ProxySource::Env(env(&[])), None).unwrap();
        assert!(p.is_none());
        let p = resolve(&ProxySource::Env(env(&[("HTTPS_PROXY", "  ")])), None).unwrap();
        assert!(p.is_none(), "blank counts as unset");
    }

    #[test]
    fn each_variable_in_either_case() {
        for name in ["HTTPS_PROXY", "https_proxy"] {
            let p = resolve(&ProxySource::Env(env(&[(name, "http://p:3128")])), None).unwrap();
            assert_eq!(
                route(&p, "https://api.example.com/x").as_deref(),
                Some("p:3128")
            );
            assert_eq!(route(&p, "http://api.example.com/x"), None);
        }
        for name in ["ALL_PROXY", "all_proxy"] {
            let p = resolve(&ProxySource::Env(env(&[(name, "http://a:1")])), None).unwrap();
            assert_eq!(route(&p, "https://x.example/").as_deref(), Some("a:1"));
        }
    }

    #[test]
    fn lower_case_wins_and_scheme_specific_beats_all() {
        let p = resolve(
            &ProxySource::Env(env(&[
                ("HTTPS_PROXY", "http://upper:1"),
                ("https_proxy", "http://lower:2"),
                ("ALL_PROXY", "http://all:3"),
            ])),
            None,
        )
        .unwrap();
        assert_eq!(route(&p, "https://x.example/").as_deref(), Some("lower:2"));
    }

    #[test]
    fn plain_http_never_goes_through_a_proxy() {
        for source in [
            ProxySource::Env(env(&[("HTTP_PROXY", "http://u:pw@p:8080")])),
            ProxySource::Env(env(&[("ALL_PROXY", "http://u:pw@p:8080")])),
            ProxySource::Explicit("http://u:pw@p:8080".into()),
        ] {
            let p = resolve(&source, None).unwrap().unwrap();
            for loopback in [
                "http://localhost:8080/",
                "http://LOCALHOST.:8080/",
                "http://app.localhost/",
                "http://127.0.0.1:8080/",
                "http://127.9.9.9/",
                "http://[::1]:8080/",
            ] {
                assert_eq!(
                    p.route(&loopback.parse().unwrap()),
                    Route::Direct,
                    "{loopback}"
                );
            }
            for other in [
                "http://api.example.com/",
                "http://10.0.0.1/",
                "http://localhost.example/",
            ] {
                assert!(
                    matches!(p.route(&other.parse().unwrap()), Route::Refused(_)),
                    "{other}"
                );
            }
        }
        let p = resolve(
            &ProxySource::Explicit("http://p:1".into()),
            Some("api.example.com"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            p.route(&"http://api.example.com/".parse().unwrap()),
            Route::Direct
        );
    }

    #[test]
    fn no_proxy_and_builder_bypass_list() {
        let p = resolve(
            &ProxySource::Env(env(&[
                ("HTTPS_PROXY", "http://p:1"),
                ("NO_PROXY", "a.test"),
            ])),
            Some("b.test"),
        )
        .unwrap();
        assert_eq!(route(&p, "https://a.test/").as_deref(), Some("p:1"));
        assert_eq!(route(&p, "https://b.test./"), None);
        let star = resolve(
            &ProxySource::Env(env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")])),
            None,
        )
        .unwrap();
        assert!(star.is_none(), "* alone: always direct");
    }

    #[test]
    fn cgi_ignores_upper_case_http_proxy() {
        let p = resolve(
            &ProxySource::Env(env(&[
                ("REQUEST_METHOD", "GET"),
                ("HTTP_PROXY", "http://attacker:1"),
            ])),
            None,
        )
        .unwrap();
        assert!(p.is_none());
    }

    #[test]
    fn explicit_ignores_environment_and_off_is_direct() {
        let p = resolve(
            &ProxySource::Explicit("http://e:9".into()),
            Some("skip.test"),
        )
        .unwrap();
        assert_eq!(route(&p, "https://x.test/").as_deref(), Some("e:9"));
        assert_eq!(route(&p, "https://skip.test/"), None);
        assert!(resolve(&ProxySource::Off, None).unwrap().is_none());
    }

    #[test]
    fn debug_shows_no_credentials() {
        let p = resolve(
            &ProxySource::Env(env(&[("HTTPS_PROXY", "http://us%40er:pa%3Ass@p:3128")])),
            None,
        )
        .unwrap();
        let shown = format!("{p:?}");
        assert!(
            !shown.contains("pa%3Ass") && !shown.contains("us%40er"),
            "{shown}"
        );
        assert!(shown.contains("http://***@p:3128"), "{shown}");
        let source = ProxySource::Explicit("http://alice:S3cr3tPw#x@127.0.0.1:3128".into());
        assert!(!format!("{source:?}").contains("S3cr3tPw"));
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "localhost.",
            "a.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback(yes), "{yes}");
        }
        for no in ["localhost.example", "10.0.0.1", "[::2]", "example.com", ""] {
            assert!(!is_loopback(no), "{no}");
        }
    }
}
