//! One proxy URL, checked completely when the transport is built.
//!
//! Accepted: `http://[user[:password]@]host[:port][/]`, or the same without `http://` (curl's
//! shorthand). The host is a name (letters, digits, `-`, `.`, `_`), an IPv4 address or a
//! bracketed IPv6 address; the port is a number from 1 to 65535, 80 when absent. The user
//! name and password are percent-encoded (a `/`, `?`, `#`, `@` or `:` in them must be) and
//! decode to UTF-8. Everything else is a build error that names where the URL came from and
//! the problem, and quotes nothing of the URL: any part of it may be part of a password.

use std::fmt;
use std::net::Ipv6Addr;

use crate::error::BuildError;

/// A checked `http://` proxy. `Debug` shows `http://***@host:port`, never the credentials.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxyUrl {
    /// As written in a URI: a name, an IPv4 address or `[v6]`.
    host: String,
    port: u16,
    credentials: Option<Credentials>,
}

/// The decoded user name and password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) user: String,
    pub(crate) password: String,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let userinfo = if self.credentials.is_some() {
            "***@"
        } else {
            ""
        };
        write!(f, "http://{userinfo}{}:{}", self.host, self.port)
    }
}

impl ProxyUrl {
    /// Checks `value`; errors begin with `origin` (the variable's name, or "the builder's
    /// proxy").
    pub(crate) fn parse(origin: &str, value: &str) -> Result<Self, BuildError> {
        let fail = |why: &str| BuildError::Proxy {
            message: format!("{origin} {why}"),
        };
        let value = value.trim();
        let rest = match value.split_once("://") {
            None => value,
            Some((scheme, rest)) => {
                let scheme = scheme.to_ascii_lowercase();
                match scheme.as_str() {
                    "http" => rest,
                    "https" => {
                        return Err(fail(
                            "uses https://: TLS to the proxy itself is not supported; use the proxy's http:// address (HTTPS to the origin is still end-to-end encrypted through the tunnel)",
                        ));
                    }
                    s if s.starts_with("socks") => {
                        return Err(fail(
                            "is a SOCKS proxy, which this transport does not support; use an HTTP proxy or ignore the environment (proxy_from_env(false))",
                        ));
                    }
                    _ => {
                        return Err(fail(
                            "has an unsupported scheme: only http:// proxies work (http://[user:password@]host:port)",
                        ));
                    }
                }
            }
        };
        // The userinfo ends at the last `@`, as `redact_userinfo` reads it.
        let (userinfo, host_port) = match rest.rfind('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        if userinfo.is_some_and(|u| u.contains(['/', '?', '#'])) {
            return Err(fail(
                "has a path, query or fragment, or a user name or password holding an unencoded '/', '?' or '#' (percent-encode them: %2F, %3F, %23)",
            ));
        }
        let host_port = host_port.strip_suffix('/').unwrap_or(host_port);
        if host_port.contains(['/', '?', '#']) {
            return Err(fail("must not have a path, query or fragment"));
        }
        let (host, port) = split_host_port(host_port).map_err(&fail)?;
        let port = match port {
            None => 80,
            Some(text) => parse_port(text).ok_or_else(|| {
                fail("has an invalid port: a port must be a number from 1 to 65535")
            })?,
        };
        let credentials = match userinfo {
            None => None,
            Some(userinfo) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |part: &str| {
                    percent_decode(part).ok_or_else(|| {
                        fail(
                            "has a user name or password that is not valid percent-encoded UTF-8 (encode each character other than letters, digits and -._~ as %XX)",
                        )
                    })
                };
                Some(Credentials {
                    user: decode(user)?,
                    password: decode(password)?,
                })
            }
        };
        Ok(ProxyUrl {
            host: host.to_ascii_lowercase(),
            port,
            credentials,
        })
    }

    /// `host:port`, safe to show anywhere.
    pub(crate) fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The host as in a URI (`[v6]` bracketed).
    #[cfg(feature = "ureq")]
    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    #[cfg(feature = "ureq")]
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The decoded user name and password, if the URL had any.
    #[cfg(any(feature = "ureq", test))]
    pub(crate) fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// `Basic base64(user:password)`, for `Proxy-Authorization`.
    #[cfg(feature = "hyper")]
    pub(crate) fn basic_auth(&self) -> Option<String> {
        use base64::Engine as _;
        self.credentials.as_ref().map(|c| {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{}:{}", c.user, c.password));
            format!("Basic {token}")
        })
    }
}

