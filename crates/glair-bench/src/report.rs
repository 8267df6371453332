//! `BENCHMARKS.md`, generated from one run's [`Results`]: every number and ratio in it is
//! computed here from that run.

use std::fmt::Write as _;

use crate::figures;
use crate::measure::median_index_by;
use crate::orchestrate::{
    BLOCKING_CONCURRENCIES, CONCURRENCIES, Cell, NODE_SDK_VERSION, Results, dependency_counts,
    workspace_root,
};
use crate::{BoxError, say_err};

/// `glair-bench report`.
pub(crate) fn rerender() -> Result<(), BoxError> {
    let root = workspace_root();
    let path = root.join("bench-scratch/results.json");
    let mut results: Results = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e} (run `all` first)", path.display()))?,
    )?;
    // Profiles of a run made before the breakdown existed: taken from its callgrind files.
    let scratch = root.join("bench-scratch");
    let mut added = false;
    for count in results
        .instructions
        .iter_mut()
        .filter(|c| c.breakdown.is_empty())
    {
        if let Ok(parts) = crate::instructions::breakdown(&scratch, count) {
            added |= !parts.is_empty();
            count.breakdown = parts;
        }
    }
    if added {
        std::fs::write(&path, serde_json::to_string_pretty(&results)?)?;
    }
    std::fs::write(root.join("BENCHMARKS.md"), render(&results))?;
    say_err("glair-bench: wrote BENCHMARKS.md");
    Ok(())
}

/// `glair-bench build-figures`.
pub(crate) fn build_figures(skip_clean_build: bool) -> Result<(), BoxError> {
    let root = workspace_root();
    let scratch = root.join("bench-scratch");
    std::fs::create_dir_all(&scratch)?;
    let target = figures::target_dir(&root);
    let deps = dependency_counts(&root)?;
    let quickstart = figures::quickstart_size(&root, &target)?;
    let clean_build = if skip_clean_build {
        None
    } else {
        Some(figures::clean_build(&root, &scratch)?)
    };
    for d in &deps {
        say_err(&format!(
            "{}: {} crates besides the root ({})",
            d.label,
            d.crates.len(),
            d.command
        ));
    }
    say_err(&format!(
        "quickstart: {} bytes ({})",
        quickstart.bytes, quickstart.command
    ));
    if let Some(b) = &clean_build {
        say_err(&format!("clean build: {:.1} s ({})", b.seconds, b.command));
    }
    let path = scratch.join("results.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let mut results: Results = serde_json::from_str(&text)?;
        results.deps = deps;
        results.quickstart = Some(quickstart);
        if clean_build.is_some() {
            results.clean_build = clean_build;
        }
        std::fs::write(&path, serde_json::to_string_pretty(&results)?)?;
        std::fs::write(root.join("BENCHMARKS.md"), render(&results))?;
        say_err(
            "glair-bench: merged into bench-scratch/results.json and re-rendered BENCHMARKS.md",
        );
    }
    Ok(())
}

/// The median run (by throughput) of one client in one cell, and the spread over rounds.
struct Picked<'a> {
    cell: &'a Cell,
    min_rps: f64,
    max_rps: f64,
    runs: usize,
}

fn pick<'a>(
    results: &'a Results,
    workload: &str,
    concurrency: u32,
    who: &str,
) -> Option<Picked<'a>> {
    let runs: Vec<&Cell> = results
        .cells
        .iter()
        .filter(|c| {
            c.report.workload == workload
                && c.report.concurrency == concurrency
                && c.report.implementation == who
        })
        .collect();
    let index = median_index_by(&runs, |c| c.report.throughput())?;
    let rps = runs.iter().map(|c| c.report.throughput());
    Some(Picked {
        cell: runs[index],
        min_rps: rps.clone().fold(f64::INFINITY, f64::min),
        max_rps: rps.fold(0.0, f64::max),
        runs: runs.len(),
    })
}

fn micro(results: &Results, group: &str, id: &str) -> Option<f64> {
    results
        .micro
        .iter()
        .find(|m| m.group == group && m.id == id)
        .map(|m| m.mean_ns)
}

fn micro_median(results: &Results, group: &str, id: &str) -> Option<f64> {
    results
        .micro
        .iter()
        .find(|m| m.group == group && m.id == id)
        .map(|m| m.median_ns)
        .filter(|m| *m > 0.0)
}

