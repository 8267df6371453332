//! End-to-end tests of the `glair` binary against an in-process `glair-emulator`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::Duration;

use base64::Engine as _;
use glair_emulator::{Emulator, EmulatorConfig, Outcome};
use serde_json::{Map, Value};
use tokio::runtime::Runtime;

const BIN: &str = env!("CARGO_BIN_EXE_glair");
const SUCCESS_URL: &str = "https://app.example/liveness/done";
const CANCEL_URL: &str = "https://app.example/liveness/cancelled";

/// Every variable the binary reads, removed so that the caller's environment cannot leak in.
const VARS: [&str; 16] = [
    "GLAIR_API_KEY",
    "GLAIR_USERNAME",
    "GLAIR_PASSWORD",
    "GLAIR_BASE_URL",
    "GLAIR_API_VERSION",
    "RUST_LOG",
    "GLAIR_CA_CERT",
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUEST_METHOD",
];

/// An emulator serving on its own runtime threads while the test blocks on the binary.
struct Env {
    // Declared first so it is dropped (and stops) before the runtime.
    emulator: Emulator,
    _runtime: Runtime,
}

impl Env {
    fn start() -> Self {
        Self::with(EmulatorConfig::new())
    }

    fn with(config: EmulatorConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Self {
            emulator,
            _runtime: runtime,
        }
    }

    /// The binary with the emulator's credentials and base URL in the environment.
    fn glair(&self) -> Command {
        let mut cmd = bare();
        cmd.env("GLAIR_API_KEY", self.emulator.api_key())
            .env("GLAIR_USERNAME", self.emulator.username())
            .env("GLAIR_PASSWORD", self.emulator.password())
            .env("GLAIR_BASE_URL", self.emulator.base_url());
        cmd
    }

    /// Creates a session of `kind` with the binary and returns its sid.
    fn create(&self, kind: &str) -> String {
        let out = run(self
            .glair()
            .args([kind, "create", "--success-url", SUCCESS_URL]));
        let json = out.json(0);
        json["sid"].as_str().unwrap().to_owned()
    }

    /// Finishes a session as the hosted page would.
    fn complete(&self, kind: &str, sid: &str) {
        assert!(
            self.emulator.complete(kind, sid, Outcome::Live).is_some(),
            "could not complete {kind} {sid}"
        );
    }
}

/// The binary with none of the variables it reads set.
fn bare() -> Command {
    let mut cmd = Command::new(BIN);
    for var in VARS {
        cmd.env_remove(var);
    }
    cmd
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().unwrap();
    Run {
        code: output.status.code().expect("exited by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

impl Run {
    /// Asserts the exit code and that stdout is exactly one JSON object on one line.
    fn json(&self, code: i32) -> Map<String, Value> {
        assert_eq!(self.code, code, "{self:#?}");
        assert!(self.stdout.ends_with('\n'), "{self:#?}");
        assert_eq!(self.stdout.lines().count(), 1, "{self:#?}");
        match serde_json::from_str(&self.stdout) {
            Ok(Value::Object(map)) => map,
            other => panic!("not a JSON object: {other:?}\n{self:#?}"),
        }
    }

    /// Asserts a failure: the exit code, nothing on stdout, and a `glair: ` message on stderr.
    /// Returns the message.
    fn failure(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "{self:#?}");
        assert_eq!(self.stdout, "", "{self:#?}");
        assert!(self.stderr.starts_with("glair: "), "{self:#?}");
        &self.stderr
    }

    /// Like [`Run::failure`], for errors found by the tool (not by clap): exactly one line.
    fn one_line_failure(&self, code: i32) -> &str {
        let message = self.failure(code);
        assert!(message.ends_with('\n'), "{self:#?}");
        assert_eq!(message.lines().count(), 1, "{self:#?}");
        message
    }
}

fn sid_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn create_prints_one_json_object_with_the_sid() {
    let env = Env::start();
    let out = run(env.glair().args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]));
    let json = out.json(0);
    assert_eq!(json["status"], "PENDING");
    assert_eq!(json["success_url"], SUCCESS_URL);
    assert_eq!(json["result"], Value::Null);
    assert!(json["expired"].is_u64(), "{json:?}");
    let url = json["url"].as_str().unwrap();
    let sid = json["sid"].as_str().unwrap();
    assert_eq!(sid, sid_of(url));
    assert_eq!(sid.len(), 32);
    // GLAIR echoes an unset cancel_url as null; a pending session has no verdict.
    assert_eq!(json["cancel_url"], Value::Null, "{json:?}");
    assert!(!json.contains_key("verdict"), "{json:?}");
    assert!(!json.contains_key("wait_outcome"), "{json:?}");
    assert_eq!(out.stderr, "");
}

#[test]
fn create_with_a_cancel_url() {
    let env = Env::start();
    let json = run(env.glair().args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
        "--cancel-url",
        CANCEL_URL,
    ]))
    .json(0);
    assert_eq!(json["cancel_url"], CANCEL_URL);
    assert_eq!(json["status"], "PENDING");
}

#[test]
fn retrieve_shows_the_result_once_finished() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");

    let pending = run(env
        .glair()
        .args(["passive-liveness-sessions", "retrieve", &sid]))
    .json(0);
    assert_eq!(pending["status"], "PENDING");
    assert_eq!(pending["sid"], sid.as_str());

    env.complete("passive-liveness-sessions", &sid);
    let json = run(env
        .glair()
        .args(["passive-liveness-sessions", "retrieve", &sid]))
    .json(0);
    assert_eq!(json["status"], "FINISHED");
    assert_eq!(json["sid"], sid.as_str());
    assert_eq!(json["result"]["status"], "success");
    assert_eq!(json["result"]["result"]["status"], "LOW");
    assert_eq!(json["result"]["result"]["spoof_percentage"], 0.02611);
}

