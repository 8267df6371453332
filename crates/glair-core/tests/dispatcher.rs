//! Dispatcher behaviour with `MockTransport` and `FakeTime`: no network, no real waiting.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use glair_core::{
    DispatchError, Dispatcher, FakeTime, FixedJitter, MockTransport, RetryConfig, SendOptions,
    SharedJitter, SharedTransport, TimeoutConfig, TransportError, TransportErrorKind,
};
use http::{Method, Request, Response};

const URL: &str = "https://api.vision.glair.ai/face/v1/passive-liveness-sessions";

/// 2024-01-01T00:00:00Z
fn start() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200)
}

fn setup(
    configure: impl FnOnce(glair_core::DispatcherBuilder) -> glair_core::DispatcherBuilder,
) -> (MockTransport, FakeTime, Dispatcher) {
    let mock = MockTransport::new();
    let time = FakeTime::new(start());
    let builder = Dispatcher::builder(SharedTransport::new(mock.clone()))
        .time(time.clone())
        .jitter(SharedJitter::new(FixedJitter(1.0)));
    let dispatcher = configure(builder).build().unwrap();
    (mock, time, dispatcher)
}

fn get() -> Request<Bytes> {
    Request::get(format!("{URL}/abc"))
        .body(Bytes::new())
        .unwrap()
}

fn post() -> Request<Bytes> {
    Request::post(URL)
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"success_url":"https://example.com/ok"}"#,
        ))
        .unwrap()
}

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    pollster::block_on(future)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn with_retry_after(status: u16, value: &str) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header("retry-after", value)
        .body(Bytes::new())
        .unwrap()
}

#[test]
fn get_retried_on_503_then_succeeds() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(503, "{}")
        .push_json(200, r#"{"status":"PENDING"}"#);
    let response = run(d.send(get())).unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["request-id"], "mock-2");
    assert_eq!(mock.request_count(), 2);
    assert_eq!(time.slept(), vec![ms(200)]);
    // Each attempt sent the same request.
    let requests = mock.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.method == Method::GET && r.uri.path().ends_with("/abc"))
    );
}

#[test]
fn last_response_returned_when_attempts_exhausted() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(503, "{}")
        .push_json(502, "{}")
        .push_json(504, r#"{"message":"gateway"}"#);
    let response = run(d.send(get())).unwrap();
    assert_eq!(response.status(), 504);
    assert_eq!(response.headers()["request-id"], "mock-3");
    assert_eq!(mock.request_count(), 3);
    assert_eq!(time.slept(), vec![ms(200), ms(400)]);
}

#[test]
fn get_retried_on_transport_errors_and_gives_the_last_one() {
    let (mock, _time, d) = setup(|b| b);
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"))
        .push_error(TransportError::new(TransportErrorKind::Io, "reset"))
        .push_error(TransportError::new(
            TransportErrorKind::Timeout,
            "read timeout",
        ));
    let err = run(d.send(get())).unwrap_err();
    assert_eq!(err.attempts(), 3);
    assert!(err.is_timeout());
    assert_eq!(
        err.transport_error().unwrap().kind(),
        TransportErrorKind::Timeout
    );
    assert_eq!(mock.request_count(), 3);
}

#[test]
fn non_retryable_status_returned_immediately() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(404, r#"{"message":"not found"}"#);
    let response = run(d.send(get())).unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(mock.request_count(), 1);
    assert!(time.slept().is_empty());
}

#[test]
fn post_not_retried_on_500() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(500, "{}").push_json(201, "{}");
    let response = run(d.send(post())).unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(mock.request_count(), 1);
    assert!(time.slept().is_empty());
}

#[test]
fn post_not_retried_on_timeout_or_io() {
    for kind in [TransportErrorKind::Timeout, TransportErrorKind::Io] {
        let (mock, _time, d) = setup(|b| b);
        mock.push_error(TransportError::new(kind, "after sending"))
            .push_json(201, "{}");
        let err = run(d.send(post())).unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.transport_error().unwrap().kind(), kind);
        assert_eq!(mock.request_count(), 1);
    }
}

