//! `glair-bench all`: builds what it needs, runs the micro-benchmarks, starts the emulator,
//! drives every client process through every cell, runs the scale check, gathers the build
//! figures, and writes `bench-scratch/results.json` and `BENCHMARKS.md`.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::client::{Impl, Workload};
use crate::emulator::{Control, EmulatorProcess};
use crate::figures::{self, BinarySize, CleanBuild, DepCount, Machine};
use crate::instructions::{self, InstructionCount};
use crate::measure::ClientReport;
use crate::waiters::WaitersReport;
use crate::{BoxError, report};

/// The `@glair/vision` version the comparison is pinned to: the one in `tests/node-sdk-version`,
/// which the Node SDK test and `.ci/run` read too (one place for it).
pub(crate) const NODE_SDK_VERSION: &str =
    include_str!("../../../tests/node-sdk-version").trim_ascii();

/// The npm package spec of the pinned Node SDK, `@glair/vision@<version>`.
pub(crate) fn node_sdk() -> String {
    format!("@glair/vision@{NODE_SDK_VERSION}")
}

/// The concurrency levels of the load cells.
pub(crate) const CONCURRENCIES: [u32; 2] = [1, 64];

/// The concurrency levels (threads) of the blocking clients' cells.
pub(crate) const BLOCKING_CONCURRENCIES: [u32; 2] = [1, 16];

/// Sessions pre-created (and completed) for the retrieve-only workload.
const RETRIEVE_SET: usize = 1000;

/// How long after the waits start the scale check completes the sessions.
const COMPLETE_AFTER: Duration = Duration::from_secs(3);

/// Arguments of `glair-bench all`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AllArgs {
    /// HTTP requests per client per cell (measured phase).
    #[arg(long, default_value_t = 5000)]
    pub(crate) requests: u64,
    /// HTTP requests per client per cell before measuring.
    #[arg(long, default_value_t = 500)]
    pub(crate) warmup: u64,
    /// Times every cell is run; the report shows the median run by throughput.
    #[arg(long, default_value_t = 5)]
    pub(crate) rounds: u32,
    /// Sessions waited on concurrently in the scale check.
    #[arg(long, default_value_t = 1000)]
    pub(crate) waits: usize,
    /// Do not run `cargo bench -p glair-types` (report whatever results it left before).
    #[arg(long)]
    pub(crate) skip_micro: bool,
    /// Leave the Node SDK out.
    #[arg(long)]
    pub(crate) skip_node: bool,
    /// Leave out the timed clean release build of `glair` (about 2 minutes on 2 cores; the
    /// report then carries the last one `build-figures` measured, with its date).
    #[arg(long)]
    pub(crate) skip_clean_build: bool,
    /// Leave out the instruction counts (valgrind's callgrind; about 2 minutes).
    #[arg(long)]
    pub(crate) skip_instructions: bool,
    /// Measured requests of the short and the long callgrind run (the count per request is
    /// the slope between them).
    #[arg(long, num_args = 2, value_names = ["SHORT", "LONG"], default_values_t = [1000, 3000])]
    pub(crate) instruction_requests: Vec<u64>,
    /// Leave out the blocking clients.
    #[arg(long)]
    pub(crate) skip_blocking: bool,
    /// Do not run `cargo build --release -p glair-emulator` first (use the binary as it is).
    #[arg(long)]
    pub(crate) no_build: bool,
    /// Where to write the report [default: BENCHMARKS.md at the workspace root].
    #[arg(long)]
    pub(crate) output: Option<PathBuf>,
}

/// One client process's run of one cell, with the emulator's view of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cell {
    pub(crate) round: u32,
    pub(crate) report: ClientReport,
    /// Requests the client sent in all (warm-up + measured).
    pub(crate) client_sent: u64,
    /// API requests the emulator counted while the client ran.
    pub(crate) emulator_requests: u64,
    /// The emulator's CPU time while the client ran (its warm-up included), seconds.
    pub(crate) emulator_cpu_s: f64,
}

/// The scale check's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Scale {
    pub(crate) waiters: WaitersReport,
    /// Retrieve requests the emulator counted during the check (the polls).
    pub(crate) polls: u64,
    /// All API requests the emulator counted during the check.
    pub(crate) api_requests: u64,
    /// Seconds after the waits started at which the sessions were completed.
    pub(crate) completed_after_s: f64,
}