#[test]
fn wait_on_a_finished_session_is_finished() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    env.complete("passive-liveness-sessions", &sid);
    let json = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "50ms",
        "--max-wait",
        "30s",
    ]))
    .json(0);
    assert_eq!(json["wait_outcome"], "finished");
    assert_eq!(json["status"], "FINISHED");
    assert_eq!(json["sid"], sid.as_str());
    assert_eq!(json["result"]["result"]["status"], "LOW");
}

#[test]
fn wait_polls_until_the_session_finishes() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    let json = std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            run(env.glair().args([
                "passive-liveness-sessions",
                "wait",
                &sid,
                "--interval",
                "20ms",
                "--max-wait",
                "60s",
            ]))
        });
        std::thread::sleep(Duration::from_millis(300));
        env.complete("passive-liveness-sessions", &sid);
        waiter.join().unwrap().json(0)
    });
    assert_eq!(json["wait_outcome"], "finished");
    assert_eq!(json["status"], "FINISHED");
    assert!(env.emulator.stats().requests_total >= 2);
}

#[test]
fn wait_times_out_with_exit_code_3_and_still_prints_the_session() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    let out = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "50ms",
        "--max-wait",
        "200ms",
    ]));
    let json = out.json(3);
    assert_eq!(json["wait_outcome"], "timed_out");
    assert_eq!(json["status"], "PENDING");
    assert_eq!(json["sid"], sid.as_str());
}

#[test]
fn wait_on_a_session_that_expires_exits_3_with_the_outcome() {
    let env =
        Env::with(EmulatorConfig::new().session_lifetime(std::time::Duration::from_millis(300)));
    let sid = env.create("passive-liveness-sessions");
    let out = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "50ms",
        "--max-wait",
        "20s",
    ]));
    let json = out.json(3);
    assert_eq!(json["wait_outcome"], "expired");
    assert_eq!(json["status"], "PENDING");
    assert_eq!(json["sid"], sid.as_str());
}

/// The emulator's clock moved past the expiry (as `POST /_emulator/clock/advance` does): the
/// next poll sees it by the emulator's Date header and the wait ends `expired` at once, not at
/// `--max-wait`. (Nothing here times the run: the emulator counts the polls.)
#[test]
fn wait_after_a_clock_advance_past_expiry_exits_3_expired() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    // Past the expiry, within the emulator's retention of expired sessions (1 h by default).
    env.emulator.advance_clock((24 * 3600 + 60) * 1000);
    let out = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "1s",
        "--max-wait",
        "10m",
    ]));
    let json = out.json(3);
    assert_eq!(json["wait_outcome"], "expired");
    assert_eq!(json["status"], "PENDING");
    assert_eq!(
        env.emulator.stats().requests["GET /face/v1/passive-liveness-sessions/{sid}"],
        1,
        "one poll, then expired"
    );
    // A session created after the advance reads 24 hours on the emulator's clock.
    let json = run(env.glair().args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]))
    .json(0);
    let expired = json["expired"].as_u64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    assert!(
        expired > now + 48 * 3600 * 1000,
        "expiry follows the advanced clock"
    );
}

#[test]
fn help_never_prints_a_base_url_password_from_the_environment() {
    for args in [
        &["--help"][..],
        &["passive-liveness-sessions", "create", "--help"][..],
        &["passive-liveness-sessions", "create"][..],
    ] {
        let out = run(bare()
            .env("GLAIR_BASE_URL", "https://user:hunter2@api.example")
            .args(args));
        assert!(!out.stdout.contains("hunter2"), "{args:?}: {}", out.stdout);
        assert!(!out.stderr.contains("hunter2"), "{args:?}: {}", out.stderr);
    }
}

#[test]
fn usage_lines_do_not_show_options_given_by_the_environment() {
    let out = run(bare()
        .env("GLAIR_BASE_URL", "http://127.0.0.1:9")
        .env("GLAIR_API_VERSION", "v1")
        .args(["passive-liveness-sessions", "create"]));
    let message = out.failure(2);
    assert!(message.contains("--success-url"), "{message}");
    assert!(!out.stderr.contains("--base-url"), "{}", out.stderr);
    assert!(!out.stderr.contains("--api-version"), "{}", out.stderr);
}

/// On a terminal (here a pseudo-terminal from util-linux's `script`, part of every Debian
/// system), `wait` shows its progress on stderr; piped, as in every other test, stderr stays
/// empty.
#[test]
fn wait_shows_progress_on_a_terminal_only() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    let glair = env!("CARGO_BIN_EXE_glair");
    let command =
        format!("{glair} passive-liveness-sessions wait {sid} --interval 20ms --max-wait 300ms");
    let out = run(Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("GLAIR_API_KEY", env.emulator.api_key())
        .env("GLAIR_USERNAME", env.emulator.username())
        .env("GLAIR_PASSWORD", env.emulator.password())
        .env("GLAIR_BASE_URL", env.emulator.base_url()));
    assert!(out.stdout.contains("waiting: 1 poll, "), "{out:?}");
    assert!(out.stdout.contains("PENDING"), "{out:?}");
    assert!(
        out.stdout.contains(r#""wait_outcome":"timed_out""#),
        "{out:?}"
    );

    let piped = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "20ms",
        "--max-wait",
        "100ms",
    ]));
    piped.json(3);
    assert_eq!(piped.stderr, "", "nothing on a pipe");
}

