//! The index page at `/` (what the emulator is, its credentials, endpoints and control API)
//! and its demo button, `POST /_emulator/demo`, which creates a session and sends the browser
//! to its hosted page.

use bytes::Bytes;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, HeaderValue, LOCATION, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use http::request::Parts;
use http::{Method, StatusCode};
use hyper::body::Incoming;
use serde_json::Map;

use super::read_body;
use crate::body::API_BODY_LIMIT;
use crate::html::escape_html;
use crate::kinds::{self, KINDS, Kind};
use crate::respond::{self, Resp};
use crate::state::State;
use crate::vision::table::ROUTES;
use crate::{DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME};

/// The demo button's endpoint.
pub(super) const DEMO_PATH: &str = "/_emulator/demo";

/// No scripts at all; inline styles; the demo forms post to this origin only.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
base-uri 'none'; frame-ancestors 'none'";

/// Whether `path` is the index page or its demo endpoint.
pub(super) fn matches(path: &str) -> bool {
    path == "/" || path == DEMO_PATH
}

/// Handle `/` or `POST /_emulator/demo`. Neither needs credentials: the page shows no secret
/// that was configured, and a demo session is an ordinary session under the session cap.
pub(super) async fn handle(state: &State, parts: &Parts, incoming: &mut Option<Incoming>) -> Resp {
    if parts.uri.path() == DEMO_PATH {
        if parts.method == Method::POST {
            demo(state, parts, incoming).await
        } else {
            respond::method_not_allowed("POST")
        }
    } else if parts.method == Method::GET || parts.method == Method::HEAD {
        html_response(StatusCode::OK, render(state, demo_query(parts.uri.query())))
    } else {
        respond::method_not_allowed("GET, HEAD")
    }
}

/// `POST /_emulator/demo` with a form field `kind` (an API resource name; default passive
/// liveness): create a session whose success and cancel URLs lead back here, and answer
/// `303 See Other` to its hosted page.
async fn demo(state: &State, parts: &Parts, incoming: &mut Option<Incoming>) -> Resp {
    let form = match read_body(state, parts, incoming, API_BODY_LIMIT).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let resource = form_field(&form, "kind").unwrap_or("passive-liveness-sessions");
    let Some(kind) = kinds::by_resource(resource) else {
        return respond::message(
            StatusCode::BAD_REQUEST,
            "unknown kind: expected an API resource name such as passive-liveness-sessions",
        );
    };
    let back = format!("{}/", state.public_base);
    let success_url = format!("{back}?kind={}", kind.resource);
    let created = state.create_session(kind, &success_url, Some(&back), &Map::new(), true);
    match created {
        Ok((sid, _)) => {
            let location = format!("{}/{}/{}", state.public_base, kind.page, sid);
            let mut resp = respond::with_body(
                StatusCode::SEE_OTHER,
                HeaderValue::from_static("text/plain; charset=utf-8"),
                Bytes::from(format!("See {location}\n")),
            );
            if let Ok(v) = HeaderValue::try_from(location) {
                resp.headers_mut().insert(LOCATION, v);
            }
            resp
        }
        Err(full) => respond::store_full(full, state.clock.now_ms()),
    }
}

/// The value of `name` in an `application/x-www-form-urlencoded` body or query (the values
/// used here need no decoding).
fn form_field<'a>(form: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(form).ok()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.trim())
    })
}

/// The demo session the browser came back from: `/?kind=RESOURCE&sid=SID`.
fn demo_query(query: Option<&str>) -> Option<(&'static Kind, &str)> {
    let query = query?.as_bytes();
    let kind = kinds::by_resource(form_field(query, "kind")?)?;
    let sid = form_field(query, "sid")?;
    Some((kind, sid))
}

