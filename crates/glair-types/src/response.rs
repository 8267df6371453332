//! Response decoding: a success status becomes a model, anything else an [`ApiError`].

use std::time::SystemTime;

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, BODY_EXCERPT_LIMIT, DecodeError, ResponseError, bounded_owned};
use crate::kind::SessionKind;
use crate::request::{REQUEST_ID_HEADER, X_REQUEST_ID_HEADER};
use crate::session::{JsonPathError, Session};
use crate::session_id::SessionId;

/// Decodes a create response into a [`Session`], whose sid is read from its `url`.
///
/// A `2xx` response must hold a session object whose `url` ends in a valid session id (a
/// decode error at `url` otherwise); anything else becomes an [`ApiError`] with the status,
/// the `Request-Id` and the service's message. The `Date` header is kept
/// ([`Session::service_date`]). Never panics, whatever the bytes. For a retrieve response,
/// use [`decode_retrieved_session`], which keeps the sid the session was fetched by.
///
/// ```
/// use bytes::Bytes;
/// use glair_types::{PassiveLiveness, ResponseError, decode_session};
///
/// let response = http::Response::builder()
///     .status(401)
///     .header("Request-Id", "req-42")
///     .body(Bytes::from_static(br#"{"message":"Invalid API key"}"#))
///     .unwrap();
/// let Err(ResponseError::Api(err)) = decode_session::<PassiveLiveness>(&response) else {
///     panic!("expected an API error")
/// };
/// assert_eq!(err.status(), 401);
/// assert_eq!(err.request_id(), Some("req-42"));
/// assert_eq!(err.message(), "Invalid API key");
/// ```
pub fn decode_session<K: SessionKind>(
    response: &Response<Bytes>,
) -> Result<Session<K>, ResponseError> {
    check_status(response)?;
    Session::<K>::decode(response.body().clone(), None, service_date(response))
        .map_err(|e| ResponseError::from(decode_error(response, e)))
}

/// Decodes a retrieve response into a [`Session`] whose sid is `sid`, the one it was
/// requested by (whatever its `url` ends in). Otherwise as [`decode_session`].
pub fn decode_retrieved_session<K: SessionKind>(
    response: &Response<Bytes>,
    sid: &SessionId,
) -> Result<Session<K>, ResponseError> {
    check_status(response)?;
    Session::<K>::decode(
        response.body().clone(),
        Some(sid.clone()),
        service_date(response),
    )
    .map_err(|e| ResponseError::from(decode_error(response, e)))
}

/// Decodes any JSON success response into `T`; error statuses become [`ApiError`]s.
pub fn decode_json<T: DeserializeOwned>(response: &Response<Bytes>) -> Result<T, ResponseError> {
    check_status(response)?;
    from_json_with_path(response.body()).map_err(|e| decode_error(response, e).into())
}

/// Turns a non-success response into an [`ApiError`]; passes a success through.
pub fn check_status(response: &Response<Bytes>) -> Result<(), ApiError> {
    if response.status().is_success() {
        Ok(())
    } else {
        Err(api_error(response))
    }
}

/// The request id of a response: the `Request-Id` header GLAIR documents, else
/// `x-request-id` (what proxies and gateways commonly add), when present and printable. At
/// most 128 characters are kept.
pub fn request_id(response: &Response<Bytes>) -> Option<String> {
    let headers = response.headers();
    [REQUEST_ID_HEADER, X_REQUEST_ID_HEADER]
        .iter()
        .find_map(|name| headers.get(name).and_then(|v| v.to_str().ok()))
        // A header value is visible ASCII, so 128 bytes are 128 characters.
        .map(|s| s.get(..128).unwrap_or(s).to_owned())
}