/// Everything one run produced; `BENCHMARKS.md` is generated from this alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Results {
    pub(crate) machine: Machine,
    pub(crate) requests: u64,
    pub(crate) warmup: u64,
    pub(crate) rounds: u32,
    pub(crate) waits: usize,
    pub(crate) micro: Vec<MicroMean>,
    pub(crate) micro_ran: bool,
    pub(crate) cells: Vec<Cell>,
    /// Instructions per request under callgrind (empty when left out).
    #[serde(default)]
    pub(crate) instructions: Vec<InstructionCount>,
    pub(crate) emulator_idle_rss_kib: u64,
    pub(crate) emulator_final_rss_kib: u64,
    pub(crate) scale: Option<Scale>,
    pub(crate) deps: Vec<DepCount>,
    pub(crate) quickstart: Option<BinarySize>,
    pub(crate) clean_build: Option<CleanBuild>,
    pub(crate) notes: Vec<String>,
    pub(crate) total_s: f64,
}

/// One criterion mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MicroMean {
    pub(crate) group: String,
    pub(crate) id: String,
    pub(crate) mean_ns: f64,
    /// The median, less sensitive to a busy neighbour than the mean.
    #[serde(default)]
    pub(crate) median_ns: f64,
}

/// The benchmarks of `crates/glair-types/benches/codec.rs`.
pub(crate) const MICRO: &[(&str, &[&str])] = &[
    (
        "create_request",
        &["glair_types", "validate_only", "http_by_hand", "serde_json"],
    ),
    (
        "retrieve_request",
        &["glair_types", "http_by_hand", "format_url"],
    ),
    (
        "decode_finished",
        &["glair_types", "sdk_type_plain", "serde_json"],
    ),
    (
        "decode_pending",
        &["glair_types", "sdk_type_plain", "serde_json"],
    ),
    ("decode_error", &["glair_types", "serde_json"]),
];

/// The workspace root (this crate is `crates/glair-bench`).
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .and_then(Path::parent)
        .unwrap_or(manifest)
        .to_path_buf()
}

fn progress(message: &str) {
    crate::say_err(&format!("glair-bench: {message}"));
}

fn run_cargo(root: &Path, args: &[&str]) -> Result<(), BoxError> {
    progress(&format!("cargo {}", args.join(" ")));
    let status = Command::new("cargo")
        .args(args)
        .current_dir(root)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed", args.join(" ")).into())
    }
}

/// Installs the Node SDK into `bench-scratch/node` if missing and writes the driver there.
fn prepare_node(scratch: &Path) -> Result<PathBuf, BoxError> {
    let dir = scratch.join("node");
    std::fs::create_dir_all(&dir)?;
    let package = dir.join("package.json");
    if !package.exists() {
        std::fs::write(
            &package,
            "{\"name\":\"glair-bench-node\",\"private\":true,\"type\":\"module\"}\n",
        )?;
    }
    if !dir.join("node_modules/@glair/vision/package.json").exists() {
        let node_sdk = node_sdk();
        progress(&format!("npm install {node_sdk} into {}", dir.display()));
        let status = Command::new("npm")
            .args(["install", &node_sdk, "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()?;
        if !status.success() {
            return Err("npm install failed".into());
        }
    }
    let driver = dir.join("driver.mjs");
    std::fs::write(&driver, include_str!("../node/driver.mjs"))?;
    Ok(driver)
}

/// Which client a cell runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runner {
    Rust(Impl),
    Node,
}

impl Runner {
    fn name(self) -> &'static str {
        match self {
            Runner::Rust(i) => i.name(),
            Runner::Node => "node",
        }
    }
}

