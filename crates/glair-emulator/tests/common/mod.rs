//! Helpers shared by the integration tests: a small HTTP/1.1 client over loopback.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use glair_emulator::Emulator;
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// A response, fully read.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// What the emulator says was wrong with the credentials (its `x-emulator-auth-problem`
    /// header; the body is GLAIR's fixed text).
    pub fn auth_problem(&self) -> String {
        assert_eq!(
            self.json(),
            serde_json::json!({"error": "Access to this API has been disallowed"})
        );
        self.header("x-emulator-auth-problem")
            .expect("x-emulator-auth-problem header")
            .to_owned()
    }

    /// The `message` of an error body.
    pub fn message(&self) -> String {
        self.json()["message"].as_str().unwrap().to_owned()
    }

    pub fn assert_request_id(&self) {
        let id = self.header("request-id").expect("Request-Id header");
        assert_eq!(id.len(), 16, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
}

/// The default-credential headers.
pub fn auth(emulator: &Emulator) -> Vec<(String, String)> {
    basic_headers(emulator.api_key(), emulator.username(), emulator.password())
}

pub fn basic_headers(key: &str, user: &str, pass: &str) -> Vec<(String, String)> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    vec![
        ("x-api-key".to_owned(), key.to_owned()),
        ("authorization".to_owned(), format!("Basic {token}")),
    ]
}

/// Send one request on a fresh connection.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> Resp {
    try_send(addr, method, path, headers, body).await.unwrap()
}

/// Send one request on a fresh connection; Err if the connection fails.
pub async fn try_send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: impl Into<Bytes>,
) -> Result<Resp, hyper::Error> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let req = req.body(Full::new(body.into())).unwrap();
    let resp = sender.send_request(req).await?;
    let (parts, body) = resp.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Resp {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
    })
}

/// An authenticated API call with a JSON body (POST) or none (GET).
pub async fn api(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> Resp {
    let mut headers = auth(emulator);
    let bytes = match body {
        Some(v) => {
            headers.push(("content-type".to_owned(), "application/json".to_owned()));
            Bytes::from(serde_json::to_vec(&v).unwrap())
        }
        None => Bytes::new(),
    };
    send(emulator.local_addr(), method, path, &headers, bytes).await
}

/// Create a session; returns the response object and its sid.
pub async fn create(emulator: &Emulator, api_path: &str, body: Value) -> (Value, String) {
    let resp = api(emulator, "POST", api_path, Some(body)).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    let v = resp.json();
    let sid = sid_of(v["url"].as_str().unwrap());
    (v, sid)
}

/// The last path segment of a session URL.
pub fn sid_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

/// The path part of a session URL.
pub fn path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").unwrap().1;
    format!("/{}", after_scheme.split_once('/').unwrap().1)
}

/// Write raw bytes, then read until EOF (or timeout); returns what was read.
pub async fn raw(addr: SocketAddr, request: &[u8], wait: Duration) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut buf)).await;
    String::from_utf8_lossy(&buf).into_owned()
}

/// All API paths, with the page prefix of the kind.
pub const KINDS: [(&str, &str); 4] = [
    ("/face/v1/passive-liveness-sessions", "passive-liveness"),
    ("/face/v1/active-liveness-sessions", "active-liveness"),
    ("/ocr/v1/ktp-sessions", "ktp"),
    ("/ocr/v1/npwp-sessions", "npwp"),
];
