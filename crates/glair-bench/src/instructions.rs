//! Instructions per request, the noise-free figure beside the timings: the client process runs
//! under valgrind's callgrind, which counts the instructions it executes whatever else the
//! machine does (`perf stat -e instructions` is not supported on these virtual machines).
//!
//! Each client runs twice with the same warm-up and two measured request counts; the
//! difference in instructions over the difference in requests is the cost of one more request,
//! so start-up, warm-up and shut-down cancel out.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::BoxError;
use crate::client::{Impl, Workload};

/// The concurrency of the counted runs (that of the load targets).
pub(crate) const CONCURRENCY: u32 = 64;
/// Warm-up requests of every counted run.
const WARMUP: u64 = 200;

/// One client's count for one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InstructionCount {
    #[serde(rename = "impl")]
    pub(crate) implementation: String,
    pub(crate) workload: String,
    pub(crate) concurrency: u32,
    /// Measured requests of the short and the long run.
    pub(crate) requests: (u64, u64),
    /// Instructions the whole process executed in each.
    pub(crate) instructions: (u64, u64),
}

impl InstructionCount {
    /// Instructions per request (the slope between the two runs).
    pub(crate) fn per_request(&self) -> Option<f64> {
        let requests = self.requests.1.checked_sub(self.requests.0)?;
        let instructions = self.instructions.1.checked_sub(self.instructions.0)?;
        (requests > 0).then(|| instructions as f64 / requests as f64)
    }
}

/// Whether valgrind can run here.
pub(crate) fn available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Counts `implementation` on `workload` with `short` and `long` measured requests.
pub(crate) fn count(
    bench: &Path,
    scratch: &Path,
    base_url: &str,
    sids_file: &Path,
    implementation: Impl,
    workload: Workload,
    (short, long): (u64, u64),
) -> Result<InstructionCount, BoxError> {
    let run = |requests: u64| -> Result<u64, BoxError> {
        let out = scratch.join(format!(
            "callgrind.{}.{}.{requests}.out",
            implementation.name(),
            workload.name()
        ));
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(bench)
            .args(["client", "--impl", implementation.name()])
            .args(["--base-url", base_url, "--workload", workload.name()])
            .args(["--concurrency", &CONCURRENCY.to_string()])
            .args(["--requests", &requests.to_string()])
            .args(["--warmup", &WARMUP.to_string()])
            .arg("--sids-file")
            .arg(sids_file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(format!("callgrind run exited with {status}").into());
        }
        let text = std::fs::read_to_string(&out)?;
        total_instructions(&text).ok_or_else(|| format!("no totals in {}", out.display()).into())
    };
    let instructions = (run(short)?, run(long)?);
    Ok(InstructionCount {
        implementation: implementation.name().to_owned(),
        workload: workload.name().to_owned(),
        concurrency: CONCURRENCY,
        requests: (short, long),
        instructions,
    })
}

/// The `summary:` (or `totals:`) line of a callgrind output file: instructions executed.
fn total_instructions(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_summary_and_takes_the_slope() {
        let text = "events: Ir\nfn=main\n1 5\nsummary: 123456\ntotals: 123456\n";
        assert_eq!(total_instructions(text), Some(123_456));
        assert_eq!(total_instructions("events: Ir\n"), None);
        let count = InstructionCount {
            implementation: "facade".into(),
            workload: "pairs".into(),
            concurrency: 64,
            requests: (1000, 3000),
            instructions: (50_000_000, 130_000_000),
        };
        assert_eq!(count.per_request(), Some(40_000.0));
    }
}
