//! The session API: create and retrieve, for every kind; fault delivery.

use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode};
use hyper::body::Incoming;
use serde_json::Value;

use super::{is_json, quote_path, read_body, unauthorized};
use crate::body::{self, API_BODY_LIMIT};
use crate::faults::{FaultAction, Phase};
use crate::kinds::{self, API_VERSION, Kind};
use crate::respond::{self, JSON, Reply, Resp, ResponseBody};
use crate::state::State;
use crate::stats::RouteKey;
use crate::store::Session;
use crate::urls::validate_redirect_url;
use crate::vision::table::{self, PathMatch, VisionRoute};

/// What an API path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiRoute<'a> {
    /// `/{service}/v1/{resource}`.
    Collection(&'static Kind),
    /// `/{service}/v1/{resource}/{sid}`.
    Item(&'static Kind, &'a str),
    /// A direct Vision endpoint (face, identity, OCR).
    Vision(&'static VisionRoute),
    /// A kind's or a Vision endpoint's path with another version than `v1`.
    BadVersion(&'a str),
    /// Anything else.
    Unknown,
}

impl ApiRoute<'_> {
    /// The counting key of the route.
    pub(crate) fn key(&self) -> RouteKey {
        match self {
            ApiRoute::Collection(k) => RouteKey::Collection(k.resource),
            ApiRoute::Item(k, _) => RouteKey::Item(k.resource),
            ApiRoute::Vision(r) => RouteKey::Vision(r.endpoint.id),
            ApiRoute::BadVersion(..) | ApiRoute::Unknown => RouteKey::Unknown,
        }
    }
}

/// Match an API path.
pub(crate) fn match_api(path: &str) -> ApiRoute<'_> {
    match table::by_path(path) {
        Some(PathMatch::Route(route)) => return ApiRoute::Vision(route),
        Some(PathMatch::BadVersion(version)) => return ApiRoute::BadVersion(version),
        None => {}
    }
    let Some(rest) = path.strip_prefix('/') else {
        return ApiRoute::Unknown;
    };
    let mut segments = rest.split('/');
    let (Some(service), Some(version), Some(resource)) =
        (segments.next(), segments.next(), segments.next())
    else {
        return ApiRoute::Unknown;
    };
    let sid = segments.next();
    if segments.next().is_some() {
        return ApiRoute::Unknown;
    }
    let Some(kind) = kinds::by_service_resource(service, resource) else {
        return ApiRoute::Unknown;
    };
    if version != API_VERSION {
        return ApiRoute::BadVersion(version);
    }
    match sid {
        None => ApiRoute::Collection(kind),
        Some("") => ApiRoute::Unknown,
        Some(sid) => ApiRoute::Item(kind, sid),
    }
}

/// Handle an API request: count it, apply a queued fault, process it.
pub(super) async fn handle(state: &State, parts: &Parts, incoming: &mut Option<Incoming>) -> Reply {
    let path = parts.uri.path();
    let route = match_api(path);
    let key = route.key();
    state.stats.request(&parts.method, key);

    let Some(fault) = state.faults.take(&parts.method, key, path) else {
        return Reply::Respond(process(state, parts, route, incoming).await);
    };
    match (fault.phase, fault.action) {
        (Phase::Before, FaultAction::Delay(d)) => {
            pause(state, d).await;
            Reply::Respond(process(state, parts, route, incoming).await)
        }
        (Phase::After, FaultAction::Delay(d)) => {
            let resp = process(state, parts, route, incoming).await;
            pause(state, d).await;
            Reply::Respond(resp)
        }
        (Phase::Before, action) => {
            // Nothing is processed, but read the body so that the connection stays usable
            // (and a client going away is noticed while hanging).
            if let Some(rest) = incoming.take() {
                body::drain(rest).await;
            }
            deliver(state, action).await
        }
        (Phase::After, action) => {
            let processed = process(state, parts, route, incoming).await;
            drop(processed);
            if let Some(rest) = incoming.take() {
                body::drain(rest).await;
            }
            deliver(state, action).await
        }
    }
}

/// Sleep for `d`, or less if the server shuts down meanwhile.
async fn pause(state: &State, d: Duration) {
    tokio::select! {
        () = tokio::time::sleep(d) => {}
        () = state.shutting_down() => {}
    }
}

/// The faulty reply for a non-delay fault.
async fn deliver(state: &State, action: FaultAction) -> Reply {
    match action {
        FaultAction::Status {
            status,
            retry_after,
            body,
            content_type,
        } => {
            let (default_type, default_body) = default_fault_body(status);
            let mut resp = respond::with_body(
                status,
                content_type.unwrap_or(default_type),
                body.unwrap_or(default_body),
            );
            if let Some(v) = retry_after {
                resp.headers_mut().insert(RETRY_AFTER, v);
            }
            Reply::Respond(resp)
        }
        FaultAction::Hang => {
            // Held until the server shuts down; hyper drops this future earlier when the
            // client closes the connection.
            state.shutting_down().await;
            Reply::Drop
        }
        FaultAction::Reset => Reply::Drop,
        FaultAction::Malformed => Reply::Respond(respond::with_body(
            StatusCode::OK,
            JSON,
            Bytes::from_static(b"{\"status\":\"PEND"),
        )),
        FaultAction::Oversized => {
            let mut resp = Response::new(ResponseBody::Endless {
                started: false,
                shutdown: state.shutdown.clone(),
            });
            resp.headers_mut().insert(CONTENT_TYPE, JSON);
            Reply::Respond(resp)
        }
        // Delays never get here; serve an empty success rather than panic.
        FaultAction::Delay(_) => Reply::Respond(respond::with_body(
            StatusCode::OK,
            JSON,
            Bytes::from_static(b"{}"),
        )),
    }
}

