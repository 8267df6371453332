//! The facade against the mock transport and fake time: every method, every error kind,
//! overrides, and `wait` without real sleeping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use glair::net::{FakeTime, FixedJitter, MockTransport, SharedJitter, TransportErrorKind};
use glair::{
    Client, CreatePassiveLivenessSession, Credentials, Error, RetryConfig, SessionStatus, Settings,
    SpoofLevel, TransportError, WaitOptions, WaitOutcome,
};

const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
/// 2026-01-01T00:00:00Z in ms: the fake clock starts here.
const START_MS: u64 = 1_767_225_600_000;

fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(START_MS)
}

fn session_json(status: &str, expired_ms: u64, result: &str) -> String {
    format!(
        r#"{{"status":"{status}","expired":{expired_ms},"url":"https://vision.glair.ai/passive-liveness/{SID}","success_url":"https://app.example/done","cancel_url":"https://app.example/cancel","result":{result}}}"#
    )
}

fn pending() -> String {
    session_json("PENDING", START_MS + 86_400_000, "null")
}

fn finished() -> String {
    session_json(
        "FINISHED",
        START_MS + 86_400_000,
        r#"{"status":"success","result":{"spoof_percentage":0.02611,"status":"LOW"}}"#,
    )
}

fn client(mock: &MockTransport, time: &FakeTime) -> Client {
    Client::builder()
        .api_key("mock-api-key")
        .username("mock-user")
        .password("mock-password")
        .transport(mock.clone())
        .time(time.clone())
        .jitter(SharedJitter::new(FixedJitter(0.5)))
        .build()
        .unwrap()
}

fn setup() -> (MockTransport, FakeTime, Client) {
    let mock = MockTransport::new();
    let time = FakeTime::new(start());
    let client = client(&mock, &time);
    (mock, time, client)
}

#[tokio::test]
async fn create_sends_the_documented_request_and_returns_the_session() {
    let (mock, _, client) = setup();
    mock.push_json(200, &pending());
    let session = client
        .passive_liveness_sessions()
        .create(
            CreatePassiveLivenessSession::new("https://app.example/done")
                .cancel_url("https://app.example/cancel"),
        )
        .await
        .unwrap();
    assert_eq!(session.status, SessionStatus::Pending);
    assert_eq!(session.sid().as_str(), SID);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(
        r.uri.to_string(),
        "https://api.vision.glair.ai/face/v1/passive-liveness-sessions"
    );
    assert_eq!(r.header("x-api-key"), Some("mock-api-key"));
    assert_eq!(
        r.header("authorization"),
        Some("Basic bW9jay11c2VyOm1vY2stcGFzc3dvcmQ=")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("glair-rs/"));
    assert_eq!(
        r.body_str(),
        Some(
            r#"{"success_url":"https://app.example/done","cancel_url":"https://app.example/cancel"}"#
        )
    );
}

