//! The default transport's production path over loopback: HTTPS (rustls) against the
//! emulator's `--tls` mode, HTTP/2 by ALPN (HTTP/1.1 when switched off), trusting the
//! emulator's generated root; refused without that root and for a name the certificate does
//! not cover; and a tokio runtime without the time driver.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use glair::net::{
    HyperTransport, HyperTransportBuilder, Transport, TransportError, TransportErrorKind,
};
use glair::{CreatePassiveLivenessSession, Error, SessionStatus, WaitOptions, WaitOutcome};
use glair_emulator::{Emulator, EmulatorConfig, EmulatorTls, Outcome};
use glair_integration_tests::Harness;

/// Passes requests to a transport and records the HTTP version of every response.
#[derive(Debug, Clone)]
struct RecordVersions {
    inner: HyperTransport,
    seen: Arc<Mutex<Vec<http::Version>>>,
}

#[async_trait::async_trait]
impl Transport for RecordVersions {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let response = self.inner.send(request).await?;
        self.seen.lock().unwrap().push(response.version());
        Ok(response)
    }
}

/// Only the proxy tests use a proxy: nothing in the caller's environment may route these.
fn direct() -> HyperTransportBuilder {
    HyperTransport::builder().proxy_from_env(false)
}

async fn tls_harness() -> Harness {
    Harness::with_config(EmulatorConfig::new().tls(EmulatorTls::SelfSigned)).await
}

/// Creates, retrieves, completes and waits for a session through `transport`; returns the
/// versions of all responses.
async fn life_cycle(h: &Harness, transport: HyperTransport) -> Vec<http::Version> {
    let recorder = RecordVersions {
        inner: transport,
        seen: Arc::default(),
    };
    let client = h
        .client_builder()
        .transport(recorder.clone())
        .build()
        .unwrap();
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    assert!(
        created.url.starts_with("https://127.0.0.1:"),
        "{}",
        created.url
    );
    let sid = created.sid().clone();
    assert_eq!(
        sessions.retrieve(&sid).await.unwrap().status,
        SessionStatus::Pending
    );
    h.emulator
        .complete("passive-liveness-sessions", sid.as_str(), Outcome::Live)
        .unwrap();
    let outcome = sessions.wait(&sid, WaitOptions::new()).await.unwrap();
    assert!(matches!(outcome, WaitOutcome::Finished(ref s) if s.status == SessionStatus::Finished));
    let seen = recorder.seen.lock().unwrap().clone();
    assert!(seen.len() >= 3, "{seen:?}");
    seen
}

#[tokio::test]
async fn create_retrieve_wait_over_https_speak_http2() {
    let h = tls_harness().await;
    assert!(h.emulator.base_url().starts_with("https://127.0.0.1:"));
    let pem = h.emulator.certificate_pem().unwrap().to_owned();
    let transport = direct().add_root_certificates_pem(pem).build().unwrap();
    let versions = life_cycle(&h, transport).await;
    assert!(
        versions.iter().all(|v| *v == http::Version::HTTP_2),
        "{versions:?}"
    );
}

#[tokio::test]
async fn with_http2_off_the_same_calls_speak_http1() {
    let h = tls_harness().await;
    let pem = h.emulator.certificate_pem().unwrap().to_owned();
    let transport = direct()
        .add_root_certificates_pem(pem)
        .http2(false)
        .build()
        .unwrap();
    let versions = life_cycle(&h, transport).await;
    assert!(
        versions.iter().all(|v| *v == http::Version::HTTP_11),
        "{versions:?}"
    );
}

#[tokio::test]
async fn a_whole_rustls_config_can_be_passed() {
    let h = tls_harness().await;
    let mut roots = glair::net::rustls::RootCertStore::empty();
    let pem = h.emulator.certificate_pem().unwrap().as_bytes().to_vec();
    for cert in rustls_pki_certs(&pem) {
        roots.add(cert).unwrap();
    }
    let provider = Arc::new(glair::net::rustls::crypto::ring::default_provider());
    let config = glair::net::rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let transport = direct().tls_config(config).build().unwrap();
    let versions = life_cycle(&h, transport).await;
    assert!(
        versions.iter().all(|v| *v == http::Version::HTTP_2),
        "{versions:?}"
    );
}

fn rustls_pki_certs(pem: &[u8]) -> Vec<glair::net::rustls::pki_types::CertificateDer<'static>> {
    use glair::net::rustls::pki_types::pem::PemObject;
    glair::net::rustls::pki_types::CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test]
async fn localhost_is_covered_by_the_generated_certificate() {
    let h = tls_harness().await;
    let pem = h.emulator.certificate_pem().unwrap().to_owned();
    let transport = direct().add_root_certificates_pem(pem).build().unwrap();
    let url = format!("https://localhost:{}/", h.emulator.local_addr().port());
    let response = transport
        .send(http::Request::get(url).body(Bytes::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.version(), http::Version::HTTP_2);
}

#[tokio::test]
async fn without_the_root_the_handshake_is_refused_and_not_retried() {
    let h = tls_harness().await;
    // webpki roots only: the self-signed certificate is unknown.
    let client = h
        .client_builder()
        .transport(direct().build().unwrap())
        .build()
        .unwrap();
    let err = client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    let Error::Transport {
        source, attempts, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(source.kind(), TransportErrorKind::Tls, "{err}");
    assert_eq!(*attempts, 1, "a certificate failure is not retried");
    assert!(!source.is_proxy_error());
    let text = err.to_string();
    assert!(text.contains("TLS with 127.0.0.1 failed"), "{text}");
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert_eq!(h.stats().requests_total, 0, "nothing reached the emulator");
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    // A certificate for other.example only, trusted as a root: the name check must still fail.
    let other = rcgen_other_name();
    let emulator = Emulator::start(EmulatorConfig::new().tls(EmulatorTls::Pem {
        certificate_chain: other.0.clone().into_bytes(),
        private_key: other.1.into_bytes(),
    }))
    .await
    .unwrap();
    let transport = direct().add_root_certificates_pem(other.0).build().unwrap();
    let url = format!(
        "{}/face/v1/passive-liveness-sessions/x",
        emulator.base_url()
    );
    let err = transport
        .send(http::Request::get(url).body(Bytes::new()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("not valid for name"), "{err}");
}

/// A self-signed certificate and key for `other.example`, made with the emulator's own
/// generator through its public PEM interface.
fn rcgen_other_name() -> (String, String) {
    let generated = rcgen::generate_simple_self_signed(vec!["other.example".to_owned()]).unwrap();
    (generated.cert.pem(), generated.key_pair.serialize_pem())
}

#[test]
fn a_runtime_without_the_time_driver_works_without_panicking() {
    // The emulator runs on its own (complete) runtime; the client's has IO but no timer.
    let server = tokio::runtime::Runtime::new().unwrap();
    let emulator = server
        .block_on(Emulator::start(
            EmulatorConfig::new().tls(EmulatorTls::SelfSigned),
        ))
        .unwrap();
    let pem = emulator.certificate_pem().unwrap().to_owned();
    let base = emulator.base_url();
    let no_timer = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    no_timer.block_on(async {
        let transport = direct()
            .add_root_certificates_pem(pem)
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap();
        for _ in 0..2 {
            let response = transport
                .send(
                    http::Request::get(format!("{base}/"))
                        .body(Bytes::new())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(response.version(), http::Version::HTTP_2);
        }
        // A refused connection is an error too, not a panic.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let err = transport
            .send(
                http::Request::get(format!("https://{closed}/"))
                    .body(Bytes::new())
                    .unwrap(),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    });
    drop(emulator);
}
