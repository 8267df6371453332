//! The blocking driver with the mock transport and fake time: the same decisions as the async
//! driver, with real attempt and operation deadlines handed to the transport.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use glair_core::{
    BlockingDispatcher, DispatchError, FakeTime, FixedJitter, MockTransport, RetryConfig,
    SendOptions, SharedBlockingTransport, SharedJitter, TimeoutConfig, TransportError,
    TransportErrorKind,
};

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn setup(
    configure: impl FnOnce(
        glair_core::BlockingDispatcherBuilder,
    ) -> glair_core::BlockingDispatcherBuilder,
) -> (MockTransport, FakeTime, BlockingDispatcher) {
    let mock = MockTransport::new();
    let time = FakeTime::new(SystemTime::UNIX_EPOCH);
    mock.set_hang_clock(&time);
    let builder = BlockingDispatcher::builder(SharedBlockingTransport::new(mock.clone()))
        .time(time.clone())
        .jitter(SharedJitter::new(FixedJitter(1.0)));
    (mock, time, configure(builder).build())
}

fn get() -> http::Request<Bytes> {
    http::Request::get("http://127.0.0.1:9/face/v1/passive-liveness-sessions/abc")
        .body(Bytes::new())
        .unwrap()
}

fn post() -> http::Request<Bytes> {
    http::Request::post("http://127.0.0.1:9/face/v1/passive-liveness-sessions")
        .body(Bytes::from_static(b"{}"))
        .unwrap()
}

#[test]
fn retries_with_backoff_then_succeeds() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(503, "{}")
        .push_json(502, "{}")
        .push_json(200, "{}");
    let response = d.send(get()).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(mock.request_count(), 3);
    assert_eq!(
        time.slept(),
        vec![Duration::from_millis(200), Duration::from_millis(400)]
    );
}

#[test]
fn post_is_never_repeated_after_it_may_have_been_processed() {
    let (mock, _, d) = setup(|b| b);
    mock.push_json(503, "{}").push_json(201, "{}");
    assert_eq!(d.send(post()).unwrap().status(), 503);
    assert_eq!(mock.remaining_replies(), 1, "the 201 was never asked for");
    assert_eq!(d.send(post()).unwrap().status(), 201);
    mock.push_error(TransportError::new(TransportErrorKind::Io, "reset"));
    assert!(d.send(post()).is_err());
    mock.push_hang();
    let err = d.send(post()).unwrap_err();
    assert!(
        matches!(err, DispatchError::AttemptTimeout { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(mock.request_count(), 4);
    // ... but a refused connection or a 429 is safe to repeat.
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"))
        .push_json(429, "{}")
        .push_json(201, "{}");
    assert_eq!(d.send(post()).unwrap().status(), 201);
}

#[test]
fn the_transport_gets_the_attempt_timeout_and_a_hang_is_retried() {
    let (mock, time, d) = setup(|b| b);
    mock.push_hang().push_json(200, "{}");
    assert_eq!(d.send(get()).unwrap().status(), 200);
    // 30 s lost to the hang, then the 200 ms backoff.
    assert_eq!(time.elapsed(), secs(30) + Duration::from_millis(200));
}

#[test]
fn the_operation_deadline_ends_the_call_at_the_deadline() {
    let (mock, time, d) = setup(|b| {
        b.timeouts(TimeoutConfig::default().with_operation(Some(secs(45))))
            .retry(RetryConfig::default().with_max_attempts(10))
    });
    mock.push_hang().push_hang().push_hang();
    let err = d.send(get()).unwrap_err();
    assert!(
        matches!(err, DispatchError::OperationTimeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert_eq!(time.elapsed(), secs(45));
}

#[test]
fn a_deadline_cap_bounds_the_attempt_in_flight() {
    let (mock, time, d) = setup(|b| b);
    mock.push_hang();
    let deadline = glair_core::Clock::now(&time) + secs(2);
    let err = d
        .send_with(get(), &SendOptions::new().with_deadline(deadline))
        .unwrap_err();
    assert!(
        matches!(err, DispatchError::OperationTimeout { .. }),
        "{err:?}"
    );
    assert_eq!(time.elapsed(), secs(2));
}

#[test]
fn a_hang_without_any_timeout_fails_instead_of_blocking_forever() {
    let (mock, _, d) = setup(|b| {
        b.timeouts(TimeoutConfig::none())
            .retry(RetryConfig::disabled())
    });
    mock.push_hang();
    let err = d.send(get()).unwrap_err();
    assert_eq!(
        err.transport_error().map(TransportError::kind),
        Some(TransportErrorKind::Other)
    );
}
