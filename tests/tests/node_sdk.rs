//! The vendor's official Node SDK, `@glair/vision` (unchanged, from npm), against the emulator:
//! every API method it exposes — `faceBio.*`, `identity.*`, `ocr.*` and the four session
//! kinds — called by `tests/node_sdk/run.mjs`, which also fails when the SDK exposes a method
//! it did not call. This test asserts each answer's shape and that every endpoint the SDK can
//! reach was hit (the emulator's per-route stats).
//!
//! It needs Node.js (18 or later: the SDK uses the global `fetch`) and the package, so it is
//! ignored by default. The version is pinned in one place, `tests/node-sdk-version`, which this
//! test, `glair-bench` and `.ci/run` all read:
//!
//! ```sh
//! mkdir -p target/node-sdk &&
//!     (cd target/node-sdk && npm install "@glair/vision@$(cat ../../tests/node-sdk-version)")
//! GLAIR_NODE_SDK_DIR=$PWD/target/node-sdk \
//!     cargo test -p glair-integration-tests --test node_sdk -- --ignored
//! ```
//!
//! What the SDK (0.0.1-beta.9) cannot reach, whatever the emulator does: SIM, bank statement,
//! SKPR, KITAS/KITAP and financial statement OCR (O9, O13, O14, O18, O19) have no method; BPKB
//! `page` and general-document `table` cannot be sent; `ktpSessions.create` drops
//! `qualities_detector` (the facts' §9). Face match is multipart only in this SDK.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use glair_integration_tests::Harness;
use serde_json::Value;

/// The longest the Node script may take (it makes about 40 loopback calls).
const SCRIPT_LIMIT: Duration = Duration::from_secs(120);

/// The pinned `@glair/vision` version (the file `glair-bench` and `.ci/run` read too).
fn pinned_version() -> &'static str {
    include_str!("../node-sdk-version").trim()
}

/// The Vision endpoints the SDK has a method for.
const REACHED: [&str; 19] = [
    "F1", "F2", "F3", "I1", "I2", "O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8", "O10", "O11",
    "O12", "O15", "O16", "O17",
];
/// The Vision endpoints it has none for.
const UNREACHED: [&str; 5] = ["O9", "O13", "O14", "O18", "O19"];

fn sdk_dir() -> PathBuf {
    let dir = std::env::var_os("GLAIR_NODE_SDK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "set GLAIR_NODE_SDK_DIR to a folder where `npm install @glair/vision@{}` ran",
                pinned_version()
            )
        });
    assert!(
        dir.join("node_modules/@glair/vision/package.json")
            .is_file(),
        "{} has no node_modules/@glair/vision (run npm install @glair/vision@{} there)",
        dir.display(),
        pinned_version()
    );
    dir
}

