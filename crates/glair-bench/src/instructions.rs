//! Instructions per request, the noise-free figure beside the timings: the client process runs
//! under valgrind's callgrind, which counts the instructions it executes whatever else the
//! machine does (`perf stat -e instructions` is not supported on these virtual machines).
//!
//! Each client runs twice with the same warm-up and two measured request counts; the
//! difference in instructions over the difference in requests is the cost of one more request,
//! so start-up, warm-up and shut-down cancel out.
//!
//! [`COUNTED`] says which clients are counted on which workload at which concurrency: every
//! client on every workload at concurrency 1 (where the targets are set: one request
//! at a time, so the count is the request's own work), and the async clients again at 64,
//! beside the load cells' CPU figures.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use crate::BoxError;
use crate::client::{Impl, Workload};

/// Every counted cell: (concurrency, clients, workloads), in the order `all` runs them.
pub(crate) const COUNTED: [(u32, &[Impl], &[Workload]); 2] = [
    (
        1,
        &[Impl::Facade, Impl::Raw, Impl::Blocking, Impl::RawBlocking],
        &[Workload::Pairs, Workload::Retrieve, Workload::Upload],
    ),
    (
        64,
        &[Impl::Facade, Impl::Raw],
        &[Workload::Pairs, Workload::Retrieve],
    ),
];

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
    /// Where the long run's instructions went: inclusive counts of named parts, per request
    /// (warm-up included in the division), from `callgrind_annotate --inclusive=yes`.
    #[serde(default)]
    pub(crate) breakdown: Vec<(String, f64)>,
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

/// Counts `implementation` on `workload` at `concurrency` with `short` and `long` measured
/// requests.
pub(crate) fn count(
    bench: &Path,
    scratch: &Path,
    (base_url, sids_file): (&str, &Path),
    (implementation, workload, concurrency): (Impl, Workload, u32),
    (short, long): (u64, u64),
) -> Result<InstructionCount, BoxError> {
    let run = |requests: u64| -> Result<u64, BoxError> {
        let out = run_file(
            scratch,
            implementation.name(),
            workload.name(),
            concurrency,
            requests,
        );
        let status = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(bench)
            .args(["client", "--impl", implementation.name()])
            .args(["--base-url", base_url, "--workload", workload.name()])
            .args(["--concurrency", &concurrency.to_string()])
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
    let mut count = InstructionCount {
        implementation: implementation.name().to_owned(),
        workload: workload.name().to_owned(),
        concurrency,
        requests: (short, long),
        instructions,
        breakdown: Vec::new(),
    };
    count.breakdown = breakdown(scratch, &count).unwrap_or_default();
    Ok(count)
}

/// The callgrind output file of one run.
fn run_file(
    scratch: &Path,
    implementation: &str,
    workload: &str,
    concurrency: u32,
    requests: u64,
) -> std::path::PathBuf {
    scratch.join(format!(
        "callgrind.{implementation}.{workload}.c{concurrency}.{requests}.out"
    ))
}

/// The callgrind output of a count's long run.
fn long_run_file(scratch: &Path, count: &InstructionCount) -> std::path::PathBuf {
    run_file(
        scratch,
        &count.implementation,
        &count.workload,
        count.concurrency,
        count.requests.1,
    )
}

/// The SDK's request building (every endpoint: the trait's provided method).
const SDK_BUILD: (&str, &[&str]) = (
    "building the request (`EndpointRequest::to_http_request`)",
    &["glair_types::endpoint::call::EndpointRequest::to_http_request"],
);

/// The SDK's decoding: the sessions' own `decode`, the provided one elsewhere (OCR).
const SDK_DECODE: (&str, &[&str]) = (
    "decoding the response (`EndpointRequest::decode`)",
    &[
        "glair_types::endpoint::sessions::<impl glair_types::endpoint::call::EndpointRequest for glair_types::request::CreateSession<K>>::decode",
        "glair_types::endpoint::sessions::<impl glair_types::endpoint::call::EndpointRequest for glair_types::request::RetrieveSession<K>>::decode",
        "glair_types::endpoint::call::EndpointRequest::decode",
    ],
);

/// The raw clients' request building.
const RAW_BUILD: (&str, &[&str]) = (
    "building the request (`RawRequests`)",
    &[
        "glair_bench::client::RawRequests::create_request",
        "glair_bench::client::RawRequests::retrieve_request",
        "glair_bench::client::RawRequests::upload_request",
    ],
);

/// The raw clients' decoding.
const RAW_DECODE: (&str, &[&str]) = (
    "decoding the response (`plain_session`, `plain_ktp`)",
    &[
        "glair_bench::client::plain_session",
        "glair_bench::client::plain_ktp",
    ],
);

/// hyper-util's pooled client, under both async clients.
const HYPER_UTIL: (&str, &[&str]) = (
    "hyper-util's client (`Client::send_request`)",
    &["hyper_util::client::legacy::client::Client<C,B>::send_request::{{closure}}"],
);

/// ureq's agent, under both blocking clients.
const UREQ: (&str, &[&str]) = (
    "ureq's agent (`Agent::run_via_middleware`)",
    &["ureq::agent::Agent::run_via_middleware"],
);

/// Both SDK clients make and finish each call through the same machine (the drivers around
/// it are inlined into their callers, so they have no function of their own to count).
const SDK_CALL: [(&str, &[&str]); 3] = [
    (
        "making the call (`ApiCall::new`: the request built, the machine set up)",
        &["glair::call::ApiCall<R>::new"],
    ),
    (
        "encoding an upload's body (`MultipartForm::encode`: boundary, copy)",
        &["glair_types::multipart::MultipartForm::encode"],
    ),
    (
        "finishing the call (`ApiCall::finish`: decoding, dropping the response)",
        &["<glair::call::ApiCall<R> as glair_core::machine::Machine>::finish"],
    ),
];

/// The parts of a client's work the report names, as (label, functions whose inclusive
/// counts add up to it). Function names are matched exactly after callgrind's `???:` prefix.
fn parts(implementation: &str) -> &'static [(&'static str, &'static [&'static str])] {
    match implementation {
        "facade" => &[
            SDK_CALL[0],
            SDK_BUILD,
            SDK_CALL[1],
            SDK_CALL[2],
            SDK_DECODE,
            (
                "the transport (`HyperTransport::send`)",
                &[
                    "<glair_core::hyper_transport::HyperTransport as glair_core::transport::Transport>::send::{{closure}}",
                ],
            ),
            HYPER_UTIL,
        ],
        "raw" => &[RAW_BUILD, RAW_DECODE, HYPER_UTIL],
        "blocking" => &[
            SDK_CALL[0],
            SDK_BUILD,
            SDK_CALL[1],
            SDK_CALL[2],
            SDK_DECODE,
            (
                "the transport (`UreqTransport::send`)",
                &[
                    "<glair_core::ureq_transport::UreqTransport as glair_core::blocking::BlockingTransport>::send",
                ],
            ),
            UREQ,
        ],
        "raw-blocking" => &[RAW_BUILD, RAW_DECODE, UREQ],
        _ => &[],
    }
}

