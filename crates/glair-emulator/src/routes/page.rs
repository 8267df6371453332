//! The hosted page (`GET /{page}/{sid}`) and its submission (`POST /{page}/{sid}/submit`).

use bytes::Bytes;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
};
use http::request::Parts;
use http::{Method, StatusCode};
use hyper::body::Incoming;
use serde_json::json;

use super::control::complete_error;
use super::{is_image, read_body};
use crate::body::SUBMIT_BODY_LIMIT;
use crate::gestures::GesturePrompts;
use crate::html::{self, PageView};
use crate::ids::plausible_sid;
use crate::kinds::{self, Kind};
use crate::respond::{self, Resp};
use crate::state::State;
use crate::urls::append_sid;

/// Everything inline; only same-origin fetches; camera streams allowed.
const CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
img-src data: blob:; media-src blob: mediastream:; connect-src 'self'; base-uri 'none'; \
form-action 'none'; frame-ancestors 'none'";

/// A request under a kind's hosted page prefix.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageRoute<'a> {
    kind: &'static Kind,
    /// The path after `/{page}/`.
    rest: &'a str,
}

/// Whether `path` is under a hosted page prefix (`/{page}` or `/{page}/…`).
pub(super) fn match_page(path: &str) -> Option<PageRoute<'_>> {
    let rest = path.strip_prefix('/')?;
    let (first, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let kind = kinds::by_page(first)?;
    Some(PageRoute { kind, rest })
}

/// Handle a hosted page request. No credentials: the sid is the capability.
pub(super) async fn handle(
    state: &State,
    parts: &Parts,
    route: PageRoute<'_>,
    incoming: &mut Option<Incoming>,
) -> Resp {
    let (sid, action) = route.rest.split_once('/').unwrap_or((route.rest, ""));
    if !plausible_sid(sid) {
        return page_response(StatusCode::NOT_FOUND, html::render(PageView::NotFound));
    }
    match action {
        "" => {
            if parts.method == Method::GET || parts.method == Method::HEAD {
                show(state, route.kind, sid)
            } else {
                respond::method_not_allowed("GET, HEAD")
            }
        }
        "submit" => {
            if parts.method == Method::POST {
                submit(state, parts, route.kind, sid, incoming).await
            } else {
                respond::method_not_allowed("POST")
            }
        }
        _ => page_response(StatusCode::NOT_FOUND, html::render(PageView::NotFound)),
    }
}

/// An HTML response with the page's security headers.
fn page_response(status: StatusCode, html: String) -> Resp {
    let mut resp = respond::with_body(
        status,
        HeaderValue::from_static("text/html; charset=utf-8"),
        Bytes::from(html),
    );
    let h = resp.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

enum Shown {
    /// The cancel URL, and the gestures to ask for (active liveness).
    Pending(Option<String>, Option<GesturePrompts>),
    Finished,
    Expired,
}

/// `GET /{page}/{sid}`.
fn show(state: &State, kind: &'static Kind, sid: &str) -> Resp {
    let now = state.clock.now_ms();
    let shown = state.store.with(kind, sid, |s| {
        if s.is_finished() {
            Shown::Finished
        } else if s.is_expired(now) {
            Shown::Expired
        } else {
            // Only active liveness has `number_of_gestures` (validated and defaulted on create).
            let gestures = s
                .extras
                .get("number_of_gestures")
                .and_then(serde_json::Value::as_u64)
                .map(|count| GesturePrompts::for_session(sid, count));
            Shown::Pending(s.cancel_url.clone(), gestures)
        }
    });
    match shown {
        None => page_response(StatusCode::NOT_FOUND, html::render(PageView::NotFound)),
        Some(Shown::Finished) => {
            page_response(StatusCode::OK, html::render(PageView::Finished(kind)))
        }
        Some(Shown::Expired) => {
            page_response(StatusCode::GONE, html::render(PageView::Expired(kind)))
        }
        Some(Shown::Pending(cancel_url, gestures)) => page_response(
            StatusCode::OK,
            html::render(PageView::Pending {
                kind,
                sid,
                cancel_url: cancel_url.as_deref(),
                gestures: gestures.as_ref(),
            }),
        ),
    }
}

/// `POST /{page}/{sid}/submit`.
async fn submit(
    state: &State,
    parts: &Parts,
    kind: &'static Kind,
    sid: &str,
    incoming: &mut Option<Incoming>,
) -> Resp {
    // Answer 404/409/410 before reading a possibly large image; the completion below
    // re-checks atomically.
    let now = state.clock.now_ms();
    match state
        .store
        .with(kind, sid, |s| (s.is_finished(), s.is_expired(now)))
    {
        None => return complete_error(crate::store::CompleteError::NotFound),
        Some((true, _)) => return complete_error(crate::store::CompleteError::AlreadyFinished),
        Some((false, true)) => return complete_error(crate::store::CompleteError::Expired),
        Some((false, false)) => {}
    }
    if !is_image(&parts.headers) {
        return respond::message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be an image type such as image/jpeg or image/png",
        );
    }
    let image = match read_body(state, parts, incoming, SUBMIT_BODY_LIMIT).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    if image.is_empty() {
        return respond::message(StatusCode::BAD_REQUEST, "the image is empty");
    }
    let now = state.clock.now_ms();
    match state.store.complete(kind, sid, now, state.outcome, |s| {
        append_sid(&s.success_url, sid)
    }) {
        Ok(redirect) => respond::json(StatusCode::OK, &json!({ "redirect": redirect })),
        Err(e) => complete_error(e),
    }
}
