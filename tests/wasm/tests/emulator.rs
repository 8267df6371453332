//! glair on wasm32-unknown-unknown under Node, over `FetchTransport` and `JsSleep`, against a
//! glair-emulator that `tests/wasm/run.sh` starts on 127.0.0.1 and names in
//! `GLAIR_WASM_EMULATOR_URL` (with the emulator's default test credentials).
//!
//! Run with `bash tests/wasm/run.sh` (it builds, starts the emulator and runs these with
//! `wasm-bindgen-test-runner`). Only compiled for wasm32.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use bytes::Bytes;
use glair::net::Instant;
use glair::net::{FetchTransport, Transport, TransportErrorKind};
use glair::{
    Client, CreatePassiveLivenessSession, Error, ImageInput, LivenessVerdict, SessionStatus,
    TimeoutScope, WaitOptions, WaitOutcome,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const API_KEY: &str = "emulator-api-key";
const USERNAME: &str = "emulator-user";
const PASSWORD: &str = "emulator-password";
/// `Basic base64("emulator-user:emulator-password")`, for the control API.
const BASIC: &str = "Basic ZW11bGF0b3ItdXNlcjplbXVsYXRvci1wYXNzd29yZA==";
/// A small JPEG the emulator accepts as a document photo.
const JPEG: &[u8] = include_bytes!("../../../examples/assets/selfie.jpg");

/// The variable `name` of `process.env` (the runner passes the environment to Node).
fn env(name: &str) -> String {
    let env = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("process"))
        .and_then(|process| js_sys::Reflect::get(&process, &JsValue::from_str("env")))
        .expect("process.env (these tests run under Node)");
    js_sys::Reflect::get(&env, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_else(|| panic!("{name} is not set (run tests/wasm/run.sh)"))
}

/// The emulator's base URL.
fn base_url() -> String {
    env("GLAIR_WASM_EMULATOR_URL")
}

/// A client on the default transport and timer of the `fetch` feature.
fn client() -> Client {
    Client::builder()
        .base_url(base_url())
        .api_key(API_KEY)
        .username(USERNAME)
        .password(PASSWORD)
        .build()
        .unwrap()
}

/// Calls the emulator's control API; answers the status and the JSON body.
async fn control(method: &str, path: &str, body: &str) -> (u16, serde_json::Value) {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", base_url()))
        .header("x-api-key", API_KEY)
        .header("authorization", BASIC)
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    let response = FetchTransport::new().send(request).await.unwrap();
    let json = serde_json::from_slice(response.body()).unwrap_or(serde_json::Value::Null);
    (response.status().as_u16(), json)
}

/// Queues one fault (see the emulator's `POST /_emulator/faults`).
async fn fault(definition: &str) {
    let (status, body) = control("POST", "/_emulator/faults", definition).await;
    assert_eq!(status, 200, "{body}");
}

/// Removes queued faults; answers how many there were (none left means all were served).
async fn clear_faults() -> u64 {
    let (_, body) = control("DELETE", "/_emulator/faults", "").await;
    body["cleared"].as_u64().unwrap()
}

#[wasm_bindgen_test]
async fn create_complete_retrieve_verdict() {
    let sessions = client().passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    assert_eq!(created.status, SessionStatus::Pending);

    let path = format!(
        "/_emulator/passive-liveness-sessions/{}/complete",
        created.sid()
    );
    let (status, body) = control("POST", &path, r#"{"outcome":"live"}"#).await;
    assert_eq!(status, 200, "{body}");

    let finished = sessions.retrieve(created.sid()).await.unwrap();
    assert_eq!(finished.status, SessionStatus::Finished);
    assert_eq!(finished.verdict(), Some(LivenessVerdict::Live));
}

#[wasm_bindgen_test]
async fn wait_ends_when_finished_and_at_max_wait_when_not() {
    let sessions = client().passive_liveness_sessions();
    let pending = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();

    // Nobody finishes it: the wait ends at max_wait, on JsSleep's timers.
    let max_wait = Duration::from_millis(600);
    let started = Instant::now();
    let options = WaitOptions::new()
        .interval(Duration::from_millis(100))
        .max_wait(max_wait);
    let outcome = sessions.wait(pending.sid(), options).await.unwrap();
    let took = started.elapsed();
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(Some(_))),
        "{outcome:?}"
    );
    assert!(took <= max_wait + Duration::from_millis(500), "{took:?}");

    let path = format!(
        "/_emulator/passive-liveness-sessions/{}/complete",
        pending.sid()
    );
    let (status, _) = control("POST", &path, r#"{"outcome":"spoof"}"#).await;
    assert_eq!(status, 200);
    let outcome = sessions
        .wait(
            pending.sid(),
            WaitOptions::new().max_wait(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    assert!(outcome.is_finished(), "{outcome:?}");
    assert_eq!(
        outcome.session().and_then(|s| s.verdict()),
        Some(LivenessVerdict::Spoof)
    );
}

#[wasm_bindgen_test]
async fn a_503_on_retrieve_is_retried() {
    assert_eq!(clear_faults().await, 0);
    let sessions = client().passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    fault(r#"{"kind":"status","status":503,"route":"retrieve"}"#).await;

    let retrieved = sessions.retrieve(created.sid()).await.unwrap();
    assert_eq!(retrieved.sid(), created.sid());
    // The 503 was served (the queue is empty) and the retry answered.
    assert_eq!(clear_faults().await, 0);
}

#[wasm_bindgen_test]
async fn a_hang_ends_in_a_timeout_at_the_configured_bound() {
    assert_eq!(clear_faults().await, 0);
    let bound = Duration::from_millis(400);
    let client = Client::builder()
        .base_url(base_url())
        .api_key(API_KEY)
        .username(USERNAME)
        .password(PASSWORD)
        .transport(FetchTransport::new())
        .attempt_timeout(bound)
        .max_attempts(1)
        .build()
        .unwrap();
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    fault(r#"{"kind":"hang","route":"retrieve"}"#).await;

    let started = Instant::now();
    let error = sessions.retrieve(created.sid()).await.unwrap_err();
    let took = started.elapsed();
    match error {
        Error::Timeout {
            scope: TimeoutScope::Attempt,
            after,
            attempts: 1,
            ..
        } => assert_eq!(after, bound),
        other => panic!("expected the attempt timeout, got {other:?}"),
    }
    assert!(took >= bound, "{took:?}");
    assert!(took < bound + Duration::from_millis(500), "{took:?}");
    assert_eq!(clear_faults().await, 0);
}

#[wasm_bindgen_test]
async fn a_ktp_photo_is_uploaded_and_read() {
    let ktp = client()
        .ocr()
        .ktp(ImageInput::from_bytes(JPEG).with_filename("ktp.jpg"))
        .await
        .unwrap();
    assert!(ktp.value().verdict().is_read(), "{:?}", ktp.raw_value());
    let nama = ktp
        .value()
        .read
        .as_ref()
        .and_then(|r| r.nama.as_ref())
        .unwrap();
    assert_eq!(nama.value.as_deref(), Some("BUDI SANTOSO"));
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_connect_error_so_even_a_create_is_retried() {
    // A loopback port nothing listens on (run.sh picks it): the connection is refused before
    // any byte left.
    let client = Client::builder()
        .base_url(format!(
            "http://127.0.0.1:{}",
            env("GLAIR_WASM_CLOSED_PORT")
        ))
        .api_key(API_KEY)
        .username(USERNAME)
        .password(PASSWORD)
        .max_attempts(2)
        .build()
        .unwrap();
    let error = client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    match error {
        Error::Transport {
            source, attempts, ..
        } => {
            assert_eq!(source.kind(), TransportErrorKind::Connect, "{source}");
            assert_eq!(attempts, 2, "a refused POST never left, so it is retried");
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_reset_after_a_create_was_sent_is_not_repeated() {
    assert_eq!(clear_faults().await, 0);
    fault(r#"{"kind":"reset","route":"create"}"#).await;
    let error = client()
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    match error {
        Error::Transport {
            source, attempts, ..
        } => {
            assert_eq!(source.kind(), TransportErrorKind::Io, "{source}");
            assert_eq!(
                attempts, 1,
                "a POST that may have been received is not repeated"
            );
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert_eq!(clear_faults().await, 0);
}

#[wasm_bindgen_test]
async fn an_endless_body_stops_at_the_limit() {
    assert_eq!(clear_faults().await, 0);
    let client = Client::builder()
        .base_url(base_url())
        .api_key(API_KEY)
        .username(USERNAME)
        .password(PASSWORD)
        .transport(FetchTransport::new().with_max_response_body_bytes(64 * 1024))
        .max_attempts(1)
        .build()
        .unwrap();
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    fault(r#"{"kind":"oversized","route":"retrieve"}"#).await;
    let error = sessions.retrieve(created.sid()).await.unwrap_err();
    match error {
        Error::Transport { source, .. } => assert!(source.is_body_too_large(), "{source}"),
        other => panic!("expected a body too large, got {other:?}"),
    }
}