#[test]
fn post_not_retried_on_attempt_timeout() {
    let (mock, time, d) = setup(|b| b);
    mock.push_hang().push_json(201, "{}");
    let err = run(d.send(post())).unwrap_err();
    assert!(
        matches!(err, DispatchError::AttemptTimeout { timeout, attempts: 1, .. } if timeout == secs(30)),
        "{err:?}"
    );
    assert_eq!(mock.request_count(), 1);
    assert_eq!(time.slept(), vec![secs(30)]);
}

#[test]
fn post_retried_on_429() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(429, r#"{"message":"slow down"}"#)
        .push_json(201, "{}");
    let response = run(d.send(post())).unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(mock.request_count(), 2);
    assert_eq!(time.slept(), vec![ms(200)]);
    assert_eq!(mock.requests()[1].body, post().into_body());
}

#[test]
fn post_retried_on_never_sent_connect_error() {
    let (mock, _time, d) = setup(|b| b);
    mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"))
        .push_error(TransportError::connect_timeout("10s"))
        .push_json(201, "{}");
    let response = run(d.send(post())).unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(mock.request_count(), 3);
}

#[test]
fn retry_after_seconds_honoured() {
    let (mock, time, d) = setup(|b| b);
    mock.push_response(with_retry_after(429, "5"))
        .push_json(200, "{}");
    assert_eq!(run(d.send(post())).unwrap().status(), 200);
    assert_eq!(time.slept(), vec![secs(5)]);
}

#[test]
fn retry_after_http_date_honoured() {
    let (mock, time, d) = setup(|b| b);
    // start() + 12 s
    mock.push_response(with_retry_after(503, "Mon, 01 Jan 2024 00:00:12 GMT"))
        .push_json(200, "{}");
    assert_eq!(run(d.send(get())).unwrap().status(), 200);
    assert_eq!(time.slept(), vec![secs(12)]);
}

#[test]
fn retry_after_clamped_to_max() {
    let (mock, time, d) = setup(|b| b.retry(RetryConfig::default().with_max_retry_after(secs(7))));
    mock.push_response(with_retry_after(429, "3600"))
        .push_json(200, "{}");
    assert_eq!(run(d.send(get())).unwrap().status(), 200);
    assert_eq!(time.slept(), vec![secs(7)]);
}

#[test]
fn retry_after_past_the_deadline_stops_with_the_response() {
    let (mock, time, d) =
        setup(|b| b.timeouts(TimeoutConfig::default().with_operation(Some(secs(20)))));
    mock.push_response(with_retry_after(503, "25"))
        .push_json(200, "{}");
    let response = run(d.send(get())).unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(mock.request_count(), 1);
    assert!(time.slept().is_empty());
}

#[test]
fn attempt_timeout_on_hanging_transport() {
    let (mock, time, d) = setup(|b| b.timeouts(TimeoutConfig::default().with_operation(None)));
    mock.push_hang().push_hang().push_hang();
    let err = run(d.send(get())).unwrap_err();
    assert!(
        matches!(err, DispatchError::AttemptTimeout { timeout, attempts: 3, .. } if timeout == secs(30)),
        "{err:?}"
    );
    assert!(err.is_timeout());
    assert_eq!(
        err.to_string(),
        "request timed out after 30s (attempt 3; per-attempt timeout)"
    );
    assert_eq!(
        time.slept(),
        vec![secs(30), ms(200), secs(30), ms(400), secs(30)]
    );
}

#[test]
fn attempt_timeout_then_success() {
    let (mock, _time, d) = setup(|b| b);
    mock.push_hang().push_json(200, "{}");
    assert_eq!(run(d.send(get())).unwrap().status(), 200);
    assert_eq!(mock.request_count(), 2);
}

#[test]
fn operation_timeout_across_retries() {
    // Defaults: 30 s per attempt, 60 s per operation.
    let (mock, time, d) = setup(|b| b);
    mock.push_hang().push_hang().push_hang();
    let err = run(d.send(get())).unwrap_err();
    assert!(
        matches!(err, DispatchError::OperationTimeout { timeout, attempts: 2, .. } if timeout == secs(60)),
        "{err:?}"
    );
    // 30 s, the 200 ms backoff, then the second attempt is cut at what was left of the 60 s.
    assert_eq!(time.slept(), vec![secs(30), ms(200), ms(29_800)]);
    assert_eq!(time.total_slept(), secs(60));
    assert_eq!(mock.request_count(), 2);
}

