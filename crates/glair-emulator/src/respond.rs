//! Response bodies and builders.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use http_body::{Frame, SizeHint};
use serde::Serialize;
use tokio::sync::watch;

/// The response of every handler.
pub(crate) type Resp = Response<ResponseBody>;

/// `application/json`.
pub(crate) const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A response body: a complete buffer, or an endless JSON-looking stream (the `oversized`
/// fault) that stops when the server shuts down.
#[derive(Debug)]
pub(crate) enum ResponseBody {
    /// A complete body (taken once sent).
    Full(Option<Bytes>),
    /// An endless body.
    Endless {
        started: bool,
        shutdown: watch::Receiver<bool>,
    },
}

const ENDLESS_HEAD: &[u8] = b"{\"status\":\"PENDING\",\"padding\":\"";
static ENDLESS_CHUNK: [u8; 16 * 1024] = [b'a'; 16 * 1024];

impl ResponseBody {
    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        ResponseBody::Full(Some(data.into()))
    }
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ResponseBody::Full(data) => Poll::Ready(data.take().map(|d| Ok(Frame::data(d)))),
            ResponseBody::Endless { started, shutdown } => {
                if *shutdown.borrow() {
                    return Poll::Ready(Some(Err(io::Error::other("emulator shutting down"))));
                }
                let chunk = if *started {
                    Bytes::from_static(&ENDLESS_CHUNK)
                } else {
                    *started = true;
                    Bytes::from_static(ENDLESS_HEAD)
                };
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, ResponseBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Full(Some(d)) => SizeHint::with_exact(d.len() as u64),
            ResponseBody::Full(None) => SizeHint::with_exact(0),
            ResponseBody::Endless { .. } => SizeHint::default(),
        }
    }
}

/// A response with a body and content type.
pub(crate) fn with_body(status: StatusCode, content_type: HeaderValue, body: Bytes) -> Resp {
    let mut resp = Response::new(ResponseBody::full(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, content_type);
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A JSON response from already serialized bytes.
pub(crate) fn json_bytes(status: StatusCode, body: Vec<u8>) -> Resp {
    with_body(status, JSON, Bytes::from(body))
}

/// A JSON response from a serializable value.
pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Resp {
    match serde_json::to_vec(value) {
        Ok(body) => json_bytes(status, body),
        Err(_) => message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not encode the response",
        ),
    }
}

#[derive(Serialize)]
struct Message<'a> {
    message: &'a str,
}

/// `{"message": msg}` with `status`.
pub(crate) fn message(status: StatusCode, msg: &str) -> Resp {
    match serde_json::to_vec(&Message { message: msg }) {
        Ok(body) => json_bytes(status, body),
        Err(_) => with_body(status, JSON, Bytes::from_static(b"{\"message\":\"error\"}")),
    }
}

/// 405 with an `Allow` header.
pub(crate) fn method_not_allowed(allow: &'static str) -> Resp {
    let mut resp = message(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!("method not allowed; allowed: {allow}"),
    );
    resp.headers_mut()
        .insert(ALLOW, HeaderValue::from_static(allow));
    resp
}

/// What a handler decided: a response, or to close the connection without one.
#[derive(Debug)]
pub(crate) enum Reply {
    Respond(Resp),
    Drop,
}

/// The error a service returns to make hyper close the connection without a response.
#[derive(Debug)]
pub(crate) struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DropConnection {}

/// `429 Too Many Requests` for a create refused because the store is full.
///
/// 429 rather than 503: nothing was created, so the request is safe to repeat for any method,
/// and clients (this SDK's retry classifier among them) read 429 as "refused, not processed"
/// whereas a 503 to a `POST` reads as "may have been processed". `Retry-After` gives the
/// seconds until the earliest held session expires, when room frees up.
pub(crate) fn store_full(full: crate::store::StoreFull, now_ms: u64) -> Resp {
    let wait_s = full
        .next_expiry_ms
        .map(|at| at.saturating_sub(now_ms).div_ceil(1000).max(1));
    let mut text = format!(
        "the emulator holds its maximum of {} sessions and none of them has expired",
        full.max_sessions
    );
    if let Some(s) = wait_s {
        text.push_str(&format!("; the earliest expires in {s} s"));
    }
    text.push_str(" (raise the cap with --max-sessions, or advance the clock)");
    let mut resp = message(StatusCode::TOO_MANY_REQUESTS, &text);
    if let Some(v) = wait_s.and_then(|s| HeaderValue::try_from(s.to_string()).ok()) {
        resp.headers_mut().insert(http::header::RETRY_AFTER, v);
    }
    resp
}