/// Runs the script against the emulator; returns its result file, parsed.
fn run_script(harness: &Harness, sdk: &PathBuf) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_sdk/run.mjs");
    let out_dir = std::env::temp_dir().join(format!("glair-node-sdk-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).unwrap();
    let result_file = out_dir.join("results.json");
    let mut child = Command::new("node")
        .arg(&script)
        .env("GLAIR_NODE_SDK_DIR", sdk)
        .env("GLAIR_BASE_URL", harness.emulator.base_url())
        .env("GLAIR_API_KEY", harness.emulator.api_key())
        .env("GLAIR_USERNAME", harness.emulator.username())
        .env("GLAIR_PASSWORD", harness.emulator.password())
        .env("GLAIR_RESULT_FILE", &result_file)
        .stdin(Stdio::null())
        // The SDK's create calls console.log their request; keep it out of the test output.
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (install Node.js 18 or later)");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > SCRIPT_LIMIT {
            let _ = child.kill();
            panic!("the Node script took over {SCRIPT_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr).unwrap();
    }
    assert!(
        status.success(),
        "node {}: {status}\n{stderr}",
        script.display()
    );
    let results = std::fs::read(&result_file).unwrap();
    let _ = std::fs::remove_dir_all(&out_dir);
    serde_json::from_slice(&results).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Node.js and the npm package: npm install @glair/vision@<the version in tests/node-sdk-version> into a folder, then GLAIR_NODE_SDK_DIR=<folder> cargo test -p glair-integration-tests --test node_sdk -- --ignored"]
async fn the_official_node_sdk_passes_against_the_emulator() {
    let sdk = sdk_dir();
    let harness = Harness::start().await;
    let report = {
        let harness = &harness;
        tokio::task::block_in_place(|| run_script(harness, &sdk))
    };
    assert_eq!(
        report["sdkVersion"],
        pinned_version(),
        "the version pinned in tests/node-sdk-version (the one the benchmarks use)"
    );
    let not_called = report["notCalled"].as_array().unwrap();
    assert!(
        not_called.is_empty(),
        "SDK methods the script does not call: {not_called:?}"
    );
    let exposed: Vec<&str> = report["exposed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(exposed.len(), 26, "{exposed:?}");

    let results = report["results"].as_array().unwrap();
    let answer = |method: &str| -> &Value {
        let r = results
            .iter()
            .find(|r| r["method"] == method)
            .unwrap_or_else(|| panic!("{method} was not called"));
        assert_eq!(r["ok"], true, "{method}: {r}");
        &r["answer"]
    };
    for r in results {
        assert_eq!(r["ok"], true, "{r}");
    }

    // faceBio.*
    assert_eq!(
        answer("faceBio.match")["result"]["match_status_code"],
        "MATCH"
    );
    assert_eq!(
        answer("faceBio.match[steered]")["result"]["match_status_code"],
        "NOT_MATCH"
    );
    assert_eq!(answer("faceBio.passiveLiveness")["result"]["status"], "LOW");
    let active = answer("faceBio.activeLiveness");
    assert_eq!(active["result"]["gesture_status"], "MATCH");
    assert_eq!(active["result"]["detected_gesture"], "HAND_01100");

    // Sessions: created pending with the kind's extras, finished with a result.
    for (name, extra) in [
        ("faceBio.passiveLivenessSessions", None),
        (
            "faceBio.activeLivenessSessions",
            Some(("number_of_gestures", Value::from(3))),
        ),
        // The SDK drops qualities_detector: the emulator echoes the default.
        (
            "ocr.ktpSessions",
            Some(("qualities_detector", Value::Bool(false))),
        ),
        ("ocr.npwpSessions", None),
    ] {
        let created = answer(&format!("{name}.create"));
        assert_eq!(created["status"], "PENDING", "{name}");
        assert!(
            created["url"]
                .as_str()
                .unwrap()
                .starts_with(&harness.emulator.base_url())
        );
        if let Some((key, value)) = extra {
            assert_eq!(created[key], value, "{name}");
        }
        assert_eq!(
            answer(&format!("{name}.retrieve[pending]"))["result"],
            Value::Null
        );
        let finished = answer(&format!("{name}.retrieve"));
        assert_eq!(finished["status"], "FINISHED", "{name}");
        assert!(finished["result"].is_object(), "{name}: {finished}");
    }

    // identity.*
    let verified = answer("identity.verification");
    assert_eq!(verified["verification_status"], true);
    assert_eq!(verified["result"]["nik"], true);
    let face = answer("identity.faceVerification");
    assert_eq!(face["verification_status"], true);
    assert!(face["result"]["face_image_percentage"].is_number());

    // ocr.*
    for method in [
        "ktp",
        "npwp",
        "kk",
        "stnk",
        "bpkb",
        "passport",
        "licensePlate",
        "generalDocument",
        "invoice",
        "receipt",
        "singaporeNRIC",
        "singaporeFamilyPass",
        "singaporeWorkPermit",
    ] {
        let read = answer(&format!("ocr.{method}"));
        assert_eq!(read["status"], "SUCCESS", "ocr.{method}: {read}");
        assert!(read["read"].is_object(), "ocr.{method}");
    }
    assert_eq!(answer("ocr.ktp")["read"]["nama"]["value"], "BUDI SANTOSO");
    assert!(answer("ocr.ktp")["qualities"].is_null());
    assert_eq!(answer("ocr.ktp[qualities]")["qualities"]["is_ktp"], true);
    assert_eq!(
        answer("ocr.licensePlate")["read"]["plates"][0]["text"],
        "KH 8041 GG"
    );
    // The SDK throws the documented error body.
    assert_eq!(answer("ocr.ktp[gif]")["status"], "FILE_INVALID_FORMAT");

    // Every endpoint the SDK can reach was hit, and answered; the others were not.
    let stats = harness.emulator.stats();
    for id in REACHED {
        assert!(stats.vision_answered[id] > 0, "{id} was not answered");
    }
    for id in UNREACHED {
        assert_eq!(stats.vision_answered[id], 0, "{id}");
    }
    for kind in [
        "face/v1/passive-liveness-sessions",
        "face/v1/active-liveness-sessions",
        "ocr/v1/ktp-sessions",
        "ocr/v1/npwp-sessions",
    ] {
        assert_eq!(stats.requests[&format!("POST /{kind}")], 1, "{kind}");
        assert_eq!(stats.requests[&format!("GET /{kind}/{{sid}}")], 2, "{kind}");
    }
    assert_eq!(stats.sessions_created, 4);
}
