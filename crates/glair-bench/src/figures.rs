//! Figures that come from the build rather than from running: dependency counts, binary size,
//! clean build time; plus the criterion results and a description of the machine.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::BoxError;

/// The crates of one `cargo tree`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DepCount {
    /// What was counted, e.g. `glair (default features)`.
    pub(crate) label: String,
    /// The exact `cargo tree` command.
    pub(crate) command: String,
    /// The root package (`name vX.Y.Z`).
    pub(crate) root: String,
    /// Every other package in the tree, `name vX.Y.Z`, each once, sorted.
    pub(crate) crates: Vec<String>,
}

impl DepCount {
    /// Whether a package whose name starts with one of `prefixes` is in the tree.
    pub(crate) fn has_any(&self, prefixes: &[&str]) -> Vec<String> {
        self.crates
            .iter()
            .filter(|c| {
                let name = c.split(' ').next().unwrap_or_default();
                prefixes.iter().any(|p| name.starts_with(p))
            })
            .cloned()
            .collect()
    }
}

/// The `cargo tree` arguments every count uses: linked code only (normal edges, no proc-macros,
/// no build dependencies), for the host target, one line per package.
pub(crate) const TREE_ARGS: &[&str] = &["-e", "normal,no-proc-macro", "--prefix", "none"];

/// Counts the packages of `cargo tree -p <package> <extra> -e normal,no-proc-macro --prefix none`.
pub(crate) fn dep_count(root: &Path, label: &str, args: &[&str]) -> Result<DepCount, BoxError> {
    let mut all_args = vec!["tree"];
    all_args.extend_from_slice(args);
    all_args.extend_from_slice(TREE_ARGS);
    let output = Command::new("cargo")
        .args(&all_args)
        .current_dir(root)
        .stderr(Stdio::inherit())
        .output()?;
    if !output.status.success() {
        return Err(format!("cargo {} failed", all_args.join(" ")).into());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let (root_pkg, crates) = parse_tree(&text).ok_or("cargo tree printed nothing")?;
    Ok(DepCount {
        label: label.to_owned(),
        command: format!("cargo {}", all_args.join(" ")),
        root: root_pkg,
        crates,
    })
}

/// The root package and the set of other packages of a `--prefix none` tree. Repeated
/// packages (marked `(*)`) and path annotations are folded into one `name vX.Y.Z` each.
pub(crate) fn parse_tree(text: &str) -> Option<(String, Vec<String>)> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty()).map(|line| {
        let mut words = line.split_whitespace();
        format!(
            "{} {}",
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default()
        )
    });
    let root = lines.next()?;
    let set: BTreeSet<String> = lines.filter(|l| *l != root).collect();
    Some((root, set.into_iter().collect()))
}

/// Size of the release quickstart example, after building it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct BinarySize {
    pub(crate) command: String,
    pub(crate) path: String,
    pub(crate) bytes: u64,
}

/// Builds `--release --example quickstart` and measures the file.
pub(crate) fn quickstart_size(root: &Path, target_dir: &Path) -> Result<BinarySize, BoxError> {
    let args = [
        "build",
        "--release",
        "-p",
        "glair-examples",
        "--example",
        "quickstart",
    ];
    let status = Command::new("cargo")
        .args(args)
        .current_dir(root)
        .status()?;
    if !status.success() {
        return Err("building the quickstart example failed".into());
    }
    let path = target_dir.join("release/examples/quickstart");
    let bytes = fs::metadata(&path)?.len();
    Ok(BinarySize {
        command: format!("cargo {}", args.join(" ")),
        path: path.display().to_string(),
        bytes,
    })
}

/// A timed clean build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct CleanBuild {
    pub(crate) command: String,
    pub(crate) seconds: f64,
    /// The load averages just before, to judge how busy the machine was.
    pub(crate) loadavg_before: String,
    /// When it was measured.
    #[serde(default)]
    pub(crate) measured_utc: String,
}

/// Builds `glair` (default features, release) from nothing in a separate target directory,
/// timed; the directory is removed afterwards. Downloads are not timed: the sources are
/// fetched first (`cargo fetch`).
pub(crate) fn clean_build(root: &Path, scratch: &Path) -> Result<CleanBuild, BoxError> {
    let dir = scratch.join("clean-target");
    let _ = fs::remove_dir_all(&dir);
    let fetched = Command::new("cargo")
        .arg("fetch")
        .current_dir(root)
        .status()?;
    if !fetched.success() {
        return Err("cargo fetch failed".into());
    }
    let loadavg_before = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let started = Instant::now();
    let status = Command::new("cargo")
        .args(["build", "--release", "-p", "glair"])
        .env("CARGO_TARGET_DIR", &dir)
        .current_dir(root)
        .status()?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = fs::remove_dir_all(&dir);
    if !status.success() {
        return Err("the clean build of glair failed".into());
    }
    Ok(CleanBuild {
        command: format!(
            "rm -rf {0} && CARGO_TARGET_DIR={0} cargo build --release -p glair",
            relative(root, &dir)
        ),
        seconds,
        loadavg_before: loadavg_before
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
        measured_utc: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"], root),
    })
}

