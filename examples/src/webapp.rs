//! The web application of the `webapp` example, as a router the browser tests can drive.
//!
//! Routes:
//! - `GET /` — a start page.
//! - `GET /start` (`?cancel=false` to omit the back button) — creates a passive liveness
//!   session, remembers its sid for this browser (a cookie naming a server-side record), and
//!   redirects the browser to the hosted page.
//! - `GET /liveness/done?sid=…` — where GLAIR sends the user back: checks that the sid is the
//!   one this browser started, fetches the result from GLAIR server side, and shows it.
//! - `GET /liveness/cancelled` — where the hosted page's back button leads.
//!
//! The sid in the redirect is the only thing read from it, and it is only accepted if this
//! browser started that session: a sid proves nothing about which user took the check.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use glair::{
    Client, CreatePassiveLivenessSession, LivenessVerdict, PassiveLivenessSession, SessionId,
    Verdict,
};

const COOKIE: &str = "glair_demo";

/// Application state: the SDK client and which browser started which session.
#[derive(Debug)]
struct App {
    client: Client,
    public_url: String,
    /// Browser id (the cookie's value) → the sid that browser started.
    started: Mutex<HashMap<String, SessionId>>,
}

/// The application's routes. `public_url` is where browsers reach the application (for
/// example `http://127.0.0.1:3000`); GLAIR redirects users back under it.
pub fn router(client: Client, public_url: impl Into<String>) -> Router {
    let app = Arc::new(App {
        client,
        public_url: public_url.into().trim_end_matches('/').to_owned(),
        started: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/", get(home))
        .route("/start", get(start))
        .route("/liveness/done", get(done))
        .route("/liveness/cancelled", get(cancelled))
        .with_state(app)
}

async fn home() -> Html<String> {
    page(
        "Verify it's you",
        r#"<p>We need a quick selfie check.</p>
<p><a data-testid="start" href="/start">Start the check</a></p>
<p><a data-testid="start-without-cancel" href="/start?cancel=false">Start (no way back)</a></p>"#,
    )
}

#[derive(serde::Deserialize)]
struct StartQuery {
    cancel: Option<String>,
}

async fn start(State(app): State<Arc<App>>, Query(q): Query<StartQuery>) -> Response {
    let mut request =
        CreatePassiveLivenessSession::new(format!("{}/liveness/done", app.public_url));
    if q.cancel.as_deref() != Some("false") {
        request = request.cancel_url(format!("{}/liveness/cancelled", app.public_url));
    }
    let session = match app.client.passive_liveness_sessions().create(request).await {
        Ok(session) => session,
        Err(e) => return failure(StatusCode::BAD_GATEWAY, &e.to_string()),
    };
    let sid = session.sid().clone();
    let browser = new_browser_id();
    if let Ok(mut started) = app.started.lock() {
        started.insert(browser.clone(), sid);
    }
    let cookie = format!("{COOKIE}={browser}; Path=/; HttpOnly; SameSite=Lax");
    ([(header::SET_COOKIE, cookie)], Redirect::to(&session.url)).into_response()
}

async fn done(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let redirect = uri.to_string();
    let Ok(sid) = SessionId::from_redirect_url(&redirect) else {
        return failure(StatusCode::BAD_REQUEST, "The link has no valid session id.");
    };
    if started_sid(&app, &headers).as_ref() != Some(&sid) {
        return failure(
            StatusCode::FORBIDDEN,
            "This check was not started in this browser.",
        );
    }
    match app
        .client
        .passive_liveness_sessions()
        .retrieve_from_redirect(&redirect)
        .await
    {
        Ok(session) => show_result(&session).into_response(),
        Err(e) => failure(StatusCode::BAD_GATEWAY, &e.to_string()),
    }
}

async fn cancelled(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(sid) = started_sid(&app, &headers) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "No check was started in this browser.",
        );
    };
    match app.client.passive_liveness_sessions().retrieve(&sid).await {
        Ok(session) => page(
            "Check cancelled",
            &format!(
                r#"<p>You went back without finishing the check.</p>
<p>Session status: <span data-testid="session-status">{}</span></p>
<p><a href="/start">Try again</a></p>"#,
                escape(session.status.as_str())
            ),
        )
        .into_response(),
        Err(e) => failure(StatusCode::BAD_GATEWAY, &e.to_string()),
    }
}

