//! Secrets never leave through logs, `Debug` or `Display`: a full create / retrieve / error
//! cycle against the emulator with TRACE logging of every crate captured, plus the `Debug` and
//! `Display` of the client, its configuration, credentials, requests and every error kind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use glair::net::{MockTransport, TransportError, TransportErrorKind};
use glair::{Client, CreatePassiveLivenessSession, Credentials, Settings};
use glair_emulator::EmulatorConfig;
use glair_integration_tests::Harness;
use serde_json::json;

const API_KEY: &str = "sk-live-APIKEY-0123456789";
const USERNAME: &str = "acme-USERNAME";
const PASSWORD: &str = "hunter2-PASSWORD-!";

/// `base64("acme-USERNAME:hunter2-PASSWORD-!")`, and its prefix that any partial leak shows.
fn basic_token() -> String {
    use glair_types::http::HeaderValue;
    let creds = Credentials::new(API_KEY, USERNAME, PASSWORD).unwrap();
    let header: &HeaderValue = creds.authorization_header();
    header
        .to_str()
        .unwrap()
        .trim_start_matches("Basic ")
        .to_owned()
}

fn assert_clean(what: &str, text: &str) {
    let token = basic_token();
    for secret in [API_KEY, USERNAME, PASSWORD, token.as_str(), &token[..12]] {
        assert!(!text.contains(secret), "{what} leaked {secret:?}:\n{text}");
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_debug_and_display_never_show_credentials() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let h =
        Harness::with_config(EmulatorConfig::new().credentials(API_KEY, USERNAME, PASSWORD)).await;
    let builder = h
        .client_builder()
        .attempt_timeout(Duration::from_millis(300))
        .retry(glair::RetryConfig::default().with_initial_backoff(Duration::from_millis(5)));
    let client = builder.clone().build().unwrap();
    let sessions = client.passive_liveness_sessions();
    let mut shown = vec![
        format!("{builder:?}"),
        format!("{client:?}"),
        format!("{sessions:?}"),
    ];

    // The full cycle, with a retried fault and several error kinds.
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    let sid = created.sid().clone();
    h.fault(json!({"kind":"status","status":503,"route":"retrieve"}))
        .await;
    let retrieved = sessions.retrieve(&sid).await.unwrap();
    shown.push(format!("{created:?} {retrieved:?}"));
    h.complete("passive-liveness-sessions", sid.as_str(), "live")
        .await;
    sessions.retrieve(&sid).await.unwrap();

    let mut errors = Vec::new();
    let wrong = h
        .client_builder()
        .password("wrong-password")
        .build()
        .unwrap();
    errors.push(
        wrong
            .passive_liveness_sessions()
            .retrieve(&sid)
            .await
            .unwrap_err(),
    );
    errors.push(
        sessions
            .retrieve("unknown0000000000000000000000000")
            .await
            .unwrap_err(),
    );
    h.fault(json!({"kind":"malformed","route":"retrieve"}))
        .await;
    errors.push(sessions.retrieve(&sid).await.unwrap_err());
    h.fault(json!({"kind":"hang","route":"retrieve","count":3}))
        .await;
    errors.push(sessions.retrieve(&sid).await.unwrap_err());
    h.fault(json!({"kind":"reset","route":"create"})).await;
    errors.push(
        sessions
            .create(CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .await
            .unwrap_err(),
    );
    errors.push(sessions.retrieve("../etc").await.unwrap_err());
    errors.push(
        Client::builder()
            .api_key(API_KEY)
            .username(USERNAME)
            .password(PASSWORD)
            .base_url("http://glair.example.com")
            .build()
            .unwrap_err(),
    );
    errors.push(Client::builder().api_key(API_KEY).build().unwrap_err());
    errors.push(
        Credentials::new(API_KEY, "bad:user", PASSWORD)
            .map(|_| ())
            .unwrap_err()
            .into(),
    );
    for e in &errors {
        shown.push(format!("{e} | {e:?}"));
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            shown.push(format!("{s} | {s:?}"));
            source = s.source();
        }
    }

    // Requests, configuration and credentials themselves.
    let creds = Credentials::new(API_KEY, USERNAME, PASSWORD).unwrap();
    let request = CreatePassiveLivenessSession::new("https://app.example/done")
        .to_http_request(client.config(), &creds)
        .unwrap();
    shown.push(format!("{creds:?} {request:?} {:?}", client.config()));
    shown.push(format!("{:?}", Settings::new().credentials(creds.clone())));
    let mock = MockTransport::new();
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
    let mocked = Client::builder()
        .credentials(creds)
        .transport(mock.clone())
        .max_attempts(1)
        .build()
        .unwrap();
    let _ = mocked.passive_liveness_sessions().retrieve(&sid).await;
    shown.push(format!("{:?}", mock.requests()));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("glair.attempt"),
        "TRACE output was captured:\n{logs}"
    );
    assert!(logs.contains("503"), "the retried 503 shows in the logs");
    // Each call's one span names its endpoint, and a session call's its sid.
    assert!(
        logs.contains("glair.call{") && logs.contains("passive liveness session retrieve"),
        "{logs}"
    );
    assert!(logs.contains(sid.as_str()), "the sid shows in the logs");
    assert_clean("tracing output", &logs);
    for text in &shown {
        assert_clean("Debug/Display", text);
    }
}
