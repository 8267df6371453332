//! Control endpoints under `/_emulator/`: complete, clock, faults, stats, Vision outcomes.

use http::request::Parts;
use http::{Method, StatusCode};
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;

use super::{read_body, unauthorized};
use crate::body::API_BODY_LIMIT;
use crate::config::Outcome;
use crate::faults;
use crate::kinds;
use crate::respond::{self, Resp};
use crate::state::State;
use crate::store::{CompleteError, Session};
use crate::vision::table;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompleteRequest {
    outcome: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetOutcomeRequest {
    outcome: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceRequest {
    ms: u64,
}

fn bad_request(msg: &str) -> Resp {
    respond::message(StatusCode::BAD_REQUEST, msg)
}

/// Handle a request under `/_emulator`.
pub(super) async fn handle(state: &State, parts: &Parts, incoming: &mut Option<Incoming>) -> Resp {
    if let Err(e) = state.credentials.check(&parts.headers) {
        return unauthorized(e);
    }
    let rest = parts
        .uri
        .path()
        .strip_prefix("/_emulator/")
        .unwrap_or_default();
    let mut segments = rest.split('/');
    let segs = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    );
    let method = &parts.method;
    match segs {
        (Some("stats"), None, None, None) => {
            if method == Method::GET {
                respond::json(StatusCode::OK, &state.stats())
            } else {
                respond::method_not_allowed("GET")
            }
        }
        (Some("clock"), Some("advance"), None, None) => {
            if method != Method::POST {
                return respond::method_not_allowed("POST");
            }
            let bytes = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
                Ok(b) => b,
                Err(resp) => return resp,
            };
            match serde_json::from_slice::<AdvanceRequest>(&bytes) {
                Ok(req) => match state.advance_clock(req.ms) {
                    Ok(now_ms) => respond::json(StatusCode::OK, &json!({ "now_ms": now_ms })),
                    Err(end) => bad_request(&format!(
                        "the clock cannot pass the end of year 9999 (the last instant an HTTP \
                         date can name); it can move at most {} ms more",
                        end.room_ms
                    )),
                },
                Err(e) => bad_request(&format!("expected {{\"ms\": <non-negative integer>}}: {e}")),
            }
        }
        (Some("faults"), None, None, None) => {
            if method == Method::POST {
                let bytes = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
                    Ok(b) => b,
                    Err(resp) => return resp,
                };
                match faults::parse(&bytes) {
                    Ok((fault, count)) => match state.faults.push(fault, count) {
                        Ok(queued) => respond::json(StatusCode::OK, &json!({ "queued": queued })),
                        Err(faults::QueueFull) => respond::message(
                            StatusCode::CONFLICT,
                            &format!(
                                "{} faults are queued already, the most the emulator holds; \
                                 DELETE /_emulator/faults clears them",
                                faults::MAX_QUEUED_FAULTS
                            ),
                        ),
                    },
                    Err(why) => bad_request(&why),
                }
            } else if method == Method::DELETE {
                let cleared = state.faults.clear();
                respond::json(StatusCode::OK, &json!({ "cleared": cleared }))
            } else {
                respond::method_not_allowed("POST, DELETE")
            }
        }
        (Some("outcomes"), None, None, None) => {
            if method == Method::GET {
                respond::json(StatusCode::OK, &state.vision_outcomes.listing())
            } else if method == Method::DELETE {
                let reset = state.vision_outcomes.reset();
                respond::json(StatusCode::OK, &json!({ "reset": reset }))
            } else {
                respond::method_not_allowed("GET, DELETE")
            }
        }
        (Some("outcomes"), Some(id), None, None) => {
            let Some(route) = table::by_id(id) else {
                return respond::message(
                    StatusCode::NOT_FOUND,
                    "no such Vision endpoint id (GET /_emulator/outcomes lists them: F1, O6, …)",
                );
            };
            if method != Method::POST {
                return respond::method_not_allowed("POST");
            }
            let bytes = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
                Ok(b) => b,
                Err(resp) => return resp,
            };
            let name = match serde_json::from_slice::<SetOutcomeRequest>(&bytes) {
                Ok(req) => req.outcome,
                Err(e) => {
                    return bad_request(&format!(
                        "expected {{\"outcome\": \"{}\"}}: {e}",
                        route.outcomes.join("\" | \"")
                    ));
                }
            };
            match state.vision_outcomes.set(route, &name) {
                Ok(outcome) => respond::json(
                    StatusCode::OK,
                    &json!({ "endpoint": route.endpoint.id, "outcome": outcome }),
                ),
                Err(why) => bad_request(&why),
            }
        }
        (Some(resource), Some(sid), Some("complete"), None) => {
            let Some(kind) = kinds::by_resource(resource) else {
                return not_found();
            };
            if method != Method::POST {
                return respond::method_not_allowed("POST");
            }
            let bytes = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
                Ok(b) => b,
                Err(resp) => return resp,
            };
            let outcome = if bytes.iter().all(u8::is_ascii_whitespace) {
                state.outcome
            } else {
                match serde_json::from_slice::<CompleteRequest>(&bytes) {
                    Ok(CompleteRequest { outcome: None }) => state.outcome,
                    Ok(CompleteRequest { outcome: Some(o) }) => match o.parse::<Outcome>() {
                        Ok(o) => o,
                        Err(e) => return bad_request(&e.to_string()),
                    },
                    Err(e) => {
                        return bad_request(&format!(
                            "expected {{\"outcome\": \"live\"|\"spoof\"|\"no-face\"|\"moderate\"|\"many-faces\"}}: {e}"
                        ));
                    }
                }
            };
            let now = state.clock.now_ms();
            match state
                .store
                .complete(kind, sid, now, outcome, Session::to_json)
            {
                Ok(json) => respond::json_bytes(StatusCode::OK, json),
                Err(e) => complete_error(e),
            }
        }
        _ => not_found(),
    }
}

fn not_found() -> Resp {
    respond::message(StatusCode::NOT_FOUND, "no such control endpoint")
}

/// The response for a failed completion (shared with the hosted page's submit).
pub(super) fn complete_error(e: CompleteError) -> Resp {
    match e {
        CompleteError::NotFound => respond::message(StatusCode::NOT_FOUND, "session not found"),
        CompleteError::AlreadyFinished => {
            respond::message(StatusCode::CONFLICT, "this session is already complete")
        }
        CompleteError::Expired => respond::message(StatusCode::GONE, "this session has expired"),
    }
}
