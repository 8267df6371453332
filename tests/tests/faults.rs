//! The fault matrix: every fault the emulator can inject, against every operation, over real
//! loopback. Each case asserts the outcome, how many requests reached the emulator, and — for
//! create — that no retry ever created a second session.
//!
//! The expected behaviour (also in SECURITY.md and the README):
//!
//! | fault                         | create                         | retrieve             | wait                 |
//! |-------------------------------|--------------------------------|----------------------|----------------------|
//! | 429 + Retry-After             | retried, succeeds (2 requests) | retried, succeeds    | finishes             |
//! | 500                           | fails: Api 500 (1 request)     | retried, succeeds    | finishes             |
//! | 502 with an HTML body         | fails: Api 502 (1 request)     | retried, succeeds    | finishes             |
//! | 503                           | fails: Api 503 (1 request)     | retried, succeeds    | finishes             |
//! | delay > attempt timeout       | fails: Timeout (1 request)     | retried, succeeds    | finishes             |
//! | hang                          | fails: Timeout (1 request)     | retried, succeeds    | finishes             |
//! | connection reset              | fails: Transport (1 request)   | retried, succeeds    | finishes             |
//! | malformed JSON with 200       | fails: Decode (1 request)      | fails: Decode (1)    | fails: Decode        |
//! | endless body                  | fails: Transport, too large (1)| fails: too large (1) | fails: too large     |
//!
//! A create that fails *after* the emulator processed it (fault phase `after`) leaves exactly
//! one session: the SDK does not retry it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use glair::{
    Client, CreatePassiveLivenessSession, Error, RetryConfig, SessionStatus, TimeoutConfig,
    WaitOptions, WaitOutcome,
};
use glair_integration_tests::Harness;
use serde_json::{Value, json};

/// What a case must end in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Ok,
    Api(u16),
    Timeout,
    Transport,
    TooLarge,
    Decode,
}

fn classify<T>(result: &Result<T, Error>) -> Expect {
    match result {
        Ok(_) => Expect::Ok,
        Err(Error::Api(e)) => Expect::Api(e.status().as_u16()),
        Err(Error::Timeout { .. }) => Expect::Timeout,
        Err(Error::Transport { source, .. }) if source.is_body_too_large() => Expect::TooLarge,
        Err(Error::Transport { .. }) => Expect::Transport,
        Err(Error::Decode(_)) => Expect::Decode,
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
}

/// A client with short timeouts and backoff, so the matrix runs in seconds.
fn client(h: &Harness) -> Client {
    h.client_builder()
        .connect_timeout(Duration::from_secs(2))
        .timeouts(
            TimeoutConfig::new()
                .with_attempt(Some(Duration::from_millis(400)))
                .with_operation(Some(Duration::from_secs(5))),
        )
        .max_response_body_bytes(64 * 1024)
        .retry(
            RetryConfig::default()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50))
                .with_max_retry_after(Duration::from_secs(1)),
        )
        .build()
        .unwrap()
}

/// The nine faults, each applied once.
fn faults() -> Vec<(&'static str, Value)> {
    vec![
        (
            "429",
            json!({"kind":"status","status":429,"retry_after_s":1}),
        ),
        ("500", json!({"kind":"status","status":500})),
        ("502-html", json!({"kind":"status","status":502})),
        ("503", json!({"kind":"status","status":503})),
        ("delay", json!({"kind":"delay","delay_ms":1500})),
        ("hang", json!({"kind":"hang"})),
        ("reset", json!({"kind":"reset"})),
        ("malformed", json!({"kind":"malformed"})),
        ("oversized", json!({"kind":"oversized"})),
    ]
}

fn with(fault: &Value, extra: &Value) -> Value {
    let mut f = fault.clone();
    for (k, v) in extra.as_object().unwrap() {
        f[k] = v.clone();
    }
    f
}