#[tokio::test]
async fn retrieve_and_retrieve_from_redirect_read_the_result() {
    let (mock, _, client) = setup();
    mock.push_json(200, &finished());
    mock.push_json(200, &finished());
    let sessions = client.passive_liveness_sessions();
    let by_sid = sessions.retrieve(SID).await.unwrap();
    let by_redirect = sessions
        .retrieve_from_redirect(&format!("https://app.example/done?x=1&sid={SID}#f"))
        .await
        .unwrap();
    assert_eq!(by_sid, by_redirect);
    assert_eq!(by_sid.verdict(), Some(glair::LivenessVerdict::Live));
    let result = by_sid.result.unwrap();
    assert_eq!(result.spoof_level(), Some(SpoofLevel::Low));
    assert_eq!(result.spoof_probability().map(|p| p.value()), Some(0.02611));
    for r in mock.requests() {
        assert_eq!(r.method, "GET");
        assert_eq!(
            r.uri.path(),
            format!("/face/v1/passive-liveness-sessions/{SID}")
        );
        assert!(r.body.is_empty());
    }
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let (mock, _, client) = setup();
    let sessions = client.passive_liveness_sessions();
    for bad in ["", "../x", "a/b", "%2F", "a?b", "ä"] {
        let err = sessions.retrieve(bad).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad}: {err}");
        assert!(err.to_string().contains("sid"), "{err}");
    }
    let err = sessions
        .retrieve_from_redirect("https://app.example/done?nosid=1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    let err = sessions
        .create(CreatePassiveLivenessSession::new("/relative"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("success_url"), "{err}");
    let err = sessions
        .create(CreatePassiveLivenessSession::new("https://a.example/").cancel_url("ftp://x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cancel_url"), "{err}");
    assert_eq!(mock.request_count(), 0);
}

#[tokio::test]
async fn api_errors_carry_status_request_id_and_message() {
    let (mock, _, client) = setup();
    mock.push_json(401, r#"{"message":"Invalid API key"}"#);
    let err = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.request_id().is_some());
    assert!(!err.is_retryable());
    let shown = err.to_string();
    assert!(
        shown.contains("401") && shown.contains("Invalid API key"),
        "{shown}"
    );
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn retrieve_retries_transient_statuses_then_succeeds() {
    let (mock, time, client) = setup();
    mock.push_json(503, r#"{"message":"busy"}"#);
    mock.push_json(502, "<html><title>502 Bad Gateway</title></html>");
    mock.push_json(200, &pending());
    let session = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap();
    assert_eq!(session.status, SessionStatus::Pending);
    assert_eq!(mock.request_count(), 3);
    assert_eq!(time.slept().len(), 2);
}

#[tokio::test]
async fn retrieve_gives_up_after_max_attempts_with_the_last_status() {
    let (mock, _, client) = setup();
    for _ in 0..3 {
        mock.push_json(503, r#"{"message":"busy"}"#);
    }
    let err = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(mock.request_count(), 3);
}

#[tokio::test]
async fn create_is_never_retried_after_it_may_have_been_processed() {
    let (mock, _, client) = setup();
    mock.push_json(500, r#"{"message":"oops"}"#);
    let err = client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(mock.request_count(), 1);

    mock.push_error(TransportError::new(
        TransportErrorKind::Io,
        "connection reset",
    ));
    let err = client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(mock.request_count(), 2);
}

#[tokio::test]
async fn create_is_retried_when_the_request_never_left_or_on_429() {
    let (mock, _, client) = setup();
    mock.push_error(TransportError::new(
        TransportErrorKind::Connect,
        "connection refused",
    ));
    mock.push_json(429, r#"{"message":"slow down"}"#);
    mock.push_json(200, &pending());
    client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    assert_eq!(mock.request_count(), 3);
}

#[tokio::test]
async fn unreadable_members_are_listed_and_decode_errors_name_the_json_path() {
    use glair::Tolerant;
    let (mock, _, client) = setup();
    // A score of the wrong type no longer fails the session: it is listed by path, and the
    // spoof read from the level stays a spoof.
    mock.push_json(
        200,
        &session_json(
            "FINISHED",
            1,
            r#"{"status":"success","result":{"spoof_percentage":"high","status":"HIGH"}}"#,
        ),
    );
    let session = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap();
    assert_eq!(
        session.unreadable_fields()[0].path(),
        "result.result.spoof_percentage"
    );
    assert_eq!(session.verdict(), Some(glair::LivenessVerdict::Spoof));

    // Two values for one key cannot be resolved: a decode error naming where.
    mock.push_json(
        200,
        &session_json(
            "FINISHED",
            1,
            r#"{"status":"success","status":"failed","result":{"status":"LOW"}}"#,
        ),
    );
    let err = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert!(decode.path().starts_with("result"), "{decode}");
    assert!(
        decode.to_string().contains("duplicate field `status`"),
        "{decode}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_hanging_transport_ends_in_a_timeout() {
    let (mock, _, client) = setup();
    for _ in 0..3 {
        mock.push_hang();
    }
    let err = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Timeout { .. }));
    assert!(err.to_string().contains("did not answer"), "{err}");
}

#[tokio::test]
async fn per_request_overrides_change_credentials_endpoint_and_retries() {
    let (mock, _, client) = setup();
    mock.push_json(200, &pending());
    let options = Settings::new()
        .credentials(Credentials::new("other-key", "other-user", "other-pass").unwrap())
        .base_url("http://127.0.0.1:9/proxy")
        .api_version("v2");
    client
        .passive_liveness_sessions()
        .with_settings(options)
        .retrieve(SID)
        .await
        .unwrap();
    let r = &mock.requests()[0];
    assert_eq!(
        r.uri.to_string(),
        format!("http://127.0.0.1:9/proxy/face/v2/passive-liveness-sessions/{SID}")
    );
    assert_eq!(r.header("x-api-key"), Some("other-key"));

    for _ in 0..3 {
        mock.push_json(503, "{}");
    }
    let err = client
        .passive_liveness_sessions()
        .with_settings(Settings::new().retry(RetryConfig::disabled()))
        .retrieve(SID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.request_count(), 2, "no retry with retries disabled");

    let err = client
        .passive_liveness_sessions()
        .with_settings(Settings::new().base_url("http://glair.example.com"))
        .retrieve(SID)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("unencrypted"), "{err}");
}

#[tokio::test]
async fn wait_polls_until_finished_with_growing_pauses() {
    let (mock, time, client) = setup();
    mock.push_json(200, &pending());
    mock.push_json(200, &pending());
    mock.push_json(200, &finished());
    let outcome = client
        .passive_liveness_sessions()
        .wait(SID, WaitOptions::new().interval(Duration::from_secs(2)))
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Finished(_)), "{outcome:?}");
    assert_eq!(mock.request_count(), 3);
    assert_eq!(
        time.slept(),
        vec![Duration::from_secs(2), Duration::from_secs(3)]
    );
}

#[tokio::test]
async fn wait_reports_expiry_from_the_expired_field() {
    let (mock, time, client) = setup();
    // Expires 5 s after the fake clock's start: the second poll sees it expired.
    mock.push_json(200, &session_json("PENDING", START_MS + 5_000, "null"));
    mock.push_json(200, &session_json("PENDING", START_MS + 5_000, "null"));
    let outcome = client
        .passive_liveness_sessions()
        .wait(SID, WaitOptions::new().interval(Duration::from_secs(10)))
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Expired(_)), "{outcome:?}");
    assert_eq!(outcome.as_str(), "expired");
    // It slept only until the expiry, not the whole 10 s interval.
    assert_eq!(time.slept(), vec![Duration::from_millis(5_001)]);
}

