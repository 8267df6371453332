//! Request dispatch: control endpoints, hosted pages, or the API; plus shared helpers.

pub(crate) mod api;
mod control;
mod index;
mod page;
mod vision;

use std::sync::Arc;

use http::header::{CONNECTION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use hyper::body::Incoming;

use crate::auth::AuthError;
use crate::body;
use crate::respond::{self, DropConnection, Reply, Resp};
use crate::state::State;

/// Longest piece of a request path quoted back in an error message.
const MAX_QUOTED_PATH: usize = 200;

/// Handle one request: dispatch it, drain what is left of its body, add `Request-Id`.
pub(crate) async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Resp, DropConnection> {
    let request_id = state.ids.request_id();
    let (parts, incoming) = req.into_parts();
    let mut incoming = Some(incoming);
    let path = parts.uri.path();

    let reply = if index::matches(path) {
        Reply::Respond(index::handle(&state, &parts, &mut incoming).await)
    } else if path == "/_emulator" || path.starts_with("/_emulator/") {
        Reply::Respond(control::handle(&state, &parts, &mut incoming).await)
    } else if let Some(route) = page::match_page(path) {
        Reply::Respond(page::handle(&state, &parts, route, &mut incoming).await)
    } else {
        api::handle(&state, &parts, &mut incoming).await
    };

    match reply {
        Reply::Respond(mut resp) => {
            if let Some(rest) = incoming.take() {
                body::drain(rest).await;
            }
            if let Ok(v) = HeaderValue::try_from(request_id.as_str()) {
                resp.headers_mut().insert("request-id", v);
            }
            // The emulator's own time, clock advances included (hyper would send the system
            // time): clients that judge expiry by the service's clock then agree with it.
            if let Ok(v) = HeaderValue::try_from(emulator_date(&state)) {
                resp.headers_mut().insert(http::header::DATE, v);
            }
            tracing::debug!(
                request_id = %request_id,
                method = %parts.method,
                path = %quote_path(path),
                status = resp.status().as_u16(),
                "request"
            );
            Ok(resp)
        }
        Reply::Drop => {
            tracing::debug!(request_id = %request_id, method = %parts.method, "connection dropped");
            Err(DropConnection)
        }
    }
}

/// The body GLAIR answers bad credentials with, exactly (the vendor's Java SDK compares it
/// against the live API).
const AUTH_FAILURE_BODY: &[u8] = br#"{"error":"Access to this API has been disallowed"}"#;

/// The header that tells a developer what exactly was wrong with the credentials. GLAIR's body
/// says nothing more than "disallowed"; the emulator keeps that body and adds this header.
pub(crate) const AUTH_PROBLEM_HEADER: &str = "x-emulator-auth-problem";

/// The response for an authentication failure: `401` with GLAIR's documented body.
///
/// GLAIR's status for bad credentials is not documented (the vendor's Java SDK asserts only
/// the body); the emulator answers `401`, which the vendor's error page lists for "missing API
/// key or wrong username/password", and keeps `403` for its own forbidden cases.
fn unauthorized(err: AuthError) -> Resp {
    let mut resp = respond::json_bytes(StatusCode::UNAUTHORIZED, AUTH_FAILURE_BODY.to_vec());
    resp.headers_mut()
        .insert(AUTH_PROBLEM_HEADER, HeaderValue::from_static(err.message()));
    if err.is_basic() {
        resp.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"GLAIR Vision emulator\""),
        );
    }
    resp
}

/// The `Date` header value for now on the emulator's clock.
fn emulator_date(state: &State) -> String {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(state.clock.now_ms());
    httpdate::fmt_http_date(now)
}

/// A path shortened for quoting in messages and logs.
fn quote_path(path: &str) -> &str {
    if path.len() <= MAX_QUOTED_PATH {
        return path;
    }
    let mut end = MAX_QUOTED_PATH;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

/// The media type of a request (`type/subtype`) and its `;`-separated parameters.
fn media_type(headers: &HeaderMap) -> Option<(&str, std::str::Split<'_, char>)> {
    let raw = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let mut pieces = raw.split(';');
    let essence = pieces.next()?.trim();
    Some((essence, pieces))
}

/// Whether the request says `application/json` (a UTF-8 charset parameter is allowed).
fn is_json(headers: &HeaderMap) -> bool {
    let Some((essence, mut params)) = media_type(headers) else {
        return false;
    };
    essence.eq_ignore_ascii_case("application/json")
        && params.all(|p| match p.split_once('=') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
                let value = value.trim().trim_matches('"');
                value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8")
            }
            _ => true,
        })
}

/// Whether the request says `image/<something>`.
fn is_image(headers: &HeaderMap) -> bool {
    media_type(headers).is_some_and(|(essence, _)| {
        essence.len() > 6
            && essence.is_char_boundary(6)
            && essence[..6].eq_ignore_ascii_case("image/")
            && !essence[6..].contains('/')
    })
}

/// Read a body with a size limit and the configured deadline, turning failures into
/// 413/408/400 responses. On 413 the unread rest is put back so that it gets drained; on 408 it
/// is not (the client is too slow to drain) and the connection is closed.
async fn read_body(
    state: &State,
    parts: &Parts,
    incoming: &mut Option<Incoming>,
    limit: usize,
) -> Result<bytes::Bytes, Resp> {
    let Some(mut b) = incoming.take() else {
        return Ok(bytes::Bytes::new());
    };
    let deadline = state.limits.body_read_timeout;
    let read = tokio::time::timeout(deadline, body::read_limited(&mut b, &parts.headers, limit));
    let Ok(read) = read.await else {
        let mut resp = respond::message(
            StatusCode::REQUEST_TIMEOUT,
            &format!(
                "the request body was not received within {} ms",
                deadline.as_millis()
            ),
        );
        resp.headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
        return Err(resp);
    };
    match read {
        Ok(bytes) => Ok(bytes),
        Err(body::ReadError::TooLarge) => {
            *incoming = Some(b);
            Err(respond::message(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("request body is larger than {limit} bytes"),
            ))
        }
        Err(body::ReadError::Failed) => Err(respond::message(
            StatusCode::BAD_REQUEST,
            "could not read the request body",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_TYPE, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(&ct("application/json")));
        assert!(is_json(&ct("Application/JSON; charset=UTF-8")));
        assert!(is_json(&ct("application/json;charset=\"utf-8\"")));
        assert!(!is_json(&ct("application/json; charset=latin1")));
        assert!(!is_json(&ct("text/plain")));
        assert!(!is_json(&ct("application/jsonx")));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn image_content_types() {
        assert!(is_image(&ct("image/jpeg")));
        assert!(is_image(&ct("image/png")));
        assert!(is_image(&ct("IMAGE/WebP; q=1")));
        assert!(!is_image(&ct("image/")));
        assert!(!is_image(&ct("application/octet-stream")));
        assert!(!is_image(&HeaderMap::new()));
    }

    #[test]
    fn quotes_are_bounded() {
        let long = "é".repeat(300);
        assert!(quote_path(&long).len() <= MAX_QUOTED_PATH);
        assert_eq!(quote_path("/x"), "/x");
    }
}
