//! The web application of the `webapp` example, as a router the browser tests can drive.
//!
//! Every check is bound to the user who started it with a signed verification ticket
//! ([`glair::TicketKeys`]): nothing here compares sids by hand.
//!
//! Routes:
//! - `GET /` — log in (a demo login: any name, no password), or start a check.
//! - `POST /login` (form field `user`), `POST /logout`.
//! - `GET /start` (`?cancel=false` to omit the back button) — for the user logged in: creates a
//!   passive liveness session with [`create_with_ticket`](glair::Sessions::create_with_ticket),
//!   keeps the ticket server side under a random `state` that goes into `success_url` and
//!   `cancel_url`, and redirects the browser to the hosted page.
//! - `GET /liveness/done?state=…&sid=…` — where GLAIR sends the user back: the state finds
//!   the ticket, and [`finish`](glair::Sessions::finish) decides whether *this* user may see
//!   *this* sid's result (another user opening the same URL is refused) before fetching it
//!   from GLAIR. Reloading gives the same verdict.
//! - `GET /liveness/cancelled?state=…` — where the hosted page's back button leads.
//! - anything else — `404` with a page saying so.
//!
//! The state only says which ticket to look up; it proves nothing (anyone holding the URL has
//! it). The ticket decides, against the user logged in now.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use glair::{
    Client, CreatePassiveLivenessSession, FinishError, Finished, LivenessVerdict, PassiveLiveness,
    TicketError, TicketKeys, TicketSecret, Verdict, state_from_redirect, success_url_with_state,
};

const COOKIE: &str = "glair_demo";

/// Application state: the SDK client, the ticket keys, who is logged in where, and the
/// tickets of the checks started.
#[derive(Debug)]
struct App {
    client: Client,
    keys: TicketKeys,
    public_url: String,
    /// Browser id (the cookie's value) → the user logged in there.
    logins: Mutex<HashMap<String, String>>,
    /// State (in `success_url`) → the ticket of the check started with it.
    tickets: Mutex<HashMap<String, String>>,
}

/// The application's routes, signing tickets with a secret made up for this process (fine
/// for a demo; see [`router_with_keys`]). `public_url` is where browsers reach the application
/// (for example `http://127.0.0.1:3000`); GLAIR redirects users back under it.
pub fn router(client: Client, public_url: impl Into<String>) -> Router {
    let mut secret = Vec::with_capacity(32);
    while secret.len() < 32 {
        secret.extend_from_slice(random_id().as_bytes());
    }
    // 32 or more bytes: always accepted.
    let keys = match TicketSecret::new(secret) {
        Ok(secret) => TicketKeys::new(secret),
        Err(e) => unreachable!("{e}"),
    };
    router_with_keys(client, public_url, keys)
}

