//! `glair-emulator`: run the GLAIR Vision emulator as a standalone server.
//!
//! Prints exactly one line, `listening on http://HOST:PORT` (`https://` with `--tls` or
//! `--tls-cert`), once bound, then serves until Ctrl-C or SIGTERM and shuts down gracefully.
//! See the library documentation for endpoints.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use glair_emulator::{
    DEFAULT_API_KEY, DEFAULT_PASSWORD, DEFAULT_USERNAME, Emulator, EmulatorConfig, EmulatorTls,
    Outcome,
};

/// A local emulator of GLAIR Vision's hosted identity-session API and hosted web pages.
// (Not part of the help:) every option that reads an environment variable says which
// (`[env: NAME]`), before its default (`[default: …]`), both written by clap. The variables'
// values are never printed (`hide_env_values` on every one), so the help reads the same
// whatever the environment holds and shows no secret; a default that is not a value
// (`--public-url`) is said in the text.
#[derive(Debug, Parser)]
#[command(name = "glair-emulator", version, about)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(
        long,
        env = "GLAIR_EMULATOR_ADDR",
        hide_env_values = true,
        default_value = "127.0.0.1:8080"
    )]
    addr: SocketAddr,

    /// API key to accept (x-api-key).
    #[arg(long, env = "GLAIR_EMULATOR_API_KEY", hide_env_values = true,
          default_value = DEFAULT_API_KEY)]
    api_key: String,

    /// Basic-auth username to accept.
    #[arg(long, env = "GLAIR_EMULATOR_USERNAME", hide_env_values = true,
          default_value = DEFAULT_USERNAME)]
    username: String,

    /// Basic-auth password to accept.
    #[arg(long, env = "GLAIR_EMULATOR_PASSWORD", hide_env_values = true,
          default_value = DEFAULT_PASSWORD)]
    password: String,

    /// How sessions end when completed by the hosted page or without an explicit outcome.
    #[arg(long, env = "GLAIR_EMULATOR_OUTCOME", hide_env_values = true, default_value = "live",
          value_parser = ["live", "spoof", "no-face", "moderate", "many-faces"])]
    outcome: String,

    /// Base of the sessions' `url` field; without it, http://HOST:PORT (or https://) of the
    /// bound address.
    #[arg(long, env = "GLAIR_EMULATOR_PUBLIC_URL", hide_env_values = true)]
    public_url: Option<String>,

    /// Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with a self-signed certificate for localhost,
    /// 127.0.0.1 and ::1, generated at start.
    #[arg(long)]
    tls: bool,

    /// With --tls: write the generated certificate (PEM) to PATH before announcing, so that
    /// clients can trust it (e.g. `glair --ca-cert PATH`).
    #[arg(long, value_name = "PATH", requires = "tls")]
    tls_cert_out: Option<PathBuf>,

    /// Serve HTTPS with this certificate chain (PEM, leaf first) instead of a generated one.
    #[arg(
        long,
        value_name = "PATH",
        env = "GLAIR_EMULATOR_TLS_CERT",
        hide_env_values = true,
        requires = "tls_key",
        conflicts_with = "tls"
    )]
    tls_cert: Option<PathBuf>,

    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        value_name = "PATH",
        env = "GLAIR_EMULATOR_TLS_KEY",
        hide_env_values = true,
        requires = "tls_cert"
    )]
    tls_key: Option<PathBuf>,

    #[command(flatten)]
    limits: LimitArgs,
}

