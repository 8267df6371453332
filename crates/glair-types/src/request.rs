//! Request builders: a create or retrieve call becomes an `http::Request<Bytes>` that any
//! transport can send.

use std::fmt;

use bytes::Bytes;
use http::{HeaderName, Method, Request};

use crate::config::ApiConfig;
use crate::credentials::Credentials;
use crate::error::InvalidInput;
use crate::kind::{ActiveLiveness, Ktp, PassiveLiveness, SessionKind};
use crate::session_id::SessionId;
use crate::web_url::check_redirect_url;

/// The `User-Agent` every request carries: this SDK and its version.
pub const USER_AGENT_VALUE: &str = concat!("glair-rs/", env!("CARGO_PKG_VERSION"));

/// The API key header.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// The header in which the service returns its id for a request.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("request-id");

/// The request-id header gateways and proxies commonly add; read when `Request-Id` is absent.
pub const X_REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// A request to create a hosted session of kind `K`.
///
/// Built without checks so it chains; [`validate`](CreateSession::validate) and
/// [`to_http_request`](CreateSession::to_http_request) refuse a `success_url` or `cancel_url`
/// that is not an absolute `http`/`https` URL, naming the field.
///
/// ```
/// use glair_types::{ApiConfig, CreatePassiveLivenessSession, Credentials};
///
/// let request = CreatePassiveLivenessSession::new("https://app.example/done")
///     .cancel_url("https://app.example/cancelled")
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.method(), "POST");
/// assert_eq!(request.uri(), "https://api.vision.glair.ai/face/v1/passive-liveness-sessions");
/// assert_eq!(
///     request.body().as_ref(),
///     br#"{"success_url":"https://app.example/done","cancel_url":"https://app.example/cancelled"}"#
/// );
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct CreateSession<K: SessionKind> {
    success_url: String,
    cancel_url: Option<String>,
    fields: K::CreateFields,
}

/// A request to create a passive liveness session.
pub type CreatePassiveLivenessSession = CreateSession<PassiveLiveness>;

impl<K: SessionKind> CreateSession<K> {
    /// A create request that sends the user to `success_url` after the check.
    pub fn new(success_url: impl Into<String>) -> Self {
        Self {
            success_url: success_url.into(),
            cancel_url: None,
            fields: K::CreateFields::default(),
        }
    }

    /// Shows a back button on the hosted page that leads to `cancel_url`.
    pub fn cancel_url(mut self, cancel_url: impl Into<String>) -> Self {
        self.cancel_url = Some(cancel_url.into());
        self
    }

    /// The kind-specific fields, to set them directly.
    pub fn fields_mut(&mut self) -> &mut K::CreateFields {
        &mut self.fields
    }

    /// The success URL as given. (`_ref` as in `http::request::Builder::method_ref`: the
    /// plain name is taken by a builder method or kept free for one.)
    pub fn success_url_ref(&self) -> &str {
        &self.success_url
    }

    /// The cancel URL as given, if any (`cancel_url` is the builder method that sets it).
    pub fn cancel_url_ref(&self) -> Option<&str> {
        self.cancel_url.as_deref()
    }

    /// Checks every field, naming the first one that is refused.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        check_redirect_url("success_url", &self.success_url)?;
        if let Some(cancel_url) = &self.cancel_url {
            check_redirect_url("cancel_url", cancel_url)?;
        }
        K::validate_create_fields(&self.fields)
    }

    /// The JSON body: `success_url`, `cancel_url` only when set, then the kind's fields.
    pub fn to_json(&self) -> Result<Bytes, InvalidInput> {
        self.json_vec().map(Bytes::from)
    }

    /// [`to_json`](Self::to_json)'s bytes, in a buffer sized exactly when no URL byte needs
    /// escaping.
    fn json_vec(&self) -> Result<Vec<u8>, InvalidInput> {
        self.validate()?;
        let encode =
            |e: serde_json::Error| InvalidInput::new("body", format!("could not be encoded: {e}"));
        // The kind's fields are a struct, written as an object whose members follow ours (its
        // `{` becomes a `,`, its `}` closes the body), or nothing does if it has none. They
        // are written first, to the stack when they fit (they are a few small members), so
        // that the body's length is known before its buffer is allocated.
        let mut scratch = [0u8; FIELDS_SCRATCH];
        let fields = fields_json(&self.fields, &mut scratch).map_err(encode)?;
        let fields: &[u8] = match fields.as_ref() {
            b"{}" => b"}",
            [b'{', members @ ..] => members,
            _ => {
                return Err(InvalidInput::new(
                    "body",
                    "the session kind's fields are not a JSON object",
                ));
            }
        };
        // Exact when no URL byte needs escaping (as good as always): `Bytes::from` then takes
        // the buffer as it is, where spare capacity costs it an allocation more (about 150
        // instructions per create, glair-bench under callgrind).
        let member = |key: &str, url: &str| key.len() + url.len() + 2;
        let mut json = Vec::with_capacity(
            member("{\"success_url\":", &self.success_url)
                + self
                    .cancel_url
                    .as_ref()
                    .map_or(0, |url| member(",\"cancel_url\":", url))
                + usize::from(fields != b"}")
                + fields.len(),
        );
        // Written member by member rather than as a struct with `#[serde(flatten)]` fields,
        // which serde serialises through a map (about 1,000 instructions more per create,
        // measured with glair-bench under callgrind); the bytes are the same.
        json.extend_from_slice(b"{\"success_url\":");
        write_json_string(&mut json, &self.success_url).map_err(encode)?;
        if let Some(cancel_url) = &self.cancel_url {
            json.extend_from_slice(b",\"cancel_url\":");
            write_json_string(&mut json, cancel_url).map_err(encode)?;
        }
        if fields != b"}" {
            json.push(b',');
        }
        json.extend_from_slice(fields);
        Ok(json)
    }

    /// The complete HTTP request: `POST {base}/{service}/{version}/{resource}` with the JSON
    /// body and every header the service expects.
    pub fn to_http_request(
        &self,
        config: &ApiConfig,
        credentials: &Credentials,
    ) -> Result<Request<Bytes>, InvalidInput> {
        let body = self.to_json()?;
        let uri = config.endpoint_uri(K::SERVICE, K::RESOURCE, None)?;
        Ok(build_request(Method::POST, uri, body, credentials))
    }
}