/// The instant the service says it answered: its `Date` header, when present and valid.
pub fn service_date(response: &Response<Bytes>) -> Option<SystemTime> {
    let value = response.headers().get(http::header::DATE)?;
    // `Date` has a resolution of one second, so consecutive responses nearly always carry the
    // same text: the last one parsed (per thread) is kept and reused.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(http::HeaderValue, SystemTime)>> =
            const { std::cell::RefCell::new(None) };
    }
    let cached = LAST.with(|last| {
        last.try_borrow()
            .ok()
            .and_then(|last| last.as_ref().filter(|(v, _)| v == value).map(|(_, t)| *t))
    });
    if cached.is_some() {
        return cached;
    }
    let parsed = httpdate::parse_http_date(value.to_str().ok()?).ok()?;
    LAST.with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some((value.clone(), parsed));
        }
    });
    Some(parsed)
}

/// Builds the [`ApiError`] for a non-success response.
pub fn api_error(response: &Response<Bytes>) -> ApiError {
    let status = response.status();
    ApiError {
        status,
        request_id: request_id(response),
        message: error_message(status, response.body()),
        body_excerpt: excerpt(response.body()),
    }
}

/// Decodes a JSON body into `T`, naming the JSON path where it fails: the decoder of the SDK's
/// own models, for a [`DecodeBody`](crate::DecodeBody) of your own (see
/// [`EndpointRequest`](crate::EndpointRequest)). Plain serde_json first; only a body that
/// fails is decoded again to find the path. The path and message are bounded in length.
///
/// ```
/// use glair_types::decode_json_body;
///
/// #[derive(serde::Deserialize)]
/// struct Answer { status: String }
///
/// let answer: Answer = decode_json_body(br#"{"status":"success"}"#)?;
/// assert_eq!(answer.status, "success");
/// let err = decode_json_body::<Answer>(br#"{"status":7}"#).err().unwrap();
/// assert_eq!(err.path(), "status");
/// # Ok::<(), glair_types::JsonPathError>(())
/// ```
pub fn decode_json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonPathError> {
    from_json_with_path(body)
}

/// Any JSON, kept as a tree: the response of an endpoint whose shape you do not model.
impl crate::DecodeBody for serde_json::Value {
    fn decode_body(body: &Bytes) -> Result<Self, JsonPathError> {
        from_json_with_path(body)
    }
}

pub(crate) fn from_json_with_path<T: DeserializeOwned>(body: &[u8]) -> Result<T, JsonPathError> {
    // Fast path: plain serde_json. Tracking the JSON path costs on every field, so only a body
    // that fails pays for it, by being decoded a second time with the tracker.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = match e.path().to_string() {
            // serde_path_to_error says `?` for syntax errors outside any field.
            p if p == "?" => ".".to_owned(),
            p => p,
        };
        JsonPathError {
            path: bounded_owned(path),
            message: bounded_owned(e.into_inner().to_string()),
        }
    })?;
    deserializer.end().map_err(|e| JsonPathError {
        path: ".".into(),
        message: bounded_owned(e.to_string()),
    })?;
    Ok(value)
}

pub(crate) fn decode_error(response: &Response<Bytes>, e: JsonPathError) -> DecodeError {
    DecodeError {
        status: response.status(),
        request_id: request_id(response),
        path: e.path,
        message: e.message,
        body_excerpt: excerpt(response.body()),
    }
}

/// The longest message kept from an error body.
const MESSAGE_LIMIT: usize = 300;

/// Reads the message from any of the error body shapes the service uses: `{"message": …}`,
/// `{"error": …}` (a string or an object with a message), `{"status": …, "reason": …}`, or a
/// non-JSON body (an HTML page's title, else its first line of text).
fn error_message(status: StatusCode, body: &[u8]) -> String {
    let from_body = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => message_from_json(&json),
        Err(_) => message_from_text(&String::from_utf8_lossy(body)),
    };
    match from_body {
        Some(m) if !m.trim().is_empty() => clean(&m, MESSAGE_LIMIT),
        _ => status
            .canonical_reason()
            .unwrap_or("unrecognised status")
            .to_owned(),
    }
}