const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n\
<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>glair-emulator</center>\r\n\
</body>\r\n</html>\r\n";

/// The default content type and body of a status fault.
fn default_fault_body(status: StatusCode) -> (HeaderValue, Bytes) {
    if status == StatusCode::BAD_GATEWAY {
        return (
            HeaderValue::from_static("text/html"),
            Bytes::from_static(BAD_GATEWAY_PAGE.as_bytes()),
        );
    }
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = serde_json::to_vec(&serde_json::json!({
        "message": format!("{reason} (emulated fault)")
    }))
    .unwrap_or_default();
    (JSON, Bytes::from(body))
}

/// Process an API request for real.
async fn process(
    state: &State,
    parts: &Parts,
    route: ApiRoute<'_>,
    incoming: &mut Option<Incoming>,
) -> Resp {
    if let Err(e) = state.credentials.check(&parts.headers) {
        return unauthorized(e);
    }
    match route {
        ApiRoute::Unknown => respond::message(
            StatusCode::NOT_FOUND,
            &format!(
                "no such route: {} {}",
                parts.method,
                quote_path(parts.uri.path())
            ),
        ),
        ApiRoute::BadVersion(version) => respond::message(
            StatusCode::NOT_FOUND,
            &format!(
                "unsupported API version {:?}: the emulator serves {API_VERSION}",
                quote_path(version)
            ),
        ),
        ApiRoute::Collection(kind) => {
            if parts.method == Method::POST {
                create(state, parts, kind, incoming).await
            } else {
                respond::method_not_allowed("POST")
            }
        }
        ApiRoute::Vision(route) => super::vision::process(state, parts, route, incoming).await,
        ApiRoute::Item(kind, sid) => {
            if parts.method == Method::GET {
                retrieve(state, kind, sid)
            } else {
                respond::method_not_allowed("GET")
            }
        }
    }
}

fn bad_request(msg: &str) -> Resp {
    respond::message(StatusCode::BAD_REQUEST, msg)
}

/// An optional URL field of the create body (`null` counts as absent); the error is the
/// message of a 400 answer.
fn url_field<'a>(
    body: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<Option<&'a str>, String> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(url)) => match validate_redirect_url(url) {
            Ok(()) => Ok(Some(url)),
            Err(why) => Err(format!("invalid {name}: {why}")),
        },
        Some(_) => Err(format!("{name} must be a string")),
    }
}

/// `POST {API path}`.
async fn create(
    state: &State,
    parts: &Parts,
    kind: &'static Kind,
    incoming: &mut Option<Incoming>,
) -> Resp {
    if !is_json(&parts.headers) {
        return respond::message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let bytes = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => return bad_request(&format!("request body is not valid JSON: {e}")),
    };
    let Value::Object(body) = value else {
        return bad_request("request body must be a JSON object");
    };
    let success_url = match url_field(&body, "success_url") {
        Ok(Some(url)) => url,
        Ok(None) => return bad_request("missing success_url"),
        Err(why) => return bad_request(&why),
    };
    let cancel_url = match url_field(&body, "cancel_url") {
        Ok(url) => url,
        Err(why) => return bad_request(&why),
    };
    let extras = match kind.validate_extras(&body) {
        Ok(extras) => extras,
        Err(why) => return bad_request(&why),
    };
    match state.create_session(kind, success_url, cancel_url, &extras, false) {
        Ok((_sid, json)) => respond::json_bytes(StatusCode::OK, json),
        Err(full) => respond::store_full(full, state.clock.now_ms()),
    }
}

/// `GET {API path}/{sid}`.
fn retrieve(state: &State, kind: &Kind, sid: &str) -> Resp {
    match state.store.with(kind, sid, Session::to_json) {
        Some(json) => respond::json_bytes(StatusCode::OK, json),
        None => respond::message(StatusCode::NOT_FOUND, "session not found"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_api_paths() {
        assert!(matches!(
            match_api("/face/v1/passive-liveness-sessions"),
            ApiRoute::Collection(k) if k.resource == "passive-liveness-sessions"
        ));
        assert!(matches!(
            match_api("/ocr/v1/ktp-sessions/abc"),
            ApiRoute::Item(k, "abc") if k.resource == "ktp-sessions"
        ));
        assert!(matches!(
            match_api("/ocr/v2/npwp-sessions"),
            ApiRoute::BadVersion("v2")
        ));
        assert!(matches!(
            match_api("/ocr/v1/ktp/qualities"),
            ApiRoute::Vision(r) if r.endpoint.id == "O2"
        ));
        assert!(matches!(
            match_api("/face/v3/match"),
            ApiRoute::BadVersion("v3")
        ));
        for unknown in [
            "/",
            "",
            "/face",
            "/face/v1",
            "/ocr/v1/passive-liveness-sessions",
            "/face/v1/passive-liveness-sessions/",
            "/face/v1/passive-liveness-sessions/a/b",
            "/face/v1/unknown-sessions",
        ] {
            assert_eq!(match_api(unknown), ApiRoute::Unknown, "{unknown}");
        }
    }
}