/// `path` relative to `root` when it is inside it.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The mean and median of one criterion benchmark, nanoseconds.
pub(crate) fn criterion_estimates_ns(
    target_dir: &Path,
    group: &str,
    id: &str,
) -> Option<(f64, f64)> {
    let path = target_dir
        .join("criterion")
        .join(group)
        .join(id)
        .join("new/estimates.json");
    parse_estimates(&fs::read_to_string(path).ok()?)
}

/// `mean.point_estimate` and `median.point_estimate` of a criterion `estimates.json`.
pub(crate) fn parse_estimates(json: &str) -> Option<(f64, f64)> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    Some((
        value["mean"]["point_estimate"].as_f64()?,
        value["median"]["point_estimate"].as_f64()?,
    ))
}

/// The cargo target directory of the workspace.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    let metadata = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok());
    metadata
        .as_ref()
        .and_then(|m| m["target_directory"].as_str())
        .map_or_else(|| root.join("target"), PathBuf::from)
}

/// The machine and toolchain, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Machine {
    pub(crate) nproc: usize,
    pub(crate) cpu_model: String,
    pub(crate) mem_total: String,
    pub(crate) kernel: String,
    pub(crate) rustc: String,
    pub(crate) node: String,
    pub(crate) date_utc: String,
    pub(crate) commit: String,
    pub(crate) loadavg_at_start: String,
}

fn command_line(program: &str, args: &[&str], root: &Path) -> String {
    Command::new(program)
        .args(args)
        .current_dir(root)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Describes this machine.
pub(crate) fn machine(root: &Path) -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split_once(':'))
        .map_or_else(|| "unknown".to_owned(), |(_, v)| v.trim().to_owned());
    let mem_total = crate::procfs::status_kib_from_meminfo("MemTotal").map_or_else(
        || "unknown".to_owned(),
        |kib| format!("{:.1} GiB", kib as f64 / 1048576.0),
    );
    let mut commit = command_line("git", &["rev-parse", "--short", "HEAD"], root);
    // Not through `command_line`: its trimming would eat the status columns of the first line.
    let status = Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(root)
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown".to_owned(),
            |o| String::from_utf8_lossy(&o.stdout).into_owned(),
        );
    if status != "unknown" {
        // Tracked files changed but not committed (new, untracked files are not listed).
        let changed: Vec<&str> = status
            .lines()
            .filter(|l| !l.starts_with("??"))
            .filter_map(|l| l.get(3..))
            .collect();
        if !changed.is_empty() {
            commit.push_str(&format!(
                " plus uncommitted changes to {}",
                changed.join(", ")
            ));
        }
    }
    Machine {
        nproc: std::thread::available_parallelism().map_or(0, usize::from),
        cpu_model,
        mem_total,
        kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".to_owned(), |s| s.trim().to_owned()),
        rustc: command_line("rustc", &["--version"], root),
        node: command_line("node", &["--version"], root),
        date_utc: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"], root),
        commit,
        loadavg_at_start: fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_repeats_and_paths() {
        let tree = "glair-types v0.1.0 (/work/main/crates/glair-types)\n\
                    base64 v0.22.1\nbytes v1.10.1\nhttp v1.3.1\nbytes v1.10.1 (*)\n\
                    itoa v1.0.15\nserde v1.0.219\nserde_json v1.0.140\nitoa v1.0.15 (*)\n\n";
        let (root, crates) = parse_tree(tree).unwrap();
        assert_eq!(root, "glair-types v0.1.0");
        assert_eq!(
            crates,
            [
                "base64 v0.22.1",
                "bytes v1.10.1",
                "http v1.3.1",
                "itoa v1.0.15",
                "serde v1.0.219",
                "serde_json v1.0.140"
            ]
        );
        assert_eq!(parse_tree(""), None);
    }

    #[test]
    fn reads_criterion_means() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.5,"standard_error":0.1},"median":{"point_estimate":2.4}}"#;
        assert_eq!(parse_estimates(json), Some((2.5, 2.4)));
        assert_eq!(parse_estimates("{}"), None);
    }
}