#[test]
fn operation_timeout_without_attempt_timeout() {
    let timeouts = TimeoutConfig::none().with_operation(Some(secs(5)));
    let (mock, time, d) = setup(|b| b.timeouts(timeouts));
    mock.push_hang();
    let err = run(d.send(get())).unwrap_err();
    assert!(
        matches!(err, DispatchError::OperationTimeout { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(time.slept(), vec![secs(5)]);
}

#[test]
fn total_sleep_never_exceeds_operation_budget() {
    let retry = RetryConfig::default()
        .with_max_attempts(50)
        .with_initial_backoff(secs(1))
        .with_max_backoff(secs(8));
    let timeouts = TimeoutConfig::none().with_operation(Some(secs(20)));
    let (mock, time, d) = setup(|b| b.retry(retry).timeouts(timeouts));
    for _ in 0..50 {
        mock.push_json(503, "{}");
    }
    let response = run(d.send(get())).unwrap();
    assert_eq!(response.status(), 503);
    assert!(time.total_slept() < secs(20), "{:?}", time.slept());
    // 1 + 2 + 4 + 8 = 15 s slept; the next 8 s would pass the deadline.
    assert_eq!(time.slept(), vec![secs(1), secs(2), secs(4), secs(8)]);
    assert_eq!(mock.request_count(), 5);
}

#[test]
fn per_request_retry_override() {
    let (mock, time, d) = setup(|b| b);
    mock.push_json(503, "{}")
        .push_json(503, "{}")
        .push_json(200, "{}");
    let no_retry = SendOptions::new().with_retry(RetryConfig::disabled());
    assert_eq!(run(d.send_with(get(), &no_retry)).unwrap().status(), 503);
    assert_eq!(mock.request_count(), 1);
    assert!(time.slept().is_empty());
    // Without overrides the dispatcher's own retries apply.
    assert_eq!(run(d.send(get())).unwrap().status(), 200);
    assert_eq!(mock.request_count(), 3);
    assert_eq!(time.slept(), vec![ms(200)]);
}

#[test]
fn per_request_timeout_override() {
    let (mock, time, d) = setup(|b| b.retry(RetryConfig::disabled()));
    mock.push_hang();
    let short = SendOptions::new().with_timeouts(TimeoutConfig::none().with_attempt(Some(secs(2))));
    let err = run(d.send_with(get(), &short)).unwrap_err();
    assert!(
        matches!(err, DispatchError::AttemptTimeout { timeout, attempts: 1, .. } if timeout == secs(2))
    );
    assert_eq!(time.slept(), vec![secs(2)]);
    // The dispatcher's own settings are unchanged.
    assert_eq!(d.timeouts().attempt(), Some(secs(30)));
    assert_eq!(d.retry(), &RetryConfig::disabled());
}

#[test]
fn unscripted_mock_is_an_error_not_a_panic() {
    let (_mock, _time, d) = setup(|b| b);
    let err = run(d.send(post())).unwrap_err();
    let source = err.transport_error().unwrap();
    assert_eq!(source.kind(), TransportErrorKind::Other);
    assert_eq!(
        source.message(),
        "MockTransport has no scripted reply for POST /face/v1/passive-liveness-sessions"
    );
}

#[cfg(not(feature = "hyper"))]
#[test]
fn without_a_timer_build_refuses_retries_and_timeouts() {
    use glair_core::BuildError;
    let mock = MockTransport::new();
    let err = Dispatcher::builder(SharedTransport::new(mock.clone()))
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        BuildError::MissingSleep {
            needed_for: "retries",
            ..
        }
    ));
    let err = Dispatcher::builder(SharedTransport::new(mock.clone()))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        BuildError::MissingSleep {
            needed_for: "timeouts",
            ..
        }
    ));

    let d = Dispatcher::builder(SharedTransport::new(mock.clone()))
        .retry(RetryConfig::disabled())
        .timeouts(TimeoutConfig::none())
        .build()
        .unwrap();
    mock.push_json(503, "{}");
    assert_eq!(run(d.send(get())).unwrap().status(), 503);
    let retrying = SendOptions::new().with_retry(RetryConfig::default());
    assert!(matches!(
        run(d.send_with(get(), &retrying)),
        Err(DispatchError::MissingSleep)
    ));
    assert_eq!(mock.request_count(), 1);
}

