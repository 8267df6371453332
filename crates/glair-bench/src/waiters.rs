//! The scale check's client process (`glair-bench waiters`): one `Sessions::wait` per sid, all
//! at once, with the default [`WaitOptions`] (2 s first interval growing by half to 15 s, 10
//! minutes at most), on the facade's default transport.
//!
//! Protocol with the orchestrator: prints `started` once every wait is running (the
//! orchestrator then completes the sessions after a delay), then one JSON [`WaitersReport`].

use std::path::PathBuf;
use std::time::Instant;

use glair::WaitOptions;
use serde::{Deserialize, Serialize};

use crate::client::{API_KEY, PASSWORD, USERNAME, read_sids};
use crate::{BoxError, procfs};

/// Arguments of `glair-bench waiters`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct WaitersArgs {
    /// The emulator's base URL.
    #[arg(long)]
    pub(crate) base_url: String,
    /// File with one sid per line: each is waited on concurrently.
    #[arg(long)]
    pub(crate) sids_file: PathBuf,
}

/// What the waiters process reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct WaitersReport {
    /// Waits started.
    pub(crate) sessions: u64,
    /// Waits that ended with the session finished.
    pub(crate) finished: u64,
    /// Waits that ended otherwise (expired, timed out) or failed.
    pub(crate) not_finished: u64,
    /// The first failure, for diagnosis.
    pub(crate) first_error: Option<String>,
    /// From starting the waits to the last one ending, seconds.
    pub(crate) wall_s: f64,
    /// Resident memory just before the waits started (client built, runtime up), KiB.
    pub(crate) rss_before_kib: u64,
    /// Peak resident memory of the process, KiB.
    pub(crate) peak_rss_kib: u64,
    /// User + system CPU time while waiting, seconds.
    pub(crate) cpu_s: f64,
}

/// `glair-bench waiters`.
pub(crate) fn run(args: &WaitersArgs) -> Result<WaitersReport, BoxError> {
    let sids = read_sids(&args.sids_file)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let client = glair::Client::builder()
        .api_key(API_KEY)
        .username(USERNAME)
        .password(PASSWORD)
        .base_url(&args.base_url)
        .build()?;
    let sessions = client.passive_liveness_sessions();
    runtime.block_on(async move {
        let rss_before_kib = procfs::rss_kib();
        let cpu_before = procfs::on_cpu_s("self").unwrap_or_default();
        let started = Instant::now();
        let tasks: Vec<_> = sids
            .into_iter()
            .map(|sid| {
                let sessions = sessions.clone();
                tokio::spawn(async move { sessions.wait(sid, WaitOptions::default()).await })
            })
            .collect();
        crate::say_line("started")?;
        let mut report = WaitersReport {
            sessions: tasks.len() as u64,
            finished: 0,
            not_finished: 0,
            first_error: None,
            wall_s: 0.0,
            rss_before_kib,
            peak_rss_kib: 0,
            cpu_s: 0.0,
        };
        for task in tasks {
            let problem = match task.await {
                Ok(Ok(outcome)) if outcome.is_finished() => {
                    report.finished += 1;
                    continue;
                }
                Ok(Ok(outcome)) => format!("wait ended {}", outcome.as_str()),
                Ok(Err(e)) => e.to_string(),
                Err(e) => e.to_string(),
            };
            report.not_finished += 1;
            report.first_error.get_or_insert(problem);
        }
        report.wall_s = started.elapsed().as_secs_f64();
        report.cpu_s = procfs::on_cpu_s("self").unwrap_or_default() - cpu_before;
        report.peak_rss_kib = procfs::peak_rss_kib();
        Ok(report)
    })
}