/// The application's routes, with ticket keys of your own (in production: a secret from your
/// vault, the previous one kept in [`TicketKeys::with_previous`] while rotating).
pub fn router_with_keys(client: Client, public_url: impl Into<String>, keys: TicketKeys) -> Router {
    let app = Arc::new(App {
        client,
        keys,
        public_url: public_url.into().trim_end_matches('/').to_owned(),
        logins: Mutex::new(HashMap::new()),
        tickets: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/", get(home))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/start", get(start))
        .route("/liveness/done", get(done))
        .route("/liveness/cancelled", get(cancelled))
        .fallback(not_found)
        .with_state(app)
}

async fn home(State(app): State<Arc<App>>, headers: HeaderMap) -> Html<String> {
    let Some(user) = logged_in(&app, &headers) else {
        return page(
            "Verify it's you",
            r#"<p>Log in to start (a demo: any name will do).</p>
<form method="post" action="/login">
<p><label>Name <input data-testid="user" name="user" required maxlength="64"></label></p>
<p><button class="button" data-testid="login" type="submit">Log in</button></p>
</form>"#,
        );
    };
    page(
        "Verify it's you",
        &format!(
            r#"<p>Logged in as <strong data-testid="who">{}</strong>.</p>
<p>We need a quick selfie check.</p>
<p><a class="button" data-testid="start" href="/start">Start the check</a></p>
<p><a class="button secondary" data-testid="start-without-cancel" href="/start?cancel=false">Start without a back button</a></p>
<form method="post" action="/logout"><button class="link" type="submit">Log out</button></form>"#,
            escape(&user)
        ),
    )
}

#[derive(serde::Deserialize)]
struct LoginForm {
    user: String,
}

async fn login(State(app): State<Arc<App>>, Form(form): Form<LoginForm>) -> Response {
    let user = form.user.trim();
    if user.is_empty() || user.len() > 64 {
        return failure(StatusCode::BAD_REQUEST, "Give a name of 1 to 64 bytes.");
    }
    let browser = random_id();
    if let Ok(mut logins) = app.logins.lock() {
        logins.insert(browser.clone(), user.to_owned());
    }
    let cookie = format!("{COOKIE}={browser}; Path=/; HttpOnly; SameSite=Lax");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let (Some(browser), Ok(mut logins)) = (browser_id(&headers), app.logins.lock()) {
        logins.remove(browser);
    }
    let cookie = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}

#[derive(serde::Deserialize)]
struct StartQuery {
    cancel: Option<String>,
}

async fn start(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<StartQuery>,
) -> Response {
    let Some(user) = logged_in(&app, &headers) else {
        return failure(StatusCode::UNAUTHORIZED, "Log in first.");
    };
    // The state lets the return route find this check's ticket; it proves nothing by itself.
    let state = random_id();
    let with_state =
        |path: &str| success_url_with_state(&format!("{}{path}", app.public_url), &state);
    let (Ok(done), Ok(cancelled)) = (
        with_state("/liveness/done"),
        with_state("/liveness/cancelled"),
    ) else {
        return failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The return URL is not usable.",
        );
    };
    let mut request = CreatePassiveLivenessSession::new(done);
    if q.cancel.as_deref() != Some("false") {
        request = request.cancel_url(cancelled);
    }
    let started = match app
        .client
        .passive_liveness_sessions()
        .create_with_ticket(request, &app.keys, &user)
        .await
    {
        Ok(started) => started,
        Err(e) => return failure(StatusCode::BAD_GATEWAY, &e.to_string()),
    };
    if let Ok(mut tickets) = app.tickets.lock() {
        tickets.insert(state, started.ticket.into_string());
    }
    Redirect::to(&started.session.url).into_response()
}

async fn done(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let Some(user) = logged_in(&app, &headers) else {
        return failure(
            StatusCode::UNAUTHORIZED,
            "Log in to see the result of your check.",
        );
    };
    let redirect = uri.to_string();
    let Some(ticket) = ticket_for(&app, &redirect) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "This link does not belong to a check started here.",
        );
    };
    match app
        .client
        .passive_liveness_sessions()
        .finish(&app.keys, &ticket, &redirect, &user)
        .await
    {
        Ok(finished) => show_result(&finished).into_response(),
        Err(e) => refusal(&e),
    }
}

async fn cancelled(State(app): State<Arc<App>>, headers: HeaderMap, uri: Uri) -> Response {
    let Some(user) = logged_in(&app, &headers) else {
        return failure(StatusCode::UNAUTHORIZED, "Log in first.");
    };
    let Some(ticket) = ticket_for(&app, &uri.to_string()) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "This link does not belong to a check started here.",
        );
    };
    // No sid comes back on cancel: the ticket alone names the session, for this user only.
    let verified = match app
        .keys
        .verify::<PassiveLiveness>(&ticket, &user, SystemTime::now())
    {
        Ok(verified) => verified,
        Err(e) => return refusal(&FinishError::Refused(e)),
    };
    match app
        .client
        .passive_liveness_sessions()
        .retrieve(verified.sid())
        .await
    {
        Ok(session) => page(
            "Check cancelled",
            &format!(
                r#"<p>You went back without finishing the check.</p>
<p>Session status: <span data-testid="session-status">{}</span></p>
<p><a class="button" href="/start">Try again</a></p>"#,
                escape(session.status.as_str())
            ),
        )
        .into_response(),
        Err(e) => failure(StatusCode::BAD_GATEWAY, &e.to_string()),
    }
}

async fn not_found(uri: Uri) -> Response {
    failure(
        StatusCode::NOT_FOUND,
        &format!("There is no page at {}.", uri.path()),
    )
}

fn ticket_for(app: &App, redirect: &str) -> Option<String> {
    let state = state_from_redirect(redirect)?;
    app.tickets.lock().ok()?.get(state).cloned()
}