impl CreateSession<ActiveLiveness> {
    /// How many gestures the user must perform (1 or more; the service's default is 1).
    pub fn number_of_gestures(mut self, count: u32) -> Self {
        self.fields.number_of_gestures = Some(count);
        self
    }
}

impl CreateSession<Ktp> {
    /// Whether to also run the image-quality detector on the card photo.
    pub fn qualities_detector(mut self, enabled: bool) -> Self {
        self.fields.qualities_detector = Some(enabled);
        self
    }
}

impl<K: SessionKind> fmt::Debug for CreateSession<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateSession")
            .field("kind", &K::NAME)
            .field("success_url", &self.success_url)
            .field("cancel_url", &self.cancel_url)
            .field("fields", &self.fields)
            .finish()
    }
}

/// A request to retrieve a hosted session of kind `K` by its sid.
///
/// ```
/// use glair_types::{ApiConfig, Credentials, RetrievePassiveLivenessSession, SessionId};
///
/// let sid = SessionId::new("eyJhbgc9asdalkja")?;
/// let request = RetrievePassiveLivenessSession::new(sid)
///     .to_http_request(&ApiConfig::default(), &Credentials::new("key", "user", "pass")?)?;
/// assert_eq!(request.method(), "GET");
/// assert_eq!(
///     request.uri(),
///     "https://api.vision.glair.ai/face/v1/passive-liveness-sessions/eyJhbgc9asdalkja"
/// );
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrieveSession<K: SessionKind> {
    sid: SessionId,
    kind: std::marker::PhantomData<K>,
}

/// A request to retrieve a passive liveness session.
pub type RetrievePassiveLivenessSession = RetrieveSession<PassiveLiveness>;

impl<K: SessionKind> RetrieveSession<K> {
    /// A retrieve request for `sid`.
    pub fn new(sid: SessionId) -> Self {
        Self {
            sid,
            kind: std::marker::PhantomData,
        }
    }

    /// The sid to retrieve.
    pub fn sid(&self) -> &SessionId {
        &self.sid
    }

    /// The complete HTTP request: `GET {base}/{service}/{version}/{resource}/{sid}`, the sid
    /// percent-encoded as one path segment.
    pub fn to_http_request(
        &self,
        config: &ApiConfig,
        credentials: &Credentials,
    ) -> Result<Request<Bytes>, InvalidInput> {
        let uri = config.endpoint_uri(K::SERVICE, K::RESOURCE, Some(self.sid.as_str()))?;
        Ok(build_request(Method::GET, uri, Bytes::new(), credentials))
    }
}

pub(crate) fn build_request(
    method: Method,
    uri: http::Uri,
    body: Bytes,
    credentials: &Credentials,
) -> Request<Bytes> {
    // Built in place rather than through `Request::builder()`, whose per-header closures and
    // name conversions cost more than the request's other work (see glair-bench); the
    // headers are the credentials' prebuilt map, cloned.
    let has_body = !body.is_empty();
    let mut request = Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    *request.headers_mut() = credentials.request_headers(has_body);
    request
}

/// Room on the stack for a kind's create fields as JSON; larger fields go to the heap.
const FIELDS_SCRATCH: usize = 96;

