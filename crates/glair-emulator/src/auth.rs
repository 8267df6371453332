//! Authentication of API and control requests: `x-api-key` plus HTTP Basic.

use std::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::HeaderMap;
use http::header::AUTHORIZATION;

/// Standard base64 that accepts padded and unpadded input.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The credentials the emulator accepts.
pub(crate) struct Credentials {
    api_key: String,
    username: String,
    password: String,
    /// `username:password`, as Basic auth carries it.
    basic: Vec<u8>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// What is wrong with a request's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthError {
    MissingApiKey,
    WrongApiKey,
    MissingBasic,
    MalformedBasic,
    WrongBasic,
}

impl AuthError {
    /// The `message` of the 401 body. Never contains a secret.
    pub(crate) fn message(self) -> &'static str {
        match self {
            AuthError::MissingApiKey => "missing API key: send it in the x-api-key header",
            AuthError::WrongApiKey => "invalid API key",
            AuthError::MissingBasic => {
                "missing credentials: send Authorization: Basic base64(username:password)"
            }
            AuthError::MalformedBasic => {
                "malformed Authorization header: expected Basic base64(username:password)"
            }
            AuthError::WrongBasic => "wrong credentials: invalid username or password",
        }
    }

    /// Whether the client should be told to use Basic auth (`WWW-Authenticate`).
    pub(crate) fn is_basic(self) -> bool {
        matches!(
            self,
            AuthError::MissingBasic | AuthError::MalformedBasic | AuthError::WrongBasic
        )
    }
}

impl Credentials {
    pub(crate) fn new(api_key: String, username: String, password: String) -> Self {
        let mut basic = Vec::with_capacity(username.len() + 1 + password.len());
        basic.extend_from_slice(username.as_bytes());
        basic.push(b':');
        basic.extend_from_slice(password.as_bytes());
        Credentials {
            api_key,
            username,
            password,
            basic,
        }
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.api_key
    }

    pub(crate) fn username(&self) -> &str {
        &self.username
    }

    pub(crate) fn password(&self) -> &str {
        &self.password
    }

    /// Check both credentials of a request; the API key first.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), AuthError> {
        let key = headers.get("x-api-key").ok_or(AuthError::MissingApiKey)?;
        if key.is_empty() {
            return Err(AuthError::MissingApiKey);
        }
        if !constant_time_eq(key.as_bytes(), self.api_key.as_bytes()) {
            return Err(AuthError::WrongApiKey);
        }
        let auth = headers.get(AUTHORIZATION).ok_or(AuthError::MissingBasic)?;
        let auth = auth.to_str().map_err(|_| AuthError::MalformedBasic)?.trim();
        let (scheme, token) = auth.split_once(' ').ok_or(AuthError::MalformedBasic)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(AuthError::MalformedBasic);
        }
        let decoded = BASE64
            .decode(token.trim())
            .map_err(|_| AuthError::MalformedBasic)?;
        if !constant_time_eq(&decoded, &self.basic) {
            return Err(AuthError::WrongBasic);
        }
        Ok(())
    }
}

/// Compare without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn creds() -> Credentials {
        Credentials::new("key".into(), "user".into(), "pass:word".into())
    }

    fn headers(key: Option<&str>, auth: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(k) = key {
            h.insert("x-api-key", HeaderValue::from_str(k).unwrap());
        }
        if let Some(a) = auth {
            h.insert(AUTHORIZATION, HeaderValue::from_str(a).unwrap());
        }
        h
    }

    #[test]
    fn checks_both_credentials() {
        let c = creds();
        let good = format!("Basic {}", BASE64.encode("user:pass:word"));
        assert_eq!(c.check(&headers(Some("key"), Some(&good))), Ok(()));
        let lower = format!(
            "basic {}",
            BASE64.encode("user:pass:word").trim_end_matches('=')
        );
        assert_eq!(c.check(&headers(Some("key"), Some(&lower))), Ok(()));
        assert_eq!(
            c.check(&headers(None, Some(&good))),
            Err(AuthError::MissingApiKey)
        );
        assert_eq!(
            c.check(&headers(Some("nope"), Some(&good))),
            Err(AuthError::WrongApiKey)
        );
        assert_eq!(
            c.check(&headers(Some("key"), None)),
            Err(AuthError::MissingBasic)
        );
        assert_eq!(
            c.check(&headers(Some("key"), Some("Bearer abc"))),
            Err(AuthError::MalformedBasic)
        );
        assert_eq!(
            c.check(&headers(Some("key"), Some("Basic !!!"))),
            Err(AuthError::MalformedBasic)
        );
        let wrong = format!("Basic {}", BASE64.encode("user:nope"));
        assert_eq!(
            c.check(&headers(Some("key"), Some(&wrong))),
            Err(AuthError::WrongBasic)
        );
    }

    #[test]
    fn messages_never_contain_secrets() {
        for e in [
            AuthError::MissingApiKey,
            AuthError::WrongApiKey,
            AuthError::MissingBasic,
            AuthError::MalformedBasic,
            AuthError::WrongBasic,
        ] {
            assert!(!e.message().contains("key\""));
            assert!(!e.message().contains("pass:word"));
        }
        assert!(!format!("{:?}", creds()).contains("pass:word"));
    }
}
