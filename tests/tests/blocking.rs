//! `glair::blocking::Client` end to end against the emulator over loopback: the default ureq
//! transport and the `std::net` example transport, faults included. Same engine as the async
//! client, so the same outcomes: retrieves are retried, creates never repeated after they may
//! have been processed, attempt deadlines hold, `wait` keeps `max_wait`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use glair::blocking::{Client, ClientBuilder};
use glair::{
    CreatePassiveLivenessSession, Error, RetryConfig, SessionStatus, WaitOptions, WaitOutcome,
};
use glair_examples::blocking::StdNetTransport;
use glair_integration_tests::Harness;
use serde_json::json;

fn builder(h: &Harness) -> ClientBuilder {
    Client::builder()
        .base_url(h.emulator.base_url())
        .api_key(h.emulator.api_key())
        .username(h.emulator.username())
        .password(h.emulator.password())
        .retry(
            RetryConfig::default()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .attempt_timeout(Duration::from_millis(500))
        .operation_timeout(Duration::from_secs(5))
}

/// Runs blocking work off the runtime the emulator serves on.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.unwrap()
}

fn create(client: &Client) -> Result<glair::PassiveLivenessSession, Error> {
    client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_retrieve_and_redirect_with_the_default_transport() {
    let h = Harness::start().await;
    let client = builder(&h).build().unwrap();
    let (status, via_redirect) = blocking(move || {
        let session = create(&client).unwrap();
        let sid = session.sid().clone();
        let sessions = client.passive_liveness_sessions();
        let status = sessions.retrieve(&sid).unwrap().status;
        let redirect = format!("https://app.example/done?sid={sid}");
        let via = sessions.retrieve_from_redirect(&redirect).unwrap().status;
        (status, via)
    })
    .await;
    assert_eq!(status, SessionStatus::Pending);
    assert_eq!(via_redirect, SessionStatus::Pending);
    assert_eq!(h.stats().sessions_created, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrieve_is_retried_through_faults() {
    let h = Harness::start().await;
    let client = builder(&h).build().unwrap();
    let sid = {
        let client = client.clone();
        blocking(move || create(&client).unwrap().sid().clone()).await
    };
    for fault in [
        json!({"kind":"status","status":503,"route":"retrieve"}),
        json!({"kind":"reset","route":"retrieve"}),
        json!({"kind":"hang","route":"retrieve"}),
    ] {
        h.fault(fault.clone()).await;
        let (client, sid) = (client.clone(), sid.clone());
        let started = Instant::now();
        let status = blocking(move || client.passive_liveness_sessions().retrieve(&sid)).await;
        assert_eq!(status.unwrap().status, SessionStatus::Pending, "{fault}");
        // A hang costs one attempt timeout (500 ms), not the operation's 5 s.
        assert!(started.elapsed() < Duration::from_secs(4), "{fault}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_may_have_been_processed_is_never_repeated() {
    let h = Harness::start().await;
    let client = builder(&h).build().unwrap();
    h.fault(json!({"kind":"status","status":503,"route":"create","phase":"after"}))
        .await;
    h.fault(json!({"kind":"hang","route":"create"})).await;
    let (first, second) = blocking(move || (create(&client), create(&client))).await;
    assert_eq!(first.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert!(second.unwrap_err().is_timeout());
    // One session from the processed 503, none from the hung create; no retry created more.
    assert_eq!(h.stats().sessions_created, 1);
    // A 429 was refused unprocessed: retried, exactly one more session.
    h.fault(json!({"kind":"status","status":429,"route":"create","retry_after_s":0}))
        .await;
    let client = builder(&h).build().unwrap();
    blocking(move || create(&client).unwrap()).await;
    assert_eq!(h.stats().sessions_created, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_malformed_bodies_are_errors() {
    let h = Harness::start().await;
    let client = builder(&h)
        .max_response_body_bytes(16 * 1024)
        .build()
        .unwrap();
    h.fault(json!({"kind":"oversized"})).await;
    h.fault(json!({"kind":"malformed"})).await;
    let (oversized, malformed) = {
        let client = client.clone();
        blocking(move || (create(&client), create(&client))).await
    };
    match oversized.unwrap_err() {
        Error::Transport { source, .. } => assert!(source.is_body_too_large(), "{source}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(malformed.unwrap_err(), Error::Decode(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_finishes_and_keeps_max_wait_against_a_hang() {
    let h = Harness::start().await;
    let client = builder(&h).build().unwrap();
    let sid = {
        let client = client.clone();
        blocking(move || create(&client).unwrap().sid().clone()).await
    };
    // Hanging polls: the wait ends at max_wait, no sooner and not much later.
    h.fault(json!({"kind":"hang","route":"retrieve","count":100}))
        .await;
    let started = Instant::now();
    let outcome = {
        let (client, sid) = (client.clone(), sid.clone());
        blocking(move || {
            client.passive_liveness_sessions().wait(
                &sid,
                WaitOptions::new()
                    .interval(Duration::from_millis(50))
                    .max_wait(Duration::from_millis(1200)),
            )
        })
        .await
        .unwrap()
    };
    let took = started.elapsed();
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(None)),
        "{outcome:?}"
    );
    assert!(took >= Duration::from_millis(1200), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");

    // Cleared, then completed: the wait finishes.
    h.control(http::Method::DELETE, "/_emulator/faults", None)
        .await;
    h.complete("passive-liveness-sessions", sid.as_str(), "live")
        .await;
    let outcome = blocking(move || {
        client
            .passive_liveness_sessions()
            .wait(&sid, WaitOptions::new().interval(Duration::from_millis(50)))
            .unwrap()
    })
    .await;
    assert!(outcome.is_finished(), "{outcome:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_std_net_example_transport_keeps_the_attempt_deadline() {
    let h = Harness::start().await;
    let client = builder(&h)
        .transport(StdNetTransport::new(Duration::from_secs(2)))
        .build()
        .unwrap();
    let sid = {
        let client = client.clone();
        blocking(move || create(&client).unwrap().sid().clone()).await
    };
    h.fault(json!({"kind":"hang","route":"retrieve"})).await;
    let started = Instant::now();
    let hung_then_ok = {
        let (client, sid) = (client.clone(), sid.clone());
        blocking(move || client.passive_liveness_sessions().retrieve(&sid)).await
    };
    // The hang was cut at the 500 ms attempt deadline and retried.
    assert_eq!(hung_then_ok.unwrap().status, SessionStatus::Pending);
    assert!(started.elapsed() < Duration::from_secs(4));
    h.fault(json!({"kind":"malformed","route":"retrieve"}))
        .await;
    let malformed = blocking(move || client.passive_liveness_sessions().retrieve(&sid)).await;
    assert!(matches!(malformed.unwrap_err(), Error::Decode(_)));
}
