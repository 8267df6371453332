//! [`FetchTransport`]: one HTTP exchange over the JavaScript runtime's global `fetch`, for
//! wasm32-unknown-unknown (feature `fetch`).

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response, StatusCode};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, RequestCredentials, RequestInit,
    RequestRedirect,
};

use crate::error::{TransportError, TransportErrorKind};
use crate::js_time::global_function;
use crate::transport::Transport;

/// A [`Transport`] on the global `fetch` of the JavaScript runtime running the module: Node 18
/// or later, Deno, Cloudflare Workers and browsers alike (it looks `fetch` up on the global
/// scope, never on `window`). For wasm32-unknown-unknown with wasm-bindgen; feature `fetch`.
///
/// ```ignore
/// // (wasm32 only)
/// let client = glair::Client::builder()
///     .api_key("api-key")
///     .username("username")
///     .password("password")
///     .transport(glair::core::FetchTransport::new())
///     .build()?;
/// ```
///
/// - **One attempt, one `AbortController`.** Every request gets its own controller; when the
///   attempt's future is dropped before it finished (the dispatcher's attempt or operation
///   timeout fired, or the caller gave up), the request is aborted, so the runtime stops
///   waiting and releases the connection. The timeouts themselves are the dispatcher's, timed
///   by [`JsSleep`](crate::JsSleep).
/// - **Bounded bodies.** A response whose `Content-Length` exceeds
///   [`max_response_body_bytes`](Self::max_response_body_bytes) (4 MiB by default) is refused
///   before its body is read; any other body is read chunk by chunk from its stream and
///   refused, and the request aborted, as soon as it passes the limit
///   ([`TransportErrorKind::BodyTooLarge`]). The limit is on the body as `fetch` hands it
///   over, that is after content decoding.
/// - **Redirects are not followed** (`redirect: "manual"`), as with the other transports:
///   a 3xx is returned as it is, and no credential header is sent to another location. (A
///   browser hides such responses; they then fail as an I/O error.) Cookies are not sent
///   (`credentials: "omit"`).
///
/// # Error mapping, and why a charged POST is never repeated
///
/// When `fetch` rejects, the runtime says too little to know whether the request reached the
/// server: a browser answers "Failed to fetch" for a refused connection and for a reset
/// after the request was written alike. So every rejection is
/// [`TransportErrorKind::Io`] ("may have been sent": retried only for idempotent methods),
/// except where the runtime proves otherwise:
///
/// - Node's `fetch` (undici) names the system error in `cause.code`: a refused connection, an
///   unknown host or an unreachable network (`ECONNREFUSED`, `ENOTFOUND`, `EAI_AGAIN`,
///   `EHOSTUNREACH`, `ENETUNREACH`) and undici's connect timeout (`UND_ERR_CONNECT_TIMEOUT`)
///   happen before a connection exists, so they are [`TransportErrorKind::Connect`] (the
///   request never left: retried for every method); certificate and TLS handshake errors are
///   [`TransportErrorKind::Tls`].
/// - A request `fetch` refuses to start (an invalid URL or header, no global `fetch` in this
///   runtime) never left: [`TransportErrorKind::Other`] or, for a missing `fetch`,
///   [`TransportErrorKind::Connect`].
/// - Anything going wrong while the body is read is [`TransportErrorKind::Io`].
///
/// Error messages carry the method, host and path and the JavaScript error's name and code,
/// never a header value, the query string or the runtime's own message text.
#[derive(Clone, Debug)]
pub struct FetchTransport {
    max_response_body_bytes: u64,
}

impl Default for FetchTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl FetchTransport {
    /// The default response body cap: 4 MiB (as `HyperTransport`'s and `UreqTransport`'s).
    pub const DEFAULT_MAX_RESPONSE_BODY_BYTES: u64 = 4 * 1024 * 1024;

    /// A transport with the default body limit.
    pub fn new() -> Self {
        Self {
            max_response_body_bytes: Self::DEFAULT_MAX_RESPONSE_BODY_BYTES,
        }
    }

