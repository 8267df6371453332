//! How a misbehaving proxy's answer to CONNECT is reported: hyper-util's tunnel errors, as
//! this crate classifies them, against raw loopback listeners that answer one way each (the
//! well-behaved cases run against a real tinyproxy in `tests/tests/proxy.rs`).
#![cfg(feature = "rustls")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use bytes::Bytes;
use glair_core::{HyperTransport, Transport, TransportError, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Reads the CONNECT request head, then writes `answer` and closes.
async fn answering(answer: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream.write_all(&answer).await;
            });
        }
    });
    addr
}

async fn through(proxy: SocketAddr) -> TransportError {
    let transport = HyperTransport::builder()
        .proxy(format!("http://{proxy}"))
        .build()
        .unwrap();
    transport
        .send(
            http::Request::get("https://api.vision.glair.ai/x")
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_proxy_that_hangs_up_mid_handshake() {
    let err = through(answering(Vec::new()).await).await;
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_proxy_error() && err.request_never_sent());
    assert!(
        err.to_string()
            .contains("closed the connection during the CONNECT"),
        "{err}"
    );
}

#[tokio::test]
async fn a_proxy_with_endless_headers_is_cut_off() {
    // 50 headers of 200 bytes: past hyper-util's 8 KiB buffer, within its 100 headers.
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..50 {
        answer.extend_from_slice(format!("x-padding-{i}: {}\r\n", "y".repeat(200)).as_bytes());
    }
    let err = through(answering(answer).await).await;
    assert!(err.is_proxy_error(), "{err}");
    assert!(err.to_string().contains("over 8 KiB of headers"), "{err}");

    // Over 100 headers is not parsed at all: a refusal.
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..101 {
        answer.extend_from_slice(format!("x-{i}: y\r\n").as_bytes());
    }
    answer.extend_from_slice(b"\r\n");
    let err = through(answering(answer).await).await;
    assert!(err.to_string().contains("not valid HTTP"), "{err}");
}

#[tokio::test]
async fn a_proxy_refusing_by_policy() {
    let err = through(answering(b"HTTP/1.1 403 Forbidden\r\n\r\n".to_vec()).await).await;
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_proxy_error());
    assert!(
        err.to_string().contains("refused to open a tunnel"),
        "{err}"
    );
    assert!(err.to_string().contains("api.vision.glair.ai"), "{err}");
}

#[tokio::test]
async fn a_407_from_a_raw_proxy_is_proxy_auth() {
    let err = through(
        answering(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n"
                .to_vec(),
        )
        .await,
    )
    .await;
    assert_eq!(err.kind(), TransportErrorKind::ProxyAuth, "{err}");
    assert!(err.is_proxy_error() && !err.request_never_sent());
}