#[tokio::test]
async fn wait_times_out_and_keeps_polling_through_transient_errors() {
    let (mock, time, client) = setup();
    mock.push_json(200, &pending());
    for _ in 0..3 {
        mock.push_json(503, "{}");
    }
    for _ in 0..20 {
        mock.push_json(200, &pending());
    }
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            SID,
            WaitOptions::new()
                .interval(Duration::from_secs(1))
                .max_interval(Duration::from_secs(2))
                .max_wait(Duration::from_secs(10)),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::TimedOut(_)), "{outcome:?}");
    assert!(time.elapsed() >= Duration::from_secs(10));
    assert!(time.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn wait_stops_on_a_permanent_error() {
    let (mock, _, client) = setup();
    mock.push_json(404, r#"{"message":"Session not found"}"#);
    let err = client
        .passive_liveness_sessions()
        .wait(SID, WaitOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(mock.request_count(), 1);
}

#[test]
fn builder_reports_missing_credentials_by_name() {
    let err = Client::builder()
        .api_key("k")
        .transport(MockTransport::new())
        .build()
        .unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("username") && shown.contains("GLAIR_USERNAME"),
        "{shown}"
    );
    assert!(
        shown.contains("password") && shown.contains("GLAIR_PASSWORD"),
        "{shown}"
    );
    assert!(!shown.contains("GLAIR_API_KEY"), "{shown}");
    assert!(err.is_invalid_input());
}

#[test]
fn builder_reads_the_environment_and_refuses_plain_http() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let client = Client::builder()
        .transport(MockTransport::new())
        .time(FakeTime::new(start()))
        .load_env_from(env(&[
            ("GLAIR_API_KEY", "k"),
            ("GLAIR_USERNAME", "u"),
            ("GLAIR_PASSWORD", "p"),
            ("GLAIR_BASE_URL", "http://localhost:8080/"),
            ("GLAIR_API_VERSION", "v9"),
        ]))
        .build()
        .unwrap();
    assert_eq!(client.config().base_url(), "http://localhost:8080");
    assert_eq!(client.config().api_version(), "v9");

    let err = Client::builder()
        .transport(MockTransport::new())
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .base_url("http://glair.example.com")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("base_url"), "{err}");
    assert!(err.to_string().contains("unencrypted"), "{err}");
    Client::builder()
        .transport(MockTransport::new())
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .base_url("http://glair.example.com")
        .allow_plain_http(true)
        .time(FakeTime::new(start()))
        .build()
        .unwrap();
}

