//! [`MockTransport`]: a scripted [`Transport`] for tests, yours and ours.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri};

use crate::error::{TransportError, TransportErrorKind};
use crate::transport::Transport;

/// What a [`MockTransport`] answers to one request.
///
/// Non-exhaustive: more scripted behaviours (a delay, a partial body) may be added.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockReply {
    /// This response.
    Response(Response<Bytes>),
    /// This transport error.
    Error(TransportError),
    /// Never answer (the future stays pending), to exercise timeouts.
    Hang,
}

impl From<Response<Bytes>> for MockReply {
    fn from(response: Response<Bytes>) -> Self {
        Self::Response(response)
    }
}

impl From<TransportError> for MockReply {
    fn from(error: TransportError) -> Self {
        Self::Error(error)
    }
}

/// One request received by a [`MockTransport`].
///
/// Its `Debug` output redacts the values of `authorization`, `proxy-authorization`,
/// `x-api-key`, `cookie` and `set-cookie`.
///
/// Its fields are public to read, and the struct is `#[non_exhaustive]`: only the mock makes
/// one (you read what it recorded, never build one), so a field (say, the HTTP version) can be
/// added without breaking your tests.
#[derive(Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The full URI, query included.
    pub uri: Uri,
    /// All headers (credentials included: this is for assertions; do not print them).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    fn from_request(request: &Request<Bytes>) -> Self {
        Self {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        }
    }

    /// A header's value as text, if present and valid UTF-8.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text, if valid UTF-8.
    pub fn body_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

/// Headers whose values are never shown in `Debug` output.
pub(crate) fn is_sensitive_header(name: &HeaderName) -> bool {
    name == AUTHORIZATION
        || name == PROXY_AUTHORIZATION
        || name == COOKIE
        || name == SET_COOKIE
        || name.as_str() == "x-api-key"
}

struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive_header(name) {
                map.entry(name, &"<redacted>");
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &self.body)
            .finish()
    }
}

type Handler = Arc<dyn Fn(&Request<Bytes>) -> MockReply + Send + Sync + 'static>;

#[derive(Default)]
struct State {
    queue: VecDeque<MockReply>,
    requests: Vec<RecordedRequest>,
    json_replies: u64,
    #[cfg(feature = "blocking")]
    hang_clock: Option<crate::time::FakeTime>,
}

struct Inner {
    state: Mutex<State>,
    handler: Option<Handler>,
}

/// A scripted [`Transport`]: replies come from a FIFO queue, then from an optional handler
/// closure. Every request is recorded. Clones share the same queue and records.
///
/// With neither a queued reply nor a handler, a request fails with a
/// [`TransportErrorKind::Other`] error naming its method and path (it never panics).
///
/// ```
/// use bytes::Bytes;
/// use glair_core::{MockTransport, Transport, TransportError, TransportErrorKind};
///
/// let mock = MockTransport::new();
/// mock.push_json(200, r#"{"status":"PENDING"}"#)
///     .push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
///
/// let request = http::Request::get("https://api.example/x?secret=no").body(Bytes::new()).unwrap();
/// let response = pollster::block_on(mock.send(request.clone())).unwrap();
/// assert_eq!(response.headers()["request-id"], "mock-1");
/// assert!(pollster::block_on(mock.send(request.clone())).unwrap_err().is_connect());
/// let unscripted = pollster::block_on(mock.send(request)).unwrap_err();
/// assert_eq!(unscripted.message(), "MockTransport has no scripted reply for GET /x");
/// assert_eq!(mock.request_count(), 3);
/// ```
#[derive(Clone)]
pub struct MockTransport {
    inner: Arc<Inner>,
}

impl MockTransport {
    /// An empty mock: queue replies with the `push_*` methods.
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                handler: None,
            }),
        }
    }

    /// A mock that answers with `handler` whenever its queue is empty.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use glair_core::{MockReply, MockTransport, Transport};
    ///
    /// let mock = MockTransport::with_handler(|request| {
    ///     let status = if request.uri().path().ends_with("/missing") { 404 } else { 200 };
    ///     MockReply::Response(http::Response::builder().status(status).body(Bytes::new()).unwrap())
    /// });
    /// let request = http::Request::get("http://localhost/missing").body(Bytes::new()).unwrap();
    /// assert_eq!(pollster::block_on(mock.send(request)).unwrap().status(), 404);
    /// ```
    pub fn with_handler(
        handler: impl Fn(&Request<Bytes>) -> MockReply + Send + Sync + 'static,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                handler: Some(Arc::new(handler)),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a reply.
    pub fn push(&self, reply: impl Into<MockReply>) -> &Self {
        self.lock().queue.push_back(reply.into());
        self
    }

    /// Queues a response.
    pub fn push_response(&self, response: Response<Bytes>) -> &Self {
        self.push(MockReply::Response(response))
    }

    /// Queues a response with a JSON body, `content-type: application/json` and a
    /// `Request-Id: mock-N` header (N counts the JSON replies queued on this mock, from 1).
    ///
    /// An invalid status code (outside 100–999) queues a [`TransportErrorKind::Other`] error
    /// saying so instead.
    pub fn push_json(&self, status: u16, body: &str) -> &Self {
        let mut state = self.lock();
        let reply = match StatusCode::from_u16(status) {
            Ok(status) => {
                state.json_replies += 1;
                let mut response = Response::new(Bytes::copy_from_slice(body.as_bytes()));
                *response.status_mut() = status;
                let headers = response.headers_mut();
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                let request_id = HeaderValue::from_str(&format!("mock-{}", state.json_replies))
                    .unwrap_or_else(|_| HeaderValue::from_static("mock"));
                headers.insert(HeaderName::from_static("request-id"), request_id);
                MockReply::Response(response)
            }
            Err(_) => MockReply::Error(TransportError::new(
                TransportErrorKind::Other,
                format!("MockTransport::push_json was given an invalid status code {status}"),
            )),
        };
        state.queue.push_back(reply);
        drop(state);
        self
    }

    /// Queues a transport error (connect failure, timeout, I/O error, …).
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.push(MockReply::Error(error))
    }

    /// Queues a reply that never comes.
    pub fn push_hang(&self) -> &Self {
        self.push(MockReply::Hang)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().requests.len()
    }

    /// How many queued replies are left.
    pub fn remaining_replies(&self) -> usize {
        self.lock().queue.len()
    }
}

