//! A custom transport for a constrained environment: blocking HTTP/1.1 over `std::net`, no
//! async runtime, and the SDK built without its default features (no hyper, rustls or tokio).
//!
//! ```text
//! cargo run -p glair-emulator -- --addr 127.0.0.1:8080 &     # a local GLAIR to talk to
//! cargo run -p glair-examples --no-default-features --example blocking_transport
//! ```
//!
//! It reads `GLAIR_BASE_URL` (default `http://127.0.0.1:8080`) and the credentials from
//! `GLAIR_API_KEY`, `GLAIR_USERNAME`, `GLAIR_PASSWORD` (default: the emulator's test
//! credentials). The transport itself is `glair_examples::blocking::StdNetTransport`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;
use std::time::Duration;

use glair::core::SharedSleep;
use glair::{Client, CreatePassiveLivenessSession, TimeoutConfig};
use glair_examples::blocking::{StdNetTransport, ThreadSleep};

fn main() -> ExitCode {
    match pollster::block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("blocking_transport failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), glair::Error> {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let client = Client::builder()
        .base_url(env("GLAIR_BASE_URL", "http://127.0.0.1:8080"))
        .api_key(env("GLAIR_API_KEY", "emulator-api-key"))
        .username(env("GLAIR_USERNAME", "emulator-user"))
        .password(env("GLAIR_PASSWORD", "emulator-password"))
        .transport(StdNetTransport::new(Duration::from_secs(10)))
        // A blocking timer cannot race a request: the socket timeouts bound each attempt, and
        // the timer only paces retries.
        .sleep(SharedSleep::new(ThreadSleep))
        .timeouts(TimeoutConfig {
            connect: Duration::from_secs(10),
            attempt: None,
            operation: None,
        })
        .build()?;
    let sessions = client.passive_liveness_sessions();
    let session = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await?;
    let sid = session.sid().clone();
    println!("created {sid}: send the user to {}", session.url);
    let again = sessions.retrieve(&sid).await?;
    println!("retrieved {sid}: status {}", again.status);
    Ok(())
}
