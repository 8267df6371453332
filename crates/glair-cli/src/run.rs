//! Running a verb for a session kind: one generic implementation for every kind.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::Args;
use glair::{
    Client, Error, Session, SessionId, SessionKind, Verdict, WaitOptions, WaitOutcome, WaitProgress,
};
use serde_json::{Map, Value};

use crate::cli::{CreateExtras, Globals, Verb};

/// Exit status: success (for `wait`: the session finished).
pub(crate) const EXIT_OK: u8 = 0;
/// Exit status: the call failed (API, transport, timeout, undecodable response).
pub(crate) const EXIT_FAILURE: u8 = 1;
/// Exit status: usage error or invalid input.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status: `wait` ended without the session finishing (expired or timed out).
pub(crate) const EXIT_NOT_FINISHED: u8 = 3;

/// The credential variables, in the order they are reported.
const CREDENTIAL_VARS: [&str; 3] = [
    glair::env_vars::API_KEY,
    glair::env_vars::USERNAME,
    glair::env_vars::PASSWORD,
];

/// A command that completed: the JSON object to print and the exit status.
#[derive(Debug)]
pub(crate) struct Success {
    /// The object printed on stdout.
    pub(crate) json: Map<String, Value>,
    /// The exit status ([`EXIT_OK`] or [`EXIT_NOT_FINISHED`]).
    pub(crate) exit: u8,
    /// Things worth telling the user on stderr although the command succeeded.
    pub(crate) warnings: Vec<String>,
}

/// A command that failed: the message for stderr and the exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    /// One line, without the `glair: ` prefix.
    pub(crate) message: String,
    /// [`EXIT_FAILURE`] or [`EXIT_USAGE`].
    pub(crate) exit: u8,
}

impl Failure {
    /// Invalid input or usage: exit 2.
    pub(crate) fn usage(message: impl std::fmt::Display) -> Self {
        Self {
            message: one_line(&message.to_string()),
            exit: EXIT_USAGE,
        }
    }