/// `12345.6` → `12,346`.
fn thousands(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0 {
        out.insert(0, '-');
    }
    out
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

/// A verdict for "value ≥ target".
fn at_least(value: f64, target: f64) -> (bool, String) {
    if value >= target {
        (true, "met".to_owned())
    } else {
        (
            false,
            format!("**missed** by {:.0}%", (1.0 - value / target) * 100.0),
        )
    }
}

/// A verdict for "value ≤ target".
fn at_most(value: f64, target: f64) -> (bool, String) {
    if value <= target {
        (true, "met".to_owned())
    } else {
        (
            false,
            format!("**missed**: {:.0}% over", (value / target - 1.0) * 100.0),
        )
    }
}

/// The Markdown report.
pub(crate) fn render(r: &Results) -> String {
    let mut out = String::new();
    let w = &mut out;
    let m = &r.machine;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Generated by `cargo run --release -p glair-bench -- all` on {} at commit {}, in {:.0} s. \
         Every figure and ratio below comes from that one run; do not edit this file by hand — \
         rerun the command (or `-- report` to re-render `bench-scratch/results.json`).\n",
        m.date_utc, m.commit, r.total_s
    );

    let _ = writeln!(w, "## Machine\n");
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(w, "| CPUs (`nproc`) | {} |", m.nproc);
    let _ = writeln!(w, "| CPU model (`/proc/cpuinfo`) | {} |", m.cpu_model);
    let _ = writeln!(w, "| memory (`/proc/meminfo` MemTotal) | {} |", m.mem_total);
    let _ = writeln!(w, "| kernel | {} |", m.kernel);
    let _ = writeln!(w, "| Rust | {} |", m.rustc);
    let _ = writeln!(
        w,
        "| Node | {} (@glair/vision@{NODE_SDK_VERSION}) |",
        m.node
    );
    let _ = writeln!(
        w,
        "| load average at start (1, 5, 15 min) | {} |\n",
        m.loadavg_at_start
    );
    let _ = writeln!(
        w,
        "The clients, the emulator and whatever else runs on the machine share its {} CPUs: \
         at concurrency 64 a client and the emulator together saturate them, so throughput there \
         is bounded by the CPU each side spends per request. Shared machines are noisy: each \
         cell ran {} time(s) and the tables show the median run by throughput, with the range.\n",
        m.nproc, r.rounds
    );

    let _ = writeln!(w, "## Commands\n");
    let _ = writeln!(w, "```sh");
    let _ = writeln!(
        w,
        "cargo run --release -p glair-bench -- all          # everything below; writes this file"
    );
    let _ = writeln!(
        w,
        "cargo bench -p glair-types                         # only the micro-benchmarks (all runs them first)"
    );
    let _ = writeln!(
        w,
        "cargo run --release -p glair-bench -- build-figures  # only the build figures, merged into the last run's report"
    );
    let _ = writeln!(w, "```\n");
    let _ = writeln!(
        w,
        "`all` options: `--requests N` (default 5000) `--warmup N` (500) `--rounds N` (5) \
         `--waits N` (1000) `--instruction-requests SHORT LONG` (1000 3000) `--skip-micro` `--skip-node` `--skip-blocking` `--skip-instructions` `--skip-clean-build` `--no-build`. This \
         run: {} measured requests per client per cell after {} warm-up requests, {} round(s), {} \
         waits. `all` builds `glair-emulator` with `cargo build --release -p glair-emulator` and \
         runs it from `target/release` (next to `glair-bench`) as `glair-emulator --addr \
         127.0.0.1:0 --max-sessions 1000000`; it installs `@glair/vision@{NODE_SDK_VERSION}` with npm into `bench-scratch/node` when missing \
         and writes `crates/glair-bench/node/driver.mjs` there.\n",
        r.requests, r.warmup, r.rounds, r.waits
    );

    render_targets(w, r);
    render_micro(w, r);
    render_load(w, r);
    render_scale(w, r);
    render_build(w, r);

    if !r.notes.is_empty() {
        let _ = writeln!(w, "## Problems during this run\n");
        for note in &r.notes {
            let _ = writeln!(w, "- {note}");
        }
        let _ = writeln!(w);
    }
    out
}

