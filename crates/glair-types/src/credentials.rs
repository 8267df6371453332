//! The three credentials every GLAIR request carries, kept out of every `Debug` and error.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderMap, HeaderValue};

use crate::error::InvalidInput;
use crate::request::{API_KEY_HEADER, USER_AGENT_VALUE};

/// GLAIR credentials: an API key (sent as `x-api-key`) and a username and password (sent as
/// `Authorization: Basic …`). Every request carries both.
///
/// The header values (and the headers every request carries, as one map) are computed once,
/// when the credentials are made, and the credentials' values are marked
/// *sensitive* so that `http` and anything logging headers hides them. `Debug` prints
/// `Credentials { .. }` with every field redacted.
///
/// ```
/// use glair_types::Credentials;
///
/// let creds = Credentials::new("my-api-key", "my-user", "my-password")?;
/// let shown = format!("{creds:?}");
/// assert!(!shown.contains("my-api-key") && !shown.contains("my-password"));
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Clone)]
pub struct Credentials {
    api_key: HeaderValue,
    authorization: HeaderValue,
    /// The headers of every request made with these credentials, without a body
    /// (`[0]`) and with a JSON body (`[1]`): built once, cloned per request. Cloning the map
    /// costs about a third of inserting its headers one by one, each name hashed and probed
    /// (glair-bench under callgrind).
    headers: [HeaderMap; 2],
}

/// The longest credential accepted, in bytes.
pub const MAX_CREDENTIAL_LEN: usize = 1024;

impl Credentials {
    /// Checks and stores the credentials.
    ///
    /// Refuses empty values, values over [`MAX_CREDENTIAL_LEN`] bytes, values with characters
    /// that cannot travel in an HTTP header (control characters, non-ASCII), and a username
    /// containing `:` (Basic authentication cannot carry it). The error names the field, never
    /// the value.
    pub fn new(
        api_key: impl AsRef<str>,
        username: impl AsRef<str>,
        password: impl AsRef<str>,
    ) -> Result<Self, InvalidInput> {
        let api_key = check_credential("api_key", api_key.as_ref())?;
        let username = check_credential("username", username.as_ref())?;
        let password = check_credential("password", password.as_ref())?;
        if username.contains(':') {
            return Err(InvalidInput::new(
                "username",
                "must not contain ':' (HTTP Basic authentication cannot carry it)",
            ));
        }
        let token = STANDARD.encode(format!("{username}:{password}"));
        let api_key = sensitive_header("api_key", api_key)?;
        let authorization = sensitive_header("password", &format!("Basic {token}"))?;
        let mut plain = HeaderMap::with_capacity(5);
        plain.insert(AUTHORIZATION, authorization.clone());
        plain.insert(API_KEY_HEADER, api_key.clone());
        plain.insert(ACCEPT, HeaderValue::from_static("application/json"));
        plain.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        let mut json = plain.clone();
        json.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(Self {
            api_key,
            authorization,
            headers: [plain, json],
        })
    }

    /// Every header of a request with these credentials: `Authorization`, `x-api-key`,
    /// `Accept: application/json` and `User-Agent`, and `Content-Type: application/json`
    /// when `json_body`.
    pub(crate) fn request_headers(&self, json_body: bool) -> HeaderMap {
        // A clone has no room to grow, so the `Host` hyper-util adds to an HTTP/1 request
        // reallocates its entries; a spare entry removed here to leave that room cost more
        // than the reallocation (glair-bench under callgrind).
        self.headers[usize::from(json_body)].clone()
    }

    /// The `x-api-key` header value (marked sensitive).
    pub fn api_key_header(&self) -> &HeaderValue {
        &self.api_key
    }

    /// The `Authorization: Basic …` header value (marked sensitive).
    pub fn authorization_header(&self) -> &HeaderValue {
        &self.authorization
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &"<redacted>")
            .field("username", &"<redacted>")
            .field("password", &"<redacted>")
            .finish()
    }
}

fn check_credential<'a>(field: &'static str, value: &'a str) -> Result<&'a str, InvalidInput> {
    if value.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if value.len() > MAX_CREDENTIAL_LEN {
        return Err(InvalidInput::new(
            field,
            format!("is longer than {MAX_CREDENTIAL_LEN} bytes"),
        ));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return Err(InvalidInput::new(
            field,
            "must be printable ASCII (no control characters or non-ASCII letters)",
        ));
    }
    Ok(value)
}

fn sensitive_header(field: &'static str, value: &str) -> Result<HeaderValue, InvalidInput> {
    let mut header = HeaderValue::from_str(value)
        .map_err(|_| InvalidInput::new(field, "cannot be sent in an HTTP header"))?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_gets_the_same_headers() {
        let c = Credentials::new("key-1", "user", "pass").unwrap();
        for json in [false, true] {
            let headers = c.request_headers(json);
            let names: Vec<&str> = headers.keys().map(http::HeaderName::as_str).collect();
            let mut expected = vec!["authorization", "x-api-key", "accept", "user-agent"];
            if json {
                expected.push("content-type");
            }
            assert_eq!(names, expected, "in this order");
            assert!(headers["authorization"].is_sensitive());
            assert!(headers["x-api-key"].is_sensitive());
            assert_eq!(headers["user-agent"], USER_AGENT_VALUE);
        }
    }

    #[test]
    fn builds_basic_and_api_key_headers() {
        let c = Credentials::new("key-1", "user", "pass").unwrap();
        assert_eq!(c.api_key_header(), "key-1");
        assert_eq!(c.authorization_header(), "Basic dXNlcjpwYXNz");
        assert!(c.api_key_header().is_sensitive());
        assert!(c.authorization_header().is_sensitive());
    }

    #[test]
    fn debug_redacts_everything() {
        let c = Credentials::new("key-secret", "user-secret", "pass-secret").unwrap();
        let shown = format!(
            "{c:?} {:?} {:?}",
            c.api_key_header(),
            c.authorization_header()
        );
        for secret in [
            "key-secret",
            "user-secret",
            "pass-secret",
            "dXNlci1zZWNyZXQ",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn refuses_bad_values_naming_the_field() {
        let cases = [
            (("", "u", "p"), "api_key"),
            (("k", "", "p"), "username"),
            (("k", "u", ""), "password"),
            (("k", "a:b", "p"), "username"),
            (("k\n", "u", "p"), "api_key"),
            (("k", "u", "pä"), "password"),
        ];
        for ((k, u, p), field) in cases {
            let err = Credentials::new(k, u, p).unwrap_err();
            assert_eq!(err.field(), field);
        }
        let long = "x".repeat(MAX_CREDENTIAL_LEN + 1);
        assert_eq!(
            Credentials::new("k", "u", &long).unwrap_err().field(),
            "password"
        );
    }
}