/// Runs one client process to the end and reads its JSON report (its last stdout line).
fn run_client(
    runner: Runner,
    node_driver: Option<&Path>,
    base_url: &str,
    workload: Workload,
    concurrency: u32,
    args: &AllArgs,
    sids_file: &Path,
) -> Result<ClientReport, BoxError> {
    let common = [
        "--base-url".to_owned(),
        base_url.to_owned(),
        "--workload".to_owned(),
        workload.name().to_owned(),
        "--concurrency".to_owned(),
        concurrency.to_string(),
        "--requests".to_owned(),
        args.requests.to_string(),
        "--warmup".to_owned(),
        args.warmup.to_string(),
        "--sids-file".to_owned(),
        sids_file.display().to_string(),
    ];
    let mut command = match runner {
        Runner::Rust(implementation) => {
            let mut c = Command::new(std::env::current_exe()?);
            c.args(["client", "--impl", implementation.name()]);
            c
        }
        Runner::Node => {
            let driver = node_driver.ok_or("no Node driver")?;
            let mut c = Command::new("node");
            c.arg(driver);
            if let Some(dir) = driver.parent() {
                c.current_dir(dir);
            }
            c
        }
    };
    let output = command
        .args(common)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("{} client exited with {}", runner.name(), output.status).into());
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or("the client printed no report")?;
    Ok(serde_json::from_str(line)?)
}

/// Runs one client in one cell and reads the emulator's view of it; on failure, a note.
fn run_cell(
    runtime: &tokio::runtime::Runtime,
    control: &Control,
    emulator: &EmulatorProcess,
    (runner, node_driver): (Runner, Option<&Path>),
    (base_url, sids_file): (&str, &Path),
    (round, workload, concurrency): (u32, Workload, u32),
    args: &AllArgs,
) -> Result<Cell, String> {
    let describe = |e: &dyn std::fmt::Display| {
        format!(
            "round {round}, {} c={concurrency} {}: {e}",
            workload.name(),
            runner.name()
        )
    };
    let before = runtime
        .block_on(control.counts())
        .map_err(|e| describe(&e))?;
    let cpu_before = emulator.cpu_s();
    let report = run_client(
        runner,
        node_driver,
        base_url,
        workload,
        concurrency,
        args,
        sids_file,
    )
    .map_err(|e| describe(&e))?;
    let emulator_cpu_s = emulator.cpu_s() - cpu_before;
    let after = runtime
        .block_on(control.counts())
        .map_err(|e| describe(&e))?;
    let per_op = workload.requests_per_op();
    let warm_sent = args.warmup.div_ceil(per_op) * per_op;
    progress(&format!(
        "round {round}/{} {:8} c={concurrency:<2} {:12}: {:>8.0} req/s  p50 {:>7.0} µs  p99 {:>7.0} µs  cpu {:>5.1} µs/req  rss {:>6.1} MiB  errors {}",
        args.rounds,
        workload.name(),
        runner.name(),
        report.throughput(),
        report.p50_us,
        report.p99_us,
        report.cpu_us_per_request(),
        report.peak_rss_kib as f64 / 1024.0,
        report.errors,
    ));
    Ok(Cell {
        round,
        client_sent: warm_sent + report.requests,
        emulator_requests: after.total - before.total,
        emulator_cpu_s,
        report,
    })
}