    /// Anything else: exit 1.
    pub(crate) fn call(message: impl std::fmt::Display) -> Self {
        Self {
            message: one_line(&message.to_string()),
            exit: EXIT_FAILURE,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        // Input refused before anything was sent is the caller's to fix; everything else
        // (API errors, transport, timeouts, decoding, a client that cannot be set up) is a
        // failed call. `Error`'s Display already names the status and the Request-Id.
        match error {
            Error::InvalidInput(e) => Self::usage(e),
            Error::File(e) => Self::usage(e),
            other => Self::call(other),
        }
    }
}

/// Runs `verb` for sessions of kind `K`. Inputs are checked before credentials are read or
/// anything is sent.
pub(crate) async fn run_verb<K, E>(globals: &Globals, verb: Verb<E>) -> Result<Success, Failure>
where
    K: SessionKind,
    E: Args + CreateExtras<K>,
{
    match verb {
        Verb::Create(args) => {
            let request = args.into_request::<K>();
            request.validate().map_err(Failure::usage)?;
            let sessions = build_client(globals, read_env)?.sessions::<K>();
            let session = sessions.create(request).await?;
            Ok(Success {
                json: session_json(&session),
                exit: EXIT_OK,
                warnings: Vec::new(),
            })
        }
        Verb::Retrieve(args) => {
            let sid = SessionId::new(args.sid).map_err(Failure::usage)?;
            let sessions = build_client(globals, read_env)?.sessions::<K>();
            let session = sessions.retrieve(&sid).await?;
            Ok(Success {
                json: session_json(&session),
                exit: EXIT_OK,
                warnings: Vec::new(),
            })
        }
        Verb::Wait(args) => {
            let sid = SessionId::new(args.sid).map_err(Failure::usage)?;
            let sessions = build_client(globals, read_env)?.sessions::<K>();
            let options = WaitOptions::new()
                .interval(args.interval)
                .max_wait(args.max_wait);
            // Progress on stderr only for a person watching a terminal; scripts and pipes see
            // nothing but the final JSON.
            let show = std::io::stderr().is_terminal();
            let outcome = sessions
                .wait_with_progress(&sid, options, |progress| {
                    if show {
                        report_progress(&mut std::io::stderr(), progress);
                    }
                })
                .await;
            if show {
                // End the progress line before the result or the error.
                let _ = writeln!(std::io::stderr());
            }
            let outcome = outcome?;
            let (label, exit) = wait_result(&outcome);
            // A wait that timed out before any poll answered has no session to show: print the
            // sid alone.
            let mut json = match outcome.session() {
                Some(session) => session_json(session),
                None => {
                    Map::from_iter([("sid".to_owned(), Value::String(sid.as_str().to_owned()))])
                }
            };
            json.insert("wait_outcome".to_owned(), Value::String(label.to_owned()));
            Ok(Success {
                json,
                exit,
                warnings: Vec::new(),
            })
        }
    }
}

/// Writes one progress line of a wait, over the previous one (`\r`, then the line cleared).
pub(crate) fn report_progress(out: &mut impl Write, progress: &WaitProgress) {
    // The status is the server's text: made printable, and bounded like the failure below.
    let status: String = progress
        .status
        .as_ref()
        .map_or_else(|| "no answer yet".to_owned(), |s| one_line(s.as_str()))
        .chars()
        .take(80)
        .collect();
    let mut line = format!(
        "\r\x1b[2Kwaiting: {} poll{}, {}s elapsed, {status}",
        progress.polls,
        if progress.polls == 1 { "" } else { "s" },
        progress.elapsed.as_secs()
    );
    if let Some(failure) = &progress.failure {
        // One line, bounded: the message of a transient failure.
        let failure: String = one_line(failure).chars().take(80).collect();
        line.push_str(&format!(" (last poll failed: {failure})"));
    }
    let _ = out.write_all(line.as_bytes());
    let _ = out.flush();
}

/// The `wait_outcome` label and the exit status for how a wait ended.
pub(crate) fn wait_result<K: SessionKind>(outcome: &WaitOutcome<K>) -> (&'static str, u8) {
    let exit = if outcome.is_finished() {
        EXIT_OK
    } else {
        EXIT_NOT_FINISHED
    };
    (outcome.as_str(), exit)
}

/// The session as GLAIR sent it (every field kept), plus `"sid"` (the one asked for on
/// retrieve and wait, the one in `url` on create) and, once finished, `"verdict"` (with
/// `"verdict_reason"` when there is one).
/// The output keys the CLI adds; the service's own keys of those names are dropped.
pub(crate) const CLI_KEYS: &[&str] = &["sid", "verdict", "verdict_reason", "wait_outcome"];

pub(crate) fn session_json<K: SessionKind>(session: &Session<K>) -> Map<String, Value> {
    let mut json = match serde_json::from_slice::<Value>(session.raw_json()) {
        Ok(Value::Object(map)) => map,
        // Not reachable for a session decoded from a response; kept total all the same.
        _ => match serde_json::to_value(session) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        },
    };
    // These keys are the CLI's own: one the service sent (today none; a tampering proxy, or
    // GLAIR tomorrow) must not pass for the CLI's judgement.
    for key in CLI_KEYS {
        json.remove(*key);
    }
    json.insert(
        "sid".to_owned(),
        Value::String(session.sid().as_str().to_owned()),
    );
    if let Some(verdict) = session.verdict() {
        insert_verdict(&mut json, &verdict);
    }
    json
}

/// Adds `"verdict"` (the verdict's label) and, when there is one, `"verdict_reason"`: the
/// same keys for sessions and for upload answers.
pub(crate) fn insert_verdict(json: &mut Map<String, Value>, verdict: &impl Verdict) {
    json.insert(
        "verdict".to_owned(),
        Value::String(verdict.label().to_owned()),
    );
    if let Some(reason) = verdict.reason() {
        json.insert("verdict_reason".to_owned(), Value::String(reason));
    }
}

/// Reads an environment variable; `Ok(None)` when unset or empty.
pub(crate) fn read_env(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var_os(name) {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => value
            .into_string()
            .map(Some)
            .map_err(|_: OsString| Failure::usage(format!("{name} is not valid UTF-8"))),
    }
}

