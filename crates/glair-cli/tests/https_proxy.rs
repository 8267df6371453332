//! The `glair` binary over HTTPS and through a proxy: `--ca-cert` / `GLAIR_CA_CERT` trust the
//! TLS emulator's generated root, and the proxy variables of the process environment are
//! honoured (the proxy on loopback sees the tunnel; `NO_PROXY` bypasses it). The proxy is
//! the in-process stand-in by default, a real tinyproxy in the ignored twin that `.ci/run`
//! runs with `--ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The integration tests' proxies, shared by path (a test crate cannot depend on it).
#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/src/stand_in_proxy.rs"]
mod stand_in_proxy;
#[allow(dead_code, unreachable_pub)]
#[path = "../../../tests/src/tinyproxy.rs"]
mod tinyproxy;

use std::path::PathBuf;
use std::process::Command;

use glair_emulator::{Emulator, EmulatorConfig, EmulatorTls};
use serde_json::Value;
use tokio::runtime::Runtime;

use stand_in_proxy::StandInProxy;
use tinyproxy::Tinyproxy;

const BIN: &str = env!("CARGO_BIN_EXE_glair");

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

struct Tls {
    emulator: Emulator,
    _runtime: Runtime,
    cert: PathBuf,
}

impl Tls {
    fn start(name: &str) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(Emulator::start(
                EmulatorConfig::new().tls(EmulatorTls::SelfSigned),
            ))
            .unwrap();
        let cert =
            std::env::temp_dir().join(format!("glair-cli-{name}-{}.pem", std::process::id()));
        std::fs::write(&cert, emulator.certificate_pem().unwrap()).unwrap();
        Self {
            emulator,
            _runtime: runtime,
            cert,
        }
    }

    fn glair(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for var in VARS {
            cmd.env_remove(var);
        }
        cmd.env("GLAIR_API_KEY", self.emulator.api_key())
            .env("GLAIR_USERNAME", self.emulator.username())
            .env("GLAIR_PASSWORD", self.emulator.password())
            .env("GLAIR_BASE_URL", self.emulator.base_url());
        cmd
    }
}

impl Drop for Tls {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.cert);
    }
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CREATE: [&str; 4] = [
    "passive-liveness-sessions",
    "create",
    "--success-url",
    "https://app.example/done",
];

#[test]
fn ca_cert_flag_and_variable_trust_the_emulator_root() {
    let tls = Tls::start("ca");
    let (code, stdout, stderr) = run(tls.glair().arg("--ca-cert").arg(&tls.cert).args(CREATE));
    assert_eq!(code, 0, "{stderr}");
    let created: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(created["status"], "PENDING");

    let (code, _, stderr) = run(tls.glair().env("GLAIR_CA_CERT", &tls.cert).args(CREATE));
    assert_eq!(code, 0, "{stderr}");

    // Without it: a TLS failure (exit 1), nothing created.
    let (code, stdout, stderr) = run(tls.glair().args(CREATE));
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("TLS"), "{stderr}");
    assert!(stderr.to_lowercase().contains("certificate"), "{stderr}");
    assert_eq!(tls.emulator.stats().sessions_created, 2);

    // A file that is not a certificate is a usage error naming it (this binary: refused by
    // its size when it is over the 4 MiB bound, else by its content).
    let (code, _, stderr) = run(tls.glair().arg("--ca-cert").arg(BIN).args(CREATE));
    assert_eq!(code, 2);
    assert!(stderr.contains(BIN), "{stderr}");
    assert!(
        stderr.contains("is not usable") || stderr.contains("larger than the limit"),
        "{stderr}"
    );
    // An endless device is refused before it is read (it once grew to gigabytes).
    #[cfg(unix)]
    {
        let (code, _, stderr) = run(tls.glair().arg("--ca-cert").arg("/dev/zero").args(CREATE));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
        let (code, _, stderr) = run(tls.glair().env("GLAIR_CA_CERT", "/dev/zero").args(CREATE));
        assert_eq!(code, 2, "{stderr}");
    }
}

/// What the tests need of a proxy.
trait Proxy {
    fn url(&self) -> String;
    fn requests(&self) -> Vec<String>;
    fn log(&self) -> String;
}