    /// Sets the largest response body accepted, in bytes; a larger (or endless) body fails
    /// with [`TransportErrorKind::BodyTooLarge`] with bounded memory.
    #[must_use]
    pub fn with_max_response_body_bytes(mut self, limit: u64) -> Self {
        self.max_response_body_bytes = limit;
        self
    }

    /// The largest response body accepted, in bytes.
    pub fn max_response_body_bytes(&self) -> u64 {
        self.max_response_body_bytes
    }
}

#[async_trait::async_trait(?Send)]
impl Transport for FetchTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let what = Described::new(&request);
        let abort = AbortOnDrop::new(&what)?;
        let js_request = build_request(&request, &abort.controller, &what)?;
        let fetch = global_function("fetch").ok_or_else(|| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("{what}: this JavaScript runtime has no global fetch"),
            )
        })?;
        let promise = fetch
            .call1(&js_sys::global(), &js_request)
            .map_err(|error| TransportError::new(TransportErrorKind::Other, what.js(&error)))?;
        let promise: js_sys::Promise = promise.dyn_into().map_err(|_| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("{what}: the global fetch did not return a promise"),
            )
        })?;
        let response = JsFuture::from(promise)
            .await
            .map_err(|error| rejected(&what, &error))?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| {
            TransportError::new(
                TransportErrorKind::Io,
                format!("{what}: fetch resolved to something other than a Response"),
            )
        })?;
        let response = read_response(&response, self.max_response_body_bytes, &what).await?;
        abort.disarm();
        Ok(response)
    }
}

/// The method, host and path of a request: all an error message may say about it.
struct Described {
    method: http::Method,
    host: String,
    path: String,
}

impl Described {
    fn new(request: &Request<Bytes>) -> Self {
        Self {
            method: request.method().clone(),
            host: request.uri().host().unwrap_or_default().to_owned(),
            path: request.uri().path().to_owned(),
        }
    }

    /// A message for a JavaScript error: its name and, when it has one, the code of its cause
    /// (never its message, which may quote the URL).
    fn js(&self, error: &JsValue) -> String {
        let name = js_string(error, "name").unwrap_or_else(|| "error".to_owned());
        match cause_code(error) {
            Some(code) => format!("{self}: fetch failed ({name}, {code})"),
            None => format!("{self}: fetch failed ({name})"),
        }
    }
}

impl std::fmt::Display for Described {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}{}", self.method, self.host, self.path)
    }
}

/// The request's `AbortController`: aborts the request when dropped before
/// [`disarm`](Self::disarm), that is when the attempt was abandoned.
struct AbortOnDrop {
    controller: AbortController,
    armed: bool,
}

impl AbortOnDrop {
    fn new(what: &Described) -> Result<Self, TransportError> {
        let controller = AbortController::new()
            .map_err(|error| TransportError::new(TransportErrorKind::Other, what.js(&error)))?;
        Ok(Self {
            controller,
            armed: true,
        })
    }

    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.controller.abort();
        }
    }
}

/// Headers `fetch` sets itself (and some runtimes refuse when given).
const SET_BY_FETCH: [HeaderName; 4] = [
    http::header::HOST,
    http::header::CONTENT_LENGTH,
    http::header::CONNECTION,
    http::header::TRANSFER_ENCODING,
];

/// The `Request` for `fetch`: method, URL, headers, body and the abort signal.
fn build_request(
    request: &Request<Bytes>,
    abort: &AbortController,
    what: &Described,
) -> Result<web_sys::Request, TransportError> {
    let refused = |error: JsValue| TransportError::new(TransportErrorKind::Other, what.js(&error));
    let headers = Headers::new().map_err(refused)?;
    for (name, value) in request.headers() {
        if SET_BY_FETCH.contains(name) {
            continue;
        }
        let value = value.to_str().map_err(|_| {
            TransportError::new(
                TransportErrorKind::Other,
                format!("{what}: the value of header {name} is not visible ASCII"),
            )
        })?;
        headers.append(name.as_str(), value).map_err(refused)?;
    }
    let init = RequestInit::new();
    init.set_method(request.method().as_str());
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&abort.signal()));
    if !request.body().is_empty() {
        init.set_body(&Uint8Array::from(request.body().as_ref()));
    }
    web_sys::Request::new_with_str_and_init(&request.uri().to_string(), &init).map_err(refused)
}

