//! `UreqTransport` against small `std::net` servers on loopback: error kinds the classifier
//! relies on, the attempt's time limit, the body limit, no redirects followed, TLS failures.
#![cfg(feature = "ureq")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};

use bytes::Bytes;
use glair_core::{BlockingTransport, TransportErrorKind, UreqTransport};

/// Serves every connection with `answer` (given the request bytes read so far) on a thread.
fn serve(answer: fn(&mut std::net::TcpStream)) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || answer(&mut stream));
        }
    });
    addr
}

fn read_head(stream: &mut std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let mut seen = Vec::new();
    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
}

fn get(url: String) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

#[test]
fn statuses_are_responses_and_redirects_are_not_followed() {
    let addr = serve(|s| {
        read_head(s);
        let _ = s.write_all(
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let response = UreqTransport::new()
        .send(get(format!("http://{addr}/x")), None)
        .unwrap();
    assert_eq!(response.status(), 302);
    let addr = serve(|s| {
        read_head(s);
        let _ = s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
    });
    let response = UreqTransport::new()
        .send(get(format!("http://{addr}/x")), None)
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    assert_eq!(response.body().as_ref(), b"busy");
}

#[test]
fn a_silent_server_is_a_timeout_at_the_attempts_limit() {
    let addr = serve(|s| {
        read_head(s);
        std::thread::sleep(Duration::from_secs(30));
    });
    let started = Instant::now();
    let err = UreqTransport::new()
        .send(
            get(format!("http://{addr}/x")),
            Some(Duration::from_millis(300)),
        )
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    assert!(!err.request_never_sent());
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// A limit equal to the agent's own is applied by the agent, others request by request:
/// both end the attempt at its limit, not at the other one.
#[test]
fn the_agents_limit_and_a_requests_own_both_hold() {
    let addr = serve(|s| {
        read_head(s);
        std::thread::sleep(Duration::from_secs(30));
    });
    let transport = UreqTransport::builder()
        .proxy_from_env(false)
        .agent_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    for limit in [Duration::from_millis(300), Duration::from_millis(100)] {
        let started = Instant::now();
        let err = transport
            .send(get(format!("http://{addr}/x")), Some(limit))
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
        let took = started.elapsed();
        assert!(
            took >= limit && took < Duration::from_secs(10),
            "{took:?} for {limit:?}"
        );
    }
    // No limit at all is a limit too: the agent's must not apply.
    let addr = serve(|s| {
        read_head(s);
        std::thread::sleep(Duration::from_millis(600));
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    });
    let response = transport
        .send(get(format!("http://{addr}/x")), None)
        .unwrap();
    assert_eq!(response.body().as_ref(), b"ok");
}

#[test]
fn a_refused_connection_was_never_sent() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let err = UreqTransport::new()
        .send(
            get(format!("http://{addr}/x")),
            Some(Duration::from_secs(2)),
        )
        .unwrap_err();
    assert!(err.request_never_sent(), "{err} ({:?})", err.kind());
}

#[test]
fn a_body_over_the_limit_is_body_too_large() {
    let addr = serve(|s| {
        read_head(s);
        let _ =
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n");
        let _ = s.write_all(&[b'x'; 100_000]);
    });
    let err = UreqTransport::builder()
        .max_response_body_bytes(1024)
        .build()
        .unwrap()
        .send(get(format!("http://{addr}/x")), None)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        TransportErrorKind::BodyTooLarge { limit: 1024 },
        "{err}"
    );
}

#[test]
fn a_tls_handshake_failure_is_a_tls_error() {
    // A server answering the ClientHello with plain HTTP.
    let addr = serve(|s| {
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    });
    let err = UreqTransport::new()
        .send(
            get(format!("https://{addr}/x")),
            Some(Duration::from_secs(5)),
        )
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
}
