//! `wait` keeps its `max_wait` against a server that accepts and never answers (the
//! emulator's `hang` fault): the poll in flight is given up at the deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use glair::{WaitOptions, WaitOutcome};
use glair_integration_tests::Harness;
use serde_json::json;

#[tokio::test]
async fn wait_against_a_hanging_server_ends_timed_out_near_max_wait() {
    let h = Harness::start().await;
    let client = h.client();
    let sid = h.create_session(&client).await;
    h.fault(json!({"kind": "hang", "route": "retrieve", "count": 100}))
        .await;
    let started = Instant::now();
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            &sid,
            WaitOptions::new().max_wait(Duration::from_millis(1500)),
        )
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(None)),
        "{outcome:?}"
    );
    assert!(took >= Duration::from_millis(1500), "{took:?}");
    // Near max_wait, not the 30 s attempt timeout: slack for a loaded machine only.
    assert!(took < Duration::from_secs(15), "{took:?}");
    assert_eq!(h.stats().requests_total, 2, "one create, one hung poll");
}

#[tokio::test]
async fn wait_sees_a_pending_session_then_a_hang_and_keeps_what_it_saw() {
    let h = Harness::start().await;
    let client = h.client();
    let sid = h.create_session(&client).await;
    // The first poll answers; every later one hangs.
    h.fault(json!({"kind": "delay", "delay_ms": 0, "route": "retrieve", "count": 1}))
        .await;
    h.fault(json!({"kind": "hang", "route": "retrieve", "count": 100}))
        .await;
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            &sid,
            WaitOptions::new()
                .interval(Duration::from_millis(100))
                .max_wait(Duration::from_millis(1200)),
        )
        .await
        .unwrap();
    let WaitOutcome::TimedOut(Some(session)) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(session.sid(), &sid);
}