#[test]
fn options_win_over_the_environment() {
    let env = Env::start();
    let bogus = format!("http://127.0.0.1:{}", closed_port());
    let json = run(env.glair().env("GLAIR_BASE_URL", &bogus).args([
        "--base-url",
        &env.emulator.base_url(),
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]))
    .json(0);
    assert_eq!(json["status"], "PENDING");

    // Options may also follow the subcommand.
    let sid = json["sid"].as_str().unwrap();
    run(env.glair().env("GLAIR_BASE_URL", &bogus).args([
        "passive-liveness-sessions",
        "retrieve",
        sid,
        "--base-url",
        &env.emulator.base_url(),
    ]))
    .json(0);

    // GLAIR_API_VERSION is read, and --api-version wins over it.
    let out = run(env.glair().env("GLAIR_API_VERSION", "v9").args([
        "passive-liveness-sessions",
        "retrieve",
        sid,
    ]));
    assert!(out.one_line_failure(1).contains("404"), "{out:#?}");
    run(env.glair().env("GLAIR_API_VERSION", "v9").args([
        "--api-version",
        "v1",
        "passive-liveness-sessions",
        "retrieve",
        sid,
    ]))
    .json(0);
}

#[test]
fn missing_credentials_are_a_usage_error_naming_the_variables() {
    let env = Env::start();
    let out = run(env
        .glair()
        .env_remove("GLAIR_API_KEY")
        .env("GLAIR_PASSWORD", "")
        .args(["passive-liveness-sessions", "retrieve", "abc123"]));
    let message = out.one_line_failure(2);
    assert!(message.contains("GLAIR_API_KEY"), "{message}");
    assert!(message.contains("GLAIR_PASSWORD"), "{message}");
    assert!(!message.contains("GLAIR_USERNAME"), "{message}");
    assert_eq!(env.emulator.stats().requests_total, 0);

    let out = run(bare().args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]));
    let message = out.one_line_failure(2);
    for var in ["GLAIR_API_KEY", "GLAIR_USERNAME", "GLAIR_PASSWORD"] {
        assert!(message.contains(var), "{message}");
    }
}

#[test]
fn bad_urls_are_usage_errors() {
    let env = Env::start();
    for args in [
        vec!["--success-url", "not-a-url"],
        vec!["--success-url", "/relative/path"],
        vec!["--success-url", "ftp://app.example/done"],
        vec!["--success-url", SUCCESS_URL, "--cancel-url", "nope"],
    ] {
        let out = run(env
            .glair()
            .args(["passive-liveness-sessions", "create"])
            .args(&args));
        let message = out.one_line_failure(2);
        assert!(message.contains("_url"), "{message}");
    }
    // A base URL that is not a URL, or plain HTTP to a remote host.
    for base in ["nope", "http://api.example.com"] {
        let out = run(env.glair().args([
            "--base-url",
            base,
            "passive-liveness-sessions",
            "retrieve",
            "abc",
        ]));
        assert!(out.one_line_failure(2).contains("base_url"), "{out:#?}");
    }
    assert_eq!(env.emulator.stats().requests_total, 0);
}

#[test]
fn bad_sids_are_usage_errors() {
    let env = Env::start();
    for verb in ["retrieve", "wait"] {
        for sid in ["../x", "a/b", "a b", "abc%2F", ""] {
            let out = run(env.glair().args(["passive-liveness-sessions", verb, sid]));
            let message = out.one_line_failure(2);
            assert!(message.contains("sid"), "{message}");
        }
    }
    assert_eq!(env.emulator.stats().requests_total, 0);
}

#[test]
fn bad_durations_are_usage_errors() {
    let env = Env::start();
    for args in [
        vec![
            "--timeout",
            "5x",
            "passive-liveness-sessions",
            "retrieve",
            "abc",
        ],
        vec![
            "passive-liveness-sessions",
            "retrieve",
            "abc",
            "--timeout",
            "5x",
        ],
        vec![
            "passive-liveness-sessions",
            "wait",
            "abc",
            "--interval",
            "5x",
        ],
        vec![
            "passive-liveness-sessions",
            "wait",
            "abc",
            "--max-wait",
            "5x",
        ],
    ] {
        let out = run(env.glair().args(&args));
        let message = out.failure(2);
        assert!(
            message.contains(
                "invalid duration '5x': use numbers with units, e.g. 500ms, 2s, 1m30s or 1h"
            ),
            "{message}"
        );
    }
    let out = run(env.glair().args([
        "--timeout",
        "0s",
        "passive-liveness-sessions",
        "retrieve",
        "abc",
    ]));
    assert!(out.failure(2).contains("greater than zero"), "{out:#?}");
}

#[test]
fn unknown_subcommands_and_options_are_usage_errors() {
    for args in [
        vec!["bogus-sessions", "create"],
        vec!["passive-liveness-sessions", "delete", "abc"],
        vec!["passive-liveness-sessions", "create"],
        vec![
            "passive-liveness-sessions",
            "create",
            "--success-url",
            SUCCESS_URL,
            "--bogus",
        ],
        vec!["passive-liveness-sessions", "retrieve"],
        vec![
            "passive-liveness-sessions",
            "create",
            "--success-url",
            SUCCESS_URL,
            "--number-of-gestures",
            "2",
        ],
    ] {
        let out = run(bare().args(&args));
        out.failure(2);
    }
    // No command at all: exit 2, the help on stderr.
    let out = run(&mut bare());
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("Usage"), "{out:#?}");
}

