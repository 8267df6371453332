//! Control endpoints and fault injection over real loopback HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{api, auth, create, try_send};
use glair_emulator::{Emulator, EmulatorConfig, Outcome};
use http_body_util::BodyExt as _;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

const PASSIVE: &str = "/face/v1/passive-liveness-sessions";

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::new()).await.unwrap()
}

async fn fault(emulator: &Emulator, spec: Value) {
    let r = api(emulator, "POST", "/_emulator/faults", Some(spec.clone())).await;
    assert_eq!(r.status, 200, "{spec}: {}", r.text());
    r.assert_request_id();
}

fn create_body() -> Value {
    json!({"success_url": "https://a.example"})
}

#[tokio::test]
async fn complete_endpoint_for_every_kind() {
    let emulator = Emulator::start(EmulatorConfig::new().outcome(Outcome::NoFace))
        .await
        .unwrap();
    for (api_path, _) in common::KINDS {
        let resource = api_path.rsplit('/').next().unwrap();
        let (_, sid) = create(&emulator, api_path, create_body()).await;
        // Default: the configured outcome.
        let r = api(
            &emulator,
            "POST",
            &format!("/_emulator/{resource}/{sid}/complete"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        r.assert_request_id();
        let v = r.json();
        assert_eq!(v["status"], "FINISHED");
        // The face kinds say `failed`, the OCR kinds `FAILED`.
        assert!(
            v["result"]["status"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("failed"),
            "{v}"
        );
        assert_eq!(
            api(&emulator, "GET", &format!("{api_path}/{sid}"), None)
                .await
                .json(),
            v
        );
        let r = api(
            &emulator,
            "POST",
            &format!("/_emulator/{resource}/{sid}/complete"),
            None,
        )
        .await;
        assert_eq!(r.status, 409);
    }
    let (_, sid) = create(&emulator, PASSIVE, create_body()).await;
    let path = format!("/_emulator/passive-liveness-sessions/{sid}/complete");
    let r = api(
        &emulator,
        "POST",
        &path,
        Some(json!({"outcome": "sideways"})),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = api(&emulator, "POST", &path, Some(json!({"outcome": "spoof"}))).await;
    assert_eq!(r.json()["result"]["result"]["status"], "HIGH");
    let r = api(
        &emulator,
        "POST",
        "/_emulator/passive-liveness-sessions/nosuchsid/complete",
        None,
    )
    .await;
    assert_eq!(r.status, 404);
    let r = api(
        &emulator,
        "POST",
        &format!("/_emulator/ktp-sessions/{sid}/complete"),
        None,
    )
    .await;
    assert_eq!(r.status, 404, "a sid of another kind");
    let r = api(&emulator, "GET", &path, None).await;
    assert_eq!(r.status, 405);
    let r = api(&emulator, "GET", "/_emulator/nothing", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(
        emulator.stats().requests_total,
        9,
        "4 creates + 4 retrieves + 1 create; control requests are not counted"
    );
}

#[tokio::test]
async fn clock_advance_endpoint() {
    let emulator = start().await;
    let before = emulator.now_ms();
    let r = api(
        &emulator,
        "POST",
        "/_emulator/clock/advance",
        Some(json!({"ms": 3_600_000})),
    )
    .await;
    assert_eq!(r.status, 200);
    let now = r.json()["now_ms"].as_u64().unwrap();
    assert!(now >= before + 3_600_000 && now < before + 3_700_000);
    let (v, _) = create(&emulator, PASSIVE, create_body()).await;
    assert!(v["expired"].as_u64().unwrap() >= now + 24 * 3_600_000);
    for bad in [json!({}), json!({"ms": -1}), json!({"ms": "1"})] {
        let r = api(&emulator, "POST", "/_emulator/clock/advance", Some(bad)).await;
        assert_eq!(r.status, 400);
    }
}

/// Past year 9999 no HTTP date exists: such an advance is refused, and the emulator goes on
/// answering (it once panicked on every later request).
#[tokio::test]
async fn the_clock_cannot_be_advanced_past_year_9999() {
    let emulator = start().await;
    for ms in [253_402_300_800_000_u64, u64::MAX] {
        let r = api(
            &emulator,
            "POST",
            "/_emulator/clock/advance",
            Some(json!({ "ms": ms })),
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.message().contains("9999"), "{}", r.message());
    }
    let (v, _) = create(&emulator, PASSIVE, create_body()).await;
    assert_eq!(v["status"], "PENDING");
    // The library call stops the clock at the end instead; every answer still has a date.
    emulator.advance_clock(u64::MAX);
    let r = api(&emulator, "GET", "/_emulator/stats", None).await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("date").unwrap().contains("9999"),
        "{:?}",
        r.header("date")
    );
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn status_fault_with_retry_after_and_count() {
    let emulator = start().await;
    fault(
        &emulator,
        json!({"kind": "status", "status": 503, "count": 2, "retry_after_s": 1}),
    )
    .await;
    for _ in 0..2 {
        let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
        assert_eq!(r.status, 503);
        assert_eq!(r.header("retry-after"), Some("1"));
        r.assert_request_id();
        assert!(r.json()["message"].is_string());
    }
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 200);
    let s = emulator.stats();
    assert_eq!(s.sessions_created, 1, "phase before: nothing processed");
    assert_eq!(s.requests["POST /face/v1/passive-liveness-sessions"], 3);

    // Custom body and content type; raw Retry-After.
    fault(&emulator, json!({"kind": "status", "status": 429, "body": "{\"error\":\"slow down\"}", "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"})).await;
    let r = api(&emulator, "GET", &format!("{PASSIVE}/whatever"), None).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json(), json!({"error": "slow down"}));
    assert_eq!(
        r.header("retry-after"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    fault(
        &emulator,
        json!({"kind": "status", "status": 500, "body": "oops", "content_type": "text/plain"}),
    )
    .await;
    let r = api(&emulator, "GET", &format!("{PASSIVE}/whatever"), None).await;
    assert_eq!(
        (r.status, r.text().as_str(), r.header("content-type")),
        (500, "oops", Some("text/plain"))
    );
}

#[tokio::test]
async fn bad_gateway_default_is_html() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "status", "status": 502})).await;
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("502 Bad Gateway"));
    r.assert_request_id();
}

