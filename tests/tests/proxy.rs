//! Both transports through an HTTP proxy on loopback: HTTPS through a CONNECT tunnel with and
//! without credentials, a 407, a `NO_PROXY` bypass, an unreachable proxy, plain http never
//! sent to a proxy. Every proxied test runs twice: against the in-process stand-in proxy by
//! default (module `stand_in`), and against a real tinyproxy (module `tinyproxy`, ignored by
//! default; `.ci/run` runs it with `--ignored`). The proxy variables come from an injected
//! source, never the process environment.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use bytes::Bytes;
use glair::net::{
    BlockingTransport, HyperTransport, HyperTransportBuilder, Transport, TransportErrorKind,
    UreqTransport,
};
use glair::{CreatePassiveLivenessSession, Error, SessionStatus, WaitOptions, WaitOutcome};
use glair_emulator::{EmulatorConfig, EmulatorTls, Outcome};
use glair_integration_tests::{Harness, TestProxy};

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

fn get(url: String) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
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

fn connects_to<P: TestProxy>(proxy: &P, h: &Harness) -> usize {
    let target = format!("CONNECT {} HTTP/1.1", h.emulator.local_addr());
    proxy.requests().iter().filter(|r| **r == target).count()
}

/// Runs `UreqTransport::send` on a blocking thread.
async fn blocking_send(
    transport: UreqTransport,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, glair::net::TransportError> {
    tokio::task::spawn_blocking(move || transport.send(request, None))
        .await
        .unwrap()
}

async fn https_goes_through_a_connect_tunnel<P: TestProxy>() {
    let proxy = P::start();
    let h = tls_harness().await;
    let transport = trusting(&h).proxy(proxy.url()).build().unwrap();
    assert_eq!(
        transport.proxy_for(&h.emulator.base_url().parse().unwrap()),
        Some(proxy.addr().to_string())
    );
    let response = transport
        .send(get(format!("{}/", h.emulator.base_url())))
        .await
        .unwrap();
    assert_eq!(
        response.version(),
        http::Version::HTTP_2,
        "h2 by ALPN inside the tunnel"
    );
    life_cycle(&h, transport).await;
    assert!(connects_to(&proxy, &h) >= 1, "{}", proxy.log());
    assert!(h.stats().requests_total >= 3);
}

async fn plain_http_never_goes_through_the_proxy<P: TestProxy>() {
    let proxy = P::start();
    let h = Harness::start().await;
    // Loopback: straight to the emulator, the proxy sees nothing.
    let transport = HyperTransport::builder()
        .proxy(proxy.url_with(USER, PASSWORD))
        .build()
        .unwrap();
    let client = h
        .client_builder()
        .transport(transport.clone())
        .build()
        .unwrap();
    h.create_session(&client).await;
    let blocking = UreqTransport::builder()
        .proxy(proxy.url_with(USER, PASSWORD))
        .build()
        .unwrap();
    let response = blocking_send(blocking.clone(), get(format!("{}/", h.emulator.base_url())))
        .await
        .unwrap();
    assert!(response.status().as_u16() < 500);
    assert!(proxy.requests().is_empty(), "{}", proxy.log());
    // Anywhere else: refused before anything is sent, naming the proxy, not the password.
    let err = transport
        .send(get("http://glair.invalid/x".to_owned()))
        .await
        .unwrap_err();
    let blocking_err = blocking_send(blocking, get("http://glair.invalid/x".to_owned()))
        .await
        .unwrap_err();
    for err in [err, blocking_err] {
        assert_eq!(err.kind(), TransportErrorKind::Other, "{err}");
        assert!(err.is_proxy_error());
        let text = format!("{err} {err:?}");
        assert!(text.contains("plain http:// through proxy"), "{text}");
        assert!(text.contains(&proxy.addr().to_string()), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
    assert!(proxy.requests().is_empty(), "{}", proxy.log());
}

async fn credentials_in_the_proxy_url_are_sent<P: TestProxy>() {
    let proxy = P::with_basic_auth(USER, PASSWORD);
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
    let through = connects_to(&proxy, &h);
    assert!(through >= 1, "{}", proxy.log());

    // The blocking transport opens the same tunnel with the same credentials. It does not
    // trust the emulator's self-signed root, so TLS fails inside the tunnel: the proxy let
    // it through (a 407 or a refused tunnel would be another error).
    let blocking = UreqTransport::builder()
        .proxy(proxy.url_with(USER, PASSWORD))
        .build()
        .unwrap();
    let shown = format!("{blocking:?}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    let err = blocking_send(blocking, get(format!("{}/", h.emulator.base_url())))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
    assert_eq!(connects_to(&proxy, &h), through + 1, "{}", proxy.log());
}

async fn a_407_is_its_own_error_naming_the_proxy_and_is_not_retried<P: TestProxy>() {
    let proxy = P::with_basic_auth(USER, PASSWORD);
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
    check_407(&err, &proxy);

    // The blocking client: the same error, one attempt.
    let blocking = h
        .blocking_client_builder()
        .transport(UreqTransport::builder().proxy(proxy.url()).build().unwrap());
    let err = tokio::task::spawn_blocking(move || {
        blocking
            .build()
            .unwrap()
            .passive_liveness_sessions()
            .create(CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .unwrap_err()
    })
    .await
    .unwrap();
    check_407(&err, &proxy);

    // Wrong credentials: tinyproxy answers 401, reported only as "not 200": still the
    // proxy's error, naming it, without the password.
    let wrong = trusting(&h)
        .proxy(proxy.url_with(USER, "wrong-SECRET"))
        .build()
        .unwrap();
    let err = wrong
        .send(get(format!("{}/", h.emulator.base_url())))
        .await
        .unwrap_err();
    let blocking_err = blocking_send(
        UreqTransport::builder()
            .proxy(proxy.url_with(USER, "wrong-SECRET"))
            .build()
            .unwrap(),
        get(format!("{}/", h.emulator.base_url())),
    )
    .await
    .unwrap_err();
    for err in [err, blocking_err] {
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
        assert!(err.is_proxy_error() && err.request_never_sent());
        let text = format!("{err} {err:?}");
        assert!(text.contains("refused to open a tunnel"), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
    assert_eq!(h.stats().requests_total, 0, "nothing got past the proxy");
}

fn check_407<P: TestProxy>(err: &Error, proxy: &P) {
    let Error::Transport {
        source, attempts, ..
    } = err
    else {
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
}

async fn environment_proxy_with_a_no_proxy_bypass<P: TestProxy>() {
    let proxy = P::start();
    let h = tls_harness().await;
    let base: http::Uri = h.emulator.base_url().parse().unwrap();
    // HTTPS_PROXY alone: through the proxy, both transports.
    let vars = [("HTTPS_PROXY", proxy.url())];
    let via_env = trusting(&h).proxy_env_source(env(&vars)).build().unwrap();
    let blocking = UreqTransport::builder()
        .proxy_env_source(env(&vars))
        .build()
        .unwrap();
    assert_eq!(blocking.proxy_for(&base), via_env.proxy_for(&base));
    life_cycle(&h, via_env).await;
    let tunnelled = connects_to(&proxy, &h);
    assert!(tunnelled >= 1, "{}", proxy.log());
    let _ = blocking_send(blocking, get(format!("{}/", h.emulator.base_url()))).await;
    let tunnelled = connects_to(&proxy, &h);
    assert!(
        tunnelled >= 2,
        "the blocking transport too: {}",
        proxy.log()
    );

    // With no_proxy (lower case, curl syntax) covering the emulator: straight there.
    for no_proxy in ["127.0.0.1", "127.0.0.0/8", "localhost, 127.0.0.1", "*"] {
        let vars = [
            ("https_proxy", proxy.url()),
            ("no_proxy", no_proxy.to_owned()),
        ];
        let bypass = trusting(&h).proxy_env_source(env(&vars)).build().unwrap();
        assert_eq!(bypass.proxy_for(&base), None, "{no_proxy}");
        let blocking = UreqTransport::builder()
            .proxy_env_source(env(&vars))
            .build()
            .unwrap();
        assert_eq!(blocking.proxy_for(&base), None, "{no_proxy}");
        life_cycle(&h, bypass).await;
        let _ = blocking_send(blocking, get(format!("{}/", h.emulator.base_url()))).await;
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

async fn ignoring_the_environment_connects_direct<P: TestProxy>() {
    let proxy = P::start();
    let h = tls_harness().await;
    let vars = [("HTTPS_PROXY", proxy.url())];
    let transport = trusting(&h)
        .proxy_env_source(env(&vars))
        .proxy_from_env(false)
        .build()
        .unwrap();
    life_cycle(&h, transport).await;
    let blocking = UreqTransport::builder()
        .proxy_env_source(env(&vars))
        .proxy_from_env(false)
        .build()
        .unwrap();
    assert_eq!(
        blocking.proxy_for(&h.emulator.base_url().parse().unwrap()),
        None
    );
    let _ = blocking_send(blocking, get(format!("{}/", h.emulator.base_url()))).await;
    assert!(proxy.requests().is_empty(), "{}", proxy.log());
}

async fn a_refused_tunnel_says_the_proxy_could_not_reach_the_origin<P: TestProxy>() {
    let proxy = P::start();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let transport = HyperTransport::builder()
        .proxy(proxy.url())
        .build()
        .unwrap();
    let err = transport
        .send(get(format!("https://{closed}/")))
        .await
        .unwrap_err();
    let blocking_err = blocking_send(
        UreqTransport::builder().proxy(proxy.url()).build().unwrap(),
        get(format!("https://{closed}/")),
    )
    .await
    .unwrap_err();
    for err in [err, blocking_err] {
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
        assert!(err.is_proxy_error());
        let text = err.to_string();
        assert!(text.contains("refused to open a tunnel"), "{text}");
        assert!(text.contains(&proxy.addr().to_string()), "{text}");
    }
}

/// Each proxied test, once per proxy.
macro_rules! against {
    ($module:ident, $proxy:ty, $($ignore:meta)?) => {
        mod $module {
            type P = $proxy;

            $(#[$ignore])? #[tokio::test]
            async fn https_goes_through_a_connect_tunnel() {
                super::https_goes_through_a_connect_tunnel::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn plain_http_never_goes_through_the_proxy() {
                super::plain_http_never_goes_through_the_proxy::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn credentials_in_the_proxy_url_are_sent() {
                super::credentials_in_the_proxy_url_are_sent::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn a_407_is_its_own_error_naming_the_proxy_and_is_not_retried() {
                super::a_407_is_its_own_error_naming_the_proxy_and_is_not_retried::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn environment_proxy_with_a_no_proxy_bypass() {
                super::environment_proxy_with_a_no_proxy_bypass::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn ignoring_the_environment_connects_direct() {
                super::ignoring_the_environment_connects_direct::<P>().await;
            }
            $(#[$ignore])? #[tokio::test]
            async fn a_refused_tunnel_says_the_proxy_could_not_reach_the_origin() {
                super::a_refused_tunnel_says_the_proxy_could_not_reach_the_origin::<P>().await;
            }
        }
    };
}

against!(
    stand_in,
    glair_integration_tests::stand_in_proxy::StandInProxy,
);
against!(
    tinyproxy,
    glair_integration_tests::tinyproxy::Tinyproxy,
    ignore = "needs tinyproxy: run by the `.ci/run` step \"proxy tests against tinyproxy\""
);

#[tokio::test]
async fn an_unreachable_proxy_is_a_proxy_connect_error() {
    let h = tls_harness().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{USER}:{PASSWORD}@{closed}");
    let transport = trusting(&h).proxy(url.clone()).build().unwrap();
    let err = transport
        .send(get(format!("{}/", h.emulator.base_url())))
        .await
        .unwrap_err();
    let blocking_err = blocking_send(
        UreqTransport::builder().proxy(url).build().unwrap(),
        get(format!("{}/", h.emulator.base_url())),
    )
    .await
    .unwrap_err();
    for err in [err, blocking_err] {
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
        assert!(err.request_never_sent() && err.is_proxy_error());
        let text = err.to_string();
        assert!(
            text.contains(&format!("could not connect to proxy {closed}")),
            "{text}"
        );
        assert!(!text.contains(PASSWORD), "{text}");
    }
}

#[tokio::test]
async fn an_unusable_proxy_variable_fails_the_build_without_its_secret() {
    for value in [
        format!("socks5://{USER}:{PASSWORD}@127.0.0.1:1080"),
        format!("http://{USER}:{PASSWORD}@127.0.0.1:99999"),
        format!("http://{USER}:{PASSWORD}/x@127.0.0.1:3128"),
        format!("http://{USER}:{PASSWORD}#x@127.0.0.1:3128"),
    ] {
        let vars = [("HTTPS_PROXY", value.clone())];
        let err = HyperTransport::builder()
            .proxy_env_source(env(&vars))
            .build()
            .unwrap_err()
            .to_string();
        let blocking = UreqTransport::builder()
            .proxy_env_source(env(&vars))
            .build()
            .unwrap_err()
            .to_string();
        assert_eq!(err, blocking, "one check for both transports");
        assert!(err.contains("HTTPS_PROXY"), "{err}");
        assert!(!err.contains(PASSWORD) && !err.contains("99999"), "{err}");
    }
}