#[test]
fn help_and_version_exit_0() {
    let out = run(bare().arg("--help"));
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "");
    for text in [
        "GLAIR_API_KEY",
        "GLAIR_USERNAME",
        "GLAIR_PASSWORD",
        "GLAIR_BASE_URL",
        "GLAIR_API_VERSION",
        "RUST_LOG",
        "Exit status",
        "timed_out",
        "passive-liveness-sessions",
        "active-liveness-sessions",
        "ktp-sessions",
        "npwp-sessions",
    ] {
        assert!(out.stdout.contains(text), "missing {text}:\n{}", out.stdout);
    }
    let out = run(bare().args(["ktp-sessions", "create", "--help"]));
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("--qualities-detector"),
        "{}",
        out.stdout
    );
    let out = run(bare().args(["passive-liveness-sessions", "wait", "--help"]));
    assert_eq!(out.code, 0);
    assert!(out.stdout.contains("Exit status 0"), "{}", out.stdout);

    let out = run(bare().arg("--version"));
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("glair "), "{out:#?}");
}

#[test]
fn wrong_credentials_fail_with_the_status_and_request_id() {
    let env = Env::start();
    let out = run(env.glair().env("GLAIR_PASSWORD", "wrong").args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]));
    let message = out.one_line_failure(1);
    assert!(message.contains("401"), "{message}");
    assert!(message.contains("Request-Id: "), "{message}");
}

#[test]
fn an_unknown_sid_fails_with_the_status_and_request_id() {
    let env = Env::start();
    for verb in ["retrieve", "wait"] {
        let out = run(env.glair().args([
            "passive-liveness-sessions",
            verb,
            "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z",
        ]));
        let message = out.one_line_failure(1);
        assert!(message.contains("404"), "{message}");
        assert!(message.contains("Request-Id: "), "{message}");
    }
    // A sid of another kind is unknown too.
    let sid = env.create("npwp-sessions");
    let out = run(env.glair().args(["ktp-sessions", "retrieve", &sid]));
    assert!(out.one_line_failure(1).contains("404"), "{out:#?}");
}

#[test]
fn an_unreachable_server_fails_with_exit_code_1() {
    let env = Env::start();
    let base = format!("http://127.0.0.1:{}", closed_port());
    for args in [
        vec![
            "passive-liveness-sessions",
            "create",
            "--success-url",
            SUCCESS_URL,
        ],
        vec!["passive-liveness-sessions", "retrieve", "abc123"],
        vec![
            "passive-liveness-sessions",
            "wait",
            "abc123",
            "--interval",
            "20ms",
            "--max-wait",
            "200ms",
        ],
    ] {
        let out = run(env
            .glair()
            .args(["--base-url", &base, "--timeout", "2s"])
            .args(&args));
        out.one_line_failure(1);
    }
}

#[test]
fn no_secrets_in_trace_logs() {
    const API_KEY: &str = "sk-test-KEY-8f3a9c1d2e";
    const USERNAME: &str = "alice-operator";
    const PASSWORD: &str = "pa55-SECRET-w0rd-77";
    const WRONG_PASSWORD: &str = "wrong-SECRET-pass-42";
    let env = Env::with(EmulatorConfig::new().credentials(API_KEY, USERNAME, PASSWORD));
    let basic = |user: &str, pass: &str| {
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    };
    let secrets = [
        API_KEY.to_owned(),
        PASSWORD.to_owned(),
        WRONG_PASSWORD.to_owned(),
        basic(USERNAME, PASSWORD),
        basic(USERNAME, WRONG_PASSWORD),
    ];

    let create = run(env.glair().env("RUST_LOG", "trace").args([
        "passive-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
    ]));
    let sid = create.json(0)["sid"].as_str().unwrap().to_owned();
    env.complete("passive-liveness-sessions", &sid);
    let retrieve = run(env.glair().env("RUST_LOG", "trace").args([
        "passive-liveness-sessions",
        "retrieve",
        &sid,
    ]));
    retrieve.json(0);
    let wait = run(env.glair().env("RUST_LOG", "trace").args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--interval",
        "20ms",
    ]));
    wait.json(0);
    let unauthorized = run(env
        .glair()
        .env("RUST_LOG", "trace")
        .env("GLAIR_PASSWORD", WRONG_PASSWORD)
        .args(["passive-liveness-sessions", "retrieve", &sid]));
    assert_eq!(unauthorized.code, 1);
    assert_eq!(unauthorized.stdout, "");

    for out in [&create, &retrieve, &wait, &unauthorized] {
        // Tracing is on: the SDK's spans show up.
        assert!(out.stderr.contains("glair"), "{out:#?}");
        assert!(out.stderr.lines().count() > 1, "{out:#?}");
        for secret in &secrets {
            assert!(
                !out.stderr.contains(secret.as_str()),
                "{secret} leaked:\n{out:#?}"
            );
            assert!(
                !out.stdout.contains(secret.as_str()),
                "{secret} leaked:\n{out:#?}"
            );
        }
        assert!(!out.stderr.contains("Basic "), "{out:#?}");
    }
    assert!(unauthorized.stderr.contains("401"), "{unauthorized:#?}");
}

