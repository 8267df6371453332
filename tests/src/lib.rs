//! Shared harness for the end-to-end tests in `tests/tests/`: an emulator on loopback, an SDK
//! client pointed at it, and its control endpoints (faults, clock, completion, stats).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

pub mod stand_in_proxy;
pub mod tinyproxy;

/// An HTTP proxy the proxy tests run against: [`stand_in_proxy::StandInProxy`] by default,
/// [`tinyproxy::Tinyproxy`] in the `.ci/run` step that runs the ignored tests.
pub trait TestProxy: Sized {
    /// Starts one open to everyone.
    fn start() -> Self;
    /// Starts one requiring Basic credentials.
    fn with_basic_auth(user: &str, password: &str) -> Self;
    /// `127.0.0.1:PORT`.
    fn addr(&self) -> std::net::SocketAddr;
    /// `http://127.0.0.1:PORT`.
    fn url(&self) -> String;
    /// `http://USER:PASSWORD@127.0.0.1:PORT`.
    fn url_with(&self, user: &str, password: &str) -> String;
    /// The request lines it received (`CONNECT host:port HTTP/1.1`), in order.
    fn requests(&self) -> Vec<String>;
    /// Its log, for failure messages.
    fn log(&self) -> String;
}

macro_rules! test_proxy {
    ($($ty:ty),*) => {$(
        impl TestProxy for $ty {
            fn start() -> Self { <$ty>::start() }
            fn with_basic_auth(user: &str, password: &str) -> Self {
                <$ty>::with_basic_auth(user, password)
            }
            fn addr(&self) -> std::net::SocketAddr { <$ty>::addr(self) }
            fn url(&self) -> String { <$ty>::url(self) }
            fn url_with(&self, user: &str, password: &str) -> String {
                <$ty>::url_with(self, user, password)
            }
            fn requests(&self) -> Vec<String> { <$ty>::requests(self) }
            fn log(&self) -> String { <$ty>::log(self) }
        }
    )*};
}
test_proxy!(stand_in_proxy::StandInProxy, tinyproxy::Tinyproxy);

use bytes::Bytes;
use glair::net::{HyperTransport, Transport};
use glair::{Client, ClientBuilder};
use glair_emulator::{Emulator, EmulatorConfig, Stats};
use http::{Method, Request, header};
use serde_json::Value;

/// A running emulator and the credentials to reach it.
#[derive(Debug)]
pub struct Harness {
    /// The emulator.
    pub emulator: Emulator,
    transport: HyperTransport,
}

impl Harness {
    /// Starts an emulator with the default configuration on 127.0.0.1.
    pub async fn start() -> Self {
        Self::with_config(EmulatorConfig::new()).await
    }

    /// Starts an emulator with `config`.
    pub async fn with_config(config: EmulatorConfig) -> Self {
        let emulator = Emulator::start(config).await.expect("emulator starts");
        Self {
            emulator,
            transport: HyperTransport::new(),
        }
    }

    /// A client builder pointed at the emulator with its credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.emulator.base_url())
            .api_key(self.emulator.api_key())
            .username(self.emulator.username())
            .password(self.emulator.password())
    }

    /// A blocking client builder pointed at the emulator with its credentials (build it on a
    /// thread that may block, e.g. in `spawn_blocking`).
    pub fn blocking_client_builder(&self) -> glair::blocking::ClientBuilder {
        glair::blocking::Client::builder()
            .base_url(self.emulator.base_url())
            .api_key(self.emulator.api_key())
            .username(self.emulator.username())
            .password(self.emulator.password())
    }

    /// A client with the default settings, pointed at the emulator.
    pub fn client(&self) -> Client {
        self.client_builder().build().expect("client builds")
    }

    /// Sends an authenticated control request and returns the status and JSON body.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let basic = glair_types::Credentials::new(
            self.emulator.api_key(),
            self.emulator.username(),
            self.emulator.password(),
        )
        .unwrap();
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.emulator.base_url()))
            .header("x-api-key", basic.api_key_header().clone())
            .header(header::AUTHORIZATION, basic.authorization_header().clone());
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(serde_json::to_vec(&json).unwrap())
            }
            None => Bytes::new(),
        };
        let response = self
            .transport
            .send(request.body(body).unwrap())
            .await
            .unwrap();
        let json = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
        (response.status().as_u16(), json)
    }

    /// Queues a fault for the next matching API requests (see the emulator's docs).
    pub async fn fault(&self, fault: Value) {
        let (status, body) = self
            .control(Method::POST, "/_emulator/faults", Some(fault))
            .await;
        assert!(
            (200..300).contains(&status),
            "fault refused: {status} {body}"
        );
    }

    /// Completes a session through the control endpoint with `outcome`.
    pub async fn complete(&self, resource: &str, sid: &str, outcome: &str) -> Value {
        let (status, body) = self
            .control(
                Method::POST,
                &format!("/_emulator/{resource}/{sid}/complete"),
                Some(serde_json::json!({ "outcome": outcome })),
            )
            .await;
        assert_eq!(status, 200, "complete failed: {body}");
        body
    }

    /// Moves the emulator's clock forward.
    pub fn advance_clock(&self, by: Duration) {
        self.emulator
            .advance_clock(u64::try_from(by.as_millis()).unwrap_or(u64::MAX));
    }

    /// Creates a passive liveness session through `client` and returns its sid.
    pub async fn create_session(&self, client: &Client) -> glair::SessionId {
        client
            .passive_liveness_sessions()
            .create(glair::CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .await
            .expect("create succeeds")
            .sid()
            .clone()
    }

    /// The emulator's counters.
    pub fn stats(&self) -> Stats {
        self.emulator.stats()
    }
}

/// The repository README, whose Rust example is compiled as a doctest (this crate is not
/// published, so it may reach outside its own folder).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct RootReadme;
