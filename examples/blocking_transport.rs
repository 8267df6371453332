//! A custom transport for a constrained environment: blocking HTTP/1.1 over `std::net`, no
//! async runtime, and the SDK built without its default features (no hyper, rustls or tokio):
//! `glair::blocking::Client` (feature `blocking`) with a `BlockingTransport` of our own.
//!
//! ```text
//! cargo run -p glair-emulator -- --addr 127.0.0.1:8080 &     # a local GLAIR to talk to
//! cargo run -p glair-examples --no-default-features --example blocking_transport
//! ```
//!
//! It reads `GLAIR_BASE_URL` (default `http://127.0.0.1:8080`) and the credentials from
//! `GLAIR_API_KEY`, `GLAIR_USERNAME`, `GLAIR_PASSWORD` (default: the emulator's test
//! credentials). The transport itself is `glair_examples::blocking::StdNetTransport`.
//!
//! Retries and the attempt and operation timeouts all apply, as with the async client: the
//! same engine drives this client, and it hands the transport each attempt's time limit.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use glair::CreatePassiveLivenessSession;
use glair::blocking::Client;
use glair_examples::blocking::StdNetTransport;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("blocking_transport failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), glair::Error> {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let client = Client::builder()
        .base_url(env("GLAIR_BASE_URL", "http://127.0.0.1:8080"))
        .api_key(env("GLAIR_API_KEY", "emulator-api-key"))
        .username(env("GLAIR_USERNAME", "emulator-user"))
        .password(env("GLAIR_PASSWORD", "emulator-password"))
        .transport(StdNetTransport::new(Duration::from_secs(10)))
        // Each attempt may take 10 s, the whole call 20 s, retries included.
        .attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(20))
        .build()?;
    let sessions = client.passive_liveness_sessions();
    let session = sessions.create(CreatePassiveLivenessSession::new(
        "https://app.example/done",
    ))?;
    let sid = session.sid().clone();
    println!("created {sid}: send the user to {}", session.url);
    let again = sessions.retrieve(&sid)?;
    println!("retrieved {sid}: status {}", again.status);
    Ok(())
}