#[test]
fn active_liveness_sessions() {
    let env = Env::start();
    for bad in ["0", "-1", "two", "1.5"] {
        let out = run(env.glair().args([
            "active-liveness-sessions",
            "create",
            "--success-url",
            SUCCESS_URL,
            "--number-of-gestures",
            bad,
        ]));
        assert!(out.failure(2).contains("positive integer"), "{out:#?}");
    }
    assert_eq!(env.emulator.stats().requests_total, 0);

    let json = run(env.glair().args([
        "active-liveness-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
        "--number-of-gestures",
        "3",
    ]))
    .json(0);
    assert_eq!(json["number_of_gestures"], 3);
    assert_eq!(json["status"], "PENDING");
    let sid = json["sid"].as_str().unwrap().to_owned();
    env.complete("active-liveness-sessions", &sid);
    let json = run(env
        .glair()
        .args(["active-liveness-sessions", "retrieve", &sid]))
    .json(0);
    assert_eq!(json["status"], "FINISHED");
    assert_eq!(json["number_of_gestures"], 3);
    assert_eq!(json["result"]["result"]["gesture_status"], "MATCH");
    assert_eq!(json["verdict"], "matched");

    // Without the option the field is not sent, and GLAIR echoes its default, 1.
    let sid = env.create("active-liveness-sessions");
    let json = run(env
        .glair()
        .args(["active-liveness-sessions", "retrieve", &sid]))
    .json(0);
    assert_eq!(json["number_of_gestures"], 1, "{json:?}");
}

#[test]
fn ktp_sessions_send_qualities_detector() {
    let env = Env::start();
    let create = |extra: &[&str]| {
        run(env
            .glair()
            .args(["ktp-sessions", "create", "--success-url", SUCCESS_URL])
            .args(extra))
        .json(0)
    };
    assert_eq!(
        create(&["--qualities-detector"])["qualities_detector"],
        true
    );
    assert_eq!(
        create(&["--qualities-detector", "true"])["qualities_detector"],
        true
    );
    assert_eq!(
        create(&["--qualities-detector=false"])["qualities_detector"],
        false
    );
    assert_eq!(
        create(&["--qualities-detector", "false"])["qualities_detector"],
        false
    );
    // Not sent: GLAIR echoes its default.
    assert_eq!(create(&[])["qualities_detector"], false);
    // The bare option may come before other options.
    let json = run(env.glair().args([
        "ktp-sessions",
        "create",
        "--qualities-detector",
        "--success-url",
        SUCCESS_URL,
    ]))
    .json(0);
    assert_eq!(json["qualities_detector"], true);

    let json = create(&["--qualities-detector"]);
    let sid = json["sid"].as_str().unwrap().to_owned();
    env.complete("ktp-sessions", &sid);
    let json = run(env.glair().args(["ktp-sessions", "retrieve", &sid])).json(0);
    assert_eq!(json["status"], "FINISHED");
    assert_eq!(json["qualities_detector"], true);
    assert!(json["result"]["qualities"].is_object(), "{json:?}");
    assert_eq!(json["result"]["read"]["nik"]["value"], "3171011708900001");
    assert_eq!(json["verdict"], "read");

    let out = run(env.glair().args([
        "ktp-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
        "--qualities-detector",
        "yes",
    ]));
    out.failure(2);
}

#[test]
fn npwp_sessions_work() {
    let env = Env::start();
    let json = run(env.glair().args([
        "npwp-sessions",
        "create",
        "--success-url",
        SUCCESS_URL,
        "--cancel-url",
        CANCEL_URL,
    ]))
    .json(0);
    assert_eq!(json["status"], "PENDING");
    assert_eq!(json["cancel_url"], CANCEL_URL);
    assert!(json["url"].as_str().unwrap().contains("/npwp/"), "{json:?}");
    let sid = json["sid"].as_str().unwrap().to_owned();
    env.complete("npwp-sessions", &sid);
    let json = run(env
        .glair()
        .args(["npwp-sessions", "wait", &sid, "--interval", "20ms"]))
    .json(0);
    assert_eq!(json["wait_outcome"], "finished");
    assert_eq!(json["result"]["status"], "SUCCESS");
    assert_eq!(json["verdict"], "read");
}

/// Queues an emulator fault through its control endpoint, over a plain `std::net` request.
fn queue_fault(env: &Env, fault: &Value) {
    post_control(env, "/_emulator/faults", fault);
}

/// Sets the emulator's default outcome for Vision endpoint `id` (e.g. `F1`, `O6`).
fn set_outcome(env: &Env, id: &str, outcome: &str) {
    post_control(
        env,
        &format!("/_emulator/outcomes/{id}"),
        &serde_json::json!({ "outcome": outcome }),
    );
}

/// POSTs `body` to a control endpoint of the emulator, over a plain socket.
fn post_control(env: &Env, path: &str, body: &Value) {
    use std::io::{Read, Write};
    let body = body.to_string();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        env.emulator.username(),
        env.emulator.password()
    ));
    let mut stream = std::net::TcpStream::connect(env.emulator.local_addr()).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nx-api-key: {}\r\nAuthorization: Basic {basic}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        env.emulator.local_addr(),
        env.emulator.api_key(),
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.1 2"),
        "control request refused: {response}"
    );
}

