//! `glair-bench`: the end-to-end benchmarks of glair-rs.
//!
//! ```sh
//! cargo run --release -p glair-bench -- all            # everything; writes BENCHMARKS.md (~8 min)
//! cargo run --release -p glair-bench -- build-figures  # only dependency counts, size, clean build
//! cargo run --release -p glair-bench -- report         # re-render BENCHMARKS.md from the last results
//! ```
//!
//! `all` runs `cargo bench -p glair-types` (the criterion micro-benchmarks), builds and starts
//! `glair-emulator` (release, `--addr 127.0.0.1:0`, found next to this binary in
//! `target/release`), installs `@glair/vision` into `bench-scratch/node` with npm if missing,
//! then drives three clients — the `glair` facade, raw hyper-util with byte-identical
//! requests, and the official Node SDK — each as its own process (`glair-bench client …`,
//! `node driver.mjs …`) through create+retrieve pairs and retrieve-only at concurrency 1 and
//! 64; runs the 1,000-concurrent-waits scale check (`glair-bench waiters …`); gathers the build
//! figures; and writes `bench-scratch/results.json` and `BENCHMARKS.md` from them. All traffic
//! stays on 127.0.0.1.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod blocking_client;
mod client;
mod emulator;
mod figures;
mod instructions;
mod measure;
mod orchestrate;
mod procfs;
mod report;
mod waiters;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The error type of this program: a message for a person.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// End-to-end benchmarks of glair-rs against its emulator, raw hyper and the Node SDK.
#[derive(Debug, Parser)]
#[command(name = "glair-bench", about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Run every benchmark and write BENCHMARKS.md.
    All(orchestrate::AllArgs),
    /// Measure the build figures (dependency counts, quickstart size, clean build time), merge
    /// them into bench-scratch/results.json and re-render BENCHMARKS.md if a run exists.
    BuildFigures {
        /// Leave out the timed clean build (minutes on 2 cores).
        #[arg(long)]
        skip_clean_build: bool,
    },
    /// Re-render BENCHMARKS.md from bench-scratch/results.json.
    Report,
    /// One load client process (used by `all`): prints one JSON report line.
    Client(client::ClientArgs),
    /// The scale check's client process (used by `all`).
    Waiters(waiters::WaitersArgs),
}

/// Prints one line to stdout and flushes it (the protocol between the processes).
pub(crate) fn say_line(line: &str) -> Result<(), BoxError> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

/// Prints one line of progress or diagnosis to stderr.
pub(crate) fn say_err(line: &str) {
    eprintln!("{line}");
}

fn run(cli: Cli) -> Result<(), BoxError> {
    match cli.command {
        Cmd::All(args) => orchestrate::run_all(&args),
        Cmd::BuildFigures { skip_clean_build } => report::build_figures(skip_clean_build),
        Cmd::Report => report::rerender(),
        Cmd::Client(args) => {
            let report = client::run(&args)?;
            say_line(&serde_json::to_string(&report)?)
        }
        Cmd::Waiters(args) => {
            let report = waiters::run(&args)?;
            say_line(&serde_json::to_string(&report)?)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            say_err(&format!("glair-bench: {e}"));
            ExitCode::FAILURE
        }
    }
}
