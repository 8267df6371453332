//! The connect timeout bounds the whole connection setup, not just the TCP connect: a proxy
//! that accepts but never answers the CONNECT, and a server that accepts but never finishes
//! the TLS handshake, both end as a never-sent connect timeout saying where it stalled.
//! Over loopback against listeners that accept and then stay silent.
#![cfg(feature = "rustls")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use glair_core::{HyperTransport, Transport, TransportErrorKind};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// Accepts connections and reads (discarding) without ever writing.
async fn silent() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    addr
}

#[tokio::test]
async fn a_silent_proxy_is_a_connect_timeout_through_that_proxy() {
    let proxy = silent().await;
    let transport = HyperTransport::builder()
        .proxy(format!("http://user:SECRET@{proxy}"))
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = transport
        .send(
            http::Request::get("https://api.vision.glair.ai/x")
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "bounded");
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_timeout() && err.request_never_sent(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "api.vision.glair.ai through proxy {proxy} within 300ms"
        )),
        "{text}"
    );
    assert!(!format!("{text} {err:?}").contains("SECRET"));
}

#[tokio::test]
async fn a_stalled_tls_handshake_is_a_connect_timeout() {
    let server = silent().await;
    let transport = HyperTransport::builder()
        .proxy_from_env(false)
        .connect_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = transport
        .send(
            http::Request::get(format!("https://{server}/x"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_timeout(), "{err}");
    assert!(err.to_string().contains("within 300ms"), "{err}");
}

#[test]
fn no_time_driver_and_a_connect_timeout_still_no_panic() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = silent().await;
        let transport = HyperTransport::builder()
            .proxy_from_env(false)
            .connect_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = transport
            .send(
                http::Request::get(format!("https://{server}/x"))
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err}");
    });
}