/// `glair-bench all`.
pub(crate) fn run_all(args: &AllArgs) -> Result<(), BoxError> {
    let started = Instant::now();
    let root = workspace_root();
    let scratch = root.join("bench-scratch");
    std::fs::create_dir_all(&scratch)?;
    let target = figures::target_dir(&root);
    let machine = figures::machine(&root);
    let mut notes = Vec::new();

    // 1. Micro-benchmarks.
    if !args.skip_micro {
        run_cargo(&root, &["bench", "-p", "glair-types", "--bench", "codec"])?;
    }
    let micro = read_micro(&target);

    // 2. The emulator binary, next to this one.
    if !args.no_build {
        run_cargo(&root, &["build", "--release", "-p", "glair-emulator"])?;
    }
    let emulator_bin = std::env::current_exe()?
        .parent()
        .map(|d| d.join("glair-emulator"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| target.join("release/glair-emulator"));

    // 3. Node.
    let node_driver = if args.skip_node {
        notes.push("The Node SDK was left out of this run (--skip-node).".to_owned());
        None
    } else {
        match prepare_node(&scratch) {
            Ok(driver) => Some(driver),
            Err(e) => {
                notes.push(format!("The Node SDK could not be prepared: {e}."));
                None
            }
        }
    };

    // 4. Load cells.
    progress(&format!("starting {}", emulator_bin.display()));
    let emulator = EmulatorProcess::start(&emulator_bin)?;
    let base_url = emulator.base_url().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let control = runtime.block_on(async { Control::new(&base_url) })?;
    let emulator_idle_rss_kib = emulator.rss_kib();
    let retrieve_sids = runtime.block_on(async {
        let sids = control.create_sessions(RETRIEVE_SET).await?;
        control.complete(&sids).await?;
        Ok::<_, BoxError>(sids)
    })?;
    let sids_file = scratch.join("retrieve-sids.txt");
    std::fs::write(&sids_file, retrieve_sids.join("\n"))?;

    let mut runners = vec![Runner::Rust(Impl::Facade), Runner::Rust(Impl::Raw)];
    if node_driver.is_some() {
        runners.push(Runner::Node);
    }
    // Each group's clients run back to back in every cell, so its ratios pair up per round.
    let mut groups = vec![(runners, CONCURRENCIES)];
    if !args.skip_blocking {
        groups.push((
            vec![
                Runner::Rust(Impl::Blocking),
                Runner::Rust(Impl::RawBlocking),
            ],
            BLOCKING_CONCURRENCIES,
        ));
    }
    let mut cells = Vec::new();
    for round in 1..=args.rounds {
        for workload in [Workload::Pairs, Workload::Retrieve] {
            for (runners, concurrencies) in &groups {
                for concurrency in *concurrencies {
                    // Rotate the order each round so no client always runs first.
                    let mut order = runners.clone();
                    let shift = usize::try_from(round - 1).unwrap_or(0) % order.len();
                    order.rotate_left(shift);
                    for runner in order {
                        let cell = run_cell(
                            &runtime,
                            &control,
                            &emulator,
                            (runner, node_driver.as_deref()),
                            (&base_url, &sids_file),
                            (round, workload, concurrency),
                            args,
                        );
                        match cell {
                            Ok(cell) => cells.push(cell),
                            Err(note) => {
                                progress(&note);
                                notes.push(format!("A client run failed: {note}."));
                            }
                        }
                    }
                }
            }
        }
    }

    // 4b. Instruction counts.
    let mut instruction_counts = Vec::new();
    if args.skip_instructions {
        notes.push("Instruction counts were left out of this run (--skip-instructions).".into());
    } else if !instructions::available() {
        notes.push("Instruction counts need valgrind, which is not installed here.".into());
    } else {
        let bench = std::env::current_exe()?;
        let sizes = match args.instruction_requests[..] {
            [short, long] if long > short => (short, long),
            _ => return Err("--instruction-requests takes SHORT LONG with LONG > SHORT".into()),
        };
        for (concurrency, implementations, workloads) in instructions::COUNTED {
            for &workload in workloads {
                for &implementation in implementations {
                    progress(&format!(
                        "callgrind: {} {} c={concurrency} ({} and {} requests)",
                        implementation.name(),
                        workload.name(),
                        sizes.0,
                        sizes.1
                    ));
                    match instructions::count(
                        &bench,
                        &scratch,
                        (&base_url, &sids_file),
                        (implementation, workload, concurrency),
                        sizes,
                    ) {
                        Ok(count) => instruction_counts.push(count),
                        Err(e) => notes.push(format!(
                            "The instruction count of {} {} at c={concurrency} failed: {e}.",
                            implementation.name(),
                            workload.name()
                        )),
                    }
                }
            }
        }
    }

    // 5. Scale check.
    let scale = match runtime.block_on(scale_check(&control, &scratch, &base_url, args.waits)) {
        Ok(s) => Some(s),
        Err(e) => {
            progress(&format!("scale check failed: {e}"));
            notes.push(format!("The scale check failed: {e}."));
            None
        }
    };
    let emulator_final_rss_kib = emulator.rss_kib();
    drop(emulator);

    // 6. Build figures.
    let deps = dependency_counts(&root)?;
    let quickstart = match figures::quickstart_size(&root, &target) {
        Ok(size) => Some(size),
        Err(e) => {
            notes.push(format!("The quickstart size could not be measured: {e}."));
            None
        }
    };
    let clean_build = if args.skip_clean_build {
        previous_clean_build(&scratch)
    } else {
        progress("timing a clean release build of glair (minutes)");
        match figures::clean_build(&root, &scratch) {
            Ok(b) => Some(b),
            Err(e) => {
                notes.push(format!("The clean build failed: {e}."));
                None
            }
        }
    };

    let results = Results {
        machine,
        requests: args.requests,
        warmup: args.warmup,
        rounds: args.rounds,
        waits: args.waits,
        micro,
        micro_ran: !args.skip_micro,
        cells,
        instructions: instruction_counts,
        emulator_idle_rss_kib,
        emulator_final_rss_kib,
        scale,
        deps,
        quickstart,
        clean_build,
        notes,
        total_s: started.elapsed().as_secs_f64(),
    };
    let json_path = scratch.join("results.json");
    std::fs::write(&json_path, serde_json::to_string_pretty(&results)?)?;
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| root.join("BENCHMARKS.md"));
    std::fs::write(&output, report::render(&results))?;
    progress(&format!(
        "wrote {} and {} in {:.0} s",
        output.display(),
        json_path.display(),
        results.total_s
    ));
    Ok(())
}

