//! The session id (`sid`): validated once, so that no input can change which resource a
//! request targets.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::error::InvalidInput;

/// The longest session id accepted. Observed sids are 32 characters; the margin leaves room
/// for the service to lengthen them without making this SDK refuse them.
pub const MAX_SESSION_ID_LEN: usize = 128;

/// Characters escaped when a sid is placed in a path: everything but the unreserved set.
/// Validation already restricts sids to that set, so escaping never changes a valid sid; it is
/// kept so that the path is safe by construction, not only by validation.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_');

/// A GLAIR session id, the `sid` that identifies a hosted session.
///
/// Accepted: 1 to [`MAX_SESSION_ID_LEN`] ASCII letters, digits, `-` and `_`. Everything else
/// (`/`, `.`, `%`, `?`, `#`, whitespace, non-ASCII) is refused with an error naming `sid`, so a
/// sid taken from a browser redirect cannot reach any other path on the API.
///
/// ```
/// use glair_types::SessionId;
///
/// let sid: SessionId = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z".parse()?;
/// assert_eq!(sid.as_str().len(), 32);
/// assert!("../admin".parse::<SessionId>().is_err());
///
/// // From the URL GLAIR redirected the user to:
/// let sid = SessionId::from_redirect_url("https://app.example/done?state=x&sid=abc123")?;
/// assert_eq!(sid.as_str(), "abc123");
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(String);

impl SessionId {
    /// Checks `sid` and wraps it.
    pub fn new(sid: impl Into<String>) -> Result<Self, InvalidInput> {
        let sid = sid.into();
        if sid.is_empty() {
            return Err(InvalidInput::new("sid", "must not be empty"));
        }
        if sid.len() > MAX_SESSION_ID_LEN {
            return Err(InvalidInput::new(
                "sid",
                format!(
                    "is {} bytes long; at most {MAX_SESSION_ID_LEN} are allowed",
                    sid.len()
                ),
            ));
        }
        if sid.bytes().all(is_sid_byte) {
            return Ok(Self(sid));
        }
        if let Some(bad) = sid
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(InvalidInput::new(
                "sid",
                format!(
                    "contains {}; only ASCII letters, digits, '-' and '_' are allowed",
                    describe_char(bad)
                ),
            ));
        }
        Ok(Self(sid))
    }

    /// The sid as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads the sid from a session's hosted-page `url`: its last path segment, as in
    /// `https://vision.glair.ai/passive-liveness/{sid}`.
    pub fn from_session_url(url: &str) -> Result<Self, InvalidInput> {
        // Read on every create, so without a full URL parse: after `scheme://`, the path is
        // what follows the authority, up to the query or fragment. The sid itself is then
        // checked by `SessionId::new`, which allows only a strict alphabet.
        let has_prefix = |prefix: &str| {
            url.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        let rest = if has_prefix("https://") {
            &url[8..]
        } else if has_prefix("http://") {
            &url[7..]
        } else {
            return Err(InvalidInput::new(
                "url",
                "must be an absolute URL starting with http:// or https://",
            ));
        };
        if let Some(sid) = Self::plain_sid_at_end(rest) {
            return Ok(sid);
        }
        Self::sid_of_path(rest)
    }

    /// The usual case, with the library's fast byte searches: no query or fragment, and a
    /// plain sid after the last `/` of `rest` (what follows `scheme://`: that `/` ends the
    /// authority or a path segment, never the host). `None` sends the URL to
    /// [`sid_of_path`](Self::sid_of_path), which reads every URL and gives the same answer
    /// where this one answers (a property test checks it).
    fn plain_sid_at_end(rest: &str) -> Option<Self> {
        // memchr's searches (vectorised) rather than the standard library's: two scans of a
        // session URL cost about 400 instructions per decoded session (glair-types' codec
        // bench under callgrind), about 60 this way.
        let bytes = rest.as_bytes();
        if memchr::memchr2(b'?', b'#', bytes).is_some() {
            return None;
        }
        let segment = &rest[memchr::memrchr(b'/', bytes)? + 1..];
        let plain = !segment.is_empty()
            && segment.len() <= MAX_SESSION_ID_LEN
            && segment.bytes().all(is_sid_byte);
        plain.then(|| Self(segment.to_owned()))
    }

    /// The sid of `rest` (a URL after `scheme://`): the last segment of its path, decoded.
    fn sid_of_path(rest: &str) -> Result<Self, InvalidInput> {
        let end = rest
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(rest.len());
        let before_query = &rest[..end];
        let path = before_query
            .bytes()
            .position(|b| b == b'/')
            .map_or("", |slash| &before_query[slash + 1..]);
        let path = path.trim_end_matches('/');
        let segment = path
            .bytes()
            .rposition(|b| b == b'/')
            .map_or(path, |slash| &path[slash + 1..]);
        if segment.is_empty() {
            return Err(InvalidInput::new(
                "url",
                "has no path segment to read a sid from",
            ));
        }
        // The usual case: a plain sid, with nothing to decode (no `%` or `+` is a sid byte).
        if segment.len() <= MAX_SESSION_ID_LEN && segment.bytes().all(is_sid_byte) {
            return Ok(Self(segment.to_owned()));
        }
        Self::new(decode_component("sid", segment)?)
    }

    /// Reads the `sid` query parameter from the URL GLAIR redirected the user to
    /// (`success_url` with `sid` appended).
    ///
    /// Only the sid is read. Nothing else in that URL can be trusted — the user's browser
    /// delivered it and anyone can type one — so the result must always be fetched from
    /// GLAIR with this sid, server side. Accepts an absolute URL or just the path and query
    /// your web framework hands you (`/done?sid=…`). Refuses a URL with no `sid`, with more
    /// than one, or with an invalid one.
    pub fn from_redirect_url(url: &str) -> Result<Self, InvalidInput> {
        let without_fragment = url.split_once('#').map_or(url, |(head, _)| head);
        let Some((_, query)) = without_fragment.split_once('?') else {
            return Err(InvalidInput::new(
                "sid",
                "the redirect URL has no query string, so it carries no sid",
            ));
        };
        let mut found = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if decode_component("sid", key)? != "sid" {
                continue;
            }
            if found.is_some() {
                return Err(InvalidInput::new(
                    "sid",
                    "the redirect URL carries more than one sid parameter",
                ));
            }
            found = Some(decode_component("sid", value)?);
        }
        match found {
            Some(sid) => Self::new(sid),
            None => Err(InvalidInput::new(
                "sid",
                "the redirect URL has no sid query parameter",
            )),
        }
    }

    /// The sid escaped for use as one URL path segment.
    pub fn to_path_segment(&self) -> String {
        // `new` admits only ASCII letters, digits, `-` and `_`, all unreserved in a path
        // segment: there is never anything to escape.
        if self.0.bytes().all(is_sid_byte) {
            return self.0.clone();
        }
        utf8_percent_encode(&self.0, PATH_SEGMENT).to_string()
    }
}

