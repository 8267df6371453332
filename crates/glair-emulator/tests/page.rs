//! The hosted page and its submission over real loopback HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bytes::Bytes;
use common::{KINDS, api, create, path_of, send};
use glair_emulator::{Emulator, EmulatorConfig, Outcome};
use serde_json::json;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::new()).await.unwrap()
}

fn image(ct: &str) -> Vec<(String, String)> {
    vec![("content-type".to_owned(), ct.to_owned())]
}

const JPEG: &[u8] = b"\xff\xd8\xff\xe0fake-jpeg-bytes\xff\xd9";

#[tokio::test]
async fn pending_page_has_capture_controls_for_every_kind() {
    let emulator = start().await;
    for (api_path, page) in KINDS {
        let (v, sid) = create(
            &emulator,
            api_path,
            json!({"success_url": "https://a.example/ok"}),
        )
        .await;
        let path = path_of(v["url"].as_str().unwrap());
        assert_eq!(path, format!("/{page}/{sid}"));
        // No credentials needed.
        let r = send(emulator.local_addr(), "GET", &path, &[], Bytes::new()).await;
        assert_eq!(r.status, 200);
        r.assert_request_id();
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(
            r.header("content-security-policy")
                .unwrap()
                .contains("default-src 'none'")
        );
        let html = r.text();
        for needle in [
            "data-testid=\"status\"",
            "data-testid=\"verify\"",
            "data-testid=\"upload\"",
            "accept=\"image/*\"",
            "data-testid=\"error\"",
            "getUserMedia({ video: true })",
            "toBlob(",
            "'image/jpeg'",
            "window.location.assign",
            &format!("/{page}/{sid}/submit"),
        ] {
            assert!(html.contains(needle), "{page}: missing {needle}");
        }
        assert!(
            !html.contains("data-testid=\"cancel\""),
            "no cancel without cancel_url"
        );
        // Self-contained: no external resources.
        for external in [
            "src=\"http",
            "href=\"http",
            "@import",
            "<link rel=\"stylesheet\"",
        ] {
            assert!(!html.contains(external), "{external}");
        }
    }
    let ktp = send(
        emulator.local_addr(),
        "GET",
        &path_of(
            create(
                &emulator,
                "/ocr/v1/ktp-sessions",
                json!({"success_url": "https://a.example"}),
            )
            .await
            .0["url"]
                .as_str()
                .unwrap(),
        ),
        &[],
        Bytes::new(),
    )
    .await;
    assert!(ktp.text().contains("KTP"));
    let active = send(
        emulator.local_addr(),
        "GET",
        &path_of(
            create(
                &emulator,
                "/face/v1/active-liveness-sessions",
                json!({"success_url": "https://a.example"}),
            )
            .await
            .0["url"]
                .as_str()
                .unwrap(),
        ),
        &[],
        Bytes::new(),
    )
    .await;
    assert!(active.text().contains("gesture"));
}

#[tokio::test]
async fn cancel_link_only_with_cancel_url_and_escaped() {
    let emulator = start().await;
    let cancel = "https://a.example/back?x=1&y=\"'><script>alert(1)</script>";
    let (v, _) = create(
        &emulator,
        "/face/v1/passive-liveness-sessions",
        json!({"success_url": "https://a.example/ok?a=<b>", "cancel_url": cancel}),
    )
    .await;
    let html = send(
        emulator.local_addr(),
        "GET",
        &path_of(v["url"].as_str().unwrap()),
        &[],
        Bytes::new(),
    )
    .await
    .text();
    assert!(html.contains("data-testid=\"cancel\""));
    assert!(html.contains(
        "href=\"https://a.example/back?x=1&amp;y=&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""
    ));
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("a=<b>"));
}

