//! A blocking HTTP/1.1 [`BlockingTransport`] over `std::net`: no tokio, no hyper, no TLS.
//!
//! This is what a custom transport for a constrained environment looks like: the SDK hands it
//! an `http::Request<Bytes>` and the time the attempt may take, and wants an
//! `http::Response<Bytes>` back by then. It speaks plain `http://` only (put a TLS library of
//! your choice around the stream for `https://`), sends `Connection: close` and reads to the
//! end of the stream, and understands `Content-Length` and chunked bodies.
//!
//! Nothing a server sends can panic it: every length is checked before it is used, every
//! bound is stated ([`MAX_BODY`], [`MAX_LINE`], [`MAX_HEADERS`]), and the attempt's deadline
//! is re-applied to the socket before every read and write, so a server that dribbles bytes
//! cannot stretch an attempt past it.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use glair::net::{BlockingTransport, TransportError, TransportErrorKind};
use glair::types::bytes::Bytes;
use glair::types::http::{self, Request, Response};

/// The largest response body accepted: 4 MiB.
pub const MAX_BODY: usize = 4 * 1024 * 1024;
/// The longest status, header or chunk-size line accepted: 8 KiB.
pub const MAX_LINE: usize = 8 * 1024;
/// The most response headers accepted.
pub const MAX_HEADERS: usize = 100;

/// A blocking transport: each request opens a TCP connection, writes the request, reads the
/// whole response and closes.
#[derive(Debug, Clone)]
pub struct StdNetTransport {
    connect_timeout: Duration,
}

impl StdNetTransport {
    /// A transport whose connects time out after `connect_timeout` (or sooner, when the
    /// attempt has less time left).
    pub fn new(connect_timeout: Duration) -> Self {
        Self { connect_timeout }
    }

    /// Sends one request with no time limit but the connect timeout, blocking the thread (for
    /// the `sans_io` example, which drives the wire by hand).
    pub fn send_blocking(
        &self,
        request: &Request<Bytes>,
    ) -> Result<Response<Bytes>, TransportError> {
        self.exchange(request, None)
    }

    fn exchange(
        &self,
        request: &Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        let deadline = Deadline::after(timeout);
        let uri = request.uri();
        if uri.scheme_str() != Some("http") {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "StdNetTransport speaks plain http:// only",
            ));
        }
        let host = uri.host().unwrap_or("localhost");
        let port = uri.port_u16().unwrap_or(80);
        let connect_error = |e: io::Error| {
            if e.kind() == io::ErrorKind::TimedOut {
                TransportError::connect_timeout(format!("connect to {host}:{port}: {e}"))
            } else {
                TransportError::new(
                    TransportErrorKind::Connect,
                    format!("connect to {host}:{port}: {e}"),
                )
            }
        };
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(connect_error)?
            .next()
            .ok_or_else(|| connect_error(io::ErrorKind::NotFound.into()))?;
        let connect_for = deadline
            .left()
            .map_or(self.connect_timeout, |left| left.min(self.connect_timeout))
            .max(Duration::from_millis(1));
        let stream = TcpStream::connect_timeout(&addr, connect_for).map_err(connect_error)?;
        let mut stream = DeadlineStream { stream, deadline };

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
        stream.write_all(head.as_bytes()).map_err(io_error)?;
        stream.write_all(request.body()).map_err(io_error)?;
        stream.flush().map_err(io_error)?;

        read_response(BufReader::new(stream)).map_err(io_error)
    }
}

impl BlockingTransport for StdNetTransport {
    fn send(
        &self,
        request: Request<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response<Bytes>, TransportError> {
        self.exchange(&request, timeout)
    }
}

/// Maps an I/O error after connecting: a socket timeout is a transport timeout (the engine
/// reads it as the attempt's deadline once that has passed), anything else an I/O error.
fn io_error(e: io::Error) -> TransportError {
    let kind = if matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    ) {
        TransportErrorKind::Timeout
    } else {
        TransportErrorKind::Io
    };
    TransportError::new(kind, e.to_string()).with_source(e)
}

/// When the attempt must be over, if ever.
#[derive(Debug, Clone, Copy)]
struct Deadline(Option<Instant>);

impl Deadline {
    fn after(timeout: Option<Duration>) -> Self {
        Self(timeout.and_then(|t| Instant::now().checked_add(t)))
    }

