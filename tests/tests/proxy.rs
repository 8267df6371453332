//! The default transport through a real HTTP proxy on loopback (Debian's tinyproxy, started
//! per test with its own configuration): HTTPS through a CONNECT tunnel and plain HTTP
//! forwarded, with and without proxy credentials, a 407, a NO_PROXY bypass, an unreachable
//! proxy. The proxy variables come from an injected source, never the process environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use bytes::Bytes;
use glair::net::{HyperTransport, HyperTransportBuilder, Transport, TransportErrorKind};
use glair::{CreatePassiveLivenessSession, Error, SessionStatus, WaitOptions, WaitOutcome};
use glair_emulator::{EmulatorConfig, EmulatorTls, Outcome};
use glair_integration_tests::Harness;
use glair_integration_tests::tinyproxy::Tinyproxy;

const USER: &str = "alice";
const PASSWORD: &str = "pr0xy-SECRET-pass";

async fn tls_harness() -> Harness {
    Harness::with_config(EmulatorConfig::new().tls(EmulatorTls::SelfSigned)).await
}

fn trusting(h: &Harness) -> HyperTransportBuilder {
    let pem = h.emulator.certificate_pem().unwrap().to_owned();
    HyperTransport::builder().add_root_certificates_pem(pem)
}

fn env(vars: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

/// The full life cycle through `transport`.
async fn life_cycle(h: &Harness, transport: HyperTransport) {
    let client = h.client_builder().transport(transport).build().unwrap();
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap();
    let sid = created.sid().clone();
    assert_eq!(
        sessions.retrieve(&sid).await.unwrap().status,
        SessionStatus::Pending
    );
    h.emulator
        .complete("passive-liveness-sessions", sid.as_str(), Outcome::Live)
        .unwrap();
    let outcome = sessions.wait(&sid, WaitOptions::new()).await.unwrap();
    assert!(matches!(outcome, WaitOutcome::Finished(_)), "{outcome:?}");
}

fn connects_to(proxy: &Tinyproxy, h: &Harness) -> usize {
    let target = format!("CONNECT {} HTTP/1.1", h.emulator.local_addr());
    proxy.requests().iter().filter(|r| **r == target).count()
}

#[tokio::test]
async fn https_goes_through_a_connect_tunnel() {
    let proxy = Tinyproxy::start();
    let h = tls_harness().await;
    let transport = trusting(&h).proxy(proxy.url()).build().unwrap();
    assert_eq!(
        transport.proxy_for(&h.emulator.base_url().parse().unwrap()),
        Some(proxy.addr().to_string())
    );
    let probe = http::Request::get(format!("{}/", h.emulator.base_url()))
        .body(Bytes::new())
        .unwrap();
    let response = transport.send(probe).await.unwrap();
    assert_eq!(
        response.version(),
        http::Version::HTTP_2,
        "h2 by ALPN inside the tunnel"
    );
    life_cycle(&h, transport).await;
    // One pooled connection (HTTP/2 inside the tunnel) carried every call.
    assert!(connects_to(&proxy, &h) >= 1, "{}", proxy.log());
    assert!(h.stats().requests_total >= 3);
}

#[tokio::test]
async fn plain_http_is_forwarded_in_absolute_form() {
    let proxy = Tinyproxy::start();
    let h = Harness::start().await;
    let transport = HyperTransport::builder()
        .proxy(proxy.url())
        .build()
        .unwrap();
    let client = h.client_builder().transport(transport).build().unwrap();
    let sid = h.create_session(&client).await;
    let forwarded = format!(
        "GET {}/face/v1/passive-liveness-sessions/{} HTTP/1.1",
        h.emulator.base_url(),
        sid.as_str()
    );
    client
        .passive_liveness_sessions()
        .retrieve(&sid)
        .await
        .unwrap();
    let requests = proxy.requests();
    assert!(
        requests.contains(&forwarded),
        "{requests:?}\n{}",
        proxy.log()
    );
    assert!(
        requests
            .iter()
            .any(|r| r.starts_with("POST http://127.0.0.1:")),
        "{requests:?}"
    );
}

#[tokio::test]
async fn credentials_in_the_proxy_url_are_sent_for_https_and_http() {
    let proxy = Tinyproxy::with_basic_auth(USER, PASSWORD);
    let h = tls_harness().await;
    let transport = trusting(&h)
        .proxy(proxy.url_with(USER, PASSWORD))
        .build()
        .unwrap();
    let shown = format!("{transport:?}");
    assert!(
        !shown.contains(PASSWORD) && !shown.contains(USER),
        "{shown}"
    );
    life_cycle(&h, transport).await;
    assert!(connects_to(&proxy, &h) >= 1, "{}", proxy.log());

    let plain = Harness::start().await;
    let transport = HyperTransport::builder()
        .proxy(proxy.url_with(USER, PASSWORD))
        .build()
        .unwrap();
    let client = plain.client_builder().transport(transport).build().unwrap();
    plain.create_session(&client).await;
}

#[tokio::test]
async fn a_407_is_its_own_error_naming_the_proxy_and_is_not_retried() {
    let proxy = Tinyproxy::with_basic_auth(USER, PASSWORD);
    let h = tls_harness().await;
    let client = h
        .client_builder()
        .transport(trusting(&h).proxy(proxy.url()).build().unwrap())
        .build()
        .unwrap();
    let err = client
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    let Error::Transport { source, attempts } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(
        source.kind(),
        TransportErrorKind::ProxyAuth,
        "{err} {err:?}"
    );
    assert!(source.is_proxy_error());
    assert_eq!(*attempts, 1, "a 407 is not retried");
    let text = format!("{err} {err:?}");
    assert!(text.contains("407 Proxy Authentication Required"), "{text}");
    assert!(text.contains(&format!("proxy {}", proxy.addr())), "{text}");
    assert!(!err.is_retryable());

    // Wrong credentials: tinyproxy answers 401, which hyper-util's tunnel reports only as
    // "not 200": still the proxy's error, naming it, without the password.
    let wrong = trusting(&h)
        .proxy(proxy.url_with(USER, "wrong-SECRET"))
        .build()
        .unwrap();
    let request = http::Request::get(format!("{}/", h.emulator.base_url()))
        .body(Bytes::new())
        .unwrap();
    let err = wrong.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_proxy_error() && err.request_never_sent());
    let text = format!("{err} {err:?}");
    assert!(text.contains("refused to open a tunnel"), "{text}");
    assert!(!text.contains("SECRET"), "{text}");
    assert_eq!(h.stats().requests_total, 0, "nothing got past the proxy");

    // Forwarded plain HTTP: the proxy's 407 response becomes the same error.
    let plain = Harness::start().await;
    let transport = HyperTransport::builder()
        .proxy(proxy.url())
        .build()
        .unwrap();
    let request = http::Request::get(format!("{}/", plain.emulator.base_url()))
        .body(Bytes::new())
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::ProxyAuth, "{err}");
    assert!(err.to_string().contains("refused to forward"), "{err}");
}

