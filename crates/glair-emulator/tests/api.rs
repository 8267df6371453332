//! The session API over real loopback HTTP: shapes, errors, stats, concurrency.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use common::{KINDS, api, auth, basic_headers, create, path_of, raw, send};
use glair_emulator::{
    DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, Emulator, EmulatorConfig, Outcome,
};
use serde_json::{Value, json};

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

async fn start() -> Emulator {
    Emulator::start(EmulatorConfig::new()).await.unwrap()
}

fn json_headers(emulator: &Emulator, content_type: &str) -> Vec<(String, String)> {
    let mut h = auth(emulator);
    h.push(("content-type".into(), content_type.into()));
    h
}

#[tokio::test]
async fn create_and_retrieve_every_kind() {
    let emulator = start().await;
    assert_eq!(emulator.api_key(), DEFAULT_API_KEY);
    assert_eq!(emulator.username(), DEFAULT_USERNAME);
    assert_eq!(emulator.password(), DEFAULT_PASSWORD);
    let base = emulator.base_url();
    assert_eq!(base, format!("http://{}", emulator.local_addr()));

    for (api_path, page) in KINDS {
        let before = emulator.now_ms();
        let resp = api(
            &emulator,
            "POST",
            api_path,
            Some(json!({"success_url": "https://a.example/ok", "cancel_url": "https://a.example/no"})),
        )
        .await;
        let after = emulator.now_ms();
        assert_eq!(resp.status, 200, "{api_path}: {}", resp.text());
        resp.assert_request_id();
        assert!(
            resp.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let v = resp.json();
        let obj = v.as_object().unwrap();
        assert_eq!(v["status"], "PENDING");
        assert_eq!(v["success_url"], "https://a.example/ok");
        assert_eq!(v["cancel_url"], "https://a.example/no");
        assert!(obj.contains_key("result") && v["result"].is_null());
        assert!(!obj.contains_key("sid"));
        let expired = v["expired"].as_u64().unwrap();
        assert!(expired >= before + DAY_MS && expired <= after + DAY_MS);
        let url = v["url"].as_str().unwrap();
        let prefix = format!("{base}/{page}/");
        assert!(url.starts_with(&prefix), "{url}");
        let sid = &url[prefix.len()..];
        assert_eq!(sid.len(), 32);
        assert!(sid.bytes().all(|b| b.is_ascii_alphanumeric()));

        let got = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
        assert_eq!(got.status, 200);
        got.assert_request_id();
        assert_eq!(got.json(), v);

        // Without cancel_url the key is echoed as null, as GLAIR does.
        for body in [
            json!({"success_url": "http://localhost/x"}),
            json!({"success_url": "http://localhost/x", "cancel_url": null}),
        ] {
            let (v, sid) = create(&emulator, api_path, body).await;
            assert_eq!(v.get("cancel_url"), Some(&Value::Null), "{v}");
            let got = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
            assert_eq!(got.json().get("cancel_url"), Some(&Value::Null));
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn extras_are_validated_and_echoed() {
    let emulator = start().await;
    let active = "/face/v1/active-liveness-sessions";
    // A number or the Java SDK's decimal string, echoed as a number on create and retrieve;
    // absent: the default, 1.
    for (given, echoed) in [(Some(json!(3)), 3), (Some(json!("3")), 3), (None, 1)] {
        let mut body = json!({"success_url": "https://a.example"});
        if let Some(given) = given {
            body["number_of_gestures"] = given;
        }
        let (v, sid) = create(&emulator, active, body).await;
        assert_eq!(v["number_of_gestures"], echoed, "{v}");
        let got = api(&emulator, "GET", &format!("{active}/{sid}"), None).await;
        assert_eq!(got.json()["number_of_gestures"], echoed);
    }
    for bad in [
        json!(0),
        json!(-2),
        json!(1.5),
        json!("0"),
        json!("3.0"),
        json!("three"),
        json!(false),
    ] {
        let r = api(
            &emulator,
            "POST",
            active,
            Some(json!({"success_url": "https://a.example", "number_of_gestures": bad})),
        )
        .await;
        assert_eq!(r.status, 400);
        assert!(
            r.message().contains("number_of_gestures"),
            "{}",
            r.message()
        );
    }

    let ktp = "/ocr/v1/ktp-sessions";
    for (given, echoed) in [
        (Some(json!(true)), true),
        (Some(json!("true")), true),
        (Some(json!("false")), false),
        (None, false),
    ] {
        let mut body = json!({"success_url": "https://a.example"});
        if let Some(given) = given {
            body["qualities_detector"] = given;
        }
        let (v, sid) = create(&emulator, ktp, body).await;
        assert_eq!(v["qualities_detector"], echoed, "{v}");
        let done = emulator
            .complete("ktp-sessions", &sid, Outcome::Live)
            .unwrap();
        assert_eq!(done["qualities_detector"], echoed);
        assert_eq!(done["result"]["status"], "SUCCESS");
        assert_eq!(done["result"]["read"]["nik"]["value"], "3171011708900001");
        assert_eq!(done["result"].get("qualities").is_some(), echoed, "{done}");
    }
    let r = api(
        &emulator,
        "POST",
        ktp,
        Some(json!({"success_url": "https://a.example", "qualities_detector": "yes"})),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("qualities_detector"));

    // Extras of other kinds are ignored, not echoed.
    let (v, _) = create(
        &emulator,
        "/ocr/v1/npwp-sessions",
        json!({"success_url": "https://a.example", "number_of_gestures": 2}),
    )
    .await;
    assert!(v.get("number_of_gestures").is_none());
}

#[tokio::test]
async fn finished_results_follow_the_outcome() {
    let emulator = start().await;
    let path = "/face/v1/passive-liveness-sessions";
    for (outcome, expected) in [
        (
            Outcome::Live,
            json!({"status":"success","result":{"spoof_percentage":0.02611,"status":"LOW"}}),
        ),
        (
            Outcome::Spoof,
            json!({"status":"success","result":{"spoof_percentage":0.99768,"status":"HIGH"}}),
        ),
        (
            Outcome::NoFace,
            json!({"status":"failed","result":{"spoof_percentage":0,"status":"face not detected"}}),
        ),
    ] {
        let (_, sid) = create(&emulator, path, json!({"success_url": "https://a.example"})).await;
        emulator.complete(path, &sid, outcome).unwrap();
        let v = api(&emulator, "GET", &format!("{path}/{sid}"), None)
            .await
            .json();
        assert_eq!(v["status"], "FINISHED");
        assert_eq!(v["result"], expected);
        // Only once.
        assert!(emulator.complete(path, &sid, outcome).is_none());
    }
    let active = "/face/v1/active-liveness-sessions";
    for (outcome, expected) in [
        (
            Outcome::Live,
            json!({"status":"success","result":{"gesture_status":"MATCH","detected_gesture":"HEAD_LEFT"}}),
        ),
        (
            Outcome::Spoof,
            json!({"status":"success","result":{"gesture_status":"NOT_MATCH","detected_gesture":"HEAD_RIGHT"}}),
        ),
        (
            Outcome::NoFace,
            json!({"status":"failed","result":{"gesture_status":"face not detected","detected_gesture":null}}),
        ),
    ] {
        let (_, sid) = create(
            &emulator,
            active,
            json!({"success_url": "https://a.example", "number_of_gestures": 4}),
        )
        .await;
        let v = emulator
            .complete("active-liveness-sessions", &sid, outcome)
            .unwrap();
        assert_eq!(v["result"], expected);
    }
    let npwp = "/ocr/v1/npwp-sessions";
    for (outcome, status, reason, no_npwp) in [
        (
            Outcome::Live,
            "SUCCESS",
            "File Successfully Read",
            Some("70.943.997.0-437.000"),
        ),
        (
            Outcome::Spoof,
            "SUCCESS",
            "File successfully read. Some fields are invalid.",
            Some(""),
        ),
        (Outcome::NoFace, "FAILED", "File could not be read", None),
    ] {
        let (_, sid) = create(&emulator, npwp, json!({"success_url": "https://a.example"})).await;
        let v = emulator.complete("npwp-sessions", &sid, outcome).unwrap();
        assert_eq!(v["result"]["status"], status);
        assert_eq!(v["result"]["reason"], reason);
        assert_eq!(v["result"]["read"]["noNpwp"]["value"].as_str(), no_npwp);
    }
    let (_, sid) = create(&emulator, npwp, json!({"success_url": "https://a.example"})).await;
    assert!(
        emulator
            .complete("nothing-sessions", &sid, Outcome::Live)
            .is_none()
    );
}

/// The key sets of every kind's finished result, as GLAIR documents them (the facts file:
/// §3.2 passive liveness, §3.3 active liveness, §7.1 KTP with the 8 live-tested quality keys,
/// §7.2 NPWP), checked for every outcome. Written from the facts, not from the SDK's models,
/// so the two cannot agree on the same mistake.
#[tokio::test]
async fn finished_results_have_the_documented_key_sets() {
    fn keys(v: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = v
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        keys
    }
    const KTP_READ: [&str; 17] = [
        "agama",
        "alamat",
        "berlakuHingga",
        "golonganDarah",
        "jenisKelamin",
        "kecamatan",
        "kelurahanDesa",
        "kewarganegaraan",
        "kotaKabupaten",
        "nama",
        "nik",
        "pekerjaan",
        "provinsi",
        "rtRw",
        "statusPerkawinan",
        "tanggalLahir",
        "tempatLahir",
    ];
    const QUALITIES: [&str; 8] = [
        "is_blurred",
        "is_bright",
        "is_copy",
        "is_cropped",
        "is_dark",
        "is_flash",
        "is_ktp",
        "is_rotated",
    ];
    let emulator = start().await;
    for outcome in Outcome::ALL {
        let finish = |path: &'static str, resource: &'static str, body: Value| {
            let emulator = &emulator;
            async move {
                let (_, sid) = create(emulator, path, body).await;
                emulator.complete(resource, &sid, outcome).unwrap()["result"].clone()
            }
        };
        let r = finish(
            "/face/v1/passive-liveness-sessions",
            "passive-liveness-sessions",
            json!({"success_url": "https://a.example"}),
        )
        .await;
        assert_eq!(keys(&r), ["result", "status"]);
        assert_eq!(keys(&r["result"]), ["spoof_percentage", "status"]);
        assert!(["success", "failed"].contains(&r["status"].as_str().unwrap()));

        let r = finish(
            "/face/v1/active-liveness-sessions",
            "active-liveness-sessions",
            json!({"success_url": "https://a.example"}),
        )
        .await;
        assert_eq!(keys(&r), ["result", "status"]);
        assert_eq!(keys(&r["result"]), ["detected_gesture", "gesture_status"]);

        let r = finish(
            "/ocr/v1/ktp-sessions",
            "ktp-sessions",
            json!({"success_url": "https://a.example", "qualities_detector": true}),
        )
        .await;
        let status = r["status"].as_str().unwrap();
        assert!(["SUCCESS", "NO_FILE", "FILE_INVALID_FORMAT", "FAILED"].contains(&status));
        if status == "SUCCESS" {
            assert_eq!(
                keys(&r),
                ["images", "qualities", "read", "reason", "status"]
            );
            let mut read = KTP_READ.to_vec();
            read.sort_unstable();
            assert_eq!(keys(&r["read"]), read);
            for field in KTP_READ {
                assert_eq!(keys(&r["read"][field]), ["confidence", "value"], "{field}");
                assert!(r["read"][field]["value"].is_string());
                assert!(r["read"][field]["confidence"].is_number());
            }
            assert_eq!(keys(&r["images"]), ["photo", "sign"]);
            assert_eq!(keys(&r["qualities"]), QUALITIES);
            assert!(QUALITIES.iter().all(|q| r["qualities"][q].is_boolean()));
        } else {
            assert_eq!(keys(&r), ["reason", "status"]);
        }
        let r = finish(
            "/ocr/v1/ktp-sessions",
            "ktp-sessions",
            json!({"success_url": "https://a.example"}),
        )
        .await;
        assert!(
            r.get("qualities").is_none(),
            "qualities only when requested: {r}"
        );

        let r = finish(
            "/ocr/v1/npwp-sessions",
            "npwp-sessions",
            json!({"success_url": "https://a.example"}),
        )
        .await;
        if r["status"] == "SUCCESS" {
            assert_eq!(keys(&r), ["read", "reason", "status"]);
            assert_eq!(keys(&r["read"]), ["alamat", "nama", "nik", "noNpwp"]);
        } else {
            assert_eq!(r["status"], "FAILED");
            assert_eq!(keys(&r), ["reason", "status"]);
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn authentication_failures_are_401() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let path = "/face/v1/passive-liveness-sessions";
    let body = Bytes::from_static(br#"{"success_url":"https://a.example"}"#);
    let ct = ("content-type".to_owned(), "application/json".to_owned());

    let no_key: Vec<_> = auth(&emulator)
        .into_iter()
        .filter(|(k, _)| k != "x-api-key")
        .chain([ct.clone()])
        .collect();
    let r = send(addr, "POST", path, &no_key, body.clone()).await;
    assert_eq!(r.status, 401);
    r.assert_request_id();
    // GLAIR's documented body, exactly; the emulator's detail rides in a header of its own.
    assert_eq!(
        r.json(),
        json!({"error": "Access to this API has been disallowed"})
    );
    assert!(
        r.auth_problem().contains("missing API key"),
        "{}",
        r.auth_problem()
    );

    let mut wrong_key = basic_headers("nope", DEFAULT_USERNAME, DEFAULT_PASSWORD);
    wrong_key.push(ct.clone());
    let r = send(addr, "POST", path, &wrong_key, body.clone()).await;
    assert_eq!(r.status, 401);
    assert!(r.auth_problem().contains("invalid API key"));

    let no_basic = vec![
        ("x-api-key".to_owned(), DEFAULT_API_KEY.to_owned()),
        ct.clone(),
    ];
    let r = send(addr, "POST", path, &no_basic, body.clone()).await;
    assert_eq!(r.status, 401);
    assert!(r.auth_problem().contains("missing credentials"));

    let mut wrong_pass = basic_headers(DEFAULT_API_KEY, DEFAULT_USERNAME, "guess");
    wrong_pass.push(ct.clone());
    let r = send(addr, "POST", path, &wrong_pass, body.clone()).await;
    assert_eq!(r.status, 401);
    assert!(r.auth_problem().contains("wrong credentials"));
    assert!(r.header("www-authenticate").is_some());
    assert!(!r.text().contains("guess") && !r.text().contains(DEFAULT_PASSWORD));

    let r = send(addr, "GET", &format!("{path}/abc"), &[], Bytes::new()).await;
    assert_eq!(r.status, 401);
    let r = send(addr, "GET", "/_emulator/stats", &[], Bytes::new()).await;
    assert_eq!(r.status, 401);
    assert_eq!(emulator.stats().sessions_created, 0);
}

#[tokio::test]
async fn custom_credentials_replace_the_defaults() {
    let emulator = Emulator::start(EmulatorConfig::new().credentials("k1", "u1", "p1"))
        .await
        .unwrap();
    let path = "/ocr/v1/npwp-sessions";
    let body = Bytes::from_static(br#"{"success_url":"https://a.example"}"#);
    let mut defaults = basic_headers(DEFAULT_API_KEY, DEFAULT_USERNAME, DEFAULT_PASSWORD);
    defaults.push(("content-type".into(), "application/json".into()));
    let r = send(emulator.local_addr(), "POST", path, &defaults, body.clone()).await;
    assert_eq!(r.status, 401);
    let mut custom = basic_headers("k1", "u1", "p1");
    custom.push(("content-type".into(), "application/json".into()));
    let r = send(emulator.local_addr(), "POST", path, &custom, body).await;
    assert_eq!(r.status, 200);
    assert_eq!(emulator.api_key(), "k1");
}

#[tokio::test]
async fn bad_requests_are_400_with_a_reason() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let path = "/face/v1/passive-liveness-sessions";
    let headers = json_headers(&emulator, "application/json");
    let long = format!("https://a.example/{}", "x".repeat(2100));
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not valid JSON"),
        (b"".to_vec(), "not valid JSON"),
        (b"[1,2]".to_vec(), "JSON object"),
        (b"\"https://a.example\"".to_vec(), "JSON object"),
        (b"{}".to_vec(), "missing success_url"),
        (br#"{"success_url":null}"#.to_vec(), "missing success_url"),
        (
            br#"{"success_url":42}"#.to_vec(),
            "success_url must be a string",
        ),
        (
            br#"{"success_url":"not a url"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"/relative"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"ftp://a.example/"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"javascript:alert(1)"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"https://"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"https://a.example/\u0000"}"#.to_vec(),
            "invalid success_url",
        ),
        (
            serde_json::to_vec(&json!({"success_url": long})).unwrap(),
            "invalid success_url",
        ),
        (
            br#"{"success_url":"https://a.example","cancel_url":"nope"}"#.to_vec(),
            "invalid cancel_url",
        ),
        (
            br#"{"success_url":"https://a.example","cancel_url":7}"#.to_vec(),
            "cancel_url must be a string",
        ),
    ];
    for (body, expected) in cases {
        let r = send(addr, "POST", path, &headers, body.clone()).await;
        assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&body));
        r.assert_request_id();
        assert!(
            r.message().contains(expected),
            "{} -> {}",
            String::from_utf8_lossy(&body),
            r.message()
        );
    }
    assert_eq!(emulator.stats().sessions_created, 0);
}

#[tokio::test]
async fn unsupported_media_type_is_415() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let path = "/ocr/v1/ktp-sessions";
    let body = Bytes::from_static(br#"{"success_url":"https://a.example"}"#);
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
    ] {
        let r = send(
            addr,
            "POST",
            path,
            &json_headers(&emulator, ct),
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 415, "{ct}");
        r.assert_request_id();
    }
    let r = send(addr, "POST", path, &auth(&emulator), body.clone()).await;
    assert_eq!(r.status, 415, "missing content type");
    for ct in [
        "application/json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
    ] {
        let r = send(
            addr,
            "POST",
            path,
            &json_headers(&emulator, ct),
            body.clone(),
        )
        .await;
        assert_eq!(r.status, 200, "{ct}");
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let path = "/face/v1/passive-liveness-sessions";
    let mut big = br#"{"success_url":"https://a.example","pad":""#.to_vec();
    big.extend(std::iter::repeat_n(b'a', 70 * 1024));
    big.extend_from_slice(b"\"}");
    let r = send(
        addr,
        "POST",
        path,
        &json_headers(&emulator, "application/json"),
        big,
    )
    .await;
    assert_eq!(r.status, 413);
    r.assert_request_id();

    // Chunked (no Content-Length): the limit applies while reading.
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    for (k, v) in auth(&emulator) {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    for _ in 0..20 {
        bytes.extend_from_slice(format!("{:x}\r\n", 8192).as_bytes());
        bytes.extend(std::iter::repeat_n(b' ', 8192));
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let out = raw(addr, &bytes, Duration::from_secs(5)).await;
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    // Just under the limit is fine.
    let mut ok = br#"{"success_url":"https://a.example","pad":""#.to_vec();
    ok.extend(std::iter::repeat_n(b'a', 60 * 1024));
    ok.extend_from_slice(b"\"}");
    let r = send(
        addr,
        "POST",
        path,
        &json_headers(&emulator, "application/json"),
        ok,
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn unknown_routes_sids_and_versions_are_404() {
    let emulator = start().await;
    // (`/` is the index page, see tests/index.rs.)
    for path in [
        "/face/v1/passive-liveness-sessions/doesnotexist",
        "/face/v2/passive-liveness-sessions",
        "/face/v1/unknown-sessions",
        "/face/v1/passive-liveness-sessions/a/b",
        "/nothing",
    ] {
        let r = api(&emulator, "GET", path, None).await;
        assert_eq!(r.status, 404, "{path}");
        r.assert_request_id();
        assert!(!r.message().is_empty());
    }
    let r = api(&emulator, "GET", "/face/v2/passive-liveness-sessions", None).await;
    assert!(r.message().contains("version"));
    // A sid of another kind is not found.
    let (_, sid) = create(
        &emulator,
        "/ocr/v1/ktp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    let r = api(
        &emulator,
        "GET",
        &format!("/ocr/v1/npwp-sessions/{sid}"),
        None,
    )
    .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn wrong_methods_are_405_with_allow() {
    let emulator = start().await;
    let path = "/face/v1/passive-liveness-sessions";
    for method in ["GET", "PUT", "DELETE"] {
        let r = api(&emulator, method, path, None).await;
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("POST"));
        r.assert_request_id();
    }
    let r = api(&emulator, "POST", &format!("{path}/abc"), Some(json!({}))).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET"));
    let r = api(&emulator, "DELETE", "/_emulator/stats", None).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET"));
    let r = api(&emulator, "GET", "/_emulator/faults", None).await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST, DELETE"));
}

#[tokio::test]
async fn stats_count_api_requests_only() {
    let emulator = start().await;
    let passive = "/face/v1/passive-liveness-sessions";
    let (v, sid) = create(
        &emulator,
        passive,
        json!({"success_url": "https://a.example"}),
    )
    .await;
    create(
        &emulator,
        "/ocr/v1/ktp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    api(&emulator, "GET", &format!("{passive}/{sid}"), None).await;
    api(&emulator, "GET", &format!("{passive}/{sid}"), None).await;
    api(&emulator, "GET", "/nowhere", None).await;
    api(&emulator, "POST", passive, Some(json!({}))).await; // 400, still counted
    send(
        emulator.local_addr(),
        "GET",
        &format!("{passive}/{sid}"),
        &[],
        Bytes::new(),
    )
    .await; // 401, counted
    // Page and control requests are not counted.
    send(
        emulator.local_addr(),
        "GET",
        &path_of(v["url"].as_str().unwrap()),
        &[],
        Bytes::new(),
    )
    .await;
    let over_http = api(&emulator, "GET", "/_emulator/stats", None).await;
    assert_eq!(over_http.status, 200);
    over_http.assert_request_id();
    let s: glair_emulator::Stats = serde_json::from_slice(&over_http.body).unwrap();
    assert_eq!(s, emulator.stats());
    assert_eq!(s.sessions_created, 2);
    assert_eq!(s.sessions_by_kind["passive-liveness-sessions"], 1);
    assert_eq!(s.sessions_by_kind["ktp-sessions"], 1);
    assert_eq!(s.sessions_by_kind["npwp-sessions"], 0);
    assert_eq!(s.requests_total, 7);
    assert_eq!(s.requests["POST /face/v1/passive-liveness-sessions"], 2);
    assert_eq!(s.requests["POST /ocr/v1/ktp-sessions"], 1);
    assert_eq!(
        s.requests["GET /face/v1/passive-liveness-sessions/{sid}"],
        3
    );
    assert_eq!(s.requests["GET (unknown)"], 1);
    let raw: Value = over_http.json();
    for key in [
        "sessions_created",
        "sessions_by_kind",
        "requests_total",
        "requests",
    ] {
        assert!(raw.get(key).is_some(), "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_parallel_creates_are_unique_and_retrievable() {
    let emulator = std::sync::Arc::new(start().await);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let emulator = emulator.clone();
        tasks.push(tokio::spawn(async move {
            let (api_path, _) = KINDS[i % KINDS.len()];
            let (v, sid) = create(
                &emulator,
                api_path,
                json!({"success_url": format!("https://a.example/{i}")}),
            )
            .await;
            (api_path, sid, v)
        }));
    }
    let mut sids = HashSet::new();
    let mut created = Vec::new();
    for t in tasks {
        let (api_path, sid, v) = t.await.unwrap();
        assert!(sids.insert(sid.clone()), "duplicate sid {sid}");
        created.push((api_path, sid, v));
    }
    let mut gets = Vec::new();
    for (api_path, sid, v) in created {
        let emulator = emulator.clone();
        gets.push(tokio::spawn(async move {
            let got = api(&emulator, "GET", &format!("{api_path}/{sid}"), None).await;
            assert_eq!(got.status, 200);
            assert_eq!(got.json(), v);
        }));
    }
    for g in gets {
        g.await.unwrap();
    }
    assert_eq!(emulator.stats().sessions_created, 200);
}

#[tokio::test]
async fn keep_alive_serves_many_requests_on_one_connection() {
    let emulator = start().await;
    let (_, sid) = create(
        &emulator,
        "/ocr/v1/npwp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    let mut one = String::new();
    for (k, v) in auth(&emulator) {
        one.push_str(&format!("{k}: {v}\r\n"));
    }
    let req = format!("GET /ocr/v1/npwp-sessions/{sid} HTTP/1.1\r\nHost: x\r\n{one}\r\n");
    let last = format!(
        "GET /ocr/v1/npwp-sessions/{sid} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{one}\r\n"
    );
    let all = format!("{req}{req}{last}");
    let out = raw(
        emulator.local_addr(),
        all.as_bytes(),
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 3, "{out}");
    let ids: HashSet<_> = out
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("request-id:"))
        .collect();
    assert_eq!(ids.len(), 3, "request ids are unique");
}

#[tokio::test]
async fn clients_disconnecting_mid_request_do_not_break_the_server() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    let mut headers = String::new();
    for (k, v) in auth(&emulator) {
        headers.push_str(&format!("{k}: {v}\r\n"));
    }
    for _ in 0..20 {
        let partial = format!(
            "POST /face/v1/passive-liveness-sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n{headers}\r\n{{\"success_url\":"
        );
        let _ = raw(addr, partial.as_bytes(), Duration::from_millis(1)).await;
        let _ = raw(addr, b"GET /face/v1/passive-liv", Duration::from_millis(1)).await;
        let _ = raw(addr, b"", Duration::from_millis(1)).await;
    }
    let (_, sid) = create(
        &emulator,
        "/face/v1/passive-liveness-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    assert_eq!(sid.len(), 32);
    assert_eq!(emulator.stats().sessions_created, 1);
}

#[tokio::test]
async fn public_url_sets_the_session_url_base() {
    let emulator =
        Emulator::start(EmulatorConfig::new().public_url("https://vision.example.test/"))
            .await
            .unwrap();
    let (v, sid) = create(
        &emulator,
        "/ocr/v1/ktp-sessions",
        json!({"success_url": "https://a.example"}),
    )
    .await;
    assert_eq!(v["url"], format!("https://vision.example.test/ktp/{sid}"));
    assert_eq!(emulator.public_url(), "https://vision.example.test");
    let err = Emulator::start(EmulatorConfig::new().public_url("not a url"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn dropping_the_emulator_stops_the_server() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    drop(emulator);
    // The listener closes promptly.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting after drop");
}

#[tokio::test]
async fn shutdown_is_graceful_and_prompt() {
    let emulator = start().await;
    let addr = emulator.local_addr();
    // An idle keep-alive connection does not hold shutdown up.
    let idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    let started = std::time::Instant::now();
    emulator.shutdown().await;
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(idle);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
