//! TRACE output of every crate, and the `Debug`/`Display` of transports, clients and errors,
//! never show the proxy password, its Basic token, or the API credentials, while requests go
//! over HTTPS through a proxy's CONNECT tunnel (both transports), plain HTTP beside a proxy
//! with credentials (sent direct), a 407 and an unreachable proxy. The proxy is the
//! in-process stand-in by default, a real tinyproxy in the ignored twin that `.ci/run` runs
//! with `--ignored`.
//!
//! One test per run in this binary (the other is ignored, or filtered by `--ignored`):
//! `tracing`'s interest cache is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use glair::net::{BlockingTransport, HyperTransport, Transport, TransportErrorKind, UreqTransport};
use glair::{CreatePassiveLivenessSession, Credentials};
use glair_emulator::{EmulatorConfig, EmulatorTls};
use glair_integration_tests::stand_in_proxy::StandInProxy;
use glair_integration_tests::tinyproxy::Tinyproxy;
use glair_integration_tests::{Harness, TestProxy};

const API_KEY: &str = "sk-live-APIKEY-0123456789";
const USERNAME: &str = "acme-USERNAME";
const PASSWORD: &str = "hunter2-PASSWORD";
const PROXY_USER: &str = "proxyuser";
const PROXY_PASSWORD: &str = "pr0xy-SECRET-pass";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn base64(text: &str) -> String {
    // The same encoding as the Basic headers, via the SDK's own credentials type.
    let creds = Credentials::new(
        "k",
        text.split_once(':').unwrap().0,
        text.split_once(':').unwrap().1,
    )
    .unwrap();
    creds
        .authorization_header()
        .to_str()
        .unwrap()
        .trim_start_matches("Basic ")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_at_trace_through_a_proxy() {
    no_secret_at_trace::<StandInProxy>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs tinyproxy: run by the `.ci/run` step \"proxy tests against tinyproxy\""]
async fn no_secret_at_trace_through_tinyproxy() {
    no_secret_at_trace::<Tinyproxy>().await;
}

async fn no_secret_at_trace<P: TestProxy>() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let proxy = P::with_basic_auth(PROXY_USER, PROXY_PASSWORD);
    let proxy_url = proxy.url_with(PROXY_USER, PROXY_PASSWORD);
    let mut shown = Vec::new();

    // HTTPS through the tunnel, with proxy credentials.
    let h = Harness::with_config(
        EmulatorConfig::new()
            .credentials(API_KEY, USERNAME, PASSWORD)
            .tls(EmulatorTls::SelfSigned),
    )
    .await;
    let transport = HyperTransport::builder()
        .add_root_certificates_pem(h.emulator.certificate_pem().unwrap().to_owned())
        .proxy(proxy_url.clone())
        .build()
        .unwrap();
    shown.push(format!("{transport:?}"));
    let client = h.client_builder().transport(transport).build().unwrap();
    shown.push(format!("{client:?}"));
    let sid = h.create_session(&client).await;
    client
        .passive_liveness_sessions()
        .retrieve(&sid)
        .await
        .unwrap();

    // The blocking transport through the same tunnel (TLS then fails: it does not trust the
    // emulator's self-signed root).
    let blocking = UreqTransport::builder()
        .proxy(proxy_url.clone())
        .build()
        .unwrap();
    shown.push(format!("{blocking:?}"));
    let request = http::Request::get(format!("{}/", h.emulator.base_url()))
        .header("x-api-key", API_KEY)
        .body(Bytes::new())
        .unwrap();
    let err = tokio::task::spawn_blocking(move || blocking.send(request, None))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    shown.push(format!("{err} {err:?}"));

    // Plain HTTP to loopback beside a proxy with credentials: sent direct, never through it.
    let plain =
        Harness::with_config(EmulatorConfig::new().credentials(API_KEY, USERNAME, PASSWORD)).await;
    let forwarding = HyperTransport::builder()
        .proxy(proxy_url.clone())
        .build()
        .unwrap();
    let client = plain
        .client_builder()
        .transport(forwarding)
        .build()
        .unwrap();
    let sid = plain.create_session(&client).await;
    client
        .passive_liveness_sessions()
        .retrieve(&sid)
        .await
        .unwrap();
    assert!(
        !proxy
            .requests()
            .iter()
            .any(|r| r.starts_with("GET http://") || r.starts_with("POST http://")),
        "{}",
        proxy.log()
    );

    // A 407 (no credentials) and an unreachable proxy (with credentials).
    let no_auth = h
        .client_builder()
        .transport(
            HyperTransport::builder()
                .add_root_certificates_pem(h.emulator.certificate_pem().unwrap().to_owned())
                .proxy(proxy.url())
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let err = no_auth
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let unreachable = HyperTransport::builder()
        .proxy(format!("http://{PROXY_USER}:{PROXY_PASSWORD}@{closed}"))
        .build()
        .unwrap();
    shown.push(format!("{unreachable:?}"));
    let request = http::Request::get(format!("{}/", h.emulator.base_url()))
        .header("x-api-key", API_KEY)
        .body(Bytes::new())
        .unwrap();
    let err = unreachable.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect);
    shown.push(format!("{err} {err:?}"));
    let mut source = std::error::Error::source(&err);
    while let Some(e) = source {
        shown.push(format!("{e} {e:?}"));
        source = e.source();
    }

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("TRACE"), "TRACE was captured");
    assert!(logs.contains("glair.attempt"), "{logs}");
    // The dependencies' own TRACE lines are in there too: the HTTP/2 codec inside the tunnel
    // and hyper-util's client (which logs the CONNECT and the proxied connections).
    assert!(logs.contains(" h2::"), "no h2 lines");
    assert!(logs.contains("hyper_util::"), "no hyper-util lines");
    let everything = format!("{logs}\n{}", shown.join("\n"));
    let proxy_token = base64(&format!("{PROXY_USER}:{PROXY_PASSWORD}"));
    let api_token = base64(&format!("{USERNAME}:{PASSWORD}"));
    for secret in [
        PROXY_PASSWORD,
        "SECRET",
        proxy_token.as_str(),
        &proxy_token[..12],
        API_KEY,
        PASSWORD,
        api_token.as_str(),
        &api_token[..12],
    ] {
        assert!(
            !everything.contains(secret),
            "{secret:?} leaked:\n{everything}"
        );
    }
}
