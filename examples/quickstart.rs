//! The quick start: create a passive liveness session, complete the check, read the result.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With no configuration it starts `glair-emulator` in this process (no account, no network)
//! and completes the check the way a user's browser would. With `GLAIR_BASE_URL`,
//! `GLAIR_API_KEY`, `GLAIR_USERNAME` and `GLAIR_PASSWORD` set it talks to that server instead,
//! prints the hosted URL for you to open, and waits for you to take the check
//! (`GLAIR_SUCCESS_URL` sets where GLAIR sends you afterwards).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use glair::{
    CreatePassiveLivenessSession, LivenessVerdict, PassiveLivenessSession, WaitOptions, WaitOutcome,
};
use glair_examples::{SELFIE_JPEG, hosted_page, local};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error + Send + Sync>> {
    let (client, emulator) = local::client_from_env_or_emulator().await?;
    if let Some(emulator) = &emulator {
        println!("Started the GLAIR emulator at {}", emulator.base_url());
    }
    let sessions = client.passive_liveness_sessions();

    let success_url = std::env::var("GLAIR_SUCCESS_URL")
        .unwrap_or_else(|_| "https://app.example/liveness/done?state=quickstart".to_owned());
    let session = sessions
        .create(CreatePassiveLivenessSession::new(success_url))
        .await?;
    let sid = session.sid().clone();
    println!(
        "1. Created passive liveness session {sid} ({})",
        session.status
    );
    println!("   Send the user to: {}", session.url);
    // By GLAIR's clock (its Date header), so a local clock that is off does not mislead.
    let expires_in = session.expires_in().or_else(|| {
        session
            .expires_at()
            .and_then(|at| at.duration_since(SystemTime::now()).ok())
    });
    if let Some(left) = expires_in {
        println!("   It expires in {:.1} hours.", left.as_secs_f64() / 3600.0);
    }

    let finished: PassiveLivenessSession = if emulator.is_some() {
        println!("2. Taking the check as a user would (a selfie sent to the hosted page)...");
        let redirect = hosted_page::complete_with_selfie(&session.url, SELFIE_JPEG).await?;
        println!("   GLAIR redirected the user to: {redirect}");
        // Only the sid is read from that URL; the result comes from GLAIR, server side.
        sessions.retrieve_from_redirect(&redirect).await?
    } else {
        println!("2. Open the URL above and take the check; waiting up to 10 minutes...");
        let options = WaitOptions::new().max_wait(Duration::from_secs(600));
        match sessions.wait(&sid, options).await? {
            WaitOutcome::Finished(session) => session,
            other => return Err(format!("the session ended {}", other.as_str()).into()),
        }
    };

    println!("3. Retrieved the session server side:");
    println!("   status:            {}", finished.status);
    if let Some(result) = &finished.result {
        println!("   check:             {}", result.status);
        match result.spoof_level() {
            Some(level) => println!("   spoof level:       {level}"),
            None => println!("   spoof level:       (none reported)"),
        }
        match result.spoof_probability() {
            Some(p) => println!("   spoof probability: {p}"),
            None => println!("   spoof probability: (none: the check scored no face)"),
        }
    }
    // Decide with the verdict, never with one number: a failed check reports a score of 0.
    match finished.verdict() {
        Some(LivenessVerdict::Live) => println!("4. Verdict: live. Let the user continue."),
        Some(LivenessVerdict::Spoof) => println!("4. Verdict: spoof. Refuse this check."),
        Some(LivenessVerdict::Inconclusive(why)) => {
            println!("4. Verdict: inconclusive ({why}). Ask the user to try again.");
        }
        Some(other) => println!("4. Verdict: {other}. Treat it as not live."),
        None => println!("4. Verdict: none yet (the session is not finished)."),
    }
    if let Some(emulator) = emulator {
        emulator.shutdown().await;
    }
    Ok(())
}