fn create_request() -> CreatePassiveLivenessSession {
    CreatePassiveLivenessSession::new("https://app.example/done")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_under_every_fault() {
    let expected = [
        ("429", Expect::Ok, 2, 1),
        ("500", Expect::Api(500), 1, 0),
        ("502-html", Expect::Api(502), 1, 0),
        ("503", Expect::Api(503), 1, 0),
        ("delay", Expect::Timeout, 1, 0),
        ("hang", Expect::Timeout, 1, 0),
        ("reset", Expect::Transport, 1, 0),
        ("malformed", Expect::Decode, 1, 0),
        ("oversized", Expect::TooLarge, 1, 0),
    ];
    for ((name, fault), (ename, outcome, requests, sessions)) in faults().into_iter().zip(expected)
    {
        assert_eq!(name, ename);
        let h = Harness::start().await;
        h.fault(with(&fault, &json!({"route": "create"}))).await;
        let result = client(&h)
            .passive_liveness_sessions()
            .create(create_request())
            .await;
        assert_eq!(
            classify(&result),
            outcome,
            "create under {name}: {result:?}"
        );
        let stats = h.stats();
        assert_eq!(
            stats.requests_total, requests,
            "create under {name}: requests"
        );
        assert_eq!(
            stats.sessions_created, sessions,
            "create under {name}: sessions"
        );
        if name == "502-html" {
            assert!(
                result.unwrap_err().to_string().contains("502"),
                "html message"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_is_not_retried_after_the_server_processed_it() {
    for (name, fault) in faults() {
        if matches!(name, "429") {
            continue; // 429 means "not processed": retrying it is right (see the other test).
        }
        let h = Harness::start().await;
        h.fault(with(&fault, &json!({"route": "create", "phase": "after"})))
            .await;
        let result = client(&h)
            .passive_liveness_sessions()
            .create(create_request())
            .await;
        let stats = h.stats();
        assert_eq!(
            stats.requests_total, 1,
            "{name}: exactly one create was sent ({result:?})"
        );
        assert_eq!(
            stats.sessions_created, 1,
            "{name}: exactly one session exists"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrieve_under_every_fault() {
    let expected = [
        ("429", Expect::Ok, 2),
        ("500", Expect::Ok, 2),
        ("502-html", Expect::Ok, 2),
        ("503", Expect::Ok, 2),
        ("delay", Expect::Ok, 2),
        ("hang", Expect::Ok, 2),
        ("reset", Expect::Ok, 2),
        ("malformed", Expect::Decode, 1),
        ("oversized", Expect::TooLarge, 1),
    ];
    for ((name, fault), (ename, outcome, requests)) in faults().into_iter().zip(expected) {
        assert_eq!(name, ename);
        let h = Harness::start().await;
        let client = client(&h);
        let sessions = client.passive_liveness_sessions();
        let sid = h.create_session(&client).await;
        h.fault(with(&fault, &json!({"route": "retrieve"}))).await;
        let result = sessions.retrieve(&sid).await;
        assert_eq!(
            classify(&result),
            outcome,
            "retrieve under {name}: {result:?}"
        );
        if let Ok(session) = &result {
            assert_eq!(session.status, SessionStatus::Pending);
        }
        let stats = h.stats();
        assert_eq!(
            stats.requests_total,
            1 + requests,
            "retrieve under {name}: requests"
        );
        assert_eq!(stats.sessions_created, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_under_every_fault() {
    let expected = [
        ("429", Expect::Ok),
        ("500", Expect::Ok),
        ("502-html", Expect::Ok),
        ("503", Expect::Ok),
        ("delay", Expect::Ok),
        ("hang", Expect::Ok),
        ("reset", Expect::Ok),
        ("malformed", Expect::Decode),
        ("oversized", Expect::TooLarge),
    ];
    for ((name, fault), (ename, outcome)) in faults().into_iter().zip(expected) {
        assert_eq!(name, ename);
        let h = Harness::start().await;
        let client = client(&h);
        let sessions = client.passive_liveness_sessions();
        let sid = h.create_session(&client).await;
        h.complete("passive-liveness-sessions", sid.as_str(), "live")
            .await;
        // Two faulted polls: the first attempt and its first retry both fail.
        h.fault(with(&fault, &json!({"route": "retrieve", "count": 2})))
            .await;
        let result = sessions
            .wait(
                &sid,
                WaitOptions::new()
                    .interval(Duration::from_millis(20))
                    .max_wait(Duration::from_secs(20)),
            )
            .await;
        assert_eq!(classify(&result), outcome, "wait under {name}: {result:?}");
        if let Ok(outcome) = &result {
            assert!(
                matches!(outcome, WaitOutcome::Finished(_)),
                "{name}: {outcome:?}"
            );
        }
        let gets = h.stats().requests_total - 1;
        match outcome {
            Expect::Ok => assert!(
                gets >= 3,
                "{name}: two faulted polls then a good one ({gets})"
            ),
            _ => assert_eq!(gets, 1, "{name}: a permanent failure ends the wait at once"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_503_exhausts_the_attempts_and_reports_the_status() {
    let h = Harness::start().await;
    let client = client(&h);
    let sessions = client.passive_liveness_sessions();
    let sid = h.create_session(&client).await;
    h.fault(json!({"kind":"status","status":503,"count":10,"route":"retrieve"}))
        .await;
    let err = sessions.retrieve(&sid).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.request_id().is_some());
    assert!(err.is_retryable());
    assert_eq!(h.stats().requests_total, 1 + 3);
}