#[test]
fn debug_output_never_shows_secrets() {
    let builder = Client::builder()
        .api_key("dbg-api-key")
        .username("dbg-user")
        .password("dbg-password")
        .transport(MockTransport::new())
        .time(FakeTime::new(start()));
    let client = builder.clone().build().unwrap();
    let shown = format!(
        "{builder:?} {client:?} {:?} {:?}",
        client.passive_liveness_sessions(),
        Settings::new()
            .credentials(Credentials::new("dbg-api-key", "dbg-user", "dbg-password").unwrap())
    );
    for secret in [
        "dbg-api-key",
        "dbg-user",
        "dbg-password",
        "ZGJnLXVzZXI6ZGJnLXBhc3N3b3Jk",
    ] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

/// Only without the `hyper` feature can a client lack a timer: CI runs this file with
/// `cargo test -p glair --no-default-features --features mock`.
#[cfg(not(feature = "hyper"))]
#[test]
fn wait_without_a_timer_is_a_configuration_error_not_a_hang() {
    // A client without retries or timeouts needs no timer to send, but `wait` does.
    let mock = MockTransport::new();
    mock.push_json(200, &pending());
    let client = Client::builder()
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .transport(mock.clone())
        .retry(RetryConfig::disabled())
        .timeouts(glair::TimeoutConfig::none())
        .build()
        .unwrap();
    let err = pollster::block_on(
        client
            .passive_liveness_sessions()
            .wait(SID, WaitOptions::new()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("timer"), "{err}");
    assert_eq!(mock.request_count(), 0);

    let err = Client::builder()
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .transport(MockTransport::new())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("ClientBuilder::sleep"), "{err}");
}

#[tokio::test]
async fn wait_keeps_max_wait_when_a_poll_hangs() {
    let (mock, time, client) = setup();
    mock.push_hang();
    let outcome = client
        .passive_liveness_sessions()
        .wait(SID, WaitOptions::new().max_wait(Duration::from_secs(2)))
        .await
        .unwrap();
    // The poll in flight was given up at max_wait, not at the 30 s attempt timeout.
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(None)),
        "{outcome:?}"
    );
    assert!(outcome.session().is_none());
    assert_eq!(time.elapsed(), Duration::from_secs(2));
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn wait_after_a_pending_poll_then_a_hang_keeps_the_session_last_seen() {
    let (mock, time, client) = setup();
    mock.push_json(200, &pending());
    mock.push_hang();
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            SID,
            WaitOptions::new()
                .interval(Duration::from_secs(1))
                .max_wait(Duration::from_secs(5)),
        )
        .await
        .unwrap();
    let WaitOutcome::TimedOut(Some(session)) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(session.status, SessionStatus::Pending);
    assert_eq!(time.elapsed(), Duration::from_secs(5));
}

#[tokio::test]
async fn huge_wait_intervals_do_not_panic() {
    let (mock, time, client) = setup();
    mock.push_json(200, &pending());
    mock.push_json(200, &pending());
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            SID,
            WaitOptions::new()
                .interval(Duration::MAX)
                .max_interval(Duration::MAX)
                .max_wait(Duration::from_secs(60)),
        )
        .await
        .unwrap();
    assert!(
        matches!(outcome, WaitOutcome::TimedOut(Some(_))),
        "{outcome:?}"
    );
    assert_eq!(time.elapsed(), Duration::from_secs(60));
    assert_eq!(mock.request_count(), 1);
}

#[tokio::test]
async fn handle_settings_merge_over_the_clients() {
    let mock = MockTransport::new();
    let time = FakeTime::new(start());
    let client = Client::builder()
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .transport(mock.clone())
        .time(time.clone())
        .jitter(SharedJitter::new(FixedJitter(1.0)))
        .max_attempts(5)
        .retry(RetryConfig::default().with_max_attempts(4))
        .build()
        .unwrap();
    // The later setter wins on the client: 4 attempts.
    for _ in 0..4 {
        mock.push_json(503, "{}");
    }
    let err = client
        .passive_liveness_sessions()
        .retrieve(SID)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(mock.request_count(), 4);
    // A handle that sets only the operation timeout keeps the client's 4 attempts, and its
    // 1 s budget cuts the retries short (backoffs 200 ms, 400 ms, then 800 ms would pass it).
    for _ in 0..4 {
        mock.push_json(503, "{}");
    }
    let sessions = client
        .passive_liveness_sessions()
        .with_settings(Settings::new().operation_timeout(Duration::from_secs(1)));
    sessions.retrieve(SID).await.unwrap_err();
    assert_eq!(mock.request_count(), 4 + 3);
    assert!(sessions.settings().operation_timeout_set().is_some());
}

