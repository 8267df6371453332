//! `HyperTransport` over real loopback sockets (127.0.0.1 only), against small raw HTTP/1.1
//! servers that live inside each test.
#![cfg(feature = "hyper")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use glair_core::{
    DispatchError, Dispatcher, HyperTransport, RetryConfig, SharedSleep, SharedTransport,
    TimeoutConfig, TimerThreadSleep, Transport, TransportError, TransportErrorKind,
};
use http::Request;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How a test server answers each request.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// `200 ok` with `Request-Id: req-N`, keeping the connection open for more requests.
    Ok,
    /// As `Ok`, 100 ms after reading each request.
    Slow,
    /// Read the request, then never answer.
    Silent,
    /// A chunked body that goes on until the client hangs up (bounded at 64 MiB).
    Endless,
    /// Announce a 10 MB body (then send a little of it).
    HugeContentLength,
    /// A chunked body of [`CHUNKS`], each written apart, so the client reads several frames.
    Chunked,
    /// Write a plain-text HTTP response at once, without reading anything, and hang up.
    #[cfg_attr(not(feature = "rustls"), allow(dead_code))]
    Garbage,
}

struct Server {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

async fn serve(behaviour: Behaviour) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(AtomicUsize::new(0));
    let (acc, reqs) = (accepted.clone(), requests.clone());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            acc.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handle(stream, behaviour, reqs.clone()));
        }
    });
    Server {
        addr,
        accepted,
        requests,
    }
}