#[tokio::test]
async fn environment_proxy_with_a_no_proxy_bypass() {
    let proxy = Tinyproxy::start();
    let h = tls_harness().await;
    // HTTPS_PROXY alone: through the proxy.
    let via_env = trusting(&h)
        .proxy_env_source(env(&[("HTTPS_PROXY", proxy.url())]))
        .build()
        .unwrap();
    life_cycle(&h, via_env).await;
    let tunnelled = connects_to(&proxy, &h);
    assert!(tunnelled >= 1, "{}", proxy.log());

    // With no_proxy (lower case, curl syntax) covering the emulator: straight there.
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "localhost, 127.0.0.1", "*"] {
        let bypass = trusting(&h)
            .proxy_env_source(env(&[
                ("https_proxy", proxy.url()),
                ("no_proxy", no_proxy.to_owned()),
            ]))
            .build()
            .unwrap();
        assert_eq!(
            bypass.proxy_for(&h.emulator.base_url().parse().unwrap()),
            None,
            "{no_proxy}"
        );
        life_cycle(&h, bypass).await;
        assert_eq!(
            connects_to(&proxy, &h),
            tunnelled,
            "{no_proxy}: {}",
            proxy.log()
        );
    }

    // ALL_PROXY applies when HTTPS_PROXY is unset.
    let all = trusting(&h)
        .proxy_env_source(env(&[("ALL_PROXY", proxy.url())]))
        .build()
        .unwrap();
    life_cycle(&h, all).await;
    assert!(connects_to(&proxy, &h) > tunnelled, "{}", proxy.log());
}

#[tokio::test]
async fn ignoring_the_environment_connects_direct() {
    let proxy = Tinyproxy::start();
    let h = tls_harness().await;
    let transport = trusting(&h)
        .proxy_env_source(env(&[("HTTPS_PROXY", proxy.url())]))
        .proxy_from_env(false)
        .build()
        .unwrap();
    life_cycle(&h, transport).await;
    assert!(proxy.requests().is_empty(), "{}", proxy.log());
}

#[tokio::test]
async fn an_unreachable_proxy_is_a_proxy_connect_error() {
    let h = tls_harness().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let transport = trusting(&h)
        .proxy(format!("http://{USER}:{PASSWORD}@{closed}"))
        .build()
        .unwrap();
    let request = http::Request::get(format!("{}/", h.emulator.base_url()))
        .body(Bytes::new())
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.request_never_sent() && err.is_proxy_error());
    let text = err.to_string();
    assert!(
        text.contains(&format!("could not connect to proxy {closed}")),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn a_refused_tunnel_says_the_proxy_could_not_reach_the_origin() {
    let proxy = Tinyproxy::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let transport = HyperTransport::builder()
        .proxy(proxy.url())
        .build()
        .unwrap();
    let request = http::Request::get(format!("https://{closed}/"))
        .body(Bytes::new())
        .unwrap();
    let err = transport.send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_proxy_error());
    let text = err.to_string();
    assert!(text.contains("refused to open a tunnel"), "{text}");
    assert!(text.contains(&proxy.addr().to_string()), "{text}");
}

#[tokio::test]
async fn an_unusable_proxy_variable_fails_the_build_without_its_secret() {
    let err = HyperTransport::builder()
        .proxy_env_source(env(&[(
            "HTTPS_PROXY",
            format!("socks5://{USER}:{PASSWORD}@127.0.0.1:1080"),
        )]))
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("HTTPS_PROXY") && text.contains("SOCKS"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
}
