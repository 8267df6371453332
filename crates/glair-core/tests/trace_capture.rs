//! TRACE output of this crate and its dependencies never contains a credential or a query
//! string, through the mock transport and through the hyper transport over loopback.
//!
//! One test in its own binary on purpose: `tracing` caches per-callsite interest and the
//! global max level process-wide, so capturing while other tests run on other threads
//! without a subscriber is racy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use glair_core::{Dispatcher, FakeTime, FixedJitter, MockTransport, SharedJitter, SharedTransport};
use http::Request;

#[path = "support/captured.rs"]
mod captured;
use captured::Captured;

const BASIC: &str = "Basic dXNlcjpwYXNzd29yZC1TRUNSRVQ=";
const API_KEY: &str = "api-key-SECRET-123";

fn secret_request(url: String) -> Request<Bytes> {
    Request::get(url)
        .header("authorization", BASIC)
        .header("x-api-key", API_KEY)
        .body(Bytes::new())
        .unwrap()
}

#[test]
fn trace_output_never_contains_secrets() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown = String::new();

    // 1. Through the mock transport: a retried 503, then 200.
    let mock = MockTransport::new();
    mock.push_json(503, "{}").push_json(200, "{}");
    let dispatcher = Dispatcher::builder(SharedTransport::new(mock))
        .time(FakeTime::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_704_067_200),
        ))
        .jitter(SharedJitter::new(FixedJitter(1.0)))
        .build()
        .unwrap();
    let response = pollster::block_on(
        dispatcher.send(secret_request(
            "https://api.vision.glair.ai/face/v1/passive-liveness-sessions/abc?token=QUERY-SECRET"
                .into(),
        )),
    )
    .unwrap();
    assert_eq!(response.status(), 200);
    let mock_logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "glair.attempt",
        "path=/face/v1/passive-liveness-sessions/abc",
        "attempt=2",
        "status=503",
        "request_id=\"mock-2\"",
        "retrying request",
        "delay_ms=200",
    ] {
        assert!(
            mock_logs.contains(expected),
            "missing {expected}:\n{mock_logs}"
        );
    }
    shown.push_str(&format!("{dispatcher:?}"));

    // 2. Through the hyper transport over loopback: a success and a refused connection.
    #[cfg(feature = "hyper")]
    {
        use glair_core::{HyperTransport, RetryConfig};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let mut buf = vec![0u8; 4096];
                    let _ = stream.read(&mut buf).await;
                    let _ = stream
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req-1\r\ncontent-length: 2\r\n\r\n{}")
                        .await;
                }
            });
            let ok = Dispatcher::builder(SharedTransport::new(HyperTransport::new()))
                .build()
                .unwrap();
            let response = ok
                .send(secret_request(format!("http://{addr}/face/v1/x?token=QUERY-SECRET")))
                .await
                .unwrap();
            assert_eq!(response.status(), 200);

            let closed = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap();
            let fast = Dispatcher::builder(SharedTransport::new(HyperTransport::new()))
                .retry(RetryConfig::default().with_initial_backoff(Duration::from_millis(1)))
                .build()
                .unwrap();
            let err = fast
                .send(secret_request(format!("http://{closed}/face/v1/y?token=QUERY-SECRET")))
                .await
                .unwrap_err();
            assert_eq!(err.attempts(), 3);
            shown.push_str(&format!("{err} {err:?} {ok:?} {fast:?}"));
            let mut source = std::error::Error::source(&err);
            while let Some(e) = source {
                shown.push_str(&format!("{e} {e:?}"));
                source = e.source();
            }
        });
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("request_id=\"req-1\""), "{logs}");
        assert!(logs.contains("path=/face/v1/x"), "{logs}");
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let everything = format!("{logs}\n{shown}");
    for secret in [
        "dXNlcjpwYXNzd29yZC1TRUNSRVQ=",
        "SECRET",
        API_KEY,
        "QUERY-SECRET",
        "token=",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
}