/// The server's bounds (see `EmulatorConfig::max_sessions` and the like).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Limits")]
struct LimitArgs {
    /// Most sessions held at once (pending, finished, or expired and retained); at the cap a
    /// create evicts the session that expired first, or else is refused with 429 and
    /// Retry-After.
    #[arg(long, env = "GLAIR_EMULATOR_MAX_SESSIONS", hide_env_values = true, value_name = "N",
          default_value_t = glair_emulator::DEFAULT_MAX_SESSIONS,
          value_parser = positive)]
    max_sessions: usize,

    /// Milliseconds an expired session stays retrievable before it is evicted (then 404); by
    /// default it is kept until the session cap needs its room.
    #[arg(
        long,
        env = "GLAIR_EMULATOR_EXPIRED_RETENTION_MS",
        hide_env_values = true,
        value_name = "MS"
    )]
    expired_retention_ms: Option<u64>,

    /// Milliseconds a client has to send a request body; slower clients get 408 and the
    /// connection is closed.
    #[arg(long, env = "GLAIR_EMULATOR_BODY_READ_TIMEOUT_MS", hide_env_values = true,
          value_name = "MS",
          default_value_t = millis(glair_emulator::DEFAULT_BODY_READ_TIMEOUT),
          value_parser = clap::value_parser!(u64).range(1..))]
    body_read_timeout_ms: u64,

    /// Most connections served at once; further connections wait in the listen backlog until
    /// one closes.
    #[arg(long, env = "GLAIR_EMULATOR_MAX_CONNECTIONS", hide_env_values = true,
          value_name = "N",
          default_value_t = glair_emulator::DEFAULT_MAX_CONNECTIONS,
          value_parser = positive)]
    max_connections: usize,
}

impl LimitArgs {
    fn apply(&self, config: EmulatorConfig) -> EmulatorConfig {
        config
            .max_sessions(self.max_sessions)
            .expired_retention(self.expired_retention_ms.map_or(
                glair_emulator::DEFAULT_EXPIRED_RETENTION,
                Duration::from_millis,
            ))
            .body_read_timeout(Duration::from_millis(self.body_read_timeout_ms))
            .max_connections(self.max_connections)
    }
}

/// A count of at least 1.
fn positive(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The TLS mode the flags ask for, reading the given files.
fn tls_mode(args: &Args) -> Result<Option<EmulatorTls>, String> {
    if args.tls {
        return Ok(Some(EmulatorTls::SelfSigned));
    }
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    let read = |path: &PathBuf, what: &str| {
        std::fs::read(path)
            .map_err(|e| format!("cannot read the TLS {what} {}: {e}", path.display()))
    };
    Ok(Some(EmulatorTls::Pem {
        certificate_chain: read(cert, "certificate")?,
        private_key: read(key, "key")?,
    }))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            complain(&format!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let outcome = match args.outcome.parse::<Outcome>() {
        Ok(o) => o,
        Err(e) => {
            complain(&e.to_string());
            return ExitCode::FAILURE;
        }
    };
    let tls = tls_mode(&args);
    let mut config = EmulatorConfig::new()
        .addr(args.addr)
        .outcome(outcome)
        .credentials(args.api_key, args.username, args.password);
    if let Some(url) = &args.public_url {
        config = config.public_url(url.clone());
    }
    match tls {
        Ok(Some(tls)) => config = config.tls(tls),
        Ok(None) => {}
        Err(e) => {
            complain(&e);
            return ExitCode::FAILURE;
        }
    }
    config = args.limits.apply(config);
    let emulator = match Emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            complain(&format!("cannot start on {}: {e}", args.addr));
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.tls_cert_out, emulator.certificate_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            complain(&format!(
                "cannot write the certificate to {}: {e}",
                path.display()
            ));
            emulator.shutdown().await;
            return ExitCode::FAILURE;
        }
    }
    let mut out = std::io::stdout().lock();
    let announced =
        writeln!(out, "listening on {}", emulator.base_url()).and_then(|()| out.flush());
    drop(out);
    if let Err(e) = announced {
        complain(&format!("cannot write to stdout: {e}"));
        emulator.shutdown().await;
        return ExitCode::FAILURE;
    }
    wait_for_signal().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}

fn complain(msg: &str) {
    let _ = writeln!(std::io::stderr(), "glair-emulator: {msg}");
}

/// Resolve on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