/// The bytes a sid may hold: ASCII letters, digits, `-` and `_` (a table: every sid is
/// checked byte by byte on every create and retrieve).
fn is_sid_byte(b: u8) -> bool {
    SID_BYTES[usize::from(b)]
}

const SID_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        b += 1;
    }
    table
};

/// Percent-decodes a URL component (`+` means a space in query strings); refuses invalid UTF-8.
fn decode_component(field: &'static str, raw: &str) -> Result<String, InvalidInput> {
    // A sid read from a session URL or a redirect is nearly always plain: nothing to decode.
    if !raw.contains(['%', '+']) {
        return Ok(raw.to_owned());
    }
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| InvalidInput::new(field, "is not valid UTF-8 once percent-decoded"))
}

fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", u32::from(c))
    } else {
        format!("the character {c:?}")
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({:?})", self.0)
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SessionId {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for SessionId {
    type Error = InvalidInput;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for SessionId {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl AsRef<str> for SessionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for SessionId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for SessionId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::new(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_observed_sids() {
        for ok in [
            "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z",
            "eyJhbgc9asdalkja",
            "a-b_c",
            "x",
        ] {
            assert_eq!(SessionId::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn refuses_hostile_sids_with_a_clear_error() {
        let long = "a".repeat(10_000);
        let cases: [(&str, &str); 11] = [
            ("", "must not be empty"),
            ("a/b", "'/'"),
            ("..", "'.'"),
            ("%2F", "'%'"),
            ("a?b", "'?'"),
            ("a#b", "'#'"),
            ("a b", "U+0020"),
            ("ä", "'ä'"),
            ("a\u{0}", "U+0000"),
            ("a\nb", "U+000A"),
            (&long, "at most 128"),
        ];
        for (input, expected) in cases {
            let err = SessionId::new(input).unwrap_err();
            assert_eq!(err.field(), "sid");
            assert!(err.to_string().contains(expected), "{input:?}: {err}");
        }
    }

    #[test]
    fn path_segment_is_the_sid_itself() {
        let sid = SessionId::new("Ab-_9").unwrap();
        assert_eq!(sid.to_path_segment(), "Ab-_9");
    }

    proptest::proptest! {
        #[test]
        fn the_fast_reading_of_a_session_url_agrees_with_the_full_one(
            rest in "[a-zA-Z0-9:._~%/?#&=+-]{0,40}(/[a-zA-Z0-9_-]{1,40})?/?",
        ) {
            if let Some(fast) = SessionId::plain_sid_at_end(&rest) {
                let full = SessionId::sid_of_path(&rest);
                proptest::prop_assert_eq!(Some(fast), full.ok());
            }
        }
    }

    #[test]
    fn reads_sid_from_the_session_url() {
        let sid = SessionId::from_session_url(
            "https://vision.glair.ai/passive-liveness/eyJhbgc9asdalkja",
        )
        .unwrap();
        assert_eq!(sid.as_str(), "eyJhbgc9asdalkja");
        let sid = SessionId::from_session_url("http://127.0.0.1:1/ktp/abc/?x=1").unwrap();
        assert_eq!(sid.as_str(), "abc");
        assert!(SessionId::from_session_url("https://vision.glair.ai/").is_err());
        assert!(SessionId::from_session_url("https://vision.glair.ai/p/%2e%2e").is_err());
        assert!(SessionId::from_session_url("not a url").is_err());
    }

    #[test]
    fn reads_sid_from_the_redirect_url() {
        let read = |u: &str| SessionId::from_redirect_url(u).map(|s| s.to_string());
        assert_eq!(
            read("https://a.example/?success=true&sid=abc").unwrap(),
            "abc"
        );
        assert_eq!(read("/done?sid=abc#frag").unwrap(), "abc");
        assert_eq!(read("https://a.example/?s%69d=abc").unwrap(), "abc");
        assert!(read("https://a.example/done").is_err());
        assert!(read("https://a.example/done?other=1").is_err());
        assert!(read("https://a.example/done?sid=").is_err());
        assert!(read("https://a.example/done?sid=a&sid=b").is_err());
        assert!(read("https://a.example/done?sid=..%2Fadmin").is_err());
        assert!(read("https://a.example/done?sid=%FF").is_err());
    }
}