fn html_response(status: StatusCode, html: String) -> Resp {
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

/// The credentials section: the values when they are the documented defaults, otherwise only
/// the username (a configured API key or password is never shown).
fn credentials(state: &State) -> String {
    let c = &state.credentials;
    let defaults = c.api_key() == DEFAULT_API_KEY
        && c.username() == DEFAULT_USERNAME
        && c.password() == DEFAULT_PASSWORD;
    let (key, password) = if defaults {
        (
            format!("<code>{DEFAULT_API_KEY}</code>"),
            format!("<code>{DEFAULT_PASSWORD}</code>"),
        )
    } else {
        let hidden = "<em>configured, not shown</em>".to_owned();
        (hidden.clone(), hidden)
    };
    format!(
        "<table><tr><th><code>x-api-key</code></th><td data-testid=\"api-key\">{key}</td></tr>\
         <tr><th>Basic username</th><td data-testid=\"username\"><code>{}</code></td></tr>\
         <tr><th>Basic password</th><td data-testid=\"password\">{password}</td></tr></table>",
        escape_html(c.username())
    )
}

/// The result of the demo session the browser came back from, if it is one.
fn demo_result(state: &State, kind: &'static Kind, sid: &str) -> String {
    let now = state.clock.now_ms();
    let shown = state.store.with(kind, sid, |s| {
        s.demo.then(|| {
            let status = if s.is_finished() {
                "finished"
            } else if s.is_expired(now) {
                "expired"
            } else {
                "pending"
            };
            let json = serde_json::to_string_pretty(&s.to_value()).unwrap_or_default();
            (status, json)
        })
    });
    match shown.flatten() {
        Some((status, json)) => format!(
            "<section data-testid=\"demo-result\"><h2>Your demo session</h2>\
             <p>Session <code>{sid}</code> is <strong>{status}</strong>. This is what \
             <code>GET {path}/{sid}</code> answers:</p><pre>{json}</pre></section>",
            sid = escape_html(sid),
            path = kind.api_path(),
            json = escape_html(&json),
        ),
        None => "<section data-testid=\"demo-result\"><p>That demo session is not known (it may \
                 have expired and been evicted).</p></section>"
            .to_owned(),
    }
}

fn render(state: &State, demo: Option<(&'static Kind, &str)>) -> String {
    let base = escape_html(&state.public_base);
    let mut kinds_rows = String::new();
    let mut demo_buttons = String::new();
    for kind in KINDS {
        kinds_rows.push_str(&format!(
            "<tr><td>{title}</td><td><code>POST {api}</code><br><code>GET {api}/{{sid}}</code></td>\
             <td><code>/{page}/{{sid}}</code></td></tr>",
            title = kind.wording.title,
            api = kind.api_path(),
            page = kind.page,
        ));
        demo_buttons.push_str(&format!(
            "<form method=\"post\" action=\"{DEMO_PATH}\"><input type=\"hidden\" name=\"kind\" \
             value=\"{resource}\"><button type=\"submit\" data-testid=\"demo-{resource}\">{title}\
             </button></form>",
            resource = kind.resource,
            title = kind.wording.title,
        ));
    }
    let mut vision_rows = String::new();
    for route in ROUTES {
        vision_rows.push_str(&format!(
            "<tr><td>{id}</td><td>{name}</td><td><code>POST {path}</code></td><td>{outcomes}</td></tr>",
            id = route.endpoint.id,
            name = escape_html(route.endpoint.name),
            path = route.endpoint.path(),
            outcomes = route.outcomes.join(", "),
        ));
    }
    let result = demo
        .map(|(kind, sid)| demo_result(state, kind, sid))
        .unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>glair-emulator</title>
<style>
  body {{ margin: 0; background: #eef1f6; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; }}
  main {{ max-width: 820px; margin: 24px auto; padding: 24px 32px; background: #fff; border-radius: 12px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
  h1 {{ margin-top: 0; }} h2 {{ margin-top: 28px; font-size: 20px; }}
  table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid #e3e6ec; }}
  code, pre {{ font: 14px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }}
  pre {{ background: #f5f7fa; padding: 12px; border-radius: 8px; overflow-x: auto; }}
  form {{ display: inline-block; margin: 0 8px 8px 0; }}
  button {{ font: inherit; padding: 8px 16px; border: 0; border-radius: 8px; background: #1a56db; color: #fff; cursor: pointer; }}
  .muted {{ color: #555; }}
</style></head>
<body><main>
<h1 data-testid="title">glair-emulator</h1>
<p>A local emulator of <a href="https://glair.ai">GLAIR Vision</a>'s hosted identity-session API
and its hosted pages, for testing over loopback. It is not GLAIR: nothing leaves this machine,
and results are fixtures.</p>
{result}
<h2>Try it</h2>
<p>Each button creates a session and opens its hosted page; after the check you come back here
and see the session as the API returns it.</p>
{demo_buttons}
<h2>Credentials</h2>
<p>Every API and control request needs both headers: <code>x-api-key</code> and
<code>Authorization: Basic base64(username:password)</code>. Hosted pages need none.</p>
{credentials}
<h2>Session API</h2>
<p>Base URL <code>{base}</code>. Create with a JSON body <code>{{"success_url": …, "cancel_url": …}}</code>;
the session's <code>url</code> is its hosted page, and the page redirects to
<code>success_url</code> with <code>sid</code> appended.</p>
<table><tr><th>kind</th><th>API</th><th>hosted page</th></tr>{kinds_rows}</table>
<h2>Vision API</h2>
<p><code>multipart/form-data</code> uploads (face match also takes JSON with base64 images).
The first outcome is the default; pick another per request with the header
<code>x-emulator-outcome: NAME</code>.</p>
<table data-testid="vision-routes"><tr><th>id</th><th>endpoint</th><th>route</th><th>outcomes</th></tr>{vision_rows}</table>
<h2>Control API</h2>
<p>Same credentials as the API.</p>
<table>
<tr><td><code>POST /_emulator/{{resource}}/{{sid}}/complete</code></td><td>finish a session; optional <code>{{"outcome": "live" | "spoof" | "no-face" | "moderate" | "many-faces"}}</code></td></tr>
<tr><td><code>POST /_emulator/clock/advance</code></td><td>move the clock forward: <code>{{"ms": N}}</code></td></tr>
<tr><td><code>POST /_emulator/faults</code>, <code>DELETE /_emulator/faults</code></td><td>queue or clear injected faults (status, delay, hang, reset, malformed, oversized)</td></tr>
<tr><td><code>GET /_emulator/stats</code></td><td>sessions created, held and evicted; API requests per route</td></tr>
<tr><td><code>GET /_emulator/outcomes</code>, <code>POST /_emulator/outcomes/{{id}}</code>, <code>DELETE /_emulator/outcomes</code></td><td>list the Vision endpoints' outcomes; set one endpoint's default: <code>{{"outcome": NAME}}</code>; reset them all. One request picks its own with the header <code>x-emulator-outcome: NAME</code></td></tr>
</table>
<p class="muted">Every endpoint, error, fault and limit is described in the
<a href="https://docs.rs/glair-emulator">crate documentation</a> and by <code>glair-emulator --help</code>.</p>
</main></body></html>
"#,
        credentials = credentials(state),
    )
}