impl Proxy for StandInProxy {
    fn url(&self) -> String {
        StandInProxy::url(self)
    }
    fn requests(&self) -> Vec<String> {
        StandInProxy::requests(self)
    }
    fn log(&self) -> String {
        StandInProxy::log(self)
    }
}

impl Proxy for Tinyproxy {
    fn url(&self) -> String {
        Tinyproxy::url(self)
    }
    fn requests(&self) -> Vec<String> {
        Tinyproxy::requests(self)
    }
    fn log(&self) -> String {
        Tinyproxy::log(self)
    }
}

#[test]
fn the_proxy_variables_are_honoured() {
    proxy_variables_are_honoured("proxy", &StandInProxy::start());
}

#[test]
#[ignore = "needs tinyproxy: run by the `.ci/run` step \"proxy tests against tinyproxy\""]
fn the_proxy_variables_are_honoured_by_tinyproxy() {
    proxy_variables_are_honoured("tinyproxy", &Tinyproxy::start());
}

fn proxy_variables_are_honoured(name: &str, proxy: &impl Proxy) {
    let tls = Tls::start(name);
    let tunnel = format!("CONNECT {} HTTP/1.1", tls.emulator.local_addr());

    let (code, _, stderr) = run(tls
        .glair()
        .env("HTTPS_PROXY", proxy.url())
        .arg("--ca-cert")
        .arg(&tls.cert)
        .args(CREATE));
    assert_eq!(code, 0, "{stderr}");
    assert!(proxy.requests().contains(&tunnel), "{}", proxy.log());
    let tunnels = proxy.requests().len();

    // NO_PROXY covering the emulator: straight there, the proxy sees nothing new.
    let (code, _, stderr) = run(tls
        .glair()
        .env("https_proxy", proxy.url())
        .env("NO_PROXY", "localhost,127.0.0.1")
        .arg("--ca-cert")
        .arg(&tls.cert)
        .args(CREATE));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(proxy.requests().len(), tunnels, "{}", proxy.log());

    // A proxy that is not there: the error names the proxy, never its password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let (code, _, stderr) = run(tls
        .glair()
        .env("HTTPS_PROXY", format!("http://user:pr0xy-SECRET@{closed}"))
        .env("RUST_LOG", "trace")
        .arg("--ca-cert")
        .arg(&tls.cert)
        .args(CREATE));
    assert_eq!(code, 1);
    assert!(
        stderr.contains(&format!("could not connect to proxy {closed}")),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRET"), "{stderr}");

    // A SOCKS proxy is refused up front.
    let (code, _, stderr) = run(tls
        .glair()
        .env("ALL_PROXY", "socks5://127.0.0.1:1080")
        .args(CREATE));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("ALL_PROXY") && stderr.contains("SOCKS"),
        "{stderr}"
    );
}

/// Proxy URLs the red team used: a password holding an unencoded `/`, `#` or `?`, a port out
/// of range. Each is a usage error naming the variable, and no output (trace logs included)
/// holds the password or the port.
#[test]
fn a_bad_proxy_url_never_prints_its_password() {
    let tls = Tls::start("bad-proxy");
    for value in [
        "http://alice:S3cr3tPw/x@127.0.0.1:3128",
        "http://alice:S3cr3tPw#x@127.0.0.1:3128",
        "http://alice:S3cr3tPw?x@127.0.0.1:3128",
        "http://u:S3cr3tPw@127.0.0.1:99999",
        "http://u:S3cr3tPw@127.0.0.1:31a8",
    ] {
        let (code, stdout, stderr) = run(tls
            .glair()
            .env("HTTPS_PROXY", value)
            .env("RUST_LOG", "trace")
            .args(["passive-liveness-sessions", "retrieve", "sid-1"]));
        assert_eq!(code, 2, "{value}: {stderr}");
        assert!(stderr.contains("HTTPS_PROXY"), "{stderr}");
        for secret in ["S3cr3tPw", "99999", "31a8"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{value}: {stdout} {stderr}"
            );
        }
    }
    assert_eq!(tls.emulator.stats().requests_total, 0);
}