/// Splits `host[:port]` / `[v6][:port]`; the host must be non-empty and well-formed.
fn split_host_port(text: &str) -> Result<(&str, Option<&str>), &'static str> {
    if let Some(bracketed) = text.strip_prefix('[') {
        let Some((inside, after)) = bracketed.split_once(']') else {
            return Err("has an unclosed [ in its host");
        };
        if inside.parse::<Ipv6Addr>().is_err() {
            return Err("has an invalid IPv6 address in its host");
        }
        let host = &text[..inside.len() + 2];
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("has text after its [IPv6] host"),
            },
        };
    }
    let (host, port) = match text.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    };
    if host.is_empty() {
        return Err("has no host: expected http://[user:password@]host:port");
    }
    let valid = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    if !valid {
        return Err(
            "has an invalid host: only letters, digits, '-', '.' and '_', an IPv4 address or a bracketed IPv6 address",
        );
    }
    Ok((host, port))
}

/// A port from 1 to 65535, digits only.
fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|p| *p != 0)
}

/// Decodes `%XX` escapes; `None` for a malformed escape, a byte outside the URI userinfo
/// characters, or text that is not UTF-8 once decoded.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b) {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_urls() {
        let p = ProxyUrl::parse("X", "http://us%40er:pa%3Ass@P.example:3128/").unwrap();
        assert_eq!(p.address(), "p.example:3128");
        let c = p.credentials().unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("us@er", "pa:ss"));
        assert_eq!(format!("{p:?}"), "http://***@p.example:3128");
        assert_eq!(ProxyUrl::parse("X", "p:8080").unwrap().address(), "p:8080");
        assert_eq!(ProxyUrl::parse("X", "HTTP://p").unwrap().address(), "p:80");
        assert_eq!(
            ProxyUrl::parse("X", "http://[::1]:1").unwrap().address(),
            "[::1]:1"
        );
        assert_eq!(
            ProxyUrl::parse("X", "http://u@10.0.0.1:65535")
                .unwrap()
                .address(),
            "10.0.0.1:65535"
        );
    }

    #[test]
    fn bad_urls_name_the_origin_and_problem_and_quote_nothing() {
        for (value, why) in [
            ("socks5://user:SECRET@p:1080", "SOCKS"),
            ("https://user:SECRET@p:443", "TLS to the proxy"),
            ("ftp://p:21", "unsupported scheme"),
            ("http://user:SECRET@p:3128/path", "path"),
            ("http://user:SECRET@p:3128?q", "path"),
            ("http://user:SECRET@p:3128#f", "path"),
            ("http://alice:SECRET/x@127.0.0.1:3128", "unencoded '/'"),
            ("http://alice:SECRET#x@127.0.0.1:3128", "unencoded '/'"),
            ("http://", "no host"),
            ("http://u:SECRET@:3128", "no host"),
            ("http://u:SECRET@127.0.0.1:99999", "from 1 to 65535"),
            ("http://u:SECRET@127.0.0.1:65536", "from 1 to 65535"),
            ("http://u:SECRET@127.0.0.1:31a8", "from 1 to 65535"),
            ("http://u:SECRET@127.0.0.1:", "from 1 to 65535"),
            ("http://u:SECRET@127.0.0.1:0", "from 1 to 65535"),
            ("http://u:SECRET@h:1:2", "from 1 to 65535"),
            ("http://u:SECRET@[::1", "unclosed"),
            ("http://u:SECRET@[zz]:1", "IPv6"),
            ("http://u:SECRET@[::1]x", "after its [IPv6]"),
            ("http://u:SEC RET@h:1", "percent-encoded"),
            ("http://u:SECRET%ff@h:1", "percent-encoded"),
            ("http://u:SECRET%4@h:1", "percent-encoded"),
            ("http://u:SECRET@h st:1", "invalid host"),
        ] {
            let err = ProxyUrl::parse("HTTPS_PROXY", value).expect_err(value);
            let text = err.to_string();
            assert!(text.contains("HTTPS_PROXY"), "{text}");
            assert!(text.contains(why), "{value}: {text}");
            assert!(!text.contains("SECRET") && !text.contains("SEC"), "{text}");
            for port in ["99999", "65536", "31a8", "3128"] {
                assert!(!text.contains(port), "{value}: {text}");
            }
        }
    }
}