    /// Time left; `None` when there is no deadline.
    fn left(self) -> Option<Duration> {
        self.0.map(|d| d.saturating_duration_since(Instant::now()))
    }

    /// The socket timeout for the next read or write, or a timeout error if none is left.
    fn socket_timeout(self) -> io::Result<Option<Duration>> {
        match self.left() {
            Some(left) if left.is_zero() => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the attempt's deadline passed",
            )),
            left => Ok(left),
        }
    }
}

/// A stream that applies the attempt's deadline before each read and write.
struct DeadlineStream {
    stream: TcpStream,
    deadline: Deadline,
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream
            .set_read_timeout(self.deadline.socket_timeout()?)?;
        self.stream.read(buf)
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream
            .set_write_timeout(self.deadline.socket_timeout()?)?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

/// Reads one line of at most [`MAX_LINE`] bytes (CRLF or LF), without the line ending.
/// `Ok(None)` at the end of the stream.
fn read_line(reader: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut line = Vec::new();
    let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX);
    reader
        .take(limit.saturating_add(1))
        .read_until(b'\n', &mut line)?;
    if line.is_empty() {
        return Ok(None);
    }
    if line.len() > MAX_LINE {
        return Err(invalid("response line too long"));
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| invalid("response line is not UTF-8"))
}

fn read_response(mut reader: impl BufRead) -> io::Result<Response<Bytes>> {
    let status_line = read_line(&mut reader)?.ok_or_else(|| invalid("empty response"))?;
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("malformed status line"))?;
    let mut builder = Response::builder().status(status);
    let mut content_length = None;
    let mut chunked = false;
    let mut headers = 0usize;
    loop {
        let line = read_line(&mut reader)?
            .ok_or_else(|| invalid("connection closed inside the headers"))?;
        if line.is_empty() {
            break;
        }
        headers += 1;
        if headers > MAX_HEADERS {
            return Err(invalid("too many response headers"));
        }
        let (name, value) = line
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
        let limit = u64::try_from(MAX_BODY).unwrap_or(u64::MAX);
        reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut body)?;
        if body.len() > MAX_BODY {
            return Err(invalid("response body too large"));
        }
        body
    };
    // An invalid status code or header is reported here, by the builder, never a panic.
    builder
        .body(Bytes::from(body))
        .map_err(|_| invalid("malformed response"))
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or_else(|| invalid("connection closed inside a chunk"))?;
        let size_text = line.split(';').next().unwrap_or_default().trim();
        // Parsed as u64 and compared with what is left before anything is allocated, so no
        // chunk size (`ffffffffffffffff` included) can overflow or exhaust memory.
        let size = u64::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            return Ok(body);
        }
        let room = MAX_BODY.saturating_sub(body.len());
        let size = usize::try_from(size)
            .ok()
            .filter(|size| *size <= room)
            .ok_or_else(|| invalid("response body too large"))?;
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        // The CRLF after the chunk's data.
        read_line(reader)?;
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

    #[test]
    fn hostile_responses_are_errors_not_panics() {
        let huge_line = format!("HTTP/1.1 200 OK\r\nX: {}\r\n\r\n", "a".repeat(MAX_LINE * 2));
        let many_headers = format!(
            "HTTP/1.1 200 OK\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        let hostile: Vec<Vec<u8>> = vec![
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc".to_vec(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3fffff\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffffffff\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort".to_vec(),
            b"HTTP/1.1 1000 Nope\r\n\r\n".to_vec(),
            b"HTTP/1.1 65535 Nope\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nX: \x01\x02\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\n\xff\xfe: x\r\n\r\n".to_vec(),
            b"HTTP/1.1 200 OK\r\nX: y".to_vec(),
            huge_line.into_bytes(),
            many_headers.into_bytes(),
            Vec::new(),
        ];
        for input in hostile {
            assert!(
                read_response(&input[..]).is_err(),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        // A small xorshift generator: deterministic, no dependency.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes: [&[u8]; 3] = [
            b"",
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        ];
        for round in 0..3_000 {
            let mut input = prefixes[round % 3].to_vec();
            let len = usize::try_from(next() % 96).unwrap();
            let alphabet = b"0123456789abcdefABCDEF:;\r\n \xff-";
            for _ in 0..len {
                let pick = usize::try_from(next() % alphabet.len() as u64).unwrap();
                input.push(alphabet[pick]);
            }
            let _ = read_response(&input[..]);
        }
    }
}
