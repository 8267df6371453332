//! Which proxy a request goes through, resolved once when the transport is built.
//!
//! The matching itself is hyper-util's [`Matcher`] (curl's `NO_PROXY` rules); this module
//! decides where its input comes from (the environment, through an injectable source, or the
//! builder), checks every proxy URL up front so that a typo is a clear build error instead of
//! silently connecting direct, and describes the result without credentials.

use std::fmt;
use std::sync::Arc;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};

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
            Self::Explicit(url) => write!(f, "Explicit({})", redact(url)),
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

/// The resolved proxy rules of a transport.
pub(crate) struct Proxies {
    matcher: Matcher,
    /// For `Debug`: each proxy as `scheme://host:port` (never the userinfo) and its origin.
    description: String,
    /// The bypass list has `*`: the (still checked) proxies are never used.
    everything_bypassed: bool,
}

impl fmt::Debug for Proxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.description)
    }
}

impl Proxies {
    /// The proxy for `uri`, or `None` to connect direct.
    pub(crate) fn intercept(&self, uri: &http::Uri) -> Option<Intercept> {
        self.matcher.intercept(uri)
    }
}

/// One variable's name (as found) and value, the lower-case name winning as in curl.
struct Found {
    name: String,
    value: String,
}

fn lookup(env: &EnvSource, names: &[&str]) -> Option<Found> {
    names.iter().find_map(|name| {
        env(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .map(|value| Found {
                name: (*name).to_owned(),
                value,
            })
    })
}

/// True for a bypass list with a `*` entry, which in curl matches every host. (hyper-util's
/// matcher applies `*` to host names but not to IP addresses, so it is handled here.)
fn bypasses_everything(no_proxy: &str) -> bool {
    no_proxy.split(',').any(|entry| entry.trim() == "*")
}

/// Resolves `source` (with an optional explicit bypass list that replaces `NO_PROXY`).
/// `Ok(None)` means "always direct".
pub(crate) fn resolve(
    source: &ProxySource,
    no_proxy: Option<&str>,
) -> Result<Option<Proxies>, BuildError> {
    let resolved = resolve_rules(source, no_proxy)?;
    Ok(resolved.filter(|p| !p.everything_bypassed))
}

fn resolve_rules(
    source: &ProxySource,
    no_proxy: Option<&str>,
) -> Result<Option<Proxies>, BuildError> {
    match source {
        ProxySource::Off => Ok(None),
        ProxySource::Explicit(url) => {
            let url = checked("the builder's proxy", url)?;
            let no = no_proxy.unwrap_or_default();
            let description = format!("all via {}; no_proxy={no:?}", redact(&url));
            let everything_bypassed = bypasses_everything(no);
            let matcher = Matcher::builder().all(url).no(no).build();
            Ok(Some(Proxies {
                matcher,
                description,
                everything_bypassed,
            }))
        }
        ProxySource::Env(env) => {
            // In a CGI script HTTP_PROXY can come from the request's `Proxy:` header
            // ("httpoxy"): there, like curl, only the lower-case `http_proxy` counts.
            let cgi = env("REQUEST_METHOD").is_some();
            let http_names: &[&str] = if cgi {
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
            let no = no_proxy.map(str::to_owned).or(env_no).unwrap_or_default();
            let mut builder = Matcher::builder();
            let mut parts = Vec::new();
            if let Some(found) = &https {
                let url = checked(&found.name, &found.value)?;
                parts.push(format!("https via {} ({})", redact(&url), found.name));
                builder = builder.https(url);
            }
            if let Some(found) = &http {
                let url = checked(&found.name, &found.value)?;
                parts.push(format!("http via {} ({})", redact(&url), found.name));
                builder = builder.http(url);
            }
            if let Some(found) = &all {
                let url = checked(&found.name, &found.value)?;
                parts.push(format!("otherwise via {} ({})", redact(&url), found.name));
                builder = builder.all(url);
            }
            parts.push(format!("no_proxy={no:?}"));
            Ok(Some(Proxies {
                everything_bypassed: bypasses_everything(&no),
                matcher: builder.no(no).build(),
                description: parts.join("; "),
            }))
        }
    }
}

/// Checks a proxy URL and returns it with a scheme (`host:port` means `http://host:port`, as
/// in curl). Errors name `origin` and the redacted URL, never the credentials.
fn checked(origin: &str, value: &str) -> Result<String, BuildError> {
    let value = value.trim();
    let url = if value.contains("://") {
        value.to_owned()
    } else {
        format!("http://{value}")
    };
    let fail = |why: &str| BuildError::Proxy {
        message: format!("{origin} ({}) {why}", redact(&url)),
    };
    let uri: http::Uri = url
        .parse()
        .map_err(|_| fail("is not a valid URL: expected http://[user:password@]host:port"))?;
    match uri.scheme_str().map(str::to_ascii_lowercase).as_deref() {
        Some("http") => {}
        Some("https") => {
            return Err(fail(
                "uses https://: TLS to the proxy itself is not supported; use the proxy's http:// address (HTTPS to the origin is still end-to-end encrypted through the tunnel)",
            ));
        }
        Some(s) if s.starts_with("socks") => {
            return Err(fail(
                "is a SOCKS proxy, which this transport does not support; use an HTTP proxy or ignore the environment (HyperTransportBuilder::proxy_from_env(false))",
            ));
        }
        _ => return Err(fail("has an unsupported scheme: only http:// proxies work")),
    }
    let host = uri.host().unwrap_or_default();
    if host.is_empty() {
        return Err(fail("has no host"));
    }
    if uri
        .path_and_query()
        .is_some_and(|p| p.as_str() != "/" && !p.as_str().is_empty())
    {
        return Err(fail("must not have a path or query"));
    }
    Ok(url)
}

/// `scheme://host:port` of a URL, without userinfo, path or query: safe to show anywhere.
pub(crate) fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let userinfo = if authority.contains('@') { "***@" } else { "" };
    format!("{scheme}://{userinfo}{host_port}")
}

/// `host:port` of a proxy URI (as hyper-util's `Intercept` gives it, without userinfo).
pub(crate) fn proxy_address(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let port = uri.port_u16().unwrap_or(80);
    format!("{host}:{port}")
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
        proxies
            .as_ref()
            .and_then(|p| p.intercept(&uri))
            .map(|i| proxy_address(i.uri()))
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
        for name in ["HTTP_PROXY", "http_proxy"] {
            let p = resolve(&ProxySource::Env(env(&[(name, "p:8080")])), None).unwrap();
            assert_eq!(
                route(&p, "http://api.example.com/").as_deref(),
                Some("p:8080")
            );
            assert_eq!(route(&p, "https://api.example.com/"), None);
        }
        for name in ["ALL_PROXY", "all_proxy"] {
            let p = resolve(&ProxySource::Env(env(&[(name, "http://a:1")])), None).unwrap();
            assert_eq!(route(&p, "http://x.example/").as_deref(), Some("a:1"));
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
        assert_eq!(route(&p, "http://x.example/").as_deref(), Some("all:3"));
    }

    #[test]
    fn no_proxy_follows_curl() {
        let p = resolve(
            &ProxySource::Env(env(&[
                ("HTTPS_PROXY", "http://p:3128"),
                (
                    "no_proxy",
                    "example.com, .internal, 10.0.0.0/8, ::1,127.0.0.1",
                ),
            ])),
            None,
        )
        .unwrap();
        for direct in [
            "https://example.com/",
            "https://API.Example.com/",
            "https://deep.svc.internal/",
            "https://10.1.2.3/",
            "https://[::1]:8443/",
            "https://127.0.0.1:8443/",
        ] {
            assert_eq!(route(&p, direct), None, "{direct}");
        }
        for proxied in [
            "https://notexample.com/",
            "https://example.com.evil.test/",
            "https://11.0.0.1/",
            "https://127.0.0.2/",
        ] {
            assert_eq!(route(&p, proxied).as_deref(), Some("p:3128"), "{proxied}");
        }
        let star = resolve(
            &ProxySource::Env(env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")])),
            None,
        )
        .unwrap();
        assert_eq!(route(&star, "https://anything.example/"), None);
        assert_eq!(
            route(&star, "https://127.0.0.1:1/"),
            None,
            "* covers IP hosts too"
        );
        let listed = resolve(
            &ProxySource::Explicit("http://p:1".into()),
            Some("a.test, * ,b.test"),
        )
        .unwrap();
        assert_eq!(route(&listed, "https://[::1]:1/"), None);
    }

    #[test]
    fn builder_bypass_list_replaces_no_proxy() {
        let p = resolve(
            &ProxySource::Env(env(&[
                ("HTTPS_PROXY", "http://p:1"),
                ("NO_PROXY", "a.test"),
            ])),
            Some("b.test"),
        )
        .unwrap();
        assert_eq!(route(&p, "https://a.test/").as_deref(), Some("p:1"));
        assert_eq!(route(&p, "https://b.test/"), None);
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
    fn explicit_ignores_environment() {
        let p = resolve(
            &ProxySource::Explicit("http://e:9".into()),
            Some("skip.test"),
        )
        .unwrap();
        assert_eq!(route(&p, "https://x.test/").as_deref(), Some("e:9"));
        assert_eq!(route(&p, "http://x.test/").as_deref(), Some("e:9"));
        assert_eq!(route(&p, "https://skip.test/"), None);
        assert!(resolve(&ProxySource::Off, None).unwrap().is_none());
    }

    #[test]
    fn credentials_become_basic_auth_and_stay_out_of_debug() {
        let p = resolve(
            &ProxySource::Env(env(&[("HTTPS_PROXY", "http://us%40er:pa%3Ass@p:3128")])),
            None,
        )
        .unwrap();
        let uri: http::Uri = "https://x.test/".parse().unwrap();
        let intercept = p.as_ref().unwrap().intercept(&uri).unwrap();
        // base64("us@er:pa:ss")
        assert_eq!(intercept.basic_auth().unwrap(), "Basic dXNAZXI6cGE6c3M=");
        let shown = format!("{p:?} {intercept:?}");
        assert!(
            !shown.contains("pa%3Ass") && !shown.contains("us%40er"),
            "{shown}"
        );
        assert!(shown.contains("http://***@p:3128"), "{shown}");
    }

    #[test]
    fn bad_urls_are_build_errors_without_the_secret() {
        for (value, why) in [
            ("socks5://user:SECRET@p:1080", "SOCKS"),
            ("https://user:SECRET@p:443", "TLS to the proxy"),
            ("ftp://p:21", "unsupported scheme"),
            ("http://user:SECRET@p:3128/path", "path"),
            ("http://", "not a valid URL"),
        ] {
            let err = resolve(&ProxySource::Env(env(&[("HTTPS_PROXY", value)])), None)
                .err()
                .unwrap_or_else(|| panic!("{value} accepted"));
            let text = err.to_string();
            assert!(text.contains("HTTPS_PROXY"), "{text}");
            assert!(text.contains(why), "{value}: {text}");
            assert!(!text.contains("SECRET"), "{text}");
        }
    }

    #[test]
    fn redact_keeps_only_scheme_host_port() {
        assert_eq!(redact("http://u:p@h:1/x?y"), "http://***@h:1");
        assert_eq!(redact("http://h:1"), "http://h:1");
        assert_eq!(redact("h:1"), "http://h:1");
        assert_eq!(redact("http://a@b:c@h:1"), "http://***@h:1");
    }
}
