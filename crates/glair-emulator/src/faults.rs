//! Injected faults: parsing `POST /_emulator/faults` bodies and the FIFO queue they wait in.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Method, StatusCode};
use serde::Deserialize;

use crate::routes::api::{ApiRoute, match_api};
use crate::stats::RouteKey;

/// Longest accepted `delay_ms`.
const MAX_DELAY_MS: u64 = 600_000;

/// Most fault definitions queued at once (each with its own `count`). With bodies of at most
/// the 64 KiB a control request may carry, the queue holds at most 16 MiB.
pub(crate) const MAX_QUEUED_FAULTS: usize = 256;

/// Longest `route` accepted, in bytes: far above every API path (the longest is under 100
/// bytes, a sid included).
pub(crate) const MAX_ROUTE_LEN: usize = 1024;

/// When a fault is delivered relative to processing the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Instead of processing the request.
    Before,
    /// After processing it, instead of (or, for a delay, before) the real response.
    After,
}

/// What a fault does.
#[derive(Debug, Clone)]
pub(crate) enum FaultAction {
    /// Answer with this status (and optional `Retry-After`, body, content type).
    Status {
        status: StatusCode,
        retry_after: Option<HeaderValue>,
        body: Option<Bytes>,
        content_type: Option<HeaderValue>,
    },
    /// Wait, then serve normally.
    Delay(Duration),
    /// Never answer.
    Hang,
    /// Close the connection without a response.
    Reset,
    /// 200 with truncated JSON.
    Malformed,
    /// 200 with an endless body.
    Oversized,
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum RouteFilter {
    AnyCreate,
    AnyRetrieve,
    AnyVision,
    Route(RouteKey),
    Path(String),
}

/// One queued fault.
#[derive(Debug, Clone)]
pub(crate) struct Fault {
    pub(crate) action: FaultAction,
    pub(crate) phase: Phase,
    method: Option<Method>,
    route: Option<RouteFilter>,
}

impl Fault {
    fn matches(&self, method: &Method, route: RouteKey, path: &str) -> bool {
        if self.method.as_ref().is_some_and(|m| m != method) {
            return false;
        }
        match &self.route {
            None => true,
            Some(RouteFilter::AnyCreate) => matches!(route, RouteKey::Collection(_)),
            Some(RouteFilter::AnyRetrieve) => matches!(route, RouteKey::Item(_)),
            Some(RouteFilter::AnyVision) => matches!(route, RouteKey::Vision(_)),
            Some(RouteFilter::Route(r)) => *r == route,
            Some(RouteFilter::Path(p)) => p == path,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    kind: String,
    count: Option<u32>,
    phase: Option<String>,
    method: Option<String>,
    route: Option<String>,
    status: Option<u16>,
    retry_after_s: Option<u64>,
    retry_after: Option<String>,
    body: Option<String>,
    content_type: Option<String>,
    delay_ms: Option<u64>,
}

/// Parse a fault definition; returns the fault and its count. The error is a message for a
/// 400 answer.
pub(crate) fn parse(body: &[u8]) -> Result<(Fault, u32), String> {
    let req: FaultRequest =
        serde_json::from_slice(body).map_err(|e| format!("invalid fault definition: {e}"))?;
    let count = req.count.unwrap_or(1);
    if count == 0 {
        return Err("count must be at least 1".into());
    }
    let phase = match req.phase.as_deref() {
        None | Some("before") => Phase::Before,
        Some("after") => Phase::After,
        Some(_) => return Err("phase must be \"before\" or \"after\"".into()),
    };
    let mut method = match &req.method {
        None => None,
        Some(m) => Some(parse_method(m)?),
    };
    let route = match &req.route {
        None => None,
        Some(r) if r.len() > MAX_ROUTE_LEN => {
            return Err(format!(
                "route is {} bytes long; at most {MAX_ROUTE_LEN} are accepted",
                r.len()
            ));
        }
        Some(r) => Some(parse_route(r, &mut method)?),
    };

    let is_status = req.kind == "status";
    if !is_status {
        for (given, name) in [
            (req.status.is_some(), "status"),
            (req.retry_after_s.is_some(), "retry_after_s"),
            (req.retry_after.is_some(), "retry_after"),
            (req.body.is_some(), "body"),
            (req.content_type.is_some(), "content_type"),
        ] {
            if given {
                return Err(format!("{name} applies only to faults of kind \"status\""));
            }
        }
    }
    if req.kind != "delay" && req.delay_ms.is_some() {
        return Err("delay_ms applies only to faults of kind \"delay\"".into());
    }

    let action = match req.kind.as_str() {
        "status" => {
            let code = req.status.ok_or("a status fault needs status")?;
            let status = StatusCode::from_u16(code)
                .ok()
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .ok_or("status must be between 200 and 599")?;
            let retry_after = match (req.retry_after_s, req.retry_after) {
                (Some(_), Some(_)) => {
                    return Err("give retry_after_s or retry_after, not both".into());
                }
                (Some(s), None) => Some(HeaderValue::from(s)),
                (None, Some(raw)) => Some(
                    HeaderValue::from_str(&raw)
                        .map_err(|_| "retry_after is not a valid header value")?,
                ),
                (None, None) => None,
            };
            let content_type = match req.content_type {
                Some(ct) => Some(
                    HeaderValue::from_str(&ct)
                        .map_err(|_| "content_type is not a valid header value")?,
                ),
                None => None,
            };
            FaultAction::Status {
                status,
                retry_after,
                body: req.body.map(Bytes::from),
                content_type,
            }
        }
        "delay" => {
            let ms = req.delay_ms.ok_or("a delay fault needs delay_ms")?;
            if ms > MAX_DELAY_MS {
                return Err(format!("delay_ms must be at most {MAX_DELAY_MS}"));
            }
            FaultAction::Delay(Duration::from_millis(ms))
        }
        "hang" => FaultAction::Hang,
        "reset" => FaultAction::Reset,
        "malformed" => FaultAction::Malformed,
        "oversized" => FaultAction::Oversized,
        _ => {
            return Err(
                "kind must be one of status, delay, hang, reset, malformed, oversized".into(),
            );
        }
    };
    Ok((
        Fault {
            action,
            phase,
            method,
            route,
        },
        count,
    ))
}

fn parse_method(m: &str) -> Result<Method, String> {
    Method::from_bytes(m.to_ascii_uppercase().as_bytes())
        .map_err(|_| "method is not a valid HTTP method".to_owned())
}

fn parse_route(route: &str, method: &mut Option<Method>) -> Result<RouteFilter, String> {
    match route {
        "create" => return Ok(RouteFilter::AnyCreate),
        "retrieve" => return Ok(RouteFilter::AnyRetrieve),
        "vision" => return Ok(RouteFilter::AnyVision),
        _ => {}
    }
    let path = match route.split_once(' ') {
        Some((m, path)) => {
            let m = parse_method(m)?;
            if method.as_ref().is_some_and(|given| *given != m) {
                return Err("the method in route differs from method".into());
            }
            *method = Some(m);
            path
        }
        None => route,
    };
    match match_api(path) {
        ApiRoute::Collection(kind) => Ok(RouteFilter::Route(RouteKey::Collection(kind.resource))),
        ApiRoute::Item(kind, "{sid}") => Ok(RouteFilter::Route(RouteKey::Item(kind.resource))),
        ApiRoute::Item(..) => Ok(RouteFilter::Path(path.to_owned())),
        ApiRoute::Vision(r) => Ok(RouteFilter::Route(RouteKey::Vision(r.endpoint.id))),
        ApiRoute::BadVersion(..) | ApiRoute::Unknown => Err(
            "route must be \"create\", \"retrieve\", \"vision\", an API route such as \
             /face/v1/passive-liveness-sessions, /face/v1/passive-liveness-sessions/{sid} or \
             /face/v1/match, or an exact API path"
                .into(),
        ),
    }
}

/// The queue holds [`MAX_QUEUED_FAULTS`] faults already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueueFull;

/// The FIFO queue of faults.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    queue: Mutex<VecDeque<(Fault, u32)>>,
    /// Number of queued entries, to skip the lock when there are none.
    len: AtomicUsize,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, VecDeque<(Fault, u32)>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queue a fault for the next `count` matching requests; returns the queue length, or
    /// `Err(QueueFull)` when [`MAX_QUEUED_FAULTS`] are queued already.
    pub(crate) fn push(&self, fault: Fault, count: u32) -> Result<usize, QueueFull> {
        let mut q = self.lock();
        if q.len() >= MAX_QUEUED_FAULTS {
            return Err(QueueFull);
        }
        q.push_back((fault, count));
        self.len.store(q.len(), Ordering::Release);
        Ok(q.len())
    }

    /// Remove all faults; returns how many there were.
    pub(crate) fn clear(&self) -> usize {
        let mut q = self.lock();
        let n = q.len();
        q.clear();
        self.len.store(0, Ordering::Release);
        n
    }

    /// Take one use of the first queued fault matching this API request.
    pub(crate) fn take(&self, method: &Method, route: RouteKey, path: &str) -> Option<Fault> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut q = self.lock();
        let i = q.iter().position(|(f, _)| f.matches(method, route, path))?;
        let entry = q.get_mut(i)?;
        entry.1 -= 1;
        let fault = if entry.1 == 0 {
            q.remove(i).map(|(f, _)| f)
        } else {
            Some(entry.0.clone())
        };
        self.len.store(q.len(), Ordering::Release);
        fault
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<(Fault, u32), String> {
        parse(s.as_bytes())
    }

    #[test]
    fn the_queue_and_its_routes_are_bounded() {
        let faults = Faults::default();
        let (fault, _) = p(r#"{"kind":"hang"}"#).unwrap();
        for i in 1..=MAX_QUEUED_FAULTS {
            assert_eq!(faults.push(fault.clone(), 1), Ok(i));
        }
        assert_eq!(faults.push(fault.clone(), 1), Err(QueueFull));
        assert_eq!(faults.clear(), MAX_QUEUED_FAULTS);
        assert_eq!(faults.push(fault, 1), Ok(1));
        let long = format!(
            r#"{{"kind":"hang","route":"/face/v1/passive-liveness-sessions/{}"}}"#,
            "a".repeat(MAX_ROUTE_LEN)
        );
        let err = p(&long).unwrap_err();
        assert!(err.contains("at most 1024"), "{err}");
    }

    #[test]
    fn parses_every_kind() {
        let (f, n) = p(r#"{"kind":"status","status":503,"count":2,"retry_after_s":1}"#).unwrap();
        assert_eq!(n, 2);
        assert_eq!(f.phase, Phase::Before);
        match f.action {
            FaultAction::Status {
                status,
                retry_after,
                ..
            } => {
                assert_eq!(status, 503);
                assert_eq!(retry_after.unwrap(), "1");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            p(r#"{"kind":"delay","delay_ms":5,"phase":"after"}"#).unwrap().0.action,
            FaultAction::Delay(d) if d == Duration::from_millis(5)
        ));
        for k in ["hang", "reset", "malformed", "oversized"] {
            p(&format!(r#"{{"kind":"{k}"}}"#)).unwrap();
        }
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            r#"{"kind":"explode"}"#,
            r#"{"kind":"status"}"#,
            r#"{"kind":"status","status":99}"#,
            r#"{"kind":"status","status":600}"#,
            r#"{"kind":"hang","status":503}"#,
            r#"{"kind":"delay"}"#,
            r#"{"kind":"delay","delay_ms":600001}"#,
            r#"{"kind":"reset","count":0}"#,
            r#"{"kind":"reset","phase":"during"}"#,
            r#"{"kind":"reset","route":"/nowhere"}"#,
            r#"{"kind":"reset","colour":"red"}"#,
            r#"{"kind":"reset","method":"GET","route":"POST /ocr/v1/ktp-sessions"}"#,
            r#"{"kind":"status","status":503,"retry_after_s":1,"retry_after":"2"}"#,
            "[]",
            "{",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_is_fifo_with_filters() {
        let faults = Faults::default();
        let (a, n) = p(r#"{"kind":"reset","count":2,"route":"create"}"#).unwrap();
        faults.push(a, n).unwrap();
        let (b, n) = p(r#"{"kind":"hang","method":"GET"}"#).unwrap();
        faults.push(b, n).unwrap();
        let create = RouteKey::Collection("ktp-sessions");
        let get = RouteKey::Item("ktp-sessions");
        let path = "/ocr/v1/ktp-sessions";
        assert!(matches!(
            faults.take(&Method::GET, get, "/x").unwrap().action,
            FaultAction::Hang
        ));
        assert!(faults.take(&Method::GET, get, "/x").is_none());
        assert!(matches!(
            faults.take(&Method::POST, create, path).unwrap().action,
            FaultAction::Reset
        ));
        assert!(faults.take(&Method::POST, create, path).is_some());
        assert!(faults.take(&Method::POST, create, path).is_none());

        let (c, n) = p(r#"{"kind":"malformed","route":"POST /ocr/v1/ktp-sessions"}"#).unwrap();
        faults.push(c, n).unwrap();
        assert!(faults.take(&Method::GET, create, path).is_none());
        assert!(
            faults
                .take(
                    &Method::POST,
                    RouteKey::Collection("npwp-sessions"),
                    "/ocr/v1/npwp-sessions"
                )
                .is_none()
        );
        assert_eq!(faults.clear(), 1);
        assert!(faults.take(&Method::POST, create, path).is_none());
    }
}