#[tokio::test]
async fn submit_completes_and_redirects_with_sid() {
    let emulator = Emulator::start(EmulatorConfig::new().outcome(Outcome::Spoof))
        .await
        .unwrap();
    let (v, sid) = create(
        &emulator,
        "/face/v1/passive-liveness-sessions",
        json!({"success_url": "https://a.example/done?x=1#frag"}),
    )
    .await;
    let page = path_of(v["url"].as_str().unwrap());
    let r = send(
        emulator.local_addr(),
        "POST",
        &format!("{page}/submit"),
        &image("image/jpeg"),
        JPEG,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.assert_request_id();
    assert_eq!(
        r.json(),
        json!({"redirect": format!("https://a.example/done?x=1&sid={sid}#frag")})
    );

    let got = api(
        &emulator,
        "GET",
        &format!("/face/v1/passive-liveness-sessions/{sid}"),
        None,
    )
    .await
    .json();
    assert_eq!(got["status"], "FINISHED");
    assert_eq!(got["result"]["result"]["status"], "HIGH");

    // Finished: the page says so and has no capture; a second submit is 409.
    let r = send(emulator.local_addr(), "GET", &page, &[], Bytes::new()).await;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("This session is already complete"));
    assert!(!html.contains("data-testid=\"verify\"") && !html.contains("data-testid=\"upload\""));
    let r = send(
        emulator.local_addr(),
        "POST",
        &format!("{page}/submit"),
        &image("image/png"),
        JPEG,
    )
    .await;
    assert_eq!(r.status, 409);

    // Without a query string.
    let (v, sid) = create(
        &emulator,
        "/ocr/v1/npwp-sessions",
        json!({"success_url": "http://localhost:3000/cb"}),
    )
    .await;
    let r = send(
        emulator.local_addr(),
        "POST",
        &format!("{}/submit", path_of(v["url"].as_str().unwrap())),
        &image("image/png"),
        JPEG,
    )
    .await;
    assert_eq!(
        r.json()["redirect"],
        format!("http://localhost:3000/cb?sid={sid}")
    );
}