/// Builds the client from the options and the environment (`env` reads a variable).
pub(crate) fn build_client(
    globals: &Globals,
    env: impl Fn(&str) -> Result<Option<String>, Failure>,
) -> Result<Client, Failure> {
    let mut values = Vec::with_capacity(CREDENTIAL_VARS.len());
    let mut missing = Vec::new();
    for name in CREDENTIAL_VARS {
        match env(name)? {
            Some(value) => values.push(value),
            None => missing.push(name),
        }
    }
    let [api_key, username, password] = match <[String; 3]>::try_from(values) {
        Ok(credentials) => credentials,
        Err(_) => {
            return Err(Failure::usage(format!(
                "missing credentials: set {}",
                join_names(&missing)
            )));
        }
    };
    let mut builder = Client::builder()
        .api_key(api_key)
        .username(username)
        .password(password);
    // An option wins over its variable; an empty value means "use the default".
    let base_url = match &globals.base_url {
        Some(given) => Some(given.clone()),
        None => env("GLAIR_BASE_URL")?,
    };
    if let Some(base_url) = base_url.as_deref().filter(|v| !v.is_empty()) {
        builder = builder.base_url(base_url);
    }
    let version = match &globals.api_version {
        Some(given) => Some(given.clone()),
        None => env("GLAIR_API_VERSION")?,
    };
    if let Some(version) = version.as_deref().filter(|v| !v.is_empty()) {
        builder = builder.api_version(version);
    }
    if let Some(timeout) = globals.timeout {
        builder = builder.operation_timeout(timeout);
    }
    builder = builder.transport(crate::network::transport(&globals.ca_cert, &env)?);
    builder.build().map_err(|e| match e {
        Error::InvalidInput(e) => Failure::usage(e),
        other => Failure::call(other),
    })
}

