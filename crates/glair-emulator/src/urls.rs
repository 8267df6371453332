//! Redirect URL checks (`success_url`, `cancel_url`, the public base) and appending `sid`.

/// Longest accepted redirect URL, in bytes.
pub(crate) const MAX_URL_LEN: usize = 2048;

/// Check that `url` is an absolute `http`/`https` URL with a host, without whitespace, control
/// characters or backslashes, at most [`MAX_URL_LEN`] bytes. The error says what is wrong.
pub(crate) fn validate_redirect_url(url: &str) -> Result<(), &'static str> {
    if url.is_empty() {
        return Err("must not be empty");
    }
    if url.len() > MAX_URL_LEN {
        return Err("must be at most 2048 bytes long");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain whitespace or control characters");
    }
    if url.contains('\\') {
        return Err("must not contain a backslash");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err("must be an absolute http or https URL");
    };
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err("must be an absolute http or https URL");
    }
    let Some(rest) = rest.strip_prefix("//") else {
        return Err("must be an absolute http or https URL");
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    // Userinfo is allowed; the host follows the last '@'.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port, is_v6) = if let Some(v6) = host_port.strip_prefix('[') {
        let Some((inside, after)) = v6.split_once(']') else {
            return Err("has an invalid host");
        };
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err("has an invalid host");
        }
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return Err("has an invalid host"),
            },
        };
        (inside, port, true)
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p), false),
            None => (host_port, None, false),
        }
    };
    if host.is_empty() {
        return Err("must have a host");
    }
    if !is_v6
        && !host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '%'))
    {
        return Err("has an invalid host");
    }
    if let Some(port) = port {
        if !port.is_empty() && (port.len() > 5 || port.parse::<u16>().is_err()) {
            return Err("has an invalid port");
        }
    }
    Ok(())
}

/// `url` with `sid=SID` appended to its query string; existing parameters and the fragment
/// are kept: `https://a.example/done?x=1#frag` → `https://a.example/done?x=1&sid=SID#frag`.
pub(crate) fn append_sid(url: &str, sid: &str) -> String {
    let (base, fragment) = match url.find('#') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let separator = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    let mut out = String::with_capacity(url.len() + sid.len() + 6);
    out.push_str(base);
    out.push_str(separator);
    out.push_str("sid=");
    out.push_str(sid);
    out.push_str(fragment);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_urls() {
        for ok in [
            "https://yourdomain.com?success=true",
            "http://localhost:3000/done",
            "HTTPS://Example.COM/a/b?c=d#e",
            "https://user:pw@example.com/",
            "http://127.0.0.1:8080",
            "http://[::1]:8080/x",
            "https://bücher.example/",
            "https://example.com:/x",
        ] {
            assert_eq!(validate_redirect_url(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_urls() {
        let long = format!("https://example.com/{}", "a".repeat(2048));
        for bad in [
            "",
            "example.com/done",
            "/relative/path",
            "ftp://example.com/",
            "javascript:alert(1)",
            "https:example.com",
            "https://",
            "https:///path",
            "https://@/x",
            "http://:80/",
            "https://exa mple.com/",
            "https://example.com/\n",
            "https://example.com/\u{7f}",
            "https://example.com\\@evil.example/",
            "https://example.com:99999/",
            "https://example.com:80a/",
            "https://ex<ample.com/",
            "http://[zz]/",
            "http://[::1/",
            "http://a:b:80/",
            long.as_str(),
        ] {
            assert!(validate_redirect_url(bad).is_err(), "{bad:?}");
        }
        let exactly = format!("https://example.com/{}", "a".repeat(2048 - 20));
        assert_eq!(exactly.len(), 2048);
        assert_eq!(validate_redirect_url(&exactly), Ok(()));
    }

    #[test]
    fn appends_sid_keeping_query_and_fragment() {
        let sid = "abc123";
        assert_eq!(
            append_sid("https://a.example/done", sid),
            "https://a.example/done?sid=abc123"
        );
        assert_eq!(
            append_sid("https://a.example/done?x=1#frag", sid),
            "https://a.example/done?x=1&sid=abc123#frag"
        );
        assert_eq!(
            append_sid("https://a.example/done#frag?not=query", sid),
            "https://a.example/done?sid=abc123#frag?not=query"
        );
        assert_eq!(
            append_sid("https://a.example/?", sid),
            "https://a.example/?sid=abc123"
        );
        assert_eq!(
            append_sid("https://a.example/?a=1&", sid),
            "https://a.example/?a=1&sid=abc123"
        );
        assert_eq!(
            append_sid("https://yourdomain.com?success=true", sid),
            "https://yourdomain.com?success=true&sid=abc123"
        );
    }
}