#[tokio::test]
async fn phase_after_processes_the_request_first() {
    let emulator = start().await;
    fault(
        &emulator,
        json!({"kind": "status", "status": 503, "phase": "after", "route": "create"}),
    )
    .await;
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 503);
    assert_eq!(
        emulator.stats().sessions_created,
        1,
        "the session WAS created"
    );

    fault(&emulator, json!({"kind": "reset", "phase": "after"})).await;
    let headers = {
        let mut h = auth(&emulator);
        h.push(("content-type".into(), "application/json".into()));
        h
    };
    let body = Bytes::from(serde_json::to_vec(&create_body()).unwrap());
    let r = try_send(
        emulator.local_addr(),
        "POST",
        PASSIVE,
        &headers,
        body.clone(),
    )
    .await;
    assert!(r.is_err(), "reset gives no response");
    assert_eq!(emulator.stats().sessions_created, 2);

    fault(&emulator, json!({"kind": "reset"})).await;
    let r = try_send(emulator.local_addr(), "POST", PASSIVE, &headers, body).await;
    assert!(r.is_err());
    assert_eq!(
        emulator.stats().sessions_created,
        2,
        "phase before: not created"
    );
}

#[tokio::test]
async fn delay_fault_delays_then_serves() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "delay", "delay_ms": 150})).await;
    let t = Instant::now();
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert_eq!(r.status, 200);
    fault(
        &emulator,
        json!({"kind": "delay", "delay_ms": 100, "phase": "after"}),
    )
    .await;
    let t = Instant::now();
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert!(t.elapsed() >= Duration::from_millis(100));
    assert_eq!(r.status, 200);
    assert_eq!(emulator.stats().sessions_created, 2);
}

#[tokio::test]
async fn malformed_fault_is_truncated_json() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "malformed", "method": "GET"})).await;
    // The POST does not match the GET filter.
    let (_, sid) = create(&emulator, PASSIVE, create_body()).await;
    let r = api(&emulator, "GET", &format!("{PASSIVE}/{sid}"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.text(), "{\"status\":\"PEND");
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    r.assert_request_id();
}