/// Runs `callgrind_annotate --inclusive=yes` on the count's long run and sums its parts.
pub(crate) fn breakdown(
    scratch: &Path,
    count: &InstructionCount,
) -> Result<Vec<(String, f64)>, BoxError> {
    let file = long_run_file(scratch, count);
    let output = Command::new("callgrind_annotate")
        .args(["--inclusive=yes", "--threshold=100"])
        .arg(&file)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()?;
    if !output.status.success() {
        return Err(format!("callgrind_annotate failed on {}", file.display()).into());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let requests = (count.requests.1 + WARMUP) as f64;
    Ok(parts(&count.implementation)
        .iter()
        .filter_map(|(label, functions)| {
            let total: u64 = functions
                .iter()
                .map(|f| inclusive(&text, f).unwrap_or(0))
                .sum();
            (total > 0).then(|| ((*label).to_owned(), total as f64 / requests))
        })
        .collect())
}

/// The inclusive count of `function` in `callgrind_annotate` output: lines like
/// `12,345 (1.00%)  ???:name [binary]`.
fn inclusive(annotate: &str, function: &str) -> Option<u64> {
    annotate.lines().find_map(|line| {
        let (count, rest) = line.trim_start().split_once(' ')?;
        let name = rest.split_once(":").map(|(_, n)| n)?;
        let name = name.rsplit_once(" [").map_or(name, |(n, _)| n).trim();
        (name == function).then(|| count.replace(',', "").parse().ok())?
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
            breakdown: Vec::new(),
        };
        assert_eq!(count.per_request(), Some(40_000.0));
        let annotate = "203,041,300 (100.0%)  PROGRAM TOTALS\n 25,490,523 (12.55%)  ???:glair_types::endpoint::call::EndpointRequest::to_http_request [/x/glair-bench]\n";
        assert_eq!(
            inclusive(
                annotate,
                "glair_types::endpoint::call::EndpointRequest::to_http_request"
            ),
            Some(25_490_523)
        );
        assert_eq!(inclusive(annotate, "glair_types"), None);
    }
}
