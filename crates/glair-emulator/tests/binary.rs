//! The `glair-emulator` binary: announces itself with one line and serves.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child if a test fails half-way.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Guard, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
        .args(args)
        .env_remove("GLAIR_EMULATOR_ADDR")
        .env_remove("GLAIR_EMULATOR_API_KEY")
        .env_remove("GLAIR_EMULATOR_USERNAME")
        .env_remove("GLAIR_EMULATOR_PASSWORD")
        .env_remove("GLAIR_EMULATOR_OUTCOME")
        .env_remove("GLAIR_EMULATOR_PUBLIC_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (Guard(child), stdout)
}

fn http(addr: &str, request: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn prints_one_listening_line_then_serves() {
    let (mut guard, mut stdout) = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--api-key",
        "k",
        "--username",
        "u",
        "--password",
        "p",
        "--outcome",
        "spoof",
    ]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let url = line
        .strip_suffix('\n')
        .and_then(|l| l.strip_prefix("listening on http://"))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    let addr = url.to_owned();
    assert!(addr.starts_with("127.0.0.1:"));
    assert_ne!(addr, "127.0.0.1:0");

    // base64("u:p") = "dTpw"
    let body = r#"{"success_url":"https://a.example/done"}"#;
    let resp = http(
        &addr,
        &format!(
            "POST /face/v1/passive-liveness-sessions HTTP/1.1\r\nHost: {addr}\r\nx-api-key: k\r\n\
             Authorization: Basic dTpw\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(
        resp.contains(&format!("\"url\":\"http://{addr}/passive-liveness/")),
        "{resp}"
    );
    assert!(resp.to_ascii_lowercase().contains("request-id: "));
    let resp = http(
        &addr,
        &format!("GET /_emulator/stats HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    assert!(resp.starts_with("HTTP/1.1 401"), "{resp}");

    // Graceful stop on SIGTERM; nothing more on stdout.
    let pid = guard.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = guard.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line on stdout");
}

#[test]
fn default_credentials_and_public_url() {
    let (_guard, mut stdout) = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--public-url",
        "https://vision.example.test",
    ]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    // base64("emulator-user:emulator-password")
    let token = "ZW11bGF0b3ItdXNlcjplbXVsYXRvci1wYXNzd29yZA==";
    let body = r#"{"success_url":"https://a.example/done"}"#;
    let resp = http(
        &addr,
        &format!(
            "POST /ocr/v1/ktp-sessions HTTP/1.1\r\nHost: {addr}\r\nx-api-key: emulator-api-key\r\n\
             Authorization: Basic {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(
        resp.contains("\"url\":\"https://vision.example.test/ktp/"),
        "{resp}"
    );
}

#[test]
fn bad_arguments_fail() {
    let out = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
        .args(["--outcome", "maybe"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn limit_flags_are_documented_validated_and_applied() {
    let help = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--max-sessions",
        "--expired-retention-ms",
        "--body-read-timeout-ms",
        "--max-connections",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
    }
    for bad in [
        ["--max-sessions", "0"],
        ["--max-connections", "0"],
        ["--body-read-timeout-ms", "0"],
        ["--max-sessions", "many"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_glair-emulator"))
            .args(bad)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad:?} accepted");
        assert!(out.stdout.is_empty());
    }

    // --max-sessions 1: the second create is refused with 429. (A connection cap of
    // usize::MAX is accepted, not a panic.)
    let max = usize::MAX.to_string();
    let (_guard, mut stdout) = spawn(&[
        "--addr",
        "127.0.0.1:0",
        "--max-sessions",
        "1",
        "--max-connections",
        &max,
    ]);
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    let auth = "x-api-key: emulator-api-key\r\nAuthorization: Basic ZW11bGF0b3ItdXNlcjplbXVsYXRvci1wYXNzd29yZA==\r\n";
    let body = r#"{"success_url":"https://a.example"}"#;
    let create = format!(
        "POST /face/v1/passive-liveness-sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n{auth}\r\n{body}",
        body.len()
    );
    assert!(http(&addr, &create).starts_with("HTTP/1.1 200"));
    let refused = http(&addr, &create);
    assert!(refused.starts_with("HTTP/1.1 429"), "{refused}");
    assert!(refused.contains("maximum of 1 sessions"), "{refused}");
}

/// `--help` names each variable without a value (`[env: NAME]`, never `[env: NAME=]` or the
/// value the environment holds), always before the default, and reads the same whatever the
/// environment holds.
#[test]
fn help_names_the_variables_consistently_and_prints_no_value() {
    let help_with = |vars: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_glair-emulator"));
        cmd.arg("--help");
        for (name, _) in vars {
            cmd.env_remove(name);
        }
        for (name, value) in vars {
            if !value.is_empty() {
                cmd.env(name, value);
            }
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let names = [
        "GLAIR_EMULATOR_ADDR",
        "GLAIR_EMULATOR_API_KEY",
        "GLAIR_EMULATOR_USERNAME",
        "GLAIR_EMULATOR_PASSWORD",
        "GLAIR_EMULATOR_OUTCOME",
        "GLAIR_EMULATOR_PUBLIC_URL",
        "GLAIR_EMULATOR_TLS_CERT",
        "GLAIR_EMULATOR_TLS_KEY",
        "GLAIR_EMULATOR_MAX_SESSIONS",
        "GLAIR_EMULATOR_EXPIRED_RETENTION_MS",
        "GLAIR_EMULATOR_BODY_READ_TIMEOUT_MS",
        "GLAIR_EMULATOR_MAX_CONNECTIONS",
    ];
    let unset: Vec<(&str, &str)> = names.iter().map(|n| (*n, "")).collect();
    let help = help_with(&unset);
    assert!(!help.contains("=]"), "an empty env value:\n{help}");
    for name in names {
        assert!(help.contains(&format!("[env: {name}]")), "{name}:\n{help}");
    }
    // Clap writes each option's brackets after its text; `[env]` always comes first.
    let flat = help.replace('\n', " ");
    for option in flat.split("  --").skip(1) {
        if let (Some(env), Some(default)) = (option.find("[env:"), option.find("[default:")) {
            assert!(env < default, "[default] before [env]: --{option}");
        }
    }
    for (flag, default) in [
        ("--addr", "127.0.0.1:8080"),
        ("--api-key", "emulator-api-key"),
        ("--username", "emulator-user"),
        ("--password", "emulator-password"),
    ] {
        let line = flat
            .split("  --")
            .find(|o| o.starts_with(&flag[2..]))
            .unwrap();
        assert!(line.contains(&format!("[default: {default}]")), "{line}");
    }
    let set: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (*n, "value-from-the-env-7Q"))
        .collect();
    let with_env = help_with(&set);
    assert!(!with_env.contains("value-from-the-env-7Q"), "{with_env}");
    assert_eq!(with_env, help, "the help depends on the environment");
}
