//! An in-process stand-in for tinyproxy, so that the proxy tests run by default on a machine
//! with Rust alone (`.ci/run` runs the same tests against the real tinyproxy too).
//!
//! It does what the tests need of an HTTP proxy and no more: `CONNECT host:port` tunnels,
//! optional Basic credentials (missing: `407`; wrong: `401`, as tinyproxy answers), a log of
//! request lines in tinyproxy's words. It tunnels only to loopback (`127.0.0.1`, `[::1]`,
//! `localhost`; anything else gets `403`), so no test can reach outside the machine. Plain
//! forwarding (`GET http://…`) is answered `501`: the SDK never sends plain http to a proxy.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running stand-in proxy on 127.0.0.1, stopped on drop.
#[derive(Debug)]
pub struct StandInProxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl StandInProxy {
    /// Starts a proxy open to everyone (no credentials).
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a proxy requiring Basic credentials.
    pub fn with_basic_auth(user: &str, password: &str) -> Self {
        Self::start_with(Some(format!(
            "Basic {}",
            base64(format!("{user}:{password}").as_bytes())
        )))
    }

    fn start_with(expected_auth: Option<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stand-in proxy");
        let addr = listener.local_addr().expect("its address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log2, stop2) = (Arc::clone(&log), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log2);
                let auth = expected_auth.clone();
                std::thread::spawn(move || serve(stream, &log, auth.as_deref()));
            }
        });
        Self { addr, log, stop }
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://USER:PASSWORD@127.0.0.1:PORT` (both percent-encoded as needed by the caller).
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@{}", self.addr)
    }

    /// The request lines received (`CONNECT host:port HTTP/1.1`), in order.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The whole log, for failure messages.
    pub fn log(&self) -> String {
        self.requests().join("\n")
    }
}

impl Drop for StandInProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees `stop`.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

fn serve(mut client: TcpStream, log: &Mutex<Vec<String>>, expected_auth: Option<&str>) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match client.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().trim().to_owned();
    if let Ok(mut log) = log.lock() {
        log.push(request_line.clone());
    }
    let answer = |client: &mut TcpStream, status: &str| {
        let _ = client.write_all(
            format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    };
    let mut parts = request_line.split(' ');
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        answer(&mut client, "501 Not Implemented");
        return;
    };
    if let Some(expected) = expected_auth {
        let given = lines.find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("proxy-authorization")
                .then(|| value.trim().to_owned())
        });
        match given {
            None => {
                let _ = client.write_all(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"stand-in\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
                return;
            }
            Some(given) if given != expected => {
                answer(&mut client, "401 Unauthorized");
                return;
            }
            Some(_) => {}
        }
    }
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    if !matches!(host, "127.0.0.1" | "[::1]" | "localhost") {
        answer(&mut client, "403 Forbidden");
        return;
    }
    let Ok(upstream) = TcpStream::connect(target) else {
        answer(&mut client, "502 Bad Gateway");
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let _ = client.set_read_timeout(None);
    let (Ok(mut client_read), Ok(mut upstream_write)) = (client.try_clone(), upstream.try_clone())
    else {
        return;
    };
    let mut upstream_read = upstream;
    let mut client_write = client;
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut upstream_write);
        let _ = upstream_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut upstream_read, &mut client_write);
    let _ = client_write.shutdown(Shutdown::Write);
    let _ = up.join();
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_examples() {
        assert_eq!(super::base64(b"foob"), "Zm9vYg==");
        assert_eq!(super::base64(b"fooba"), "Zm9vYmE=");
        assert_eq!(super::base64(b"foobar"), "Zm9vYmFy");
    }
}