impl Default for MockTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockTransport")
            .field("queued_replies", &state.queue.len())
            .field("requests", &state.requests.len())
            .field("has_handler", &self.inner.handler.is_some())
            .finish()
    }
}

impl MockTransport {
    /// Records `request` and takes the reply for it.
    fn reply_to(&self, request: &Request<Bytes>) -> MockReply {
        let queued = {
            let mut state = self.lock();
            state.requests.push(RecordedRequest::from_request(request));
            state.queue.pop_front()
        };
        match (queued, &self.inner.handler) {
            (Some(reply), _) => reply,
            (None, Some(handler)) => handler(request),
            (None, None) => MockReply::Error(TransportError::new(
                TransportErrorKind::Other,
                format!(
                    "MockTransport has no scripted reply for {} {}",
                    request.method(),
                    request.uri().path()
                ),
            )),
        }
    }

    /// With the `blocking` feature: a [`MockReply::Hang`] sent through the
    /// [`BlockingTransport`](crate::BlockingTransport) impl moves `time` forward by the
    /// attempt's timeout before it gives up, as a real hang would have taken that long.
    #[cfg(feature = "blocking")]
    pub fn set_hang_clock(&self, time: &crate::time::FakeTime) -> &Self {
        self.lock().hang_clock = Some(time.clone());
        self
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
impl Transport for MockTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        match self.reply_to(&request) {
            MockReply::Response(response) => Ok(response),
            MockReply::Error(error) => Err(error),
            MockReply::Hang => std::future::pending().await,
        }
    }
}

/// Blocking, a hang cannot last forever: it gives up at the attempt's timeout with a
/// [`TransportErrorKind::Timeout`] error (at once, or after moving the clock set with
/// [`MockTransport::set_hang_clock`]); without a timeout it fails at once with
/// [`TransportErrorKind::Other`] saying so.
#[cfg(feature = "blocking")]
impl crate::blocking::BlockingTransport for MockTransport {
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<std::time::Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        match self.reply_to(&request) {
            MockReply::Response(response) => Ok(response),
            MockReply::Error(error) => Err(error),
            MockReply::Hang => match timeout {
                Some(timeout) => {
                    if let Some(time) = self.lock().hang_clock.clone() {
                        time.advance(timeout);
                    }
                    Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        "MockTransport: the reply hung until the attempt's timeout",
                    ))
                }
                None => Err(TransportError::new(
                    TransportErrorKind::Other,
                    "MockTransport: a hanging reply with no timeout would block forever",
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_request_debug_redacts_credentials() {
        let request = Request::post("https://api.example/face/v1/x")
            .header("authorization", "Basic dXNlcjpzZWNyZXQ=")
            .header("x-api-key", "key-123")
            .header("user-agent", "glair-rs")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let mock = MockTransport::new();
        mock.push_json(201, "{}");
        pollster::block_on(mock.send(request)).unwrap();
        let recorded = mock.requests();
        let debug = format!("{:?} {:?}", recorded, mock);
        assert!(!debug.contains("dXNlcjpzZWNyZXQ="), "{debug}");
        assert!(!debug.contains("key-123"), "{debug}");
        assert!(debug.contains("glair-rs"));
        assert!(debug.contains("<redacted>"));
        assert_eq!(recorded[0].header("x-api-key"), Some("key-123"));
        assert_eq!(recorded[0].body_str(), Some("{}"));
    }

    #[test]
    fn json_ids_count_up_and_invalid_status_is_an_error() {
        let mock = MockTransport::new();
        mock.push_json(200, "{}")
            .push_json(1000, "{}")
            .push_json(503, "{}");
        let req = || Request::get("http://h/p").body(Bytes::new()).unwrap();
        let r1 = pollster::block_on(mock.send(req())).unwrap();
        assert_eq!(r1.headers()["request-id"], "mock-1");
        assert_eq!(r1.headers()["content-type"], "application/json");
        let e = pollster::block_on(mock.send(req())).unwrap_err();
        assert!(e.message().contains("invalid status code 1000"));
        let r3 = pollster::block_on(mock.send(req())).unwrap();
        assert_eq!(r3.status(), 503);
        assert_eq!(r3.headers()["request-id"], "mock-2");
    }

    #[test]
    fn queue_is_used_before_handler_and_clones_share_state() {
        let mock = MockTransport::with_handler(|_| {
            MockReply::Error(TransportError::new(TransportErrorKind::Io, "from handler"))
        });
        let clone = mock.clone();
        clone.push_json(200, "{}");
        let req = || Request::get("http://h/p").body(Bytes::new()).unwrap();
        assert!(pollster::block_on(mock.send(req())).is_ok());
        let e = pollster::block_on(mock.send(req())).unwrap_err();
        assert_eq!(e.message(), "from handler");
        assert_eq!(clone.request_count(), 2);
        assert_eq!(clone.remaining_replies(), 0);
    }
}