#[tokio::test]
async fn the_facade_and_the_types_crate_ask_the_one_classifier() {
    use glair::net::{Classification, classify_status, classify_transport_error};
    let (mock, _, client) = setup();
    for kind in [
        TransportErrorKind::Connect,
        TransportErrorKind::Timeout,
        TransportErrorKind::Io,
        TransportErrorKind::Tls,
        TransportErrorKind::Other,
        TransportErrorKind::BodyTooLarge { limit: 1 },
    ] {
        let source = TransportError::new(kind, "x");
        let expected = classify_transport_error(&source).is_transient();
        mock.push_error(source);
        let err = client
            .passive_liveness_sessions()
            .with_settings(Settings::new().max_attempts(1))
            .retrieve(SID)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Transport { attempts: 1, .. }),
            "{err:?}"
        );
        assert_eq!(err.is_retryable(), expected, "{kind:?}");
    }
    assert_eq!(
        classify_status(http::StatusCode::TOO_MANY_REQUESTS),
        Classification::Transient {
            not_processed: true
        }
    );
}

#[tokio::test]
async fn api_errors_are_transient_exactly_when_the_classifier_says() {
    let (mock, _, client) = setup();
    for code in [400u16, 401, 404, 409, 429, 500, 501, 502, 503, 504] {
        for _ in 0..3 {
            mock.push_json(code, "{}");
        }
        let err = client
            .passive_liveness_sessions()
            .with_settings(Settings::new().max_attempts(1))
            .retrieve(SID)
            .await
            .unwrap_err();
        let status = http::StatusCode::from_u16(code).unwrap();
        let expected = glair::net::classify_status(status).is_transient();
        assert!(matches!(err, Error::Api(_)), "{err:?}");
        assert_eq!(err.is_retryable(), expected, "{code}");
        while mock.remaining_replies() > 0 {
            let _ = client
                .passive_liveness_sessions()
                .with_settings(Settings::new().max_attempts(1))
                .retrieve(SID)
                .await;
        }
    }
}

#[test]
fn debug_never_shows_url_userinfo() {
    let builder = Client::builder()
        .base_url("https://alice:hunter2@glair.example")
        .api_key("k");
    let settings = Settings::new().base_url("https://bob:pa55@glair.example/x");
    let shown = format!("{builder:?} {settings:?}");
    for secret in ["alice", "hunter2", "bob", "pa55"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
    assert!(shown.contains("https://***@glair.example"), "{shown}");
    // And the base URL with userinfo is refused at build, naming the field, not the value.
    let err = builder
        .username("u")
        .password("p")
        .transport(MockTransport::new())
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn wait_until_the_deadline_against_refused_connections_returns_the_failure() {
    let (mock, _, client) = setup();
    for _ in 0..200 {
        mock.push_error(TransportError::new(TransportErrorKind::Connect, "refused"));
    }
    let err = client
        .passive_liveness_sessions()
        .wait(SID, WaitOptions::new().max_wait(Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

/// With the default (tokio) timer, a call made outside any tokio runtime fails at once with a
/// configuration error naming the fix: no thread is started to stand in for the timer.
#[cfg(feature = "hyper")]
#[test]
fn outside_a_runtime_the_default_timer_says_so_instead_of_starting_threads() {
    let mock = MockTransport::new();
    mock.push_json(200, &pending());
    let client = Client::builder()
        .credentials(Credentials::new("k", "u", "p").unwrap())
        .transport(mock.clone())
        .build()
        .unwrap();
    let err = pollster::block_on(client.passive_liveness_sessions().retrieve(SID)).unwrap_err();
    assert!(
        matches!(err, Error::Config(glair::ConfigError::MissingTimer { .. })),
        "{err:?}"
    );
    assert!(err.to_string().contains("blocking"), "{err}");
    assert_eq!(mock.request_count(), 0);
}

/// A call's future is `Send` and, with the client moved in, `'static`: a server spawns it on
/// a multi-threaded runtime. Checked by spawning a create, a retrieve and a wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_can_be_spawned_on_a_multi_threaded_runtime() {
    let (mock, _, client) = setup();
    mock.push_json(200, &pending());
    mock.push_json(200, &finished());
    mock.push_json(200, &pending());
    mock.push_json(200, &finished());
    let task = tokio::spawn(async move {
        let sessions = client.passive_liveness_sessions();
        let created = sessions
            .create(CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .await?;
        let retrieved = sessions.retrieve(created.sid()).await?;
        let waited = sessions
            .wait(SID, WaitOptions::new().interval(Duration::from_secs(2)))
            .await?;
        Ok::<_, Error>((created, retrieved, waited))
    });
    let (created, retrieved, waited) = task.await.unwrap().unwrap();
    assert_eq!(created.status, SessionStatus::Pending);
    assert_eq!(retrieved.status, SessionStatus::Finished);
    assert!(matches!(waited, WaitOutcome::Finished(_)), "{waited:?}");
    assert_eq!(mock.request_count(), 4);
}
