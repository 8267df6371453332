// Load driver for the official Node SDK, @glair/vision (run by `glair-bench all`, which copies
// this file next to bench-scratch/node/node_modules so that the import resolves).
//
//   node driver.mjs --base-url URL --workload pairs|retrieve --concurrency N --requests N \
//                   --warmup N [--sids-file PATH]
//
// Same protocol as `glair-bench client`: a warm-up, then the measured phase with N concurrent
// workers pulling from one counter; prints one JSON line (requests, errors, wall time, p50/p99
// latency, user+sys CPU of the measured phase from process.cpuUsage() (µs resolution), peak RSS from
// process.resourceUsage().maxRSS).
//
// @glair/vision (the version pinned in tests/node-sdk-version) logs every call at INFO level
// and, on create, also prints the whole request with a bare console.log. Both are silenced here
// (setLogLevel(SILENT) and a no-op console.log) so that Node is measured at its best rather
// than its logging.

import { readFileSync } from "node:fs";
import { Vision, setLogLevel, LogLevel } from "@glair/vision";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
}
const baseUrl = args["base-url"];
const workload = args["workload"];
const concurrency = Number(args["concurrency"]);
const requests = Number(args["requests"]);
const warmup = Number(args["warmup"] ?? 500);
const sids = args["sids-file"]
  ? readFileSync(args["sids-file"], "utf8").split("\n").map((s) => s.trim()).filter(Boolean)
  : [];
if (!baseUrl || !["pairs", "retrieve"].includes(workload) || !(concurrency > 0) || !(requests > 0)) {
  process.stderr.write("usage: node driver.mjs --base-url URL --workload pairs|retrieve --concurrency N --requests N [--warmup N] [--sids-file PATH]\n");
  process.exit(2);
}
if (workload === "retrieve" && sids.length === 0) {
  process.stderr.write("--workload retrieve needs --sids-file\n");
  process.exit(2);
}

const out = process.stdout;
setLogLevel(LogLevel.SILENT);
console.log = () => {};

const vision = new Vision({
  baseUrl,
  apiKey: "emulator-api-key",
  username: "emulator-user",
  password: "emulator-password",
});
const sessions = vision.faceBio.passiveLivenessSessions;
const SUCCESS_URL = "https://app.example/liveness/done";
const CANCEL_URL = "https://app.example/liveness/cancelled";
const perOp = workload === "pairs" ? 2 : 1;

function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message ?? e.cause})` : ""}`;
  try { return JSON.stringify(e); } catch { return String(e); }
}

async function runPhase(ops) {
  const latencies = [];
  let sent = 0;
  let errors = 0;
  let firstError = null;
  let next = 0;
  const timed = async (call) => {
    const started = process.hrtime.bigint();
    sent += 1;
    try {
      const value = await call();
      latencies.push(Number(process.hrtime.bigint() - started));
      return value;
    } catch (e) {
      errors += 1;
      if (firstError === null) firstError = describe(e);
      return undefined;
    }
  };
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= ops) return;
      if (workload === "pairs") {
        const created = await timed(() => sessions.create({ success_url: SUCCESS_URL, cancel_url: CANCEL_URL }));
        if (created && typeof created.url === "string") {
          const sid = created.url.split("/").pop();
          await timed(() => sessions.retrieve({ sid }));
        }
      } else {
        await timed(() => sessions.retrieve({ sid: sids[i % sids.length] }));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, sent, errors, firstError };
}

function quantileUs(sorted, q) {
  if (sorted.length === 0) return 0;
  const rank = Math.min(Math.max(Math.ceil(q * sorted.length), 1), sorted.length);
  return sorted[rank - 1] / 1000;
}

const warm = await runPhase(Math.ceil(warmup / perOp));
if (warm.sent > 0 && warm.errors === warm.sent) {
  process.stderr.write(`every warm-up request failed: ${warm.firstError}\n`);
  process.exit(1);
}
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const result = await runPhase(Math.ceil(requests / perOp));
const wallS = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
result.latencies.sort((a, b) => a - b);
out.write(
  JSON.stringify({
    impl: "node",
    workload,
    concurrency,
    requests: result.sent,
    errors: result.errors,
    first_error: result.firstError,
    wall_s: wallS,
    p50_us: quantileUs(result.latencies, 0.5),
    p99_us: quantileUs(result.latencies, 0.99),
    cpu_user_s: cpu.user / 1e6,
    cpu_sys_s: cpu.system / 1e6,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    peak_rss_kib: process.resourceUsage().maxRSS,
  }) + "\n",
);
// Pipes are written synchronously on Linux; exit without waiting for idle keep-alive sockets.
process.exit(0);
