//! Micro-benchmarks of the sans-IO layer: building requests and decoding responses, each next
//! to a bare baseline that does the same JSON work with `serde_json` alone, so the SDK's own
//! overhead (validation, URL and header building, error-path bookkeeping) is visible.
//!
//! Run with `cargo bench -p glair-types`. Results land in `target/criterion/<group>/<id>/`;
//! `cargo run --release -p glair-bench -- all` reads their `new/estimates.json` into
//! `BENCHMARKS.md`.
//!
//! Groups and ids (the report relies on these names):
//! - `create_request`: `glair_types` (a `CreatePassiveLivenessSession` built and turned into an
//!   `http::Request<Bytes>` with every header), `validate_only` (built and validated, no
//!   request: the URL checks' share), `http_by_hand` (the same request built by hand from
//!   pre-computed header values), `serde_json` (only the body, `to_vec` of a plain struct).
//! - `retrieve_request`: `glair_types` (sid checked, path segment escaped, request built),
//!   `http_by_hand`, `format_url` (only the URL string).
//! - `decode_finished`, `decode_pending`: `glair_types` (`decode_session` on a 200 response)
//!   against `serde_json` (`from_slice` into a plain `#[derive(Deserialize)]` mirror), and
//!   `sdk_type_plain` (`serde_json::from_slice` straight into the SDK's `PassiveLivenessSession`,
//!   without the JSON-path tracking and status check: the decoding wrapper's share).
//! - `decode_error`: `glair_types` (`decode_session` on a 401 → `ApiError` with message,
//!   `Request-Id` and body excerpt) against `serde_json` (`from_slice` into `{message}`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use glair_types::{
    ApiConfig, CreatePassiveLivenessSession, Credentials, PassiveLiveness, PassiveLivenessSession,
    RetrievePassiveLivenessSession, SessionId, decode_session,
};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, Response};
use serde::Deserialize;

#[path = "support/baseline.rs"]
mod baseline;
use baseline::{CANCEL_URL, FINISHED, PlainCreate, PlainSession, SUCCESS_URL};

const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
const BASE: &str = "https://api.vision.glair.ai";

const PENDING: &[u8] = br#"{"status":"PENDING","expired":1678247333160,"url":"https://vision.glair.ai/passive-liveness/Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z","success_url":"https://app.example/liveness/done","cancel_url":"https://app.example/liveness/cancelled","result":null}"#;
const ERROR: &[u8] = br#"{"message":"wrong credentials: invalid username or password"}"#;

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainError {
    message: String,
}

fn response(status: u16, body: &'static [u8]) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("request-id", "0123456789abcdef")
        .body(Bytes::from_static(body))
        .unwrap()
}

/// Header values a hand-written client computes once.
struct HandHeaders {
    authorization: HeaderValue,
    api_key: HeaderValue,
    accept: HeaderValue,
    user_agent: HeaderValue,
    json: HeaderValue,
}

impl HandHeaders {
    fn new(credentials: &Credentials) -> Self {
        Self {
            authorization: credentials.authorization_header().clone(),
            api_key: credentials.api_key_header().clone(),
            accept: HeaderValue::from_static("application/json"),
            user_agent: HeaderValue::from_static(glair_types::USER_AGENT_VALUE),
            json: HeaderValue::from_static("application/json"),
        }
    }

    fn request(&self, method: Method, url: String, body: Bytes) -> Request<Bytes> {
        let mut builder = Request::builder()
            .method(method)
            .uri(url)
            .header(AUTHORIZATION, self.authorization.clone())
            .header("x-api-key", self.api_key.clone())
            .header(ACCEPT, self.accept.clone())
            .header(USER_AGENT, self.user_agent.clone());
        if !body.is_empty() {
            builder = builder.header(CONTENT_TYPE, self.json.clone());
        }
        builder.body(body).unwrap()
    }
}

fn configure() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

fn requests(c: &mut Criterion) {
    let config = ApiConfig::default();
    let credentials = Credentials::new("emulator-api-key", "emulator-user", "emulator-password")
        .expect("valid credentials");
    let hand = HandHeaders::new(&credentials);

    let mut group = c.benchmark_group("create_request");
    group.bench_function("glair_types", |b| {
        b.iter(|| {
            CreatePassiveLivenessSession::new(black_box(SUCCESS_URL))
                .cancel_url(black_box(CANCEL_URL))
                .to_http_request(&config, &credentials)
                .unwrap()
        });
    });
    group.bench_function("validate_only", |b| {
        b.iter(|| {
            CreatePassiveLivenessSession::new(black_box(SUCCESS_URL))
                .cancel_url(black_box(CANCEL_URL))
                .validate()
                .unwrap();
        });
    });
    group.bench_function("http_by_hand", |b| {
        b.iter(|| {
            let body = serde_json::to_vec(&PlainCreate {
                success_url: black_box(SUCCESS_URL),
                cancel_url: Some(black_box(CANCEL_URL)),
            })
            .unwrap();
            hand.request(
                Method::POST,
                format!("{BASE}/face/v1/passive-liveness-sessions"),
                Bytes::from(body),
            )
        });
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| {
            serde_json::to_vec(&PlainCreate {
                success_url: black_box(SUCCESS_URL),
                cancel_url: Some(black_box(CANCEL_URL)),
            })
            .unwrap()
        });
    });
    group.finish();

    let mut group = c.benchmark_group("retrieve_request");
    group.bench_function("glair_types", |b| {
        b.iter(|| {
            let sid = SessionId::new(black_box(SID)).unwrap();
            RetrievePassiveLivenessSession::new(sid)
                .to_http_request(&config, &credentials)
                .unwrap()
        });
    });
    group.bench_function("http_by_hand", |b| {
        b.iter(|| {
            hand.request(
                Method::GET,
                format!(
                    "{BASE}/face/v1/passive-liveness-sessions/{}",
                    black_box(SID)
                ),
                Bytes::new(),
            )
        });
    });
    group.bench_function("format_url", |b| {
        b.iter(|| {
            format!(
                "{BASE}/face/v1/passive-liveness-sessions/{}",
                black_box(SID)
            )
        });
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    for (group_name, body) in [("decode_finished", FINISHED), ("decode_pending", PENDING)] {
        let ok = response(200, body);
        let mut group = c.benchmark_group(group_name);
        group.bench_function("glair_types", |b| {
            b.iter(|| decode_session::<PassiveLiveness>(black_box(&ok)).unwrap());
        });
        group.bench_function("sdk_type_plain", |b| {
            b.iter(|| PassiveLivenessSession::from_json(black_box(ok.body()).clone()).unwrap());
        });
        group.bench_function("serde_json", |b| {
            b.iter(|| serde_json::from_slice::<PlainSession>(black_box(ok.body())).unwrap());
        });
        group.finish();
    }

    let unauthorized = response(401, ERROR);
    let mut group = c.benchmark_group("decode_error");
    group.bench_function("glair_types", |b| {
        b.iter(|| decode_session::<PassiveLiveness>(black_box(&unauthorized)).unwrap_err());
    });
    group.bench_function("serde_json", |b| {
        b.iter(|| serde_json::from_slice::<PlainError>(black_box(unauthorized.body())).unwrap());
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = configure();
    targets = requests, decoding
}
criterion_main!(benches);
