//! A web application using the SDK: a demo login, a start page that creates a session with a
//! verification ticket bound to the user logged in and redirects the browser to GLAIR's hosted
//! page, a success handler that finishes the check with that ticket (another user opening the
//! same redirect URL is refused), and a cancel handler.
//!
//! ```text
//! cargo run --example webapp            # then open http://127.0.0.1:3000
//! ```
//!
//! With no configuration the GLAIR emulator runs in the same process, so the whole flow works
//! in a local browser (its hosted page uses your camera, or a file upload). With
//! `GLAIR_BASE_URL`, `GLAIR_API_KEY`, `GLAIR_USERNAME` and `GLAIR_PASSWORD` set it uses that
//! server. `WEBAPP_ADDR` changes the listening address (default `127.0.0.1:3000`).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let addr = std::env::var("WEBAPP_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let public_url = format!("http://{}", listener.local_addr()?);

    let (client, emulator) = glair_examples::local::client_from_env_or_emulator().await?;
    if let Some(emulator) = &emulator {
        println!("GLAIR emulator at {}", emulator.base_url());
    }

    println!("Open {public_url}/ in a browser (Ctrl-C to stop)");
    axum::serve(listener, glair_examples::webapp::router(client, public_url))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    Ok(())
}