/// Reads one request (head and Content-Length body). Returns false at end of stream.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let body_len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            let total = end + 4 + body_len;
            while buf.len() < total {
                let mut chunk = [0u8; 4096];
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return false;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..total);
            return true;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.unwrap_or(0);
        if n == 0 {
            return false;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The chunks `Behaviour::Chunked` answers with.
const CHUNKS: [&str; 4] = ["{\"a\":", "\"first ", "second\"", "}"];

async fn handle(mut stream: TcpStream, behaviour: Behaviour, requests: Arc<AtomicUsize>) {
    if let Behaviour::Garbage = behaviour {
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
            .await;
        return;
    }
    let mut buf = Vec::new();
    while read_request(&mut stream, &mut buf).await {
        let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
        if let Behaviour::Slow = behaviour {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        match behaviour {
            Behaviour::Ok | Behaviour::Slow => {
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nrequest-id: req-{n}\r\ncontent-length: 2\r\n\r\n{{}}"
                );
                if stream.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
            Behaviour::Silent => {
                // Keep the connection open without answering until the client goes away.
                let mut sink = [0u8; 64];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Behaviour::Endless => {
                let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
                for _ in 0..4096 {
                    if stream.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
                return;
            }
            Behaviour::Garbage => return,
            Behaviour::Chunked => {
                let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                for chunk in CHUNKS {
                    let chunk = format!("{:x}\r\n{chunk}\r\n", chunk.len());
                    if stream.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = stream.flush().await;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                if stream.write_all(b"0\r\n\r\n").await.is_err() {
                    return;
                }
            }
            Behaviour::HugeContentLength => {
                let response = "HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\n\r\nxxxx";
                let _ = stream.write_all(response.as_bytes()).await;
                let mut sink = [0u8; 64];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
        }
    }
}

fn get(addr: SocketAddr, path: &str) -> Request<Bytes> {
    Request::get(format!("http://{addr}{path}"))
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_reuses_one_connection() {
    let server = serve(Behaviour::Ok).await;
    let transport = HyperTransport::new();
    for expected in ["req-1", "req-2"] {
        let response = transport.send(get(server.addr, "/a")).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["request-id"], expected);
        assert_eq!(response.body().as_ref(), b"{}");
        // hyper-util hands a finished connection back to its pool on a background task; give
        // it a moment so that the second request finds it there.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn works_on_a_current_thread_runtime_with_a_body() {
    let server = serve(Behaviour::Ok).await;
    let transport = HyperTransport::builder().build().unwrap();
    let request = Request::post(format!("http://{}/sessions", server.addr))
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"success_url":"https://example.com"}"#,
        ))
        .unwrap();
    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn connect_refused_is_a_never_sent_connect_error() {
    // A port that was just free: nothing listens there any more.
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let transport = HyperTransport::new();
    let err = transport.send(get(addr, "/x")).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.request_never_sent());
    assert!(!err.is_timeout());
    assert!(
        err.to_string()
            .starts_with("connect error: could not connect to 127.0.0.1"),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

/// A listener whose accept queue is full drops new SYNs, so a connect hangs until the
/// connect timeout. Needs the kernel to behave that way (Linux does); otherwise the test says
/// so and checks nothing.
#[tokio::test]
async fn connect_timeout_is_a_never_sent_timeout() {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the accept queue (never accepting).
    let mut fillers = Vec::new();
    let mut full = false;
    for _ in 0..8 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(stream) => fillers.push(stream),
            Err(_) => {
                full = true;
                break;
            }
        }
    }
    if !full {
        eprintln!("accept queue never filled up on this kernel: connect timeout not exercised");
        return;
    }
    let transport = HyperTransport::builder()
        .connect_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = transport.send(get(addr, "/x")).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_timeout(), "{err}");
    assert!(err.request_never_sent());
    assert!(err.to_string().contains("within 150ms"), "{err}");
    drop(listener);
}

#[tokio::test]
async fn attempt_timeout_against_a_silent_server() {
    let server = serve(Behaviour::Silent).await;
    let dispatcher = Dispatcher::builder(SharedTransport::new(HyperTransport::new()))
        .sleep(SharedSleep::new(TimerThreadSleep))
        .retry(RetryConfig::default())
        .timeouts(TimeoutConfig::none().with_attempt(Some(Duration::from_millis(200))))
        .build()
        .unwrap();
    // POST: an attempt timeout may come after processing, so it is not retried.
    let request = Request::post(format!("http://{}/sessions", server.addr))
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let err = dispatcher.send(request).await.unwrap_err();
    assert!(
        matches!(err, DispatchError::AttemptTimeout { timeout, attempts: 1, .. } if timeout == Duration::from_millis(200)),
        "{err:?}"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
}

/// A transport that reads at most `cap` bytes of a response body.
fn capped(cap: u64) -> HyperTransport {
    HyperTransport::builder()
        .max_response_body_bytes(cap)
        .build()
        .unwrap()
}

/// Sends a GET for `path` through a transport capped at `cap` bytes, which must fail with
/// `BodyTooLarge { limit: cap }`; returns that error.
async fn refused_as_too_large(addr: SocketAddr, path: &str, cap: u64) -> TransportError {
    let err = capped(cap).send(get(addr, path)).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge { limit: cap });
    err
}

#[tokio::test]
async fn endless_body_is_cut_at_the_cap() {
    let server = serve(Behaviour::Endless).await;
    let err = refused_as_too_large(server.addr, "/stream", 64 * 1024).await;
    assert!(err.is_body_too_large());
    assert!(!err.request_never_sent());
}

#[tokio::test]
async fn a_body_in_several_frames_is_joined_and_held_to_the_cap() {
    let server = serve(Behaviour::Chunked).await;
    let whole: String = CHUNKS.concat();
    let len = whole.len() as u64;
    for cap in [len, 1024] {
        let transport = capped(cap);
        let response = transport.send(get(server.addr, "/chunks")).await.unwrap();
        assert_eq!(response.body(), whole.as_bytes(), "cap {cap}");
    }
    refused_as_too_large(server.addr, "/chunks", len - 1).await;
}

#[tokio::test]
async fn oversized_content_length_is_refused_before_reading() {
    let server = serve(Behaviour::HugeContentLength).await;
    let err = refused_as_too_large(server.addr, "/big", 1024).await;
    assert_eq!(
        err.to_string(),
        "response body too large: response body exceeds the limit of 1024 bytes"
    );
}

#[cfg(feature = "rustls")]
#[tokio::test]
async fn tls_handshake_failure_is_a_tls_error() {
    // A server answering a TLS ClientHello with plain HTTP: the handshake fails locally.
    let server = serve(Behaviour::Garbage).await;
    let transport = HyperTransport::new();
    let request = Request::get(format!("https://{}/x", server.addr))
        .body(Bytes::new())
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    assert!(!err.request_never_sent());
}

/// Sends `n` requests at once through a transport allowing `limit` in flight; returns how many
/// connections the server accepted.
async fn concurrent_gets(limit: usize, n: usize) -> usize {
    let server = serve(Behaviour::Slow).await;
    let transport = Arc::new(
        HyperTransport::builder()
            .max_concurrent_requests(limit)
            .build()
            .unwrap(),
    );
    let sends: Vec<_> = (0..n)
        .map(|i| {
            let transport = transport.clone();
            let request = get(server.addr, &format!("/{i}"));
            tokio::spawn(async move { transport.send(request).await })
        })
        .collect();
    for send in sends {
        assert_eq!(send.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(server.requests.load(Ordering::SeqCst), n);
    server.accepted.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_are_limited_so_connections_are_too() {
    // Three slots: twelve slow requests share at most three connections.
    assert!(concurrent_gets(3, 12).await <= 3);
    // No limit: every request in flight opens its own.
    assert_eq!(concurrent_gets(0, 12).await, 12);
}