/// The clean build measured by an earlier `build-figures`, if any, to carry into the report.
fn previous_clean_build(scratch: &Path) -> Option<CleanBuild> {
    let text = std::fs::read_to_string(scratch.join("results.json")).ok()?;
    serde_json::from_str::<Results>(&text).ok()?.clean_build
}

/// Reads every criterion mean that exists.
fn read_micro(target: &Path) -> Vec<MicroMean> {
    MICRO
        .iter()
        .flat_map(|(group, ids)| ids.iter().map(move |id| (*group, *id)))
        .filter_map(|(group, id)| {
            let (mean_ns, median_ns) = figures::criterion_estimates_ns(target, group, id)?;
            Some(MicroMean {
                group: group.to_owned(),
                id: id.to_owned(),
                mean_ns,
                median_ns,
            })
        })
        .collect()
}

/// The three dependency counts.
pub(crate) fn dependency_counts(root: &Path) -> Result<Vec<DepCount>, BoxError> {
    Ok(vec![
        figures::dep_count(root, "glair-types", &["-p", "glair-types"])?,
        figures::dep_count(root, "glair (default features)", &["-p", "glair"])?,
        figures::dep_count(
            root,
            "glair --no-default-features",
            &["-p", "glair", "--no-default-features"],
        )?,
    ])
}

/// 1,000 (by default) concurrent `Sessions::wait`s in a child process; the sessions are
/// completed through the control endpoint a few seconds after the waits start.
async fn scale_check(
    control: &Control,
    scratch: &Path,
    base_url: &str,
    waits: usize,
) -> Result<Scale, BoxError> {
    progress(&format!("scale check: {waits} concurrent waits"));
    let sids = control.create_sessions(waits).await?;
    let sids_file = scratch.join("wait-sids.txt");
    std::fs::write(&sids_file, sids.join("\n"))?;
    let before = control.counts().await?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["waiters", "--base-url", base_url, "--sids-file"])
        .arg(&sids_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout from the waiters")?;
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    if line.trim() != "started" {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("the waiters said {line:?} instead of \"started\"").into());
    }
    let started = Instant::now();
    tokio::time::sleep(COMPLETE_AFTER).await;
    let completed_after_s = started.elapsed().as_secs_f64();
    let completed = control.complete(&sids).await;
    let mut rest = String::new();
    reader.read_to_string(&mut rest)?;
    let status = child.wait()?;
    completed?;
    if !status.success() {
        return Err(format!("the waiters exited with {status}").into());
    }
    let report_line = rest
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or("the waiters printed no report")?;
    let waiters: WaitersReport = serde_json::from_str(report_line)?;
    let after = control.counts().await?;
    progress(&format!(
        "scale check: {} of {} finished, peak RSS {:.1} MiB, {} polls",
        waiters.finished,
        waiters.sessions,
        waiters.peak_rss_kib as f64 / 1024.0,
        after.retrieves - before.retrieves
    ));
    Ok(Scale {
        waiters,
        polls: after.retrieves - before.retrieves,
        api_requests: after.total - before.total,
        completed_after_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pinned_node_sdk_version_is_one_plain_npm_version() {
        assert!(
            !NODE_SDK_VERSION.is_empty(),
            "tests/node-sdk-version is empty"
        );
        assert!(
            NODE_SDK_VERSION
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')),
            "tests/node-sdk-version must hold one exact version, not {NODE_SDK_VERSION:?}"
        );
        assert_eq!(node_sdk(), format!("@glair/vision@{NODE_SDK_VERSION}"));
    }
}
