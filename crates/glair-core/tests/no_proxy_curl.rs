//! `NO_PROXY` parity with curl: a table of (`no_proxy`, host) cases, each asked of the
//! installed curl and of this crate's matcher, which must agree. curl runs with
//! `http_proxy` pointing at a loopback listener that counts its connections (and answers
//! nothing useful), and `--connect-to` sending every direct connection to another loopback
//! listener answering `direct`, so nothing leaves the machine. Without curl the test says so
//! and passes (CI has curl).
#![cfg(feature = "hyper")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use glair_core::HyperTransport;

/// (`no_proxy`, host as in a URL).
const CASES: &[(&str, &str)] = &[
    ("localhost", "localhost"),
    ("localhost", "localhost."),
    ("localhost.", "localhost"),
    ("localhost.", "localhost."),
    ("example.com", "example.com"),
    ("example.com", "api.example.com"),
    ("example.com", "api.example.com."),
    ("example.com", "notexample.com"),
    ("example.com", "example.com.evil.test"),
    (".example.com", "example.com"),
    (".example.com", "api.example.com"),
    ("example.com.", "api.example.com"),
    ("EXAMPLE.com", "api.Example.COM"),
    ("*", "anything.test"),
    ("*", "10.1.2.3"),
    ("a.test, *", "x.test"),
    ("a.test, * ,b.test", "b.test"),
    ("a.test b.test", "b.test"),
    ("a.test,,b.test", "b.test"),
    (" a.test , b.test ", "b.test"),
    ("127.0.0.1", "127.0.0.1"),
    ("127.0.0.1", "127.0.0.2"),
    ("127.0.0.0/8", "127.9.9.9"),
    ("10.0.0.0/8", "10.1.2.3"),
    ("10.0.0.0/8", "11.1.2.3"),
    ("10.0.0.0/33", "10.1.2.3"),
    ("10.1.2.3/0", "10.1.2.3"),
    ("localhost", "127.0.0.1"),
    ("127.0.0.1", "localhost"),
    ("::1", "[::1]"),
    ("[::1]", "[::1]"),
    ("fd00::/8", "[fd12::1]"),
    ("fd00::/8", "[fe80::1]"),
    ("", "example.com"),
    (",", "example.com"),
    (".", "example.com"),
];

/// A listener answering every request with `word`.
fn answering(word: &'static str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{word}",
                    word.len()
                )
                .as_bytes(),
            );
        }
    });
    addr
}

/// A listener that counts connections and closes them.
fn counting() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, count)
}

fn curl_bypasses(
    (curl_proxy, proxied): &(SocketAddr, Arc<AtomicUsize>),
    direct: SocketAddr,
    no_proxy: &str,
    host: &str,
) -> bool {
    let before = proxied.load(Ordering::SeqCst);
    let out = Command::new("curl")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("http_proxy", format!("http://{curl_proxy}"))
        .env("no_proxy", no_proxy)
        // -q first: no ~/.curlrc.
        .args(["-q", "-s", "--max-time", "5", "--connect-to"])
        .arg(format!("::{direct}"))
        .arg(format!("http://{host}/"))
        .output()
        .unwrap();
    if proxied.load(Ordering::SeqCst) > before {
        return false;
    }
    match String::from_utf8_lossy(&out.stdout).as_ref() {
        "direct" => true,
        other => panic!("curl for {no_proxy:?} / {host:?} answered {other:?}: {out:?}"),
    }
}

fn ours_bypasses(no_proxy: &str, host: &str) -> bool {
    let no_proxy = no_proxy.to_owned();
    let transport = HyperTransport::builder()
        .proxy_env_source(move |name| match name {
            "HTTPS_PROXY" => Some("http://proxy.test:3128".to_owned()),
            "NO_PROXY" => Some(no_proxy.clone()),
            _ => None,
        })
        .build()
        .unwrap();
    // https: plain http is never proxied (loopback goes direct whatever NO_PROXY says).
    let uri: http::Uri = format!("https://{host}/").parse().unwrap();
    transport.proxy_for(&uri).is_none()
}

#[test]
fn no_proxy_matches_like_curl() {
    if Command::new("curl").arg("--version").output().is_err() {
        println!("SKIPPED no_proxy_matches_like_curl: curl is not installed (CI installs it)");
        return;
    }
    let proxy = counting();
    let direct = answering("direct");
    let mut differ = Vec::new();
    for (no_proxy, host) in CASES {
        let curl = curl_bypasses(&proxy, direct, no_proxy, host);
        let ours = ours_bypasses(no_proxy, host);
        if curl != ours {
            differ.push(format!(
                "no_proxy={no_proxy:?} host={host:?}: curl direct={curl}, ours direct={ours}"
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "differences from curl:\n{}",
        differ.join("\n")
    );
}