/// `A`, `A and B`, `A, B and C`.
fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(crate) use crate::terminal::one_line;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use std::time::Duration;

    use glair::PassiveLiveness;

    use super::*;

    fn session(body: &str) -> Session<PassiveLiveness> {
        Session::from_json(body.as_bytes().to_vec()).unwrap()
    }

    const PENDING: &str = r#"{"status":"PENDING","expired":1,"url":"https://x.example/p/abc123","success_url":"https://app.example/ok","result":null,"extra":{"n":1.5}}"#;

    #[test]
    fn output_keeps_every_field_and_adds_the_sid() {
        let json = session_json(&session(PENDING));
        assert_eq!(json["sid"], "abc123");
        assert_eq!(json["status"], "PENDING");
        assert_eq!(json["result"], Value::Null);
        assert_eq!(json["extra"]["n"], 1.5);
        assert_eq!(json["expired"], 1);
        assert!(!json.contains_key("cancel_url"));
        // Pending: no verdict.
        assert!(!json.contains_key("verdict"));
    }

    #[test]
    fn keys_of_the_cli_sent_by_the_service_are_dropped() {
        let body = r#"{"status":"PENDING","url":"https://x.example/p/abc123","success_url":"https://a.example/","result":null,"verdict":"live","verdict_reason":"trust me","sid":"other","wait_outcome":"finished"}"#;
        let json = session_json(&session(body));
        assert_eq!(json["sid"], "abc123");
        for key in ["verdict", "verdict_reason", "wait_outcome"] {
            assert!(!json.contains_key(key), "{key}: {json:?}");
        }
        let finished = body.replace("PENDING", "FINISHED").replace(
            "null",
            r#"{"status":"success","result":{"spoof_percentage":0.9,"status":"HIGH"}}"#,
        );
        let json = session_json(&session(&finished));
        assert_eq!(json["verdict"], "spoof");
        assert!(!json.contains_key("verdict_reason"));
    }

    #[test]
    fn output_has_the_requested_sid_and_the_verdict() {
        let body = r#"{"status":"FINISHED","url":"https://x.example/","success_url":"https://a.example/","result":{"status":"failed","result":{"spoof_percentage":0,"status":"face not detected"}}}"#;
        let sid = SessionId::new("given").unwrap();
        let s =
            Session::<PassiveLiveness>::from_json_with_sid(body.as_bytes().to_vec(), sid).unwrap();
        let json = session_json(&s);
        assert_eq!(json["sid"], "given");
        assert_eq!(json["verdict"], "inconclusive");
        assert_eq!(json["verdict_reason"], "no face was detected");
        let live = body
            .replace(r#""failed""#, r#""success""#)
            .replace("face not detected", "LOW");
        let s = Session::<PassiveLiveness>::from_json_with_sid(
            live.into_bytes(),
            SessionId::new("x").unwrap(),
        )
        .unwrap();
        let json = session_json(&s);
        assert_eq!(json["verdict"], "live");
        assert!(!json.contains_key("verdict_reason"));
    }

    #[test]
    fn wait_outcomes_map_to_labels_and_exit_codes() {
        let s = session(PENDING);
        assert_eq!(
            wait_result(&WaitOutcome::Finished(s.clone())),
            ("finished", EXIT_OK)
        );
        assert_eq!(
            wait_result(&WaitOutcome::Expired(s.clone())),
            ("expired", EXIT_NOT_FINISHED)
        );
        assert_eq!(
            wait_result(&WaitOutcome::TimedOut(Some(s))),
            ("timed_out", EXIT_NOT_FINISHED)
        );
    }

    fn globals() -> Globals {
        Globals {
            base_url: Some("http://127.0.0.1:9".into()),
            api_version: None,
            timeout: Some(Duration::from_secs(1)),
            ca_cert: Vec::new(),
        }
    }

    #[test]
    fn missing_credentials_are_named() {
        let env = |name: &str| Ok((name == glair::env_vars::USERNAME).then(|| "user".to_owned()));
        let failure = build_client(&globals(), env).unwrap_err();
        assert_eq!(failure.exit, EXIT_USAGE);
        assert_eq!(
            failure.message,
            "missing credentials: set GLAIR_API_KEY and GLAIR_PASSWORD"
        );
        let failure = build_client(&globals(), |_| Ok(None)).unwrap_err();
        assert_eq!(
            failure.message,
            "missing credentials: set GLAIR_API_KEY, GLAIR_USERNAME and GLAIR_PASSWORD"
        );
    }

    #[test]
    fn a_bad_base_url_is_a_usage_error() {
        let env = |name: &str| Ok(CREDENTIAL_VARS.contains(&name).then(|| "x".to_owned()));
        let mut g = globals();
        g.base_url = Some("not a url".into());
        assert_eq!(build_client(&g, env).unwrap_err().exit, EXIT_USAGE);
        g.base_url = Some("http://api.example.com".into());
        assert_eq!(build_client(&g, env).unwrap_err().exit, EXIT_USAGE);
        assert!(build_client(&globals(), env).is_ok());
    }

    #[test]
    fn progress_lines_overwrite_each_other_and_stay_on_one_line() {
        let mut out = Vec::new();
        let mut progress = glair::WaitProgress::default();
        progress.polls = 3;
        progress.elapsed = Duration::from_millis(12_400);
        progress.status = Some(glair::SessionStatus::Pending);
        report_progress(&mut out, &progress);
        let line = String::from_utf8(out).unwrap();
        assert_eq!(line, "\r\x1b[2Kwaiting: 3 polls, 12s elapsed, PENDING");
        let mut out = Vec::new();
        progress.failure = Some(format!("503\nService Unavailable {}", "x".repeat(500)));
        report_progress(&mut out, &progress);
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.contains("(last poll failed: 503 Service Unavailable"),
            "{line}"
        );
        assert!(!line.contains('\n') && line.len() < 200, "{line}");
    }

    #[test]
    fn a_hostile_status_cannot_drive_the_terminal() {
        let mut out = Vec::new();
        let mut progress = glair::WaitProgress::default();
        progress.status = Some(glair::SessionStatus::from(
            "\x1b]0;TITLE\x07PENDING\x1b[2J\u{9b}31m",
        ));
        progress.failure = Some("boom\x1b[2J\u{85}".to_owned());
        report_progress(&mut out, &progress);
        let line = String::from_utf8(out).unwrap();
        // Only the CLI's own "\r\x1b[2K" prefix is left.
        let rest = line.strip_prefix("\r\x1b[2K").unwrap();
        assert!(!rest.chars().any(char::is_control), "{line:?}");
        assert_eq!(
            rest,
            "waiting: 0 polls, 0s elapsed, PENDING (last poll failed: boom)"
        );
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(one_line("a\nb\r\nc\t\n"), "a b  c");
    }
}