#[tokio::test]
async fn submit_errors() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let (v, _) = create(
        &emulator,
        "/ocr/v1/ktp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    let submit = format!("{}/submit", path_of(v["url"].as_str().unwrap()));

    let r = send(addr, "POST", &submit, &image("application/json"), JPEG).await;
    assert_eq!(r.status, 415);
    r.assert_request_id();
    let r = send(addr, "POST", &submit, &[], JPEG).await;
    assert_eq!(r.status, 415);
    let r = send(addr, "POST", &submit, &image("image/jpeg"), Bytes::new()).await;
    assert_eq!(r.status, 400);
    let big = vec![0u8; 5 * 1024 * 1024 + 1];
    let r = send(addr, "POST", &submit, &image("image/jpeg"), big).await;
    assert_eq!(r.status, 413);
    let r = send(addr, "GET", &submit, &[], Bytes::new()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    let r = send(
        addr,
        "POST",
        "/ktp/nosuchsession/submit",
        &image("image/jpeg"),
        JPEG,
    )
    .await;
    assert_eq!(r.status, 404);
    // Still pending after all that; any image type is fine, up to 5 MiB.
    let r = send(
        addr,
        "POST",
        &submit,
        &image("image/webp"),
        vec![1u8; 5 * 1024 * 1024],
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn expired_sessions_show_expired_and_refuse_submit() {
    let emulator = start().await;
    let (v, sid) = create(
        &emulator,
        "/face/v1/active-liveness-sessions",
        json!({"success_url": "https://a.example", "cancel_url": "https://a.example/c"}),
    )
    .await;
    let page = path_of(v["url"].as_str().unwrap());
    let (v2, sid2) = create(
        &emulator,
        "/face/v1/active-liveness-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    emulator.advance_clock(DAY_MS + 1);

    let r = send(emulator.local_addr(), "GET", &page, &[], Bytes::new()).await;
    assert_eq!(r.status, 410);
    let html = r.text();
    assert!(html.contains("data-testid=\"status\"") && html.contains("This session has expired"));
    assert!(!html.contains("data-testid=\"verify\"") && !html.contains("data-testid=\"upload\""));
    let r = send(
        emulator.local_addr(),
        "POST",
        &format!("{page}/submit"),
        &image("image/jpeg"),
        JPEG,
    )
    .await;
    assert_eq!(r.status, 410);
    // Still retrievable, still PENDING: expiry is derived from `expired`.
    let got = api(
        &emulator,
        "GET",
        &format!("/face/v1/active-liveness-sessions/{sid}"),
        None,
    )
    .await
    .json();
    assert_eq!(got["status"], "PENDING");
    assert!(emulator.now_ms() >= got["expired"].as_u64().unwrap());
    // Control completion is refused as well.
    let r = api(
        &emulator,
        "POST",
        &format!("/_emulator/active-liveness-sessions/{sid2}/complete"),
        None,
    )
    .await;
    assert_eq!(r.status, 410);
    let _ = v2;
}

#[tokio::test]
async fn unknown_pages_are_404_and_methods_405() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    for path in [
        "/passive-liveness/nosuchsid",
        "/ktp/",
        "/npwp",
        "/ktp/abc/other",
        "/ktp/bad%20sid",
    ] {
        let r = send(addr, "GET", path, &[], Bytes::new()).await;
        assert_eq!(r.status, 404, "{path}");
        r.assert_request_id();
        assert!(r.text().contains("Session not found"));
    }
    let (v, _) = create(
        &emulator,
        "/ocr/v1/npwp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    let page = path_of(v["url"].as_str().unwrap());
    let r = send(addr, "POST", &page, &[], Bytes::new()).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));
    let r = send(addr, "HEAD", &page, &[], Bytes::new()).await;
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    // The page of one kind does not show a session of another.
    let r = send(
        addr,
        "GET",
        &page.replace("/npwp/", "/ktp/"),
        &[],
        Bytes::new(),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(emulator.stats().requests_total, 1, "only the create counts");
}

/// The active liveness page shows the gestures it asks for, by their GLAIR codes, as many as
/// `number_of_gestures` (the Java SDK's string form included); no other page lists any.
#[tokio::test]
async fn active_liveness_page_shows_the_gestures_asked_for_by_their_codes() {
    let emulator = start().await;
    const CODES: [&str; 19] = [
        "HAND_00000",
        "HAND_01000",
        "HAND_01100",
        "HAND_01110",
        "HAND_01111",
        "HAND_10000",
        "HAND_11000",
        "HAND_11001",
        "HAND_11111",
        "HEAD_00",
        "HEAD_01",
        "HEAD_10",
        "HEAD_11",
        "HEAD_LEFT",
        "HEAD_RIGHT",
        "HEAD_UP",
        "HEAD_DOWN",
        "HEAD_OPEN_MOUTH",
        "HEAD_CLOSE_MOUTH",
    ];
    for (asked, expected) in [
        (json!(null), 1),
        (json!(2), 2),
        (json!("3"), 3),
        (json!(19), 19),
    ] {
        let mut body = json!({"success_url": "https://a.example/ok"});
        if !asked.is_null() {
            body["number_of_gestures"] = asked.clone();
        }
        let (v, _) = create(&emulator, "/face/v1/active-liveness-sessions", body).await;
        let path = path_of(v["url"].as_str().unwrap());
        let r = send(emulator.local_addr(), "GET", &path, &[], Bytes::new()).await;
        assert_eq!(r.status, 200);
        let html = r.text();
        assert!(html.contains("data-testid=\"gestures\""), "{asked}");
        let shown: Vec<&str> = html
            .split("<li data-gesture=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap())
            .collect();
        assert_eq!(shown.len(), expected, "{asked}: {shown:?}");
        assert!(shown.iter().all(|code| CODES.contains(code)), "{shown:?}");
        for code in &shown {
            assert!(html.contains(&format!("<code>{code}</code>")), "{code}");
        }
        let mut distinct = shown.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            shown.len(),
            "a gesture asked twice: {shown:?}"
        );
        assert_eq!(shown[0], "HEAD_LEFT", "the gesture the result reports");
        assert!(!html.to_lowercase().contains("blink"));
        // The same page asks for the same gestures every time.
        let again = send(emulator.local_addr(), "GET", &path, &[], Bytes::new()).await;
        assert_eq!(again.text(), html);
    }
    // The most the emulator accepts (19, one per GLAIR gesture code): each listed once.
    let (v, _) = create(
        &emulator,
        "/face/v1/active-liveness-sessions",
        json!({"success_url": "https://a.example/ok", "number_of_gestures": 19}),
    )
    .await;
    let html = send(
        emulator.local_addr(),
        "GET",
        &path_of(v["url"].as_str().unwrap()),
        &[],
        Bytes::new(),
    )
    .await
    .text();
    assert_eq!(html.matches("<li data-gesture=\"").count(), 19);
    assert!(!html.contains("gestures-more"), "{html}");
    // The other kinds ask for no gesture.
    for (api_path, _) in KINDS {
        if api_path.contains("active-liveness") {
            continue;
        }
        let (v, _) = create(
            &emulator,
            api_path,
            json!({"success_url": "https://a.example/ok"}),
        )
        .await;
        let html = send(
            emulator.local_addr(),
            "GET",
            &path_of(v["url"].as_str().unwrap()),
            &[],
            Bytes::new(),
        )
        .await
        .text();
        assert!(!html.contains("data-gesture"), "{api_path}");
    }
}
