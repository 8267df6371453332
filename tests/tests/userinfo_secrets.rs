//! The property the red team broke: whatever a user name and password hold (any characters,
//! `/?#@:%` included, percent-encoded or not), no `Debug`, `Display`, error or TRACE log of
//! a proxy URL or a base URL contains the password. Builders, built transports and clients,
//! build errors, and a request sent through the proxy (to a closed port) are all checked.
//!
//! One test in its own binary: the TRACE capture is process-wide.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use glair::net::{BlockingTransport, HyperTransport, Transport, UreqTransport};
use proptest::prelude::*;

#[path = "../../crates/glair-core/tests/support/captured.rs"]
mod captured;
use captured::Captured;

/// Percent-encodes everything but letters and digits.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Everything printable about a proxy URL and a base URL holding `user:password`.
fn shown(runtime: &tokio::runtime::Runtime, closed: std::net::SocketAddr, url: &str) -> String {
    let mut out = String::new();
    let env_url = url.to_owned();
    let env = move |name: &str| (name == "HTTPS_PROXY").then(|| env_url.clone());

    let hyper = HyperTransport::builder().proxy(url);
    out += &format!("{hyper:?}\n");
    match hyper.build() {
        Ok(t) => {
            out += &format!("{t:?}\n");
            let request = http::Request::get("https://127.0.0.1:9/x")
                .body(Bytes::new())
                .unwrap();
            let result = runtime.block_on(t.send(request));
            if let Err(e) = result {
                out += &format!("{e} {e:?}\n");
            }
        }
        Err(e) => out += &format!("{e} {e:?}\n"),
    }
    match HyperTransport::builder()
        .proxy_env_source(env.clone())
        .build()
    {
        Ok(t) => out += &format!("{t:?}\n"),
        Err(e) => out += &format!("{e} {e:?}\n"),
    }
    let ureq = UreqTransport::builder().proxy(url);
    out += &format!("{ureq:?}\n");
    match ureq.build() {
        Ok(t) => {
            out += &format!("{t:?}\n");
            let request = http::Request::get("https://127.0.0.1:9/x")
                .body(Bytes::new())
                .unwrap();
            if let Err(e) = t.send(request, Some(std::time::Duration::from_secs(2))) {
                out += &format!("{e} {e:?}\n");
            }
        }
        Err(e) => out += &format!("{e} {e:?}\n"),
    }
    match UreqTransport::builder().proxy_env_source(env).build() {
        Ok(t) => out += &format!("{t:?}\n"),
        Err(e) => out += &format!("{e} {e:?}\n"),
    }
    let _ = closed;

    // The same text as a base URL.
    let base = url.replacen("127.0.0.1", "glair.example", 1);
    let settings = glair::Settings::new().base_url(base.clone());
    out += &format!("{settings:?}\n");
    let builder = glair::Client::builder()
        .base_url(base.clone())
        .api_key("k")
        .username("u")
        .password("p");
    out += &format!("{builder:?}\n");
    if let Err(e) = builder.build() {
        out += &format!("{e} {e:?}\n");
    }
    let blocking = glair::blocking::Client::builder()
        .base_url(base)
        .api_key("k")
        .username("u")
        .password("p");
    out += &format!("{blocking:?}\n");
    if let Err(e) = blocking.build() {
        out += &format!("{e} {e:?}\n");
    }
    out
}

#[test]
fn no_output_holds_the_password() {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The proxy is a closed port: every request through it fails fast, at the proxy.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        user in "[a-zA-Z0-9/?#@:%._~-]{0,10}",
        // A marker keeps the password from occurring by chance in fixed text.
        password in "[a-zA-Z0-9/?#@:% ._~-]{0,16}".prop_map(|p| format!("Pw{p}Zq")),
        percent_encode in any::<bool>(),
    )| {
        let (user_text, password_text) = if percent_encode {
            (encoded(&user), encoded(&password))
        } else {
            (user, password.clone())
        };
        let url = format!("http://{user_text}:{password_text}@{closed}");
        captured.0.lock().unwrap().clear();
        let printed = shown(&runtime, closed, &url);
        let logged = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
        for text in [&password, &password_text] {
            prop_assert!(!printed.contains(text.as_str()), "{url}\n{printed}");
            prop_assert!(!logged.contains(text.as_str()), "{url}\n{logged}");
        }
    });
}