/// Each refusal gets its own status and words; none says more than the user needs.
fn refusal(e: &FinishError) -> Response {
    let (status, message) = match e {
        FinishError::Refused(TicketError::OtherUser) => (
            StatusCode::FORBIDDEN,
            "This check was started by another user.".to_owned(),
        ),
        FinishError::Refused(TicketError::Expired { .. }) => (
            StatusCode::GONE,
            "This check has expired. Please start a new one.".to_owned(),
        ),
        FinishError::Refused(_) => (
            StatusCode::FORBIDDEN,
            "This link does not match the check you started.".to_owned(),
        ),
        FinishError::NotFinished => (
            StatusCode::CONFLICT,
            "The check is not finished yet.".to_owned(),
        ),
        FinishError::ExpiredAtGlair => (
            StatusCode::GONE,
            "The check expired before it was finished. Please start a new one.".to_owned(),
        ),
        other => (StatusCode::BAD_GATEWAY, other.to_string()),
    };
    (
        status,
        page(
            "We could not show this result",
            &format!(
                r#"<p data-testid="error" data-refusal="{}">{}</p>
<p><a class="button" href="/">Back to the start</a></p>"#,
                e.label(),
                escape(&message)
            ),
        ),
    )
        .into_response()
}

fn show_result(finished: &Finished<PassiveLiveness>) -> Html<String> {
    // Decide with the verdict (a failed check reports a spoof score of 0, which proves
    // nothing); show the level and the probability for the record.
    let session = &finished.session;
    let verdict = &finished.verdict;
    let reason_row = verdict.reason().map_or_else(String::new, |reason| {
        format!(
            r#"<dt>Reason</dt><dd data-testid="verdict-reason">{}</dd>"#,
            escape(&reason)
        )
    });
    let result = session.result.as_ref();
    let level = result
        .and_then(|r| r.spoof_level())
        .map_or("none".to_owned(), |l| l.to_string());
    let probability = result
        .and_then(|r| r.spoof_probability())
        .map_or("none".to_owned(), |p| p.to_string());
    let (headline, advice) = match verdict {
        LivenessVerdict::Live => ("You are a live person", "The check passed."),
        LivenessVerdict::Spoof => (
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
{reason_row}<dt>Session status</dt><dd data-testid="session-status">{}</dd>
<dt>Spoof level</dt><dd data-testid="spoof-level">{}</dd>
<dt>Spoof probability</dt><dd data-testid="spoof-probability">{}</dd>
<dt>GLAIR Request-Id</dt><dd data-testid="request-id">{}</dd>
</dl>
<p><a class="button" data-testid="try-again" href="/start">Try again</a></p>"#,
            escape(headline),
            escape(advice),
            escape(verdict.label()),
            escape(session.status.as_str()),
            escape(&level),
            escape(&probability),
            escape(finished.request_id().unwrap_or("none")),
        ),
    )
}

fn browser_id(headers: &HeaderMap) -> Option<&str> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

fn logged_in(app: &App, headers: &HeaderMap) -> Option<String> {
    let browser = browser_id(headers)?;
    app.logins.lock().ok()?.get(browser).cloned()
}

/// An id nobody can guess: 128 bits from the standard library's per-process random hasher
/// keys (enough for a demo; use your framework's session store and a CSPRNG in production).
fn random_id() -> String {
    let a = RandomState::new().hash_one(SystemTime::now());
    let b = RandomState::new().hash_one(a);
    format!("{a:016x}{b:016x}")
}

fn failure(status: StatusCode, message: &str) -> Response {
    (
        status,
        page(
            "Something went wrong",
            &format!(
                r#"<p data-testid="error">{}</p>
<p><a class="button" href="/">Back to the start</a></p>"#,
                escape(message)
            ),
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
.button{display:inline-block;background:#2857d6;color:#fff;padding:.6rem 1.2rem;border:0;\
border-radius:8px;text-decoration:none;font:inherit;cursor:pointer}.button:hover{background:#1f47b3}\
.button.secondary{background:#e8edf9;color:#1d2433}.button.secondary:hover{background:#d5ddf2}\
button.link{background:none;border:0;padding:0;color:#2857d6;font:inherit;cursor:pointer}\
input{font:inherit;padding:.4rem;border:1px solid #c5cbd8;border-radius:6px}";

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