fn show_result(session: &PassiveLivenessSession) -> Html<String> {
    // Decide with the verdict (a failed check reports a spoof score of 0, which proves
    // nothing); show the level and the probability for the record.
    let (verdict, reason) = match session.verdict() {
        Some(verdict) => (
            verdict.label().to_owned(),
            verdict.reason().unwrap_or_default(),
        ),
        None => ("pending".to_owned(), String::new()),
    };
    let result = session.result.as_ref();
    let level = result
        .and_then(|r| r.spoof_level())
        .map_or("none".to_owned(), |l| l.to_string());
    let probability = result
        .and_then(|r| r.spoof_probability())
        .map_or("none".to_owned(), |p| p.to_string());
    let (headline, advice) = match session.verdict() {
        Some(LivenessVerdict::Live) => ("You are a live person", "The check passed."),
        Some(LivenessVerdict::Spoof) => (
            "The check did not pass",
            "The picture looked like a photo, a screen or a mask.",
        ),
        _ => (
            "The check was not conclusive",
            "Please try again in good light, with only your face in the picture.",
        ),
    };
    page(
        "Check complete",
        &format!(
            r#"<h2 data-testid="headline">{}</h2>
<p>{}</p>
<dl>
<dt>Verdict</dt><dd data-testid="verdict">{}</dd>
<dt>Reason</dt><dd data-testid="verdict-reason">{}</dd>
<dt>Session status</dt><dd data-testid="session-status">{}</dd>
<dt>Spoof level</dt><dd data-testid="spoof-level">{}</dd>
<dt>Spoof probability</dt><dd data-testid="spoof-probability">{}</dd>
</dl>
<p><a class="button" data-testid="try-again" href="/start">Try again</a></p>"#,
            escape(headline),
            escape(advice),
            escape(&verdict),
            escape(&reason),
            escape(session.status.as_str()),
            escape(&level),
            escape(&probability)
        ),
    )
}

fn started_sid(app: &App, headers: &HeaderMap) -> Option<SessionId> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    let browser = cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)?;
    app.started.lock().ok()?.get(browser).cloned()
}

/// A browser id nobody can guess: 128 bits from the standard library's per-process random
/// hasher keys (enough for a demo; use your framework's session store in production).
fn new_browser_id() -> String {
    let a = RandomState::new().hash_one(std::time::SystemTime::now());
    let b = RandomState::new().hash_one(a);
    format!("{a:016x}{b:016x}")
}

fn failure(status: StatusCode, message: &str) -> Response {
    (
        status,
        page(
            "Something went wrong",
            &format!(r#"<p data-testid="error">{}</p>"#, escape(message)),
        ),
    )
        .into_response()
}

/// The look of the hosted page: one centred card, system fonts, one accent colour.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;\
background:#f4f6fb;color:#1d2433;margin:0;display:flex;justify-content:center}\
main{background:#fff;max-width:32rem;width:100%;margin:3rem 1rem;padding:2rem;\
border-radius:12px;box-shadow:0 4px 24px rgba(20,30,60,.08)}\
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.15rem}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}dt{color:#5b6477}dd{margin:0}\
a.button{display:inline-block;background:#2857d6;color:#fff;padding:.6rem 1.2rem;\
border-radius:8px;text-decoration:none}a.button:hover{background:#1f47b3}";

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{0}</title><style>{STYLE}</style></head>\
         <body><main><h1>{0}</h1>{1}</main></body></html>",
        escape(title),
        body
    ))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