#[test]
fn wait_against_a_server_that_never_answers_times_out_at_max_wait_with_exit_3() {
    let env = Env::start();
    let sid = env.create("passive-liveness-sessions");
    queue_fault(
        &env,
        &serde_json::json!({"kind": "hang", "route": "retrieve", "count": 100}),
    );
    let started = std::time::Instant::now();
    let out = run(env.glair().args([
        "passive-liveness-sessions",
        "wait",
        &sid,
        "--max-wait",
        "2s",
    ]));
    let took = started.elapsed();
    let json = out.json(3);
    assert_eq!(json["wait_outcome"], "timed_out");
    assert_eq!(json["sid"], sid.as_str());
    // Bounded by --max-wait (2 s), not by the 60 s operation timeout of the poll in flight;
    // the slack is for a loaded machine.
    assert!(took >= Duration::from_secs(2), "{took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

// ---- The upload commands (face, identity, ocr) against the emulator's Vision endpoints ----

const NIK: &str = "3171011708900001";
/// The three fields every identity command takes.
const PERSON: [&str; 6] = [
    "--nik",
    NIK,
    "--name",
    "BUDI SANTOSO",
    "--date-of-birth",
    "17-08-1990",
];

/// Files to upload, in a scratch folder removed afterwards.
struct Uploads(std::path::PathBuf);

impl Uploads {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("glair-cli-e2e-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("selfie.jpg"), b"\xFF\xD8\xFF\xE0 a selfie").unwrap();
        std::fs::write(dir.join("scan.pdf"), b"%PDF-1.4 a scan").unwrap();
        Self(dir)
    }

    fn jpg(&self) -> String {
        self.0.join("selfie.jpg").display().to_string()
    }

    fn pdf(&self) -> String {
        self.0.join("scan.pdf").display().to_string()
    }
}

impl Drop for Uploads {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator, and the files the upload commands send.
fn upload_env(test: &str) -> (Env, Uploads) {
    (Env::start(), Uploads::new(test))
}

fn answered(env: &Env, id: &str) -> u64 {
    env.emulator
        .stats()
        .vision_answered
        .get(id)
        .copied()
        .unwrap_or(0)
}

#[test]
fn face_commands_print_the_answer_and_its_verdict() {
    let (env, files) = upload_env("face");
    let jpg = files.jpg();
    let json = run(env
        .glair()
        .args(["face", "match", "--captured", &jpg, "--stored", &jpg]))
    .json(0);
    assert_eq!(json["verdict"], "matched");
    assert_eq!(json["result"]["match_status_code"], "MATCH");
    set_outcome(&env, "F1", "not-match");
    let json = run(env
        .glair()
        .args(["face", "match", "--captured", &jpg, "--stored", &jpg]))
    .json(0);
    assert_eq!(json["verdict"], "not_matched");

    let json = run(env
        .glair()
        .args(["face", "passive-liveness", "--image", &jpg]))
    .json(0);
    assert_eq!(json["verdict"], "live");
    set_outcome(&env, "F2", "no-face");
    let json = run(env
        .glair()
        .args(["face", "passive-liveness", "--image", &jpg]))
    .json(0);
    assert_eq!(json["verdict"], "inconclusive");
    assert!(json["verdict_reason"].is_string(), "{json:?}");

    let json = run(env.glair().args([
        "face",
        "active-liveness",
        "--image",
        &jpg,
        "--gesture-code",
        "head-left",
    ]))
    .json(0);
    assert_eq!(json["verdict"], "matched");
    for id in ["F1", "F2", "F3"] {
        assert!(answered(&env, id) >= 1, "{id}");
    }
}

#[test]
fn identity_commands_send_every_field_given() {
    let (env, files) = upload_env("identity");
    let json = run(env
        .glair()
        .args(["identity", "verification"])
        .args(PERSON)
        .args([
            "--mother-maiden-name",
            "SITI",
            "--place-of-birth",
            "JAKARTA",
        ]))
    .json(0);
    assert_eq!(json["verdict"], "verified");
    // The emulator answers a verdict for each field sent.
    for field in [
        "nik",
        "name",
        "date_of_birth",
        "mother_maiden_name",
        "place_of_birth",
    ] {
        assert!(json["result"].get(field).is_some(), "{field}: {json:?}");
    }
    set_outcome(&env, "I1", "not-verified");
    let json = run(env.glair().args(["identity", "verification"]).args(PERSON)).json(0);
    assert_eq!(json["verdict"], "not_verified");

    let json = run(env
        .glair()
        .args(["identity", "face-verification"])
        .args(PERSON)
        .args(["--face-image", &files.jpg()]))
    .json(0);
    assert_eq!(json["verdict"], "verified");
    assert_eq!((answered(&env, "I1"), answered(&env, "I2")), (2, 1));
}

#[test]
fn every_ocr_command_reads_its_document() {
    let (env, files) = upload_env("ocr");
    let (jpg, pdf) = (files.jpg(), files.pdf());
    let documents: [(&str, &str, &str); 18] = [
        ("ktp", "O1", &jpg),
        ("npwp", "O3", &pdf),
        ("kk", "O4", &jpg),
        ("stnk", "O5", &jpg),
        ("bpkb", "O6", &pdf),
        ("passport", "O7", &jpg),
        ("plate", "O8", &jpg),
        ("sim", "O9", &jpg),
        ("general-document", "O10", &pdf),
        ("invoice", "O11", &pdf),
        ("receipt", "O12", &jpg),
        ("bank-statement", "O13", &pdf),
        ("skpr", "O14", &pdf),
        ("singapore-nric", "O15", &jpg),
        ("singapore-family-pass", "O16", &jpg),
        ("singapore-work-permit", "O17", &jpg),
        ("kitas-kitap", "O18", &jpg),
        ("financial-statement", "O19", &pdf),
    ];
    for (document, id, file) in documents {
        let json = run(env.glair().args(["ocr", document, "--image", file])).json(0);
        assert_eq!(json["status"], "SUCCESS", "{document}: {json:?}");
        assert_eq!(json["verdict"], "read", "{document}: {json:?}");
        assert_eq!(answered(&env, id), 1, "{document}");
    }
    let json = run(env
        .glair()
        .args(["ocr", "ktp", "--image", &jpg, "--qualities"]))
    .json(0);
    assert!(json.contains_key("qualities"), "{json:?}");
    assert_eq!(answered(&env, "O2"), 1);
    run(env
        .glair()
        .args(["ocr", "bpkb", "--image", &pdf, "--page", "2"]))
    .json(0);
    run(env
        .glair()
        .args(["ocr", "general-document", "--image", &jpg, "--table"]))
    .json(0);

    set_outcome(&env, "O1", "wrong-document");
    let json = run(env.glair().args(["ocr", "ktp", "--image", &jpg])).json(0);
    assert_eq!(json["status"], "SUCCESS");
    assert_eq!(json["verdict"], "not_read");
    assert!(json["verdict_reason"].is_string());
}

#[test]
fn upload_failures_keep_the_exit_codes() {
    let (env, files) = upload_env("failures");
    let jpg = files.jpg();
    // Wrong credentials: an API error, exit 1, naming the status.
    let message = run(env
        .glair()
        .env("GLAIR_PASSWORD", "wrong")
        .args(["ocr", "kk", "--image", &jpg]))
    .one_line_failure(1)
    .to_owned();
    assert!(message.contains("401"), "{message}");
    // Processed, then the connection reset: exit 1 and exactly one request.
    queue_fault(
        &env,
        &serde_json::json!({"kind": "reset", "phase": "after", "route": "vision"}),
    );
    run(env
        .glair()
        .args(["face", "passive-liveness", "--image", &jpg]))
    .one_line_failure(1);
    assert_eq!(
        env.emulator
            .stats()
            .requests
            .get("POST /face/v1/passive-liveness"),
        Some(&1)
    );
    // A PDF for a KTP never leaves the machine: exit 2, nothing counted.
    let before = env.emulator.stats().requests_total;
    run(env.glair().args(["ocr", "ktp", "--image", &files.pdf()])).one_line_failure(2);
    assert_eq!(env.emulator.stats().requests_total, before);
}

/// Runs `cmd` with `input` on its standard input.
fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Run {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().expect("exited by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Personal data kept off the command line (and so out of `ps`): `--input FILE` or
/// `--input -` (standard input), a JSON object with GLAIR's field names.
#[test]
fn identity_personal_data_from_a_json_file_or_standard_input() {
    let (env, files) = upload_env("identity-input");
    let person = files.0.join("person.json");
    std::fs::write(
        &person,
        format!(
            r#"{{"nik": "{NIK}", "name": "BUDI SANTOSO", "date_of_birth": "17-08-1990",
                "mother_maiden_name": "SITI", "place_of_birth": "JAKARTA"}}"#
        ),
    )
    .unwrap();
    let person = person.display().to_string();
    let json = run(env
        .glair()
        .args(["identity", "verification", "--input", &person]))
    .json(0);
    assert_eq!(json["verdict"], "verified");
    for field in [
        "nik",
        "name",
        "date_of_birth",
        "mother_maiden_name",
        "place_of_birth",
    ] {
        assert!(json["result"].get(field).is_some(), "{field}: {json:?}");
    }
    let three =
        format!(r#"{{"nik": "{NIK}", "name": "BUDI SANTOSO", "date_of_birth": "17-08-1990"}}"#);
    let json = run_with_stdin(
        env.glair()
            .args(["identity", "verification", "--input", "-"]),
        three.as_bytes(),
    )
    .json(0);
    assert_eq!(json["verdict"], "verified");
    let json = run_with_stdin(
        env.glair().args([
            "identity",
            "face-verification",
            "--input",
            "-",
            "--face-image",
            &files.jpg(),
        ]),
        three.as_bytes(),
    )
    .json(0);
    assert_eq!(json["verdict"], "verified");
    assert_eq!((answered(&env, "I1"), answered(&env, "I2")), (2, 1));

    // Refused before anything is sent, exit 2, naming the problem and never a value.
    let jpg = files.jpg();
    let number_nik = format!(r#"{{"nik": {NIK}}}"#);
    let misspelt = format!(r#"{{"nik": "{NIK}", "nama": "BUDI"}}"#);
    let refusals: [(&[&str], &str, &str); 6] = [
        (
            &["verification", "--input", &person, "--nik", NIK],
            "",
            "--nik",
        ),
        (
            &["verification", "--input", &person, "--rt", "01"],
            "",
            "--rt",
        ),
        (
            &["verification", "--input", "/nonexistent/person.json"],
            "",
            "--input /nonexistent/person.json: cannot open",
        ),
        (
            &["verification", "--input", "-"],
            &number_nik,
            "field \"nik\" must be a string",
        ),
        (
            &["verification", "--input", "-"],
            &misspelt,
            "unknown field \"nama\"",
        ),
        (
            &[
                "face-verification",
                "--input",
                &person,
                "--face-image",
                &jpg,
            ],
            "",
            "\"mother_maiden_name\" is not sent by this command",
        ),
    ];
    for (args, stdin, expected) in refusals {
        let out = run_with_stdin(env.glair().arg("identity").args(args), stdin.as_bytes());
        let message = out.failure(2);
        assert!(message.contains(expected), "{args:?}: {message}");
        if !args.contains(&"--nik") {
            assert!(!message.contains(NIK), "{message}");
        }
    }
    assert_eq!((answered(&env, "I1"), answered(&env, "I2")), (2, 1));

    // The help says which to prefer, and why.
    for command in ["verification", "face-verification"] {
        let out = run(bare().args(["identity", command, "--help"]));
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("--input <FILE>"), "{}", out.stdout);
        assert!(out.stdout.contains("prefer --input"), "{}", out.stdout);
        assert!(out.stdout.contains("`ps`"), "{}", out.stdout);
    }
}

/// A command's help lists its own options under "Options" and the options every command
/// takes under "Global options", never mixed.
#[test]
fn subcommand_help_separates_global_options_from_the_commands_own() {
    const GLOBAL: [&str; 4] = ["--base-url", "--api-version", "--timeout", "--ca-cert"];
    for (command, own) in [
        (&["ocr", "ktp"][..], "--image"),
        (&["identity", "verification"][..], "--nik"),
        (&["face", "match"][..], "--captured"),
        (
            &["passive-liveness-sessions", "create"][..],
            "--success-url",
        ),
        (&["active-liveness-sessions", "wait"][..], "--max-wait"),
    ] {
        for help in ["-h", "--help"] {
            let out = run(bare().args(command).arg(help));
            assert_eq!(out.code, 0, "{out:#?}");
            let (own_part, global_part) = out
                .stdout
                .split_once("\nGlobal options:\n")
                .unwrap_or_else(|| {
                    panic!("{command:?} {help}: no Global options:\n{}", out.stdout)
                });
            // The section ends at the first line not indented (the text after the options).
            let global_part: String = global_part
                .lines()
                .take_while(|line| line.is_empty() || line.starts_with(' '))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(own_part.contains("\nOptions:\n"), "{}", out.stdout);
            assert!(
                own_part.contains(own),
                "{command:?}: {own} not under Options"
            );
            for global in GLOBAL {
                assert!(
                    !own_part.contains(global),
                    "{command:?}: {global} under Options"
                );
                assert!(
                    global_part.contains(global),
                    "{command:?}: {global} missing"
                );
            }
            assert!(
                !global_part.contains(own),
                "{command:?}: {own} under Global options"
            );
        }
    }
}

/// #22: a 2xx answer that differs from the documented shape in a plausible way no longer
/// fails the command (each of these exited 1): it decodes, exits 0, and its verdict is
/// decided from what could be read, never a yes on what could not.
#[test]
fn plausible_variants_of_an_answer_exit_0() {
    let (env, files) = upload_env("variants");
    let jpg = files.jpg();
    let answer_with = |route: &str, body: &str| {
        queue_fault(
            &env,
            &serde_json::json!({
                "kind": "status", "status": 200, "route": route,
                "content_type": "application/json", "body": body,
            }),
        );
    };
    let passive = ["face", "passive-liveness", "--image", jpg.as_str()];
    for (body, verdict) in [
        (
            r#"{"status":"success","result":{"spoof_percentage":26.11,"status":"LOW"}}"#,
            "inconclusive",
        ),
        (
            r#"{"result":{"spoof_percentage":0.02,"status":"LOW"}}"#,
            "inconclusive",
        ),
        (
            r#"{"status":"success","result":{"spoof_percentage":"0.02","status":"LOW"}}"#,
            "live",
        ),
    ] {
        answer_with("vision", body);
        let json = run(env.glair().args(passive)).json(0);
        assert_eq!(json["verdict"], verdict, "{body}: {json:?}");
    }

    answer_with(
        "vision",
        r#"{"status":"success","result":{"gesture_status":1,"detected_gesture":"HEAD_LEFT"}}"#,
    );
    let json = run(env.glair().args([
        "face",
        "active-liveness",
        "--image",
        &jpg,
        "--gesture-code",
        "head-left",
    ]))
    .json(0);
    assert_eq!(json["verdict"], "inconclusive", "{json:?}");
    assert!(
        json["verdict_reason"]
            .as_str()
            .unwrap()
            .contains("result.gesture_status"),
        "{json:?}"
    );

    answer_with(
        "vision",
        r#"{"status":"success","result":{"match_percentage":"0.95","match_status":"match","match_status_code":"MATCH"}}"#,
    );
    let json = run(env
        .glair()
        .args(["face", "match", "--captured", &jpg, "--stored", &jpg]))
    .json(0);
    assert_eq!(json["verdict"], "matched", "{json:?}");
    // The answer is printed as sent.
    assert_eq!(json["result"]["match_percentage"], "0.95");

    for (document, body) in [
        ("plate", r#"{"status":"SUCCESS","read":{"plates":null}}"#),
        (
            "general-document",
            r#"{"status":"SUCCESS","read":{"all_texts":null}}"#,
        ),
    ] {
        answer_with("vision", body);
        let json = run(env.glair().args(["ocr", document, "--image", &jpg])).json(0);
        assert_eq!(json["verdict"], "not_read", "{document}: {json:?}");
    }

    let sid = env.create("passive-liveness-sessions");
    answer_with(
        "retrieve",
        &format!(
            r#"{{"status":"PENDING","expired":1678247333160.0,"url":"https://vision.glair.ai/passive-liveness/{sid}","success_url":"https://app.example/done","result":null}}"#
        ),
    );
    let json = run(env
        .glair()
        .args(["passive-liveness-sessions", "retrieve", &sid]))
    .json(0);
    assert_eq!(json["status"], "PENDING", "{json:?}");
    assert_eq!(json["sid"], sid.as_str());

    // The emulator's receipt sends its totals as text, as the Go SDK types them; they read.
    let json = run(env.glair().args(["ocr", "receipt", "--image", &jpg])).json(0);
    assert_eq!(json["read"]["total_amount"]["value"], "55000", "{json:?}");
    assert_eq!(json["read"]["sub_total_amount"]["value"], "50000");
    assert_eq!(json["read"]["tax_amount"]["value"], 5000);
    assert_eq!(json["verdict"], "read");
}