#[tokio::test]
async fn oversized_fault_streams_forever() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "oversized", "route": "retrieve"})).await;
    let stream = tokio::net::TcpStream::connect(emulator.local_addr())
        .await
        .unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut req = http::Request::builder()
        .uri(format!("{PASSIVE}/abc"))
        .header("host", "x");
    for (k, v) in auth(&emulator) {
        req = req.header(k, v);
    }
    let resp = sender
        .send_request(req.body(http_body_util::Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert!(resp.headers().contains_key("request-id"));
    let mut body = resp.into_body();
    let mut seen = 0usize;
    let mut first = Vec::new();
    while seen < 4 * 1024 * 1024 {
        let frame = body.frame().await.unwrap().unwrap();
        if let Some(d) = frame.data_ref() {
            if first.is_empty() {
                first = d.to_vec();
            }
            seen += d.len();
        }
    }
    assert!(first.starts_with(b"{\"status\":"));
    drop(body);
    drop(sender);
    // The server is fine afterwards, and shuts down promptly.
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 200);
    let t = Instant::now();
    emulator.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn hang_fault_never_answers_until_shutdown() {
    let emulator = start().await;
    fault(
        &emulator,
        json!({"kind": "hang", "route": "POST /face/v1/passive-liveness-sessions"}),
    )
    .await;
    let addr = emulator.local_addr();
    let mut headers = auth(&emulator);
    headers.push(("content-type".into(), "application/json".into()));
    let body = Bytes::from(serde_json::to_vec(&create_body()).unwrap());
    let hung = tokio::spawn(async move { try_send(addr, "POST", PASSIVE, &headers, body).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!hung.is_finished(), "hang answered");
    // Other requests are served meanwhile.
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 200);
    assert_eq!(emulator.stats().sessions_created, 1);
    let t = Instant::now();
    emulator.shutdown().await;
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "shutdown waited for the hang"
    );
    let result = tokio::time::timeout(Duration::from_secs(2), hung)
        .await
        .unwrap()
        .unwrap();
    assert!(result.is_err(), "the hung request gets no response");
}

#[tokio::test]
async fn hang_released_when_client_goes_away() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "hang", "count": 3})).await;
    let addr = emulator.local_addr();
    for _ in 0..3 {
        let headers = auth(&emulator);
        let task = tokio::spawn(async move {
            try_send(
                addr,
                "GET",
                &format!("{PASSIVE}/abc"),
                &headers,
                Bytes::new(),
            )
            .await
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        task.abort();
    }
    let r = api(&emulator, "GET", &format!("{PASSIVE}/abc"), None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn faults_queue_in_order_and_clear() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "status", "status": 500})).await;
    fault(&emulator, json!({"kind": "status", "status": 503})).await;
    fault(&emulator, json!({"kind": "status", "status": 429})).await;
    assert_eq!(api(&emulator, "GET", "/x", None).await.status, 500);
    assert_eq!(api(&emulator, "GET", "/x", None).await.status, 503);
    // Control and page requests are never faulted.
    assert_eq!(
        api(&emulator, "GET", "/_emulator/stats", None).await.status,
        200
    );
    let r = api(&emulator, "DELETE", "/_emulator/faults", None).await;
    assert_eq!(r.json(), json!({"cleared": 1}));
    assert_eq!(api(&emulator, "GET", "/x", None).await.status, 404);

    for bad in [
        json!({"kind": "explode"}),
        json!({"kind": "status"}),
        json!({"kind": "status", "status": 700}),
        json!({"kind": "delay"}),
        json!({"kind": "hang", "phase": "during"}),
        json!({"kind": "hang", "route": "/not/a/route"}),
        json!({"kind": "hang", "typo": 1}),
        json!({"kind": "hang", "count": 0}),
    ] {
        let r = api(&emulator, "POST", "/_emulator/faults", Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    // Faults need credentials too.
    let r = common::send(
        emulator.local_addr(),
        "POST",
        "/_emulator/faults",
        &[],
        Bytes::from_static(b"{\"kind\":\"hang\"}"),
    )
    .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn route_filter_targets_one_kind() {
    let emulator = start().await;
    fault(
        &emulator,
        json!({"kind": "status", "status": 503, "route": "/ocr/v1/ktp-sessions", "count": 5}),
    )
    .await;
    let r = api(&emulator, "POST", PASSIVE, Some(create_body())).await;
    assert_eq!(r.status, 200);
    let r = api(
        &emulator,
        "POST",
        "/ocr/v1/ktp-sessions",
        Some(create_body()),
    )
    .await;
    assert_eq!(r.status, 503);
    fault(&emulator, json!({"kind": "status", "status": 504, "route": "/face/v1/passive-liveness-sessions/{sid}"})).await;
    let (_, sid) = create(&emulator, PASSIVE, create_body()).await;
    assert_eq!(
        api(&emulator, "GET", &format!("{PASSIVE}/{sid}"), None)
            .await
            .status,
        504
    );
    assert_eq!(
        api(&emulator, "GET", &format!("{PASSIVE}/{sid}"), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish() {
    let emulator = start().await;
    fault(&emulator, json!({"kind": "delay", "delay_ms": 300_000})).await;
    let addr = emulator.local_addr();
    let mut headers = auth(&emulator);
    headers.push(("content-type".into(), "application/json".into()));
    let body = Bytes::from(serde_json::to_vec(&create_body()).unwrap());
    let in_flight =
        tokio::spawn(async move { try_send(addr, "POST", PASSIVE, &headers, body).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!in_flight.is_finished());
    let t = Instant::now();
    emulator.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(2));
    // The delay is cut short by the shutdown and the request is served normally.
    let resp = in_flight.await.unwrap().unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["status"], "PENDING");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