fn message_from_json(json: &serde_json::Value) -> Option<String> {
    let text = |key: &str| json.get(key).and_then(serde_json::Value::as_str);
    if let Some(message) = text("message") {
        return Some(message.to_owned());
    }
    match json.get("error") {
        Some(serde_json::Value::String(e)) => return Some(e.clone()),
        Some(nested @ serde_json::Value::Object(_)) => {
            if let Some(m) = message_from_json(nested) {
                return Some(m);
            }
        }
        _ => {}
    }
    match (text("status"), text("reason")) {
        (Some(status), Some(reason)) => Some(format!("{status}: {reason}")),
        (None, Some(reason)) => Some(reason.to_owned()),
        _ => None,
    }
}

fn message_from_text(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if let (Some(start), Some(end)) = (lower.find("<title>"), lower.find("</title>")) {
        if let Some(title) = text.get(start + "<title>".len()..end) {
            return Some(title.trim().to_owned());
        }
    }
    if lower.trim_start().starts_with('<') {
        return None;
    }
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}

/// At most [`BODY_EXCERPT_LIMIT`] bytes of `body` as text, control characters replaced.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LIMIT)];
    clean(&String::from_utf8_lossy(cut), BODY_EXCERPT_LIMIT)
}

fn clean(text: &str, limit: usize) -> String {
    let mut out = String::with_capacity(text.len().min(limit));
    for c in text.chars() {
        if out.len() + c.len_utf8() > limit {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(status: u16, body: &str) -> String {
        error_message(StatusCode::from_u16(status).unwrap(), body.as_bytes())
    }

    #[test]
    fn service_dates_are_parsed_and_the_last_one_reused_only_for_the_same_text() {
        let with_date = |date: &str| {
            Response::builder()
                .header(http::header::DATE, date)
                .body(Bytes::new())
                .unwrap()
        };
        let a = with_date("Tue, 01 Dec 2026 19:37:05 GMT");
        let b = with_date("Tue, 01 Dec 2026 19:37:06 GMT");
        let at = |s: u64| Some(SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(service_date(&a), at(1_796_153_825));
        assert_eq!(service_date(&a), at(1_796_153_825));
        assert_eq!(service_date(&b), at(1_796_153_826));
        assert_eq!(service_date(&a), at(1_796_153_825));
        assert_eq!(service_date(&with_date("yesterday")), None);
        assert_eq!(service_date(&Response::new(Bytes::new())), None);
    }

    #[test]
    fn request_ids_are_bounded() {
        let long = "r".repeat(300);
        let response = Response::builder()
            .header(REQUEST_ID_HEADER, long.as_str())
            .body(Bytes::new())
            .unwrap();
        assert_eq!(request_id(&response).map(|id| id.len()), Some(128));
    }

    #[test]
    fn reads_every_error_body_shape() {
        assert_eq!(
            msg(
                403,
                r#"{"message":"Access to this API has been disallowed."}"#
            ),
            "Access to this API has been disallowed."
        );
        assert_eq!(msg(401, r#"{"error":"Unauthorized"}"#), "Unauthorized");
        assert_eq!(msg(400, r#"{"error":{"message":"nested"}}"#), "nested");
        assert_eq!(
            msg(
                400,
                r#"{"status":"NO_FILE","reason":"No file in request body"}"#
            ),
            "NO_FILE: No file in request body"
        );
        assert_eq!(
            msg(
                502,
                "<html><head><title>502 Bad Gateway</title></head></html>"
            ),
            "502 Bad Gateway"
        );
        assert_eq!(msg(500, "upstream failed\nmore"), "upstream failed");
        assert_eq!(msg(503, ""), "Service Unavailable");
        assert_eq!(
            msg(500, "<html><body>x</body></html>"),
            "Internal Server Error"
        );
        assert_eq!(msg(500, r#"{"unexpected":1}"#), "Internal Server Error");
    }

    #[test]
    fn excerpts_are_bounded_and_printable() {
        let long = "x\u{1}".repeat(2000);
        let e = excerpt(long.as_bytes());
        assert!(e.len() <= BODY_EXCERPT_LIMIT + '…'.len_utf8());
        assert!(!e.contains('\u{1}'));
        assert_eq!(excerpt(&[0xff, 0xfe, b'a']), "\u{fffd}\u{fffd}a");
    }
}