/// `fields` as JSON: in `scratch` when it fits, else in a `Vec`.
fn fields_json<'s, F: serde::Serialize>(
    fields: &F,
    scratch: &'s mut [u8; FIELDS_SCRATCH],
) -> Result<std::borrow::Cow<'s, [u8]>, serde_json::Error> {
    let mut rest: &mut [u8] = scratch;
    if serde_json::to_writer(&mut rest, fields).is_ok() {
        let written = FIELDS_SCRATCH - rest.len();
        return Ok(std::borrow::Cow::Borrowed(&scratch[..written]));
    }
    // Too long for the scratch (or failed: the `Vec` tells which).
    serde_json::to_vec(fields).map(std::borrow::Cow::Owned)
}

/// Writes `s` as a JSON string. A URL rarely holds a byte JSON escapes (`"`, `\\`, a control
/// character): then its bytes are copied as they are, which is what serde_json would write,
/// at a fraction of its per-byte cost; otherwise serde_json writes it.
fn write_json_string(json: &mut Vec<u8>, s: &str) -> Result<(), serde_json::Error> {
    if !needs_json_escape(s.as_bytes()) {
        json.reserve(s.len() + 2);
        json.push(b'"');
        json.extend_from_slice(s.as_bytes());
        json.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(json, s)
    }
}

/// Whether any byte of `bytes` is one that a JSON string escapes: a control character
/// (below 0x20), `"` or `\\`. Eight bytes at a time (each test below is exact: it finds a
/// byte when and only when there is one): a byte-by-byte loop cost about 11 instructions per
/// byte of URL, measured with glair-bench under callgrind, where this costs about 2.
fn needs_json_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // A byte of `x` is below `n` (n <= 0x80): the classic "has less" bit trick.
    let has_below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH != 0;
    let has_byte = |x: u64, b: u8| has_below(x ^ (ONES * u64::from(b)), 1);
    let escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            return chunk.iter().copied().any(escape);
        };
        let x = u64::from_ne_bytes(word);
        if has_below(x, 0x20) || has_byte(x, b'"') || has_byte(x, b'\\') {
            return true;
        }
    }
    tail.iter().copied().any(escape)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_create_body_fills_its_buffer_exactly() {
        fn exact<K: SessionKind>(request: &CreateSession<K>) {
            let json = request.json_vec().unwrap();
            assert_eq!(json.len(), json.capacity(), "{}", K::NAME);
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            assert_eq!(
                value["success_url"],
                "https://app.example/ok",
                "{}",
                K::NAME
            );
        }
        let url = "https://app.example/ok";
        exact(&CreateSession::<PassiveLiveness>::new(url));
        exact(&CreateSession::<PassiveLiveness>::new(url).cancel_url("https://app.example/no"));
        exact(&CreateSession::<ActiveLiveness>::new(url).number_of_gestures(3));
        exact(&CreateSession::<Ktp>::new(url).qualities_detector(true));
        exact(&CreateSession::<crate::kind::Npwp>::new(url).cancel_url("https://app.example/no"));
    }

    #[test]
    fn fields_too_long_for_the_scratch_are_written_to_the_heap() {
        let mut scratch = [0u8; FIELDS_SCRATCH];
        let small = fields_json(&("a", 1), &mut scratch).unwrap();
        assert!(matches!(small, std::borrow::Cow::Borrowed(b"[\"a\",1]")));
        let mut scratch = [0u8; FIELDS_SCRATCH];
        let long = "x".repeat(FIELDS_SCRATCH);
        let written = fields_json(&long, &mut scratch).unwrap();
        assert!(matches!(written, std::borrow::Cow::Owned(_)));
        assert_eq!(
            written.as_ref(),
            serde_json::to_vec(&long).unwrap().as_slice()
        );
    }

    proptest! {
        /// The eight-at-a-time test agrees with the plain one on every byte string.
        #[test]
        fn the_escape_test_is_exact(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let plain = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            prop_assert_eq!(super::needs_json_escape(&bytes), plain);
        }
    }

    #[test]
    fn each_escaped_byte_is_found_at_every_position() {
        for bad in (0u8..0x20).chain([b'"', b'\\']) {
            for len in 1..=24 {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = bad;
                    assert!(
                        super::needs_json_escape(&bytes),
                        "{bad:#x} at {at} of {len}"
                    );
                }
            }
        }
        // Neighbours of the escaped bytes, and bytes above 0x7f, are not.
        let clean: Vec<u8> = [0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xa2, 0xdc, 0xff].repeat(3);
        assert!(!super::needs_json_escape(&clean));
    }

    proptest! {
        /// The fast path and serde_json write the same bytes for every string, whichever
        /// path it takes (quotes, backslashes and control characters included).
        #[test]
        fn json_strings_are_written_as_serde_json_writes_them(
            s in "(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}])*",
        ) {
            let mut json = b"x".to_vec();
            super::write_json_string(&mut json, &s).unwrap();
            let mut expected = b"x".to_vec();
            serde_json::to_writer(&mut expected, &s).unwrap();
            prop_assert_eq!(json, expected);
        }
    }
}
