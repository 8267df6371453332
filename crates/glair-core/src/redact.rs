//! [`redact_userinfo`]: the one function that hides the `user:password@` of a URL wherever a
//! URL may be printed (`Debug`, errors, logs) — proxy URLs and base URLs alike.

use std::borrow::Cow;

/// `url` with everything between `scheme://` and the **last** `@` replaced by `***`, for
/// `Debug` output, errors and logs.
///
/// Why the last `@` anywhere, not the last one before the first `/`, `?` or `#`: a password
/// may hold those characters unencoded (`https://u:pa/ss@host`); a parser that ends the
/// authority at the first `/` would print `pa` as a host or a port. Any `@` after the
/// userinfo can only be in a path, query or fragment, which are hidden too: too much is
/// hidden rather than too little. Without `://` the text is taken as an authority
/// (`user:pw@host:port`, the curl shorthand for proxies).
///
/// ```
/// use glair_core::redact_userinfo;
///
/// assert_eq!(redact_userinfo("https://user:pw@example.com/x"), "https://***@example.com/x");
/// assert_eq!(redact_userinfo("http://u:pa/ss@proxy:3128"), "http://***@proxy:3128");
/// assert_eq!(redact_userinfo("u:p#w@proxy:3128"), "***@proxy:3128");
/// assert_eq!(redact_userinfo("https://example.com/a"), "https://example.com/a");
/// ```
pub fn redact_userinfo(url: &str) -> Cow<'_, str> {
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    match rest.rfind('@') {
        Some(at) => Cow::Owned(format!("{}***{}", &url[..authority_start], &rest[at..])),
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn userinfo_is_redacted_whatever_it_holds() {
        for (input, expected) in [
            ("https://u:p@h.example", "https://***@h.example"),
            ("http://a@b@h.example:80/p?q=@", "http://***@"),
            ("u:secret@h.example/x", "***@h.example/x"),
            ("https://u:pa/ss@h.example/", "https://***@h.example/"),
            ("https://u:p?w@h.example", "https://***@h.example"),
            ("https://u:p#w@h.example", "https://***@h.example"),
            (
                "http://alice:S3cr3tPw/x@127.0.0.1:3128",
                "http://***@127.0.0.1:3128",
            ),
            ("https://h.example/?to=a@b", "https://***@b"),
            ("https://h.example/a", "https://h.example/a"),
            ("not a url", "not a url"),
            ("", ""),
        ] {
            assert_eq!(redact_userinfo(input), expected, "{input}");
        }
    }

    proptest! {
        /// Whatever the user name and password hold (any characters, `/?#@:%` included,
        /// encoded or not), the redacted URL contains neither.
        #[test]
        fn no_password_survives(
            user in "[a-zA-Z0-9/?#@:%._~-]{0,12}",
            password in "[a-zA-Z0-9/?#@:%._~ -]{6,24}|\\PC{6,24}",
            scheme in prop::sample::select(vec!["http://", "https://", ""]),
            tail in prop::sample::select(vec!["", "/", "/x?y=1#f", ":3128"]),
        ) {
            let url = format!("{scheme}{user}:{password}@proxy.example{tail}");
            let shown = redact_userinfo(&url);
            prop_assert!(!shown.contains(&password), "{} -> {}", url, shown);
            prop_assert!(shown.ends_with(&format!("@proxy.example{tail}")), "{}", shown);
        }
    }
}