/// The ratio `f(a) / f(b)` at `concurrency`, paired by round (the two clients ran back to
/// back, so a busy neighbour weighs on both): the median over rounds, with the lowest and
/// highest.
fn paired(
    r: &Results,
    workload: &str,
    concurrency: u32,
    (a, b): (&str, &str),
    f: impl Fn(&Cell) -> f64,
) -> Option<(f64, f64, f64)> {
    let find = |who: &str, round: u32| {
        r.cells.iter().find(|c| {
            c.round == round
                && c.report.workload == workload
                && c.report.concurrency == concurrency
                && c.report.implementation == who
        })
    };
    let mut ratios: Vec<f64> = (1..=r.rounds)
        .filter_map(|round| {
            let (x, y) = (find(a, round)?, find(b, round)?);
            let denominator = f(y);
            (denominator > 0.0).then(|| f(x) / denominator)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let median = *ratios.get(ratios.len().checked_sub(1)? / 2)?;
    Some((median, ratios[0], ratios[ratios.len() - 1]))
}

/// [`paired`] at concurrency 64.
fn paired_at_64(
    r: &Results,
    workload: &str,
    a: &str,
    b: &str,
    f: impl Fn(&Cell) -> f64,
) -> Option<(f64, f64, f64)> {
    paired(r, workload, 64, (a, b), f)
}

/// `1.23× (1.10–1.40)` for a paired ratio.
fn paired_text(v: Option<(f64, f64, f64)>, rounds: u32) -> String {
    match v {
        Some((m, lo, hi)) if rounds > 1 => format!("{m:.2}× ({lo:.2}–{hi:.2})"),
        Some((m, _, _)) => format!("{m:.2}×"),
        None => "–".to_owned(),
    }
}

fn encode_decode(r: &Results) -> Option<(f64, f64)> {
    let sdk =
        micro(r, "create_request", "glair_types")? + micro(r, "decode_finished", "glair_types")?;
    let base =
        micro(r, "create_request", "serde_json")? + micro(r, "decode_finished", "serde_json")?;
    Some((sdk, base))
}

/// Instructions per request of `who` on `workload` at `concurrency`, if counted.
fn instructions_per_request(
    r: &Results,
    workload: &str,
    who: &str,
    concurrency: u32,
) -> Option<f64> {
    r.instructions
        .iter()
        .find(|c| c.workload == workload && c.implementation == who && c.concurrency == concurrency)
        .and_then(|c| c.per_request())
}

/// The raw client an SDK client is compared with: raw hyper for the async facade, raw ureq
/// for the blocking client.
fn baseline(who: &str) -> Option<&'static str> {
    match who {
        "facade" => Some("raw"),
        "blocking" => Some("raw-blocking"),
        _ => None,
    }
}

/// The name a report gives a client.
fn client_name(who: &str) -> &str {
    match who {
        "facade" => "the async client",
        "raw" => "raw hyper",
        "blocking" => "the blocking client",
        "raw-blocking" => "raw ureq",
        other => other,
    }
}

/// One row of the targets table.
struct Target {
    target: String,
    measured: String,
    verdict: String,
}

/// The targets table's rows that this run has figures for.
fn targets(r: &Results) -> Vec<Target> {
    let mut rows = Vec::new();
    let mut row = |target: String, measured: String, (_, verdict): (bool, String)| {
        rows.push(Target {
            target,
            measured,
            verdict,
        });
    };
    let rps = |c: &Cell| c.report.throughput();
    let p99 = |c: &Cell| c.report.p99_us;
    let cpu = |c: &Cell| c.report.cpu_us_per_request();
    // Issue #19: instructions per request at c=1 within 1.10× of the raw client of the same
    // kind (create+retrieve pairs; retrieve-only and the upload are in the table too).
    for who in ["facade", "blocking"] {
        let Some(base) = baseline(who) else { continue };
        if let (Some(f), Some(raw)) = (
            instructions_per_request(r, "pairs", who, 1),
            instructions_per_request(r, "pairs", base, 1),
        ) {
            row(
                format!(
                    "{} instructions per request ≤ 1.10× {} at c=1 (pairs, callgrind)",
                    client_name(who),
                    client_name(base)
                ),
                format!("{:.2}× ({} vs {})", f / raw, thousands(f), thousands(raw)),
                at_most(f / raw, 1.10),
            );
        }
    }
    for workload in ["pairs", "retrieve"] {
        let ratio = paired_at_64(r, workload, "facade", "raw", cpu);
        if let Some((x, _, _)) = ratio {
            row(
                format!("facade client CPU per request ≤ 1.10× raw hyper at c=64 ({workload})"),
                paired_text(ratio, r.rounds),
                at_most(x, 1.10),
            );
        }
        let ratio = paired_at_64(r, workload, "facade", "raw", rps);
        if let Some((x, _, _)) = ratio {
            row(
                format!("facade throughput ≥ 0.95× raw hyper at c=64 ({workload})"),
                paired_text(ratio, r.rounds),
                at_least(x, 0.95),
            );
        }
        let ratio = paired_at_64(r, workload, "facade", "raw", p99);
        if let Some((x, _, _)) = ratio {
            row(
                format!("facade p99 ≤ 1.2× raw hyper at c=64 ({workload})"),
                paired_text(ratio, r.rounds),
                at_most(x, 1.2),
            );
        }
    }
    for workload in ["pairs", "retrieve"] {
        for concurrency in BLOCKING_CONCURRENCIES {
            let ratio = paired(r, workload, concurrency, ("blocking", "raw-blocking"), rps);
            if let Some((x, _, _)) = ratio {
                row(
                    format!(
                        "blocking client throughput ≥ 0.95× raw ureq at {concurrency} thread(s) ({workload})"
                    ),
                    paired_text(ratio, r.rounds),
                    at_least(x, 0.95),
                );
            }
            let ratio = paired(r, workload, concurrency, ("blocking", "raw-blocking"), cpu);
            if let Some((x, _, _)) = ratio {
                row(
                    format!(
                        "blocking client CPU per request ≤ 1.05× raw ureq at {concurrency} thread(s) ({workload})"
                    ),
                    paired_text(ratio, r.rounds),
                    at_most(x, 1.05),
                );
            }
        }
    }
    for workload in ["pairs", "retrieve"] {
        let ratio = paired_at_64(r, workload, "facade", "node", rps);
        if let Some((x, _, _)) = ratio {
            row(
                format!("facade throughput ≥ 5× Node SDK at c=64 ({workload})"),
                paired_text(ratio, r.rounds),
                at_least(x, 5.0),
            );
        }
        let ratio = paired_at_64(r, workload, "facade", "node", cpu);
        if let Some((x, _, _)) = ratio {
            let verdict = if x < 1.0 {
                (true, "met".to_owned())
            } else {
                at_most(x, 1.0)
            };
            row(
                format!("facade CPU per request < Node SDK's at c=64 ({workload})"),
                format!("{} of Node's", paired_text(ratio, r.rounds)),
                verdict,
            );
        }
    }
    if let Some((sdk, base)) = encode_decode(r) {
        let x = sdk / base;
        row(
            "encode + decode ≤ 1.5× bare serde_json (create request + decode finished session)"
                .to_owned(),
            format!("{x:.2}× ({sdk:.0} ns vs {base:.0} ns)"),
            at_most(x, 1.5),
        );
    }
    if let (Some(sdk), Some(hand)) = (
        micro(r, "create_request", "glair_types"),
        micro(r, "create_request", "http_by_hand"),
    ) {
        let x = sdk / hand;
        row(
            "building a create request ≤ 1.2× a hand-built `http::Request`".to_owned(),
            format!("{x:.2}× ({sdk:.0} ns vs {hand:.0} ns)"),
            at_most(x, 1.2),
        );
    }
    if let Some(s) = &r.scale {
        let peak = s.waiters.peak_rss_kib as f64 / 1024.0;
        let (met, v) = at_most(peak, 24.0);
        let v = if s.waiters.finished == s.waiters.sessions {
            v
        } else {
            format!(
                "{v}; only {} of {} waits finished",
                s.waiters.finished, s.waiters.sessions
            )
        };
        row(
            format!(
                "{} concurrent waits ≤ 24 MiB peak RSS",
                thousands(s.waiters.sessions as f64)
            ),
            format!("{peak:.1} MiB"),
            (met, v),
        );
    }
    if let Some(d) = r.deps.iter().find(|d| d.label == "glair-types") {
        let n = d.crates.len() as f64;
        row(
            "glair-types ≤ 12 linked crates (dependencies, itself excluded)".to_owned(),
            d.crates.len().to_string(),
            at_most(n, 12.0),
        );
    }
    if let Some(d) = r
        .deps
        .iter()
        .find(|d| d.label == "glair --no-default-features")
    {
        let found = d.has_any(&["hyper", "tokio", "rustls"]);
        let (measured, verdict) = if found.is_empty() {
            ("none of them".to_owned(), (true, "met".to_owned()))
        } else {
            (found.join(", "), (false, "**missed**".to_owned()))
        };
        row(
            "`glair --no-default-features` links no hyper, tokio or rustls".to_owned(),
            measured,
            verdict,
        );
    }
    rows
}

fn render_targets(w: &mut String, r: &Results) {
    let _ = writeln!(
        w,
        "## Targets
"
    );
    let _ = writeln!(
        w,
        "Load ratios are taken per round (the two clients ran back to back, interleaved, so \
         drift weighs on both) and the median over the rounds is judged; the range over rounds \
         follows in brackets. The blocking client's targets are this project's own (the same \
         bar as the async client's).\n"
    );
    let _ = writeln!(w, "| target | measured | verdict |\n|---|---|---|");
    for t in targets(r) {
        let _ = writeln!(w, "| {} | {} | {} |", t.target, t.measured, t.verdict);
    }
    let _ = writeln!(w);
    render_why(w, r);
}

/// Measured explanations for the load targets: the difference in client CPU per request.
fn render_why(w: &mut String, r: &Results) {
    let mut lines = Vec::new();
    for workload in ["pairs", "retrieve"] {
        let (Some(f), Some(raw)) = (
            pick(r, workload, 64, "facade"),
            pick(r, workload, 64, "raw"),
        ) else {
            continue;
        };
        let extra = f.cell.report.cpu_us_per_request() - raw.cell.report.cpu_us_per_request();
        let emu = emulator_cpu_per_request(f.cell);
        lines.push(format!(
            "- {workload}, c=64: the facade spends {:.1} µs of client CPU per request against raw \
             hyper's {:.1} µs ({extra:+.1} µs); the emulator spends {emu:.1} µs per request. With \
             every CPU busy, throughput follows the sum of client and server CPU per request, so \
             the facade/raw ratio can be predicted as ({:.1} + {emu:.1}) / ({:.1} + {emu:.1}) = \
             {:.2}×.",
            f.cell.report.cpu_us_per_request(),
            raw.cell.report.cpu_us_per_request(),
            raw.cell.report.cpu_us_per_request(),
            f.cell.report.cpu_us_per_request(),
            (raw.cell.report.cpu_us_per_request() + emu)
                / (f.cell.report.cpu_us_per_request() + emu)
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(w, "Where client throughput goes (c=64, median runs):\n");
        for line in lines {
            let _ = writeln!(w, "{line}");
        }
        let _ = writeln!(w);
    }
}

fn emulator_cpu_per_request(c: &Cell) -> f64 {
    if c.emulator_requests == 0 {
        0.0
    } else {
        c.emulator_cpu_s * 1e6 / c.emulator_requests as f64
    }
}

fn render_micro(w: &mut String, r: &Results) {
    let _ = writeln!(w, "## Micro-benchmarks (`glair-types`, criterion)\n");
    if r.micro.is_empty() {
        let _ = writeln!(
            w,
            "No criterion results were found (run `cargo bench -p glair-types`).\n"
        );
        return;
    }
    let _ = writeln!(
        w,
        "`crates/glair-types/benches/codec.rs`, means from `target/criterion/<group>/<id>/new/estimates.json`{}. \
         The SDK's call is set against a bare baseline doing the same JSON work with serde_json \
         alone on a plain `#[derive(Serialize/Deserialize)]` struct, and for requests also \
         against an `http::Request` built by hand with pre-computed header values.\n",
        if r.micro_ran {
            " (run by this `all`)"
        } else {
            " (left by an earlier `cargo bench`; this run used `--skip-micro`)"
        }
    );
    let _ = writeln!(
        w,
        "| operation | glair-types | by hand (`http::Request`) | bare baseline | glair-types / bare |\n|---|---:|---:|---:|---:|"
    );
    let rows = [
        (
            "create request (validate URLs, JSON body, headers)",
            "create_request",
            "serde_json",
            "serde_json `to_vec`",
        ),
        (
            "retrieve request (check sid, escape, headers)",
            "retrieve_request",
            "format_url",
            "`format!` of the URL",
        ),
        (
            "decode a finished session",
            "decode_finished",
            "serde_json",
            "serde_json `from_slice`",
        ),
        (
            "decode a pending session",
            "decode_pending",
            "serde_json",
            "serde_json `from_slice`",
        ),
        (
            "decode a 401 error into `ApiError`",
            "decode_error",
            "serde_json",
            "serde_json `from_slice` of `{message}`",
        ),
    ];
    for (label, group, base_id, base_label) in rows {
        let sdk = micro(r, group, "glair_types");
        let hand = micro(r, group, "http_by_hand");
        let base = micro(r, group, base_id);
        let ns = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.0} ns"));
        let ratio = match (sdk, base) {
            (Some(s), Some(b)) if b > 0.0 => format!("{:.2}×", s / b),
            _ => "–".to_owned(),
        };
        let _ = writeln!(
            w,
            "| {label} | {} | {} | {} ({base_label}) | {ratio} |",
            ns(sdk),
            ns(hand),
            ns(base)
        );
    }
    let _ = writeln!(w);
    let mut parts = Vec::new();
    if let (Some(v), Some(sdk)) = (
        micro(r, "create_request", "validate_only"),
        micro(r, "create_request", "glair_types"),
    ) {
        parts.push(format!(
            "building and validating the create request without making the HTTP request (two \
             URL checks, two `String`s) takes {v:.0} ns of the {sdk:.0} ns"
        ));
    }
    for (group, what) in [
        ("decode_finished", "finished"),
        ("decode_pending", "pending"),
    ] {
        if let (Some(plain), Some(sdk), Some(base)) = (
            micro(r, group, "sdk_type_plain"),
            micro(r, group, "glair_types"),
            micro(r, group, "serde_json"),
        ) {
            parts.push(format!(
                "plain `serde_json::from_slice` into the SDK's own session type takes {plain:.0} \
                 ns for a {what} session (against {base:.0} ns for the plain mirror and {sdk:.0} ns \
                 through `decode_session`, which adds the status check, JSON-path tracking and \
                 keeping the raw body)"
            ));
        }
    }
    if !parts.is_empty() {
        let _ = writeln!(w, "Where the time goes: {}.\n", parts.join("; "));
    }
    if let Some((sdk, base)) = encode_decode(r) {
        let _ = writeln!(
            w,
            "Encode + decode (create request + decode finished session): {sdk:.0} ns against \
             {base:.0} ns for bare serde_json, {:.2}× (means, as judged above).",
            sdk / base
        );
        if let (Some(a), Some(b), Some(c), Some(d)) = (
            micro_median(r, "create_request", "glair_types"),
            micro_median(r, "decode_finished", "glair_types"),
            micro_median(r, "create_request", "serde_json"),
            micro_median(r, "decode_finished", "serde_json"),
        ) {
            let _ = writeln!(
                w,
                "With criterion's medians instead, which a busy neighbour disturbs less: {:.0} ns \
                 against {:.0} ns, {:.2}×.",
                a + b,
                c + d,
                (a + b) / (c + d)
            );
        }
        if let (Some(hand), Some(dec)) = (
            micro(r, "create_request", "http_by_hand"),
            micro(r, "decode_finished", "serde_json"),
        ) {
            let _ = writeln!(
                w,
                "Against a hand-built `http::Request` plus serde_json decoding ({:.0} ns): {:.2}×.",
                hand + dec,
                sdk / (hand + dec)
            );
        }
        let _ = writeln!(w);
    }
}

fn render_load(w: &mut String, r: &Results) {
    let _ = writeln!(w, "## Load: end to end over loopback\n");
    let _ = writeln!(
        w,
        "Each client is its own process and sends {} requests (after {} warm-up requests) with \
         N concurrent workers pulling from one counter, to one `glair-emulator` process, and \
         reports its own figures: wall time and per-request latency of the measured phase, CPU \
         time (user + system) of the measured phase (Rust: the on-CPU time of every thread from \
         `/proc/self/task/*/schedstat`, nanosecond resolution; Node: `process.cpuUsage()`), and \
         peak RSS over the process's life (`VmHWM` from `/proc/self/status`, or Node's \
         `resourceUsage().maxRSS`).\n",
        r.requests, r.warmup
    );
    let _ = writeln!(
        w,
        "- **facade**: `glair::Client` with default features (hyper transport, rustls, retries, \
         timeouts); `create` → `Session::sid()` → `retrieve`.\n\
         - **raw**: hyper-util's pooled legacy client (default pool) sending byte-identical requests \
         (same method, URI, headers in the same order, body — checked by a unit test) with \
         header values computed once, decoding into a plain `#[derive(Deserialize)]` struct: \
         the practical limit for a Rust client.\n\
         - **node**: `@glair/vision@{NODE_SDK_VERSION}`, `vision.faceBio.passiveLivenessSessions.create/retrieve`, on \
         Node's built-in fetch; its logging is silenced (it logs every call and `console.log`s \
         every create request).\n\
         - Both Rust clients run on tokio's multi-thread runtime with default settings.\n\
         - **blocking**: `glair::blocking::Client` with its default ureq transport (features \
         `blocking`), one OS thread per request in flight.\n\
         - **raw-blocking**: a ureq agent configured like that transport sending the same \
         byte-identical requests, one thread per request in flight: the limit for blocking code \
         on the same HTTP stack.\n"
    );
    for (workload, title) in [
        (
            "pairs",
            "Create + retrieve pairs (each pair is 2 requests; the sid is read from the created session)",
        ),
        (
            "retrieve",
            "Retrieve only (a pre-created set of 1,000 finished sessions, round robin)",
        ),
    ] {
        let _ = writeln!(w, "### {title}\n");
        let _ = writeln!(
            w,
            "| client | concurrency | requests/s (range over rounds) | p50 µs | p99 µs | client CPU µs/request | peak RSS MiB | errors | emulator CPU µs/request | emulator CPUs |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        let groups: [(&[u32], &[&str]); 2] = [
            (&CONCURRENCIES, &["facade", "raw", "node"]),
            (&BLOCKING_CONCURRENCIES, &["blocking", "raw-blocking"]),
        ];
        for (concurrency, who) in groups.iter().flat_map(|(levels, whos)| {
            levels
                .iter()
                .flat_map(move |c| whos.iter().map(move |who| (*c, *who)))
        }) {
            {
                let Some(p) = pick(r, workload, concurrency, who) else {
                    continue;
                };
                let c = &p.cell.report;
                let range = if p.runs > 1 {
                    format!(" ({}–{})", thousands(p.min_rps), thousands(p.max_rps))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    w,
                    "| {who} | {concurrency} | {}{range} | {:.0} | {:.0} | {:.1} | {} | {} | {:.1} | {:.2} |",
                    thousands(c.throughput()),
                    c.p50_us,
                    c.p99_us,
                    c.cpu_us_per_request(),
                    mib(c.peak_rss_kib),
                    c.errors,
                    emulator_cpu_per_request(p.cell),
                    c.throughput() * emulator_cpu_per_request(p.cell) / 1e6
                );
            }
        }
        let _ = writeln!(w);
    }

    let _ = writeln!(
        w,
        "### Ratios at concurrency 64 (per round, median and range over rounds)\n"
    );
    let _ = writeln!(
        w,
        "| workload | facade/raw requests/s | facade/raw p99 | facade/node requests/s | facade/node CPU per request |\n|---|---:|---:|---:|---:|"
    );
    let rps = |c: &Cell| c.report.throughput();
    let p99 = |c: &Cell| c.report.p99_us;
    let cpu = |c: &Cell| c.report.cpu_us_per_request();
    for workload in ["pairs", "retrieve"] {
        let _ = writeln!(
            w,
            "| {workload} | {} | {} | {} | {} |",
            paired_text(paired_at_64(r, workload, "facade", "raw", rps), r.rounds),
            paired_text(paired_at_64(r, workload, "facade", "raw", p99), r.rounds),
            paired_text(paired_at_64(r, workload, "facade", "node", rps), r.rounds),
            paired_text(paired_at_64(r, workload, "facade", "node", cpu), r.rounds),
        );
    }
    let _ = writeln!(w);

    render_instructions(w, r);

    let _ = writeln!(w, "### The emulator\n");
    let rust = |c: &&Cell| c.report.implementation != "node";
    let node = |c: &&Cell| c.report.implementation == "node";
    let per_request = |cells: Vec<&Cell>| {
        let served: u64 = cells.iter().map(|c| c.emulator_requests).sum();
        let cpu: f64 = cells.iter().map(|c| c.emulator_cpu_s).sum();
        (served > 0).then(|| cpu * 1e6 / served as f64)
    };
    let at_64 = |c: &&Cell| c.report.concurrency == 64;
    let rust_64 = per_request(r.cells.iter().filter(rust).filter(at_64).collect());
    let node_64 = per_request(r.cells.iter().filter(node).filter(at_64).collect());
    let served: u64 = r.cells.iter().map(|c| c.emulator_requests).sum();
    let busiest = r
        .cells
        .iter()
        .max_by(|a, b| a.report.throughput().total_cmp(&b.report.throughput()));
    let mismatched: Vec<String> = r
        .cells
        .iter()
        .filter(|c| c.emulator_requests != c.client_sent)
        .map(|c| {
            format!(
                "round {} {} c={} {}: client sent {}, emulator counted {}",
                c.round,
                c.report.workload,
                c.report.concurrency,
                c.report.implementation,
                c.client_sent,
                c.emulator_requests
            )
        })
        .collect();
    let _ = writeln!(
        w,
        "The emulator (one process, tokio multi-thread runtime, hyper HTTP/1.1 server) served \
         {} API requests over all load cells; its request counts (`GET /_emulator/stats`) {} the \
         requests the clients say they sent{}. It served whatever the clients sent: its \
         throughput is the requests/s in the tables, at most {} requests/s in this run ({}). Its \
         CPU per request (`/proc/<pid>/task/*/schedstat` over each client's run, warm-up \
         included) was {} while serving the Rust clients at c=64 — about {} requests/s per core \
         if it had a core to itself — and {} while serving Node at c=64 (fewer requests per \
         wake-up, more headers). The column \"emulator CPUs\" above is requests/s × that CPU per \
         request: how many of the machine's CPUs the emulator kept busy. Its resident memory was \
         {} MiB idle and {} MiB at the end (every session is kept in memory).\n",
        thousands(served as f64),
        if mismatched.is_empty() {
            "match"
        } else {
            "do not always match"
        },
        if mismatched.is_empty() {
            " in every cell (no retries, nothing lost)".to_owned()
        } else {
            format!(": {}", mismatched.join("; "))
        },
        busiest.map_or_else(|| "–".to_owned(), |c| thousands(c.report.throughput())),
        busiest.map_or_else(String::new, |c| format!(
            "{} c={} {}, round {}",
            c.report.workload, c.report.concurrency, c.report.implementation, c.round
        )),
        rust_64.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} µs")),
        rust_64.map_or_else(|| "–".to_owned(), |v| thousands(1e6 / v)),
        node_64.map_or_else(|| "–".to_owned(), |v| format!("{v:.1} µs")),
        mib(r.emulator_idle_rss_kib),
        mib(r.emulator_final_rss_kib),
    );
}

/// The callgrind counts, if any.
fn render_instructions(w: &mut String, r: &Results) {
    if r.instructions.is_empty() {
        return;
    }
    let _ = writeln!(w, "### Instructions per request (callgrind)\n");
    let _ = writeln!(
        w,
        "Each Rust client process ran twice under `valgrind --tool=callgrind` with the same \
         warm-up and two measured request counts; instructions per request is the difference in \
         the process's instructions over the difference in requests, so start-up and warm-up \
         cancel out. Instruction counts do not depend on what else the machine is doing \
         (`perf stat -e instructions` reports \"not supported\" on this virtual machine). At \
         c=1 one request is in flight at a time, so the count is one request's own work; the \
         ratio compares each SDK client with the raw client of its kind (the async client with \
         raw hyper, the blocking client with raw ureq).\n"
    );
    let _ = writeln!(
        w,
        "| workload | concurrency | client | requests (short, long) | instructions (short, long) | per request | ratio to raw |\n|---|---:|---|---|---:|---:|---:|"
    );
    for c in &r.instructions {
        let per_request = c.per_request();
        let ratio = baseline(&c.implementation)
            .and_then(|base| instructions_per_request(r, &c.workload, base, c.concurrency))
            .zip(per_request)
            .map_or_else(|| "–".to_owned(), |(raw, own)| format!("{:.2}×", own / raw));
        let _ = writeln!(
            w,
            "| {} | {} | {} | {}, {} | {}, {} | {} | {ratio} |",
            c.workload,
            c.concurrency,
            client_name(&c.implementation),
            c.requests.0,
            c.requests.1,
            thousands(c.instructions.0 as f64),
            thousands(c.instructions.1 as f64),
            per_request.map_or_else(|| "–".to_owned(), thousands)
        );
    }
    let _ = writeln!(w);
    for c in r.instructions.iter().filter(|c| !c.breakdown.is_empty()) {
        let _ = writeln!(
            w,
            "Where {}'s instructions go ({}, c={}, inclusive counts per request of the long \
             run, warm-up included; parts nest, so they do not add up):\n",
            client_name(&c.implementation),
            c.workload,
            c.concurrency
        );
        for (label, per_request) in &c.breakdown {
            let _ = writeln!(w, "- {label}: {}", thousands(*per_request));
        }
        let _ = writeln!(w);
    }
}

fn render_scale(w: &mut String, r: &Results) {
    let _ = writeln!(w, "## Scale: concurrent `Sessions::wait`\n");
    let Some(s) = &r.scale else {
        let _ = writeln!(
            w,
            "The scale check did not run or failed (see the problems below).\n"
        );
        return;
    };
    let x = &s.waiters;
    let _ = writeln!(
        w,
        "One process (`glair-bench waiters`) starts {} `Sessions::wait` calls at once on one \
         `glair::Client` (default features, default `WaitOptions`: first poll at once, then \
         every 2 s growing by half up to 15 s). {:.1} s after they start, the orchestrator \
         completes every session through `POST /_emulator/passive-liveness-sessions/{{sid}}/complete`.\n",
        thousands(x.sessions as f64),
        s.completed_after_s
    );
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(
        w,
        "| waits finished | {} of {} |",
        thousands(x.finished as f64),
        thousands(x.sessions as f64)
    );
    if let Some(e) = &x.first_error {
        let _ = writeln!(w, "| first failure | {e} |");
    }
    let _ = writeln!(w, "| wall time | {:.1} s |", x.wall_s);
    let _ = writeln!(
        w,
        "| peak RSS of the client process | {} MiB ({} MiB before the waits started) |",
        mib(x.peak_rss_kib),
        mib(x.rss_before_kib)
    );
    let _ = writeln!(
        w,
        "| requests sent (emulator's count of retrieves) | {} ({:.2} per wait; {} API requests in all) |",
        thousands(s.polls as f64),
        if x.sessions > 0 {
            s.polls as f64 / x.sessions as f64
        } else {
            0.0
        },
        thousands(s.api_requests as f64)
    );
    let _ = writeln!(w, "| client CPU | {:.2} s |\n", x.cpu_s);
}

fn render_build(w: &mut String, r: &Results) {
    let _ = writeln!(w, "## Build figures\n");
    let _ = writeln!(
        w,
        "Dependencies are counted from `cargo tree … -e normal,no-proc-macro --prefix none` \
         (code that is linked: normal edges for the host target, no proc-macro crates, no build \
         dependencies): every distinct `name version` line once (the `(*)` repeats folded), the \
         root package itself not counted.\n"
    );
    let _ = writeln!(w, "| package | dependencies | command |\n|---|---:|---|");
    for d in &r.deps {
        let _ = writeln!(w, "| {} | {} | `{}` |", d.label, d.crates.len(), d.command);
    }
    let _ = writeln!(w);
    for d in &r.deps {
        let _ = writeln!(
            w,
            "<details><summary>{} ({})</summary>\n\n{}\n\n</details>\n",
            d.label,
            d.crates.len(),
            d.crates.join(", ")
        );
    }
    if let Some(d) = r
        .deps
        .iter()
        .find(|d| d.label == "glair --no-default-features")
    {
        let found = d.has_any(&["hyper", "tokio", "rustls"]);
        let _ = writeln!(
            w,
            "`glair --no-default-features` links {}.\n",
            if found.is_empty() {
                "no crate named hyper*, tokio* or rustls*".to_owned()
            } else {
                found.join(", ")
            }
        );
    }
    if let Some(q) = &r.quickstart {
        let _ = writeln!(
            w,
            "Release size of the quickstart example (`{}`): {} bytes ({:.2} MiB). It embeds the \
             emulator (an HTTP server) so that it runs without an account, so it is larger than \
             an application using only the SDK.\n",
            q.command,
            thousands(q.bytes as f64),
            q.bytes as f64 / 1048576.0
        );
    }
    match &r.clean_build {
        Some(b) => {
            let _ = writeln!(
                w,
                "Clean release build of `glair` with default features: {:.0} s on this machine \
                 (measured {}, load averages {} just before; sources already downloaded; \
                 `cargo`'s default of one job per CPU), as `{}`.\n",
                b.seconds, b.measured_utc, b.loadavg_before, b.command
            );
        }
        None => {
            let _ = writeln!(
                w,
                "The clean build time was not measured (`--skip-clean-build`; \
                 `cargo run --release -p glair-bench -- build-figures` measures it and merges it \
                 into this report).\n"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::Machine;
    use crate::instructions::InstructionCount;
    use crate::measure::ClientReport;
    use crate::orchestrate::MicroMean;

    fn cell(who: &str, workload: &str, concurrency: u32, rps: f64) -> Cell {
        Cell {
            round: 1,
            report: ClientReport {
                implementation: who.to_owned(),
                workload: workload.to_owned(),
                concurrency,
                requests: 1000,
                errors: 0,
                first_error: None,
                wall_s: 1000.0 / rps,
                p50_us: 100.0,
                p99_us: 300.0,
                cpu_user_s: 0.04,
                cpu_sys_s: 0.01,
                cpu_s: None,
                peak_rss_kib: 10240,
            },
            client_sent: 1100,
            emulator_requests: 1100,
            emulator_cpu_s: 0.05,
        }
    }

    /// The report renders from results alone, with the ratios computed from them.
    #[test]
    fn renders_a_small_run() {
        let mut cells = Vec::new();
        for workload in ["pairs", "retrieve"] {
            for c in CONCURRENCIES {
                cells.push(cell("facade", workload, c, 9000.0));
                cells.push(cell("raw", workload, c, 10000.0));
                cells.push(cell("node", workload, c, 1500.0));
            }
            for c in BLOCKING_CONCURRENCIES {
                cells.push(cell("blocking", workload, c, 4000.0));
                cells.push(cell("raw-blocking", workload, c, 4100.0));
            }
        }
        let results = Results {
            machine: Machine {
                nproc: 2,
                cpu_model: "Test CPU".into(),
                mem_total: "1.0 GiB".into(),
                kernel: "6".into(),
                rustc: "rustc".into(),
                node: "v20".into(),
                date_utc: "today".into(),
                commit: "abc".into(),
                loadavg_at_start: "0 0 0".into(),
            },
            requests: 1000,
            warmup: 100,
            rounds: 1,
            waits: 10,
            micro: vec![
                MicroMean {
                    group: "create_request".into(),
                    id: "glair_types".into(),
                    mean_ns: 300.0,
                    median_ns: 0.0,
                },
                MicroMean {
                    group: "create_request".into(),
                    id: "serde_json".into(),
                    mean_ns: 100.0,
                    median_ns: 0.0,
                },
                MicroMean {
                    group: "decode_finished".into(),
                    id: "glair_types".into(),
                    mean_ns: 500.0,
                    median_ns: 0.0,
                },
                MicroMean {
                    group: "decode_finished".into(),
                    id: "serde_json".into(),
                    mean_ns: 400.0,
                    median_ns: 0.0,
                },
            ],
            micro_ran: true,
            cells,
            instructions: vec![
                InstructionCount {
                    implementation: "facade".into(),
                    workload: "pairs".into(),
                    concurrency: 1,
                    requests: (1000, 3000),
                    instructions: (100_000_000, 300_000_000),
                    breakdown: vec![("building the request".into(), 4321.0)],
                },
                InstructionCount {
                    implementation: "raw".into(),
                    workload: "pairs".into(),
                    concurrency: 1,
                    requests: (1000, 3000),
                    instructions: (95_000_000, 285_000_000),
                    breakdown: Vec::new(),
                },
            ],
            emulator_idle_rss_kib: 1024,
            emulator_final_rss_kib: 2048,
            scale: None,
            deps: Vec::new(),
            quickstart: None,
            clean_build: None,
            notes: vec!["a note".into()],
            total_s: 1.0,
        };
        let md = render(&results);
        assert!(md.contains(
            "| facade throughput ≥ 0.95× raw hyper at c=64 (pairs) | 0.90× | **missed** by 5% |"
        ));
        assert!(md.contains(
            "| the async client instructions per request ≤ 1.10× raw hyper at c=1 (pairs, callgrind) | 1.05× (100,000 vs 95,000) | met |"
        ));
        assert!(md.contains("| pairs | 1 | the async client | 1000, 3000 | 100,000,000, 300,000,000 | 100,000 | 1.05× |"));
        assert!(md.contains(
            "| blocking client throughput ≥ 0.95× raw ureq at 16 thread(s) (retrieve) | 0.98× | met |"
        ));
        assert!(md.contains("| raw-blocking | 16 | 4,100 |"));
        assert!(
            md.contains("- building the request: 4,321")
                && md.contains("Where the async client's instructions go (pairs, c=1,")
        );
        assert!(
            md.contains("| facade throughput ≥ 5× Node SDK at c=64 (retrieve) | 6.00× | met |")
        );
        assert!(md.contains("1.60× (800 ns vs 500 ns)"));
        assert!(md.contains("| facade | 64 | 9,000 | 100 | 300 | 50.0 | 10.0 | 0 | 45.5 | 0.41 |"));
        assert!(md.contains("- a note"));
    }

    #[test]
    fn verdicts_and_numbers() {
        assert_eq!(at_least(0.8, 0.9).1, "**missed** by 11%");
        assert_eq!(at_most(1.5, 1.2).1, "**missed**: 25% over");
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
    }
}
