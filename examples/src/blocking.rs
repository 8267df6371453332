//! A blocking HTTP/1.1 [`Transport`](glair::Transport) over `std::net`: no tokio, no hyper, no TLS.
//!
//! This is what a custom transport for a constrained environment looks like: the SDK hands it
//! an `http::Request<Bytes>` and wants an `http::Response<Bytes>` back. It speaks plain
//! `http://` only (put a TLS library of your choice around the stream for `https://`), sends
//! `Connection: close` and reads to the end of the stream, and understands `Content-Length`
//! and chunked bodies. Drive the SDK's futures with any executor; the examples use `pollster`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use glair::core::{Sleep, SleepFuture, TransportError, TransportErrorKind};
use glair::types::bytes::Bytes;
use glair::types::http::{self, Request, Response};

/// The largest response body accepted.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// A blocking transport: each request opens a TCP connection, writes the request, reads the
/// whole response and closes.
#[derive(Debug, Clone)]
pub struct StdNetTransport {
    timeout: Duration,
}

impl StdNetTransport {
    /// A transport whose connect, read and write each time out after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }

    /// Sends one request and waits for the response, blocking the thread.
    pub fn send_blocking(
        &self,
        request: &Request<Bytes>,
    ) -> Result<Response<Bytes>, TransportError> {
        let uri = request.uri();
        if uri.scheme_str() != Some("http") {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "StdNetTransport speaks plain http:// only",
            ));
        }
        let host = uri.host().unwrap_or("localhost");
        let port = uri.port_u16().unwrap_or(80);
        let connect_error = |e: std::io::Error| {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("connect to {host}:{port}: {e}"),
            )
        };
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(connect_error)?
            .next()
            .ok_or_else(|| connect_error(std::io::ErrorKind::NotFound.into()))?;
        let mut stream = TcpStream::connect_timeout(&addr, self.timeout).map_err(connect_error)?;
        let io = |e: std::io::Error| {
            let kind = if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) {
                TransportErrorKind::Timeout
            } else {
                TransportErrorKind::Io
            };
            TransportError::new(kind, e.to_string())
        };
        stream.set_read_timeout(Some(self.timeout)).map_err(io)?;
        stream.set_write_timeout(Some(self.timeout)).map_err(io)?;

        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            request.method(),
            uri.path_and_query().map_or("/", |p| p.as_str()),
            uri.authority().map_or(host, |a| a.as_str()),
            request.body().len()
        );
        for (name, value) in request.headers() {
            if name == http::header::CONTENT_LENGTH || name == http::header::HOST {
                continue;
            }
            let value = value.to_str().map_err(|_| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("header {name} is not text"),
                )
            })?;
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).map_err(io)?;
        stream.write_all(request.body()).map_err(io)?;
        stream.flush().map_err(io)?;

        read_response(BufReader::new(stream)).map_err(io)
    }
}

fn invalid(message: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.to_owned())
}

fn read_response(mut reader: impl BufRead) -> std::io::Result<Response<Bytes>> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("malformed status line"))?;
    let mut builder = Response::builder().status(status);
    let mut content_length = None;
    let mut chunked = false;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("connection closed inside the headers"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header
            .split_once(':')
            .ok_or_else(|| invalid("malformed header"))?;
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("content-length") {
            content_length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| invalid("bad content-length"))?,
            );
        }
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
        builder = builder.header(name, value);
    }
    let body = if chunked {
        read_chunked(&mut reader)?
    } else if let Some(len) = content_length {
        if len > MAX_BODY {
            return Err(invalid("response body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    } else {
        let mut body = Vec::new();
        reader.take(MAX_BODY as u64 + 1).read_to_end(&mut body)?;
        if body.len() > MAX_BODY {
            return Err(invalid("response body too large"));
        }
        body
    };
    builder
        .body(Bytes::from(body))
        .map_err(|_| invalid("malformed response"))
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(invalid("response body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line.clear();
        reader.read_line(&mut line)?;
    }
}

#[async_trait::async_trait]
impl glair::Transport for StdNetTransport {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        // Blocking inside `send` is this transport's point: it is driven by a simple
        // executor (pollster) on a thread that has nothing else to do.
        self.send_blocking(&request)
    }
}

/// A [`Sleep`] that blocks the thread when polled: the timer for retry delays in a program
/// without a runtime.
///
/// Blocking timers cannot race a request, so a client using one should leave the attempt and
/// operation timeouts off and rely on the transport's socket timeouts instead (as the
/// `blocking_transport` example does).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleep;

impl Sleep for ThreadSleep {
    fn sleep(&self, duration: Duration) -> SleepFuture {
        Box::pin(async move { std::thread::sleep(duration) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_content_length_and_chunked_responses() {
        let plain = b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\nRequest-Id: x\r\n\r\nhello";
        let r = read_response(&plain[..]).unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.headers()["request-id"], "x");
        assert_eq!(r.body().as_ref(), b"hello");
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(
            read_response(&chunked[..]).unwrap().body().as_ref(),
            b"abcde"
        );
        assert!(read_response(&b"garbage\r\n\r\n"[..]).is_err());
    }
}
