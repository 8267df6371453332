//! Validation of the absolute `http`/`https` URLs this SDK sends or is configured with.
//!
//! The `url` crate would pull in about 25 crates (IDNA tables); an `http::Uri` parse plus the
//! explicit checks below is enough for what GLAIR accepts: ASCII, absolute, http(s), a host,
//! no embedded credentials.

use std::net::IpAddr;

use http::Uri;

use crate::error::InvalidInput;

/// The longest URL accepted, in bytes. Browsers and servers commonly cap URLs near 2 KiB, and
/// GLAIR appends `sid` to `success_url`, so longer URLs would fail later and less clearly.
pub const MAX_URL_LEN: usize = 2048;

/// A checked absolute URL: its scheme, host and whether it contained a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CheckedUrl {
    pub(crate) uri: Uri,
    pub(crate) https: bool,
}

impl CheckedUrl {
    /// The host without IPv6 brackets.
    pub(crate) fn host(&self) -> &str {
        let host = self.uri.host().unwrap_or_default();
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }

    /// Whether the host is `localhost` or a loopback IP address.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host();
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// Checks that `value` is an absolute `http`/`https` URL that is safe to send, naming `field`
/// in the error otherwise.
pub(crate) fn check_web_url(field: &'static str, value: &str) -> Result<CheckedUrl, InvalidInput> {
    let fail = |problem: String| InvalidInput::new(field, problem);
    if value.is_empty() {
        return Err(fail("must not be empty".into()));
    }
    if value.len() > MAX_URL_LEN {
        return Err(fail(format!(
            "is {} bytes long; at most {MAX_URL_LEN} are allowed",
            value.len()
        )));
    }
    if !value.is_ascii() {
        return Err(fail(
            "must be ASCII: percent-encode other characters".into(),
        ));
    }
    if value.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(fail("contains whitespace or a control character".into()));
    }
    let has_prefix = |prefix: &str| {
        value
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let https = if has_prefix("https://") {
        true
    } else if has_prefix("http://") {
        false
    } else {
        return Err(fail(
            "must be an absolute URL starting with http:// or https://".into(),
        ));
    };
    // `http::Uri` does not take fragments; the fragment is kept as given (GLAIR keeps it when
    // redirecting), so only the part before it is parsed.
    let before_fragment = value.split_once('#').map_or(value, |(head, _)| head);
    let uri: Uri = before_fragment
        .parse()
        .map_err(|_| fail("is not a valid URL".into()))?;
    let Some(authority) = uri.authority() else {
        return Err(fail("must include a host".into()));
    };
    if authority.as_str().contains('@') {
        return Err(fail(
            "must not contain a user name or password (user:pass@host)".into(),
        ));
    }
    if authority.host().is_empty() {
        return Err(fail("must include a host".into()));
    }
    check_port(authority.as_str()).map_err(fail)?;
    Ok(CheckedUrl { uri, https })
}

/// Checks a URL the service will send the user's browser to (`success_url`, `cancel_url`)
/// as [`check_web_url`] does.
///
/// Apps send the same few redirect URLs with every create, so the last two found valid on
/// this thread are remembered (at most 2 × [`MAX_URL_LEN`] bytes per thread) and found again
/// by comparing bytes: the full check (an `http::Uri` parse and the checks above, about
/// 2,000 instructions per URL measured with glair-bench under callgrind) then runs only for
/// a URL not seen last. Whether a URL passes depends on nothing but its text, so remembering
/// changes no answer.
pub(crate) fn check_redirect_url(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    use std::cell::RefCell;
    thread_local! {
        static RECENT: RefCell<([String; 2], usize)> =
            const { RefCell::new(([String::new(), String::new()], 0)) };
    }
    let seen = RECENT.with(|recent| {
        recent.try_borrow().is_ok_and(|recent| {
            let (urls, _) = &*recent;
            !value.is_empty() && urls.iter().any(|url| url == value)
        })
    });
    if seen {
        return Ok(());
    }
    check_web_url(field, value)?;
    RECENT.with(|recent| {
        if let Ok(mut recent) = recent.try_borrow_mut() {
            let (urls, next) = &mut *recent;
            let slot = &mut urls[*next % 2];
            slot.clear();
            slot.push_str(value);
            *next = next.wrapping_add(1);
        }
    });
    Ok(())
}

/// Refuses a port that is not a number from 1 to 65535. `http::Uri` accepts `:0` and, for
/// ports that do not fit 16 bits, silently drops them, which would send the request (with its
/// credentials) to the scheme's default port instead.
fn check_port(authority: &str) -> Result<(), String> {
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let port = match host_port.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            // After `[v6]` only nothing or `:port` may follow (`http::Uri` would read
            // `[::1]x:70000` as host `[::1]` on the default port).
            Some((_, "")) => None,
            Some((_, after)) => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err("has text after its [IPv6] host".to_owned()),
            },
            None => return Err("has an unclosed [ in its host".to_owned()),
        },
        None => host_port.rsplit_once(':').map(|(_, port)| port),
    };
    let Some(port) = port else { return Ok(()) };
    let valid = !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
    if valid {
        Ok(())
    } else {
        // The text is not quoted: it may be part of a password (`user:pa/ss@host`).
        Err("has an invalid port: a port must be a number from 1 to 65535".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_redirect_urls_get_the_same_answers() {
        let good = [
            "https://a.example/done",
            "https://b.example/x",
            "https://c.example/",
        ];
        for _ in 0..3 {
            for url in good {
                assert!(check_redirect_url("success_url", url).is_ok());
            }
            for bad in [
                "",
                "ftp://a.example",
                "https://u:p@a.example/",
                "https://a.example:0/",
            ] {
                let err = check_redirect_url("cancel_url", bad).unwrap_err();
                assert_eq!(err.field(), "cancel_url");
            }
        }
    }

    #[test]
    fn accepts_ordinary_urls() {
        for ok in [
            "https://example.com",
            "https://example.com/done?x=1&y=2#frag",
            "http://127.0.0.1:8080/cb",
            "HTTPS://EXAMPLE.COM/",
            "http://[::1]:3000/x",
            "https://example.com:1/",
            "https://example.com:65535/",
            "http://[::1]/",
        ] {
            assert!(check_web_url("success_url", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_bad_urls_naming_the_field_and_problem() {
        let cases = [
            ("", "must not be empty"),
            ("/relative", "absolute"),
            ("example.com/x", "absolute"),
            ("ftp://example.com/x", "absolute"),
            ("javascript:alert(1)", "absolute"),
            ("https://user:pw@example.com/", "user name or password"),
            ("https://example.com/a b", "whitespace"),
            ("https://example.com/\u{7}", "control"),
            ("https://exämple.com/", "ASCII"),
            ("https:///nohost", "not a valid URL"),
            ("https://example.com:0/", "from 1 to 65535"),
            ("https://example.com:65536/", "from 1 to 65535"),
            ("https://example.com:99999/x", "from 1 to 65535"),
            ("http://127.0.0.1:4294967297/", "from 1 to 65535"),
            ("http://[::1]:70000/", "from 1 to 65535"),
            ("https://example.com:/", "from 1 to 65535"),
            ("http://[::1]x:70000/", "after its [IPv6] host"),
            ("http://[::1]x:0/", "after its [IPv6] host"),
            ("https://u:hun/ter2@x.example", "from 1 to 65535"),
        ];
        for (input, expected) in cases {
            let err = check_web_url("cancel_url", input).unwrap_err();
            assert_eq!(err.field(), "cancel_url");
            assert!(err.to_string().contains(expected), "{input:?} -> {err}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_LEN));
        assert!(
            check_web_url("success_url", &long)
                .unwrap_err()
                .to_string()
                .contains("at most 2048")
        );
    }

    #[test]
    fn error_never_echoes_the_value() {
        for url in [
            "https://user:hunter2@example.com/",
            "https://u:hun/ter2@x.example",
            "https://u:hun?ter2@x.example",
            "https://u:hun#ter2@x.example",
            "https://u:hun:ter2@x.example",
            "http://[::1]hunter2:1/",
        ] {
            if let Err(err) = check_web_url("success_url", url) {
                for piece in ["hunter2", "hun", "ter2"] {
                    assert!(!err.to_string().contains(piece), "{url}: {err}");
                }
            }
        }
    }

    #[test]
    fn loopback_detection() {
        let loopback = |u: &str| check_web_url("base_url", u).unwrap().is_loopback();
        assert!(loopback("http://localhost:8080"));
        assert!(loopback("http://127.0.0.1"));
        assert!(loopback("http://127.9.9.9"));
        assert!(loopback("http://[::1]:80"));
        assert!(!loopback("http://10.0.0.1"));
        assert!(!loopback("http://example.com"));
        assert!(!loopback("http://localhost.example.com"));
    }
}
