//! Using `glair-types` alone, sans-IO: build the request, send it by any means, decode the
//! response. No client, no runtime — here the bytes travel over a plain `std::net` socket.
//!
//! ```text
//! cargo run -p glair-emulator -- --addr 127.0.0.1:8080 &
//! cargo run -p glair-examples --no-default-features --example sans_io
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::time::Duration;

use glair_examples::blocking::StdNetTransport;
use glair_types::{
    ApiConfig, CreatePassiveLivenessSession, Credentials, PassiveLiveness,
    RetrievePassiveLivenessSession, decode_session,
};

fn main() -> Result<(), Box<dyn Error>> {
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let config = ApiConfig::new(&env("GLAIR_BASE_URL", "http://127.0.0.1:8080"))?;
    let credentials = Credentials::new(
        env("GLAIR_API_KEY", "emulator-api-key"),
        env("GLAIR_USERNAME", "emulator-user"),
        env("GLAIR_PASSWORD", "emulator-password"),
    )?;
    // Any way of moving bytes works; this one is a blocking socket.
    let wire = StdNetTransport::new(Duration::from_secs(10));

    // 1. Build the create request: an http::Request<Bytes>, nothing sent yet.
    let request = CreatePassiveLivenessSession::new("https://app.example/done")
        .cancel_url("https://app.example/cancelled")
        .to_http_request(&config, &credentials)?;
    println!("{} {}", request.method(), request.uri());

    // 2. Send it by any means; 3. decode the response.
    let response = wire.send_blocking(&request)?;
    let session = decode_session::<PassiveLiveness>(&response)?;
    let sid = session.sid().clone();
    println!(
        "created {sid} ({}), hosted page {}",
        session.status, session.url
    );

    let request =
        RetrievePassiveLivenessSession::new(sid).to_http_request(&config, &credentials)?;
    let session = decode_session::<PassiveLiveness>(&wire.send_blocking(&request)?)?;
    println!(
        "retrieved: {} (result: {:?})",
        session.status, session.result
    );
    Ok(())
}
