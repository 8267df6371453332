//! The emulator's bounds over real loopback HTTP: eviction of expired sessions, the session
//! cap, the body-read deadline and the connection cap.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{api, auth, create, path_of, send};
use glair_emulator::{DEFAULT_EXPIRED_RETENTION, Emulator, EmulatorConfig, EmulatorTls, Stats};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

fn create_body() -> Value {
    json!({"success_url": "https://a.example/done", "cancel_url": "https://a.example/c"})
}

async fn stats(emulator: &Emulator) -> Stats {
    let r = api(emulator, "GET", "/_emulator/stats", None).await;
    assert_eq!(r.status, 200, "{}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

async fn advance(emulator: &Emulator, ms: u64) {
    let r = api(
        emulator,
        "POST",
        "/_emulator/clock/advance",
        Some(json!({ "ms": ms })),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Credential headers as raw HTTP/1.1 header lines.
fn auth_lines(emulator: &Emulator) -> String {
    auth(emulator)
        .into_iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect()
}

const HOUR: Duration = Duration::from_secs(60 * 60);

#[tokio::test]
async fn expired_sessions_are_evicted_once_their_retention_passes() {
    let emulator = Emulator::start(EmulatorConfig::new().expired_retention(HOUR))
        .await
        .unwrap();
    const N: usize = 800;
    let mut sessions = Vec::new();
    for i in 0..N {
        let (api_path, _) = common::KINDS[i % common::KINDS.len()];
        let (v, sid) = create(&emulator, api_path, create_body()).await;
        sessions.push((api_path, sid, path_of(v["url"].as_str().unwrap())));
    }
    // Finished sessions are evicted just the same.
    for (api_path, sid, _) in sessions.iter().step_by(3) {
        let resource = api_path.rsplit('/').next().unwrap();
        let r = api(
            &emulator,
            "POST",
            &format!("/_emulator/{resource}/{sid}/complete"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let s = stats(&emulator).await;
    assert_eq!((s.sessions_stored, s.sessions_evicted), (N as u64, 0));

    // Expired, but retained: still retrievable so that a poller sees the expiry.
    advance(&emulator, DAY_MS + 1).await;
    let s = stats(&emulator).await;
    assert_eq!(s.sessions_stored, N as u64);
    let (api_path, sid, page) = &sessions[1];
    let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
    assert_eq!(r.status, 200);
    assert!(r.json()["expired"].as_u64().unwrap() <= emulator.now_ms());

    // Past the retention time every session is gone, by the clock advance alone.
    let retention = u64::try_from(HOUR.as_millis()).unwrap();
    advance(&emulator, retention).await;
    let s = stats(&emulator).await;
    assert_eq!(s.sessions_stored, 0, "{s:?}");
    assert_eq!(s.sessions_evicted, N as u64);
    assert_eq!(s.sessions_created, N as u64, "counters are not reset");
    for (api_path, sid, page) in [&sessions[0], &sessions[1]] {
        let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
        assert_eq!(r.status, 404, "{}", r.text());
        assert_eq!(r.message(), "session not found");
        let r = send(emulator.local_addr(), "GET", page, &[], bytes::Bytes::new()).await;
        assert_eq!(r.status, 404);
    }
    let _ = page;

    // The emulator keeps working.
    create(&emulator, common::KINDS[0].0, create_body()).await;
    assert_eq!(stats(&emulator).await.sessions_stored, 1);
}

#[tokio::test]
async fn the_background_sweep_evicts_without_any_request() {
    let emulator = Emulator::start(
        EmulatorConfig::new()
            .session_lifetime(Duration::from_millis(100))
            .expired_retention(Duration::ZERO),
    )
    .await
    .unwrap();
    for _ in 0..50 {
        create(&emulator, common::KINDS[2].0, create_body()).await;
    }
    assert_eq!(emulator.stats().sessions_created, 50);
    // Each create swept its expired predecessors, but nothing but the periodic task (every
    // second) can evict the last ones: `Emulator::stats` does not sweep.
    let give_up = Instant::now() + Duration::from_secs(20);
    while emulator.stats().sessions_stored > 0 {
        assert!(Instant::now() < give_up, "{:?}", emulator.stats());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(emulator.stats().sessions_evicted, 50);
}

#[tokio::test]
async fn the_session_cap_refuses_creates_with_429_until_a_session_expires() {
    let emulator = Emulator::start(EmulatorConfig::new().max_sessions(5))
        .await
        .unwrap();
    let mut sids = Vec::new();
    for i in 0..5 {
        let (api_path, _) = common::KINDS[i % common::KINDS.len()];
        sids.push((api_path, create(&emulator, api_path, create_body()).await.1));
        // Distinct expiry instants, in creation order.
        advance(&emulator, 1_000).await;
    }
    for (api_path, _) in common::KINDS {
        let r = api(&emulator, "POST", api_path, Some(create_body())).await;
        assert_eq!(r.status, 429, "{}", r.text());
        r.assert_request_id();
        assert_eq!(r.header("content-type"), Some("application/json"));
        let msg = r.message();
        assert!(msg.contains("maximum of 5 sessions"), "{msg}");
        assert!(msg.contains("--max-sessions"), "{msg}");
        let retry_after: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!(
            (DAY_MS / 1000 - 60..=DAY_MS / 1000).contains(&retry_after),
            "{retry_after}"
        );
    }
    let s = stats(&emulator).await;
    assert_eq!((s.sessions_created, s.sessions_stored), (5, 5));
    // The sessions held are untouched.
    for (api_path, sid) in &sids {
        let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
        assert_eq!(r.status, 200);
    }

    // Once they have expired they make room, retention time or not: one per create, the
    // first to expire first; the others stay retrievable.
    advance(&emulator, DAY_MS + 1).await;
    assert_eq!(stats(&emulator).await.sessions_stored, 5);
    create(&emulator, common::KINDS[0].0, create_body()).await;
    let s = stats(&emulator).await;
    assert_eq!(
        (s.sessions_created, s.sessions_stored, s.sessions_evicted),
        (6, 5, 1)
    );
    let (api_path, sid) = &sids[0];
    let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
    assert_eq!(r.status, 404, "the first to expire is the one evicted");
}

#[tokio::test]
async fn a_body_trickled_past_the_deadline_is_cut_off_with_408() {
    let emulator =
        Emulator::start(EmulatorConfig::new().body_read_timeout(Duration::from_millis(300)))
            .await
            .unwrap();
    let body_len = 200;
    let head = format!(
        "POST /face/v1/passive-liveness-sessions HTTP/1.1\r\nHost: x\r\n\
         Content-Type: application/json\r\nContent-Length: {body_len}\r\n{}\r\n",
        auth_lines(&emulator)
    );
    let stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    write.write_all(head.as_bytes()).await.unwrap();
    // One byte every 50 ms: the whole body would take 10 s.
    let trickle = tokio::spawn(async move {
        for _ in 0..body_len {
            if write.write_all(b" ").await.is_err() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        true
    });
    let started = Instant::now();
    let mut got = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(8), async {
        let mut buf = [0u8; 4096];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let got = String::from_utf8_lossy(&got).into_owned();
    assert!(closed.is_ok(), "connection still open: {got}");
    assert!(got.starts_with("HTTP/1.1 408"), "{got}");
    assert!(got.contains("not received within 300 ms"), "{got}");
    assert!(
        got.to_ascii_lowercase().contains("connection: close"),
        "{got}"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));
    trickle.abort();
    assert_eq!(emulator.stats().sessions_created, 0);

    // A body that arrives in pieces within the deadline is fine.
    let stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    let body = br#"{"success_url":"https://a.example"}"#;
    let head = format!(
        "POST /face/v1/passive-liveness-sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{}\r\n",
        body.len(),
        auth_lines(&emulator)
    );
    write.write_all(head.as_bytes()).await.unwrap();
    write.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    write.write_all(&body[10..]).await.unwrap();
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), read.read_to_string(&mut out))
        .await
        .unwrap()
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let emulator = Emulator::start(EmulatorConfig::new().max_connections(2))
        .await
        .unwrap();
    let request = format!(
        "GET /_emulator/stats HTTP/1.1\r\nHost: x\r\n{}\r\n",
        auth_lines(&emulator)
    );
    // Two keep-alive connections, each served once and left open.
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(emulator.local_addr()).await.unwrap();
        s.write_all(request.as_bytes()).await.unwrap();
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        open.push(s);
    }
    // A third connects (the kernel queues it) but is not served...
    let mut third = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let close = format!(
        "GET /_emulator/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{}\r\n",
        auth_lines(&emulator)
    );
    third.write_all(close.as_bytes()).await.unwrap();
    let mut buf = [0u8; 4096];
    let early = tokio::time::timeout(Duration::from_millis(500), third.read(&mut buf)).await;
    assert!(early.is_err(), "served beyond the cap: {early:?}");
    // ...until one of the two closes.
    drop(open.remove(0));
    let mut out = String::new();
    tokio::time::timeout(Duration::from_secs(5), third.read_to_string(&mut out))
        .await
        .expect("served once a slot freed")
        .unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
}

/// GLAIR's docs never say a session disappears after expiry: by default none does. A year
/// after expiry the session still answers and its page says it expired; memory stays bounded
/// by the cap, where the session that expired first makes room.
#[tokio::test]
async fn expired_sessions_are_kept_by_default_and_evicted_oldest_first_at_the_cap() {
    assert_eq!(DEFAULT_EXPIRED_RETENTION, Duration::MAX);
    let emulator = Emulator::start(EmulatorConfig::new().max_sessions(3))
        .await
        .unwrap();
    let api_path = common::KINDS[0].0;
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let (v, sid) = create(&emulator, api_path, create_body()).await;
        sessions.push((sid, path_of(v["url"].as_str().unwrap())));
        // Each expires a minute after the one before.
        advance(&emulator, 60_000).await;
    }
    advance(&emulator, 365 * DAY_MS).await;
    for (sid, page) in &sessions {
        let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.json()["expired"].as_u64().unwrap() <= emulator.now_ms());
        let r = send(emulator.local_addr(), "GET", page, &[], bytes::Bytes::new()).await;
        assert!(r.text().to_lowercase().contains("expired"), "{}", r.text());
        assert!(!r.text().contains("not found"), "{}", r.text());
    }
    assert_eq!(stats(&emulator).await.sessions_evicted, 0);
    // At the cap, a create evicts exactly one: the first to expire.
    create(&emulator, api_path, create_body()).await;
    let s = stats(&emulator).await;
    assert_eq!((s.sessions_stored, s.sessions_evicted), (3, 1));
    let gone = api(
        &emulator,
        "GET",
        &format!("{api_path}/{}", sessions[0].0),
        None,
    )
    .await;
    assert_eq!(gone.status, 404);
    for (sid, _) in &sessions[1..] {
        let r = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
        assert_eq!(r.status, 200);
    }
}

/// hyper's HTTP/2 server has no idle timeout of its own: two TLS clients that send the HTTP/2
/// preface and SETTINGS and then nothing must not hold both connection slots for good.
#[tokio::test]
async fn silent_http2_clients_are_closed_after_the_idle_timeout() {
    let idle = Duration::from_millis(600);
    let emulator = Emulator::start(
        EmulatorConfig::new()
            .tls(EmulatorTls::SelfSigned)
            .max_connections(2)
            .idle_timeout(idle),
    )
    .await
    .unwrap();
    let connector = tls_client(emulator.certificate_pem().unwrap());
    let connect = |alpn: &'static [u8]| {
        let connector = connector.clone();
        let addr = emulator.local_addr();
        async move {
            let tcp = TcpStream::connect(addr).await.unwrap();
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let mut config = (*connector.1).clone();
            config.alpn_protocols = vec![alpn.to_vec()];
            tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
                .connect(name, tcp)
                .await
                .unwrap()
        }
    };
    let _ = connector.0;
    let mut silent = Vec::new();
    for _ in 0..2 {
        let mut tls = connect(b"h2").await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        tls.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
            .await
            .unwrap();
        tls.flush().await.unwrap();
        silent.push(tls);
    }
    // A third client waits for a slot, which the idle timeout frees.
    let started = Instant::now();
    let third = tokio::time::timeout(Duration::from_secs(10), async {
        let mut tls = connect(b"http/1.1").await;
        let request = format!(
            "GET /_emulator/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{}\r\n",
            auth_lines(&emulator)
        );
        tls.write_all(request.as_bytes()).await.unwrap();
        let mut out = Vec::new();
        let _ = tls.read_to_end(&mut out).await;
        String::from_utf8_lossy(&out).into_owned()
    })
    .await
    .expect("the silent HTTP/2 connections were never closed");
    assert!(third.starts_with("HTTP/1.1 200"), "{third}");
    assert!(started.elapsed() >= idle, "served before a slot was freed");
    // The silent clients were told to go away and closed.
    for mut tls in silent {
        let mut rest = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut rest)).await;
        assert!(ended.is_ok(), "a silent HTTP/2 connection is still open");
    }
}

/// A plain HTTP/1.1 connection that never sends a request is closed after the idle timeout.
#[tokio::test]
async fn a_silent_http1_connection_is_closed_after_the_idle_timeout() {
    let emulator = Emulator::start(EmulatorConfig::new().idle_timeout(Duration::from_millis(300)))
        .await
        .unwrap();
    let mut s = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let mut buf = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(ended.is_ok(), "the idle connection was not closed");
}

/// A rustls client trusting only `pem`, and its config (to vary ALPN).
fn tls_client(
    pem: &str,
) -> (
    tokio_rustls::TlsConnector,
    std::sync::Arc<rustls::ClientConfig>,
) {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let config = std::sync::Arc::new(config);
    (
        tokio_rustls::TlsConnector::from(std::sync::Arc::clone(&config)),
        config,
    )
}
