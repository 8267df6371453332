//! The index page at `/` and its demo button, over real loopback HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bytes::Bytes;
use common::{KINDS, api, path_of, send};
use glair_emulator::{
    DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, Emulator, EmulatorConfig, Outcome,
};

const JPEG: &[u8] = b"\xff\xd8\xff\xe0fake-jpeg-bytes\xff\xd9";

fn form() -> Vec<(String, String)> {
    vec![(
        "content-type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )]
}

#[tokio::test]
async fn index_describes_the_emulator_without_credentials() {
    let emulator = Emulator::start(EmulatorConfig::new()).await.unwrap();
    let r = send(emulator.local_addr(), "GET", "/", &[], Bytes::new()).await;
    assert_eq!(r.status, 200);
    r.assert_request_id();
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        r.header("content-security-policy")
            .unwrap()
            .contains("form-action 'self'")
    );
    let html = r.text();
    assert!(
        html.contains("data-testid=\"title\">glair-emulator"),
        "{html}"
    );
    for needle in [DEFAULT_API_KEY, DEFAULT_USERNAME, DEFAULT_PASSWORD] {
        assert!(html.contains(needle), "default credential {needle} missing");
    }
    for (api_path, page) in KINDS {
        assert!(html.contains(&format!("POST {api_path}")), "{api_path}");
        assert!(html.contains(&format!("/{page}/{{sid}}")), "{page}");
        let resource = api_path.rsplit('/').next().unwrap();
        assert!(html.contains(&format!("data-testid=\"demo-{resource}\"")));
    }
    for endpoint in glair_types::endpoints::ALL
        .iter()
        .filter(|e| e.encoding == glair_types::Encoding::Multipart)
    {
        assert!(
            html.contains(&format!("<code>POST {}</code>", endpoint.path())),
            "{}",
            endpoint.id
        );
    }
    assert!(html.contains("x-emulator-outcome"));
    for control in [
        "/_emulator/clock/advance",
        "/_emulator/faults",
        "/_emulator/stats",
        "/_emulator/outcomes",
    ] {
        assert!(html.contains(control), "{control}");
    }
    assert!(html.contains(&emulator.base_url()));
    // Not an API request: not counted; HEAD works, other methods are 405.
    assert_eq!(emulator.stats().requests_total, 0);
    let r = send(emulator.local_addr(), "HEAD", "/", &[], Bytes::new()).await;
    assert_eq!(r.status, 200);
    let r = send(emulator.local_addr(), "POST", "/", &[], Bytes::new()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn configured_secrets_are_never_shown() {
    let emulator =
        Emulator::start(EmulatorConfig::new().credentials("key-s3cret", "alice", "pass-s3cret"))
            .await
            .unwrap();
    let html = send(emulator.local_addr(), "GET", "/", &[], Bytes::new())
        .await
        .text();
    assert!(!html.contains("key-s3cret") && !html.contains("pass-s3cret"));
    assert!(!html.contains(DEFAULT_API_KEY) && !html.contains(DEFAULT_PASSWORD));
    assert!(html.contains("<code>alice</code>"));
    assert!(html.contains("configured, not shown"));
}

#[tokio::test]
async fn the_demo_button_creates_a_session_and_comes_back_with_its_result() {
    let emulator = Emulator::start(EmulatorConfig::new().outcome(Outcome::Spoof))
        .await
        .unwrap();
    let addr = emulator.local_addr();
    let r = send(
        addr,
        "POST",
        "/_emulator/demo",
        &form(),
        "kind=passive-liveness-sessions",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text());
    let location = r.header("location").unwrap().to_owned();
    let prefix = format!("{}/passive-liveness/", emulator.base_url());
    assert!(location.starts_with(&prefix), "{location}");
    let sid = location[prefix.len()..].to_owned();
    assert_eq!(emulator.stats().sessions_created, 1);

    // The hosted page of a pending session, with a cancel link back to the index.
    let page = path_of(&location);
    let r = send(addr, "GET", &page, &[], Bytes::new()).await;
    assert_eq!(r.status, 200);
    assert!(
        r.text()
            .contains(&format!("href=\"{}/\"", emulator.base_url()))
    );

    // Before the check the index shows it pending; after it, finished, with its result.
    let back = format!("/?kind=passive-liveness-sessions&sid={sid}");
    let html = send(addr, "GET", &back, &[], Bytes::new()).await.text();
    assert!(html.contains("<strong>pending</strong>"), "{html}");
    let ct = vec![("content-type".to_owned(), "image/jpeg".to_owned())];
    let r = send(addr, "POST", &format!("{page}/submit"), &ct, JPEG).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let redirect = r.json()["redirect"].as_str().unwrap().to_owned();
    assert_eq!(redirect, format!("{}{back}", emulator.base_url()));
    let html = send(addr, "GET", &back, &[], Bytes::new()).await.text();
    assert!(html.contains("<strong>finished</strong>"), "{html}");
    assert!(html.contains("&quot;HIGH&quot;"), "{html}");

    // The same sid through the API: an ordinary session.
    let got = api(
        &emulator,
        "GET",
        &format!("/face/v1/passive-liveness-sessions/{sid}"),
        None,
    )
    .await;
    assert_eq!(got.json()["status"], "FINISHED");
}

#[tokio::test]
async fn only_demo_sessions_are_shown_and_bad_demo_requests_fail() {
    let emulator = Emulator::start(EmulatorConfig::new().max_sessions(1))
        .await
        .unwrap();
    let addr = emulator.local_addr();
    // A session created through the API is not shown on the index page.
    let (_, sid) = common::create(
        &emulator,
        KINDS[2].0,
        serde_json::json!({"success_url": "https://a.example"}),
    )
    .await;
    let html = send(
        addr,
        "GET",
        &format!("/?kind=ktp-sessions&sid={sid}"),
        &[],
        Bytes::new(),
    )
    .await
    .text();
    assert!(html.contains("That demo session is not known"), "{html}");
    assert!(!html.contains(&format!("<code>{sid}</code>")));

    let r = send(addr, "POST", "/_emulator/demo", &form(), "kind=nope").await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("unknown kind"));
    // The session cap applies to demo sessions too.
    let r = send(addr, "POST", "/_emulator/demo", &form(), "").await;
    assert_eq!(r.status, 429, "{}", r.text());
    let r = send(addr, "GET", "/_emulator/demo", &[], Bytes::new()).await;
    assert_eq!(r.status, 405);
}
