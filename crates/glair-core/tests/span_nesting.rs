//! `Dispatcher::run_in` puts a call's steps and attempts in the span it is given, with each
//! attempt's `glair.attempt` span as its child, as `run(..).instrument(span)` did.
//!
//! One test in its own binary: `tracing` caches callsite interest process-wide (see
//! `trace_capture.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use glair_core::{
    Call, Clock, Dispatcher, FakeTime, FixedJitter, MockTransport, Replay, RetryConfig,
    SharedJitter, SharedTransport, TimeoutConfig,
};

#[path = "support/captured.rs"]
mod captured;
use captured::Captured;

#[test]
fn a_calls_events_and_attempts_are_inside_the_span_it_runs_in() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());

    let mock = MockTransport::new();
    mock.push_json(503, "{}").push_json(200, "{}");
    let time = FakeTime::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200));
    let dispatcher = Dispatcher::builder(SharedTransport::new(mock))
        .time(time.clone())
        .jitter(SharedJitter::new(FixedJitter(1.0)))
        .build()
        .unwrap();
    let request = http::Request::get("https://api.vision.glair.ai/face/v1/x")
        .body(Bytes::new())
        .unwrap();
    let call = Call::new(
        request,
        Replay::Safe,
        &RetryConfig::default(),
        &TimeoutConfig::default(),
        time.now(),
    );
    let span = tracing::info_span!("outer", label = "the-call");
    let response = pollster::block_on(dispatcher.run_in(span, call)).unwrap();
    assert_eq!(response.status(), 200);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let retrying = logs
        .lines()
        .find(|line| line.contains("retrying request"))
        .unwrap_or_else(|| panic!("no retry event:\n{logs}"));
    // The fmt subscriber prints an event's spans outermost first, joined by `:`.
    assert!(
        retrying.contains("outer{label=\"the-call\"}:glair.attempt{"),
        "the retry event is not in outer > glair.attempt:\n{logs}"
    );
    assert!(retrying.contains("attempt=1"), "{retrying}");
    // Outside the run, the span is not entered.
    tracing::info!("after the call");
    let after = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = after
        .lines()
        .find(|l| l.contains("after the call"))
        .unwrap();
    assert!(!line.contains("outer"), "{line}");
}