/// The error for a rejected `fetch` (see the type's documentation for the mapping).
fn rejected(what: &Described, error: &JsValue) -> TransportError {
    let message = what.js(error);
    let Some(code) = cause_code(error) else {
        return TransportError::new(TransportErrorKind::Io, message);
    };
    match code.as_str() {
        "UND_ERR_CONNECT_TIMEOUT" => TransportError::connect_timeout(message),
        "ECONNREFUSED" | "ENOTFOUND" | "EAI_AGAIN" | "EHOSTUNREACH" | "ENETUNREACH" => {
            TransportError::new(TransportErrorKind::Connect, message)
        }
        code if is_tls_code(code) => TransportError::new(TransportErrorKind::Tls, message),
        _ => TransportError::new(TransportErrorKind::Io, message),
    }
}

/// Node's codes for a certificate or handshake failure (before any request byte is sent).
fn is_tls_code(code: &str) -> bool {
    code.starts_with("ERR_TLS_")
        || code.starts_with("ERR_SSL_")
        || code.contains("CERT")
        || matches!(
            code,
            "UNABLE_TO_VERIFY_LEAF_SIGNATURE" | "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
        )
}

/// `error.cause.code` (where Node's `fetch` puts the system error), else `error.code`.
fn cause_code(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("cause"))
        .ok()
        .filter(|cause| cause.is_object())
        .and_then(|cause| js_string(&cause, "code"))
        .or_else(|| js_string(error, "code"))
}

/// The string property `key` of `value`, if it has one.
fn js_string(value: &JsValue, key: &str) -> Option<String> {
    if !value.is_object() {
        return None;
    }
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// The status, headers and (bounded) body of a `fetch` response.
async fn read_response(
    response: &web_sys::Response,
    limit: u64,
    what: &Described,
) -> Result<Response<Bytes>, TransportError> {
    let io = |message: String| TransportError::new(TransportErrorKind::Io, message);
    let status = StatusCode::from_u16(response.status()).map_err(|_| {
        // A browser's opaque answer to a redirect that was not followed has status 0.
        io(format!(
            "{what}: fetch gave status {} (an opaque or redirect response)",
            response.status()
        ))
    })?;
    let mut builder = Response::builder().status(status);
    let entries = js_sys::try_iter(&response.headers())
        .map_err(|error| io(what.js(&error)))?
        .ok_or_else(|| io(format!("{what}: the response headers are not iterable")))?;
    for entry in entries {
        let entry = entry.map_err(|error| io(what.js(&error)))?;
        let pair = js_sys::Array::from(&entry);
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            continue;
        };
        // `fetch` hands over valid header names; a value outside what `http` accepts is
        // dropped rather than failing the whole response.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            builder = builder.header(name, value);
        }
    }
    let declared = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(TransportError::body_too_large(limit));
    }
    let body = match response.body() {
        Some(stream) => read_body(&stream, limit, what).await?,
        None => Bytes::new(),
    };
    builder
        .body(body)
        .map_err(|_| io(format!("{what}: the response could not be represented")))
}

/// Reads a body stream to its end, refusing it once it passes `limit` bytes.
async fn read_body(
    stream: &web_sys::ReadableStream,
    limit: u64,
    what: &Described,
) -> Result<Bytes, TransportError> {
    let io = |error: JsValue| TransportError::new(TransportErrorKind::Io, what.js(&error));
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut body = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(io)?;
        if Reflect::get(&chunk, &JsValue::from_str("done"))
            .map_err(io)?
            .as_bool()
            .unwrap_or(false)
        {
            break;
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(io)?;
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            return Err(TransportError::new(
                TransportErrorKind::Io,
                format!("{what}: the response body stream gave something other than bytes"),
            ));
        };
        let len = bytes.length() as usize;
        if body.len().saturating_add(len) > cap {
            // Stop the download; the promise it returns settles on its own.
            let _ = reader.cancel();
            return Err(TransportError::body_too_large(limit));
        }
        let start = body.len();
        body.resize(start + len, 0);
        bytes.copy_to(&mut body[start..]);
    }
    Ok(Bytes::from(body))
}