#[test]
fn futures_and_handles_are_send_and_sync() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    assert_send_sync::<Dispatcher>();
    assert_send_sync::<SharedTransport>();
    assert_send_sync::<MockTransport>();
    assert_send_sync::<FakeTime>();
    let (_mock, _time, d) = setup(|b| b);
    let future = d.send(get());
    assert_send(&future);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Reply {
        Status(u16),
        RetryAfter(u16, u64),
        Error(TransportErrorKind),
        Hang,
    }

    fn reply() -> impl Strategy<Value = Reply> {
        prop_oneof![
            prop::sample::select(vec![200u16, 201, 400, 404, 429, 500, 502, 503, 504])
                .prop_map(Reply::Status),
            (prop::sample::select(vec![429u16, 503]), 0u64..100)
                .prop_map(|(s, r)| Reply::RetryAfter(s, r)),
            prop::sample::select(vec![
                TransportErrorKind::Connect,
                TransportErrorKind::Timeout,
                TransportErrorKind::Io,
                TransportErrorKind::Tls,
                TransportErrorKind::Other,
            ])
            .prop_map(Reply::Error),
            Just(Reply::Hang),
        ]
    }

    /// True if a non-idempotent request may be retried after this reply.
    fn safe_to_repeat(reply: &Reply) -> bool {
        matches!(
            reply,
            Reply::Status(429)
                | Reply::RetryAfter(429, _)
                | Reply::Error(TransportErrorKind::Connect)
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn dispatcher_invariants(
            post in any::<bool>(),
            replies in prop::collection::vec(reply(), 1..8),
            max_attempts in 0u32..6,
            attempt_ms in prop::option::of(1u64..40_000),
            operation_ms in prop::option::of(1u64..90_000),
            jitter in 0f64..1.0,
        ) {
            let timeouts = TimeoutConfig::none()
                .with_attempt(attempt_ms.map(Duration::from_millis))
                .with_operation(operation_ms.map(Duration::from_millis));
            // Without any timeout a hang would never end.
            let replies: Vec<Reply> = replies
                .into_iter()
                .map(|r| match r {
                    Reply::Hang if attempt_ms.is_none() && operation_ms.is_none() => Reply::Status(503),
                    r => r,
                })
                .collect();
            let mock = MockTransport::new();
            for r in &replies {
                match r {
                    Reply::Status(s) => { mock.push_json(*s, "{}"); }
                    Reply::RetryAfter(s, secs) => { mock.push_response(with_retry_after(*s, &secs.to_string())); }
                    Reply::Error(kind) => { mock.push_error(TransportError::new(*kind, "scripted")); }
                    Reply::Hang => { mock.push_hang(); }
                }
            }
            let time = FakeTime::new(start());
            let d = Dispatcher::builder(SharedTransport::new(mock.clone()))
                .time(time.clone())
                .jitter(SharedJitter::new(FixedJitter(jitter)))
                .retry(RetryConfig::default().with_max_attempts(max_attempts))
                .timeouts(timeouts)
                .build()
                .unwrap();
            let request = if post { super::post() } else { super::get() };
            let result = run(d.send(request));

            let made = mock.request_count();
            prop_assert!(made >= 1);
            prop_assert!(made as u32 <= max_attempts.max(1), "{made} attempts");
            if let Err(e) = &result {
                prop_assert_eq!(e.attempts() as usize, made);
            }
            if let Some(op) = operation_ms {
                prop_assert!(time.total_slept() <= Duration::from_millis(op), "{:?}", time.slept());
            }
            if post {
                for r in replies.iter().take(made - 1) {
                    prop_assert!(safe_to_repeat(r), "POST retried after {r:?}");
                }
            }
        }
    }
}
