#!/usr/bin/env bash
# glair on wasm32-unknown-unknown under Node, against glair-emulator (issue #20).
#
# 1. Installs what it needs when missing: the wasm32-unknown-unknown target (rustup) and
#    wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (the runner and the
#    library must match); Node 18 or later must be on PATH.
# 2. Starts glair-emulator on a free port of 127.0.0.1 and runs tests/wasm/tests/*.rs
#    (wasm-bindgen-test, in Node, through wasm-bindgen-test-runner) against it.
# 3. Builds the minimal create + retrieve program (tests/wasm/src/lib.rs) in release for
#    size (opt-level "s", fat LTO, one codegen unit), runs wasm-bindgen on it, calls it from
#    Node against the same emulator, and prints the .wasm's size (BENCHMARKS.md).
#
# Usage: bash tests/wasm/run.sh        (from anywhere; CI: the ".ci/run" step "wasm32 under Node")
set -euo pipefail
cd "$(dirname "$0")/../.."

target=wasm32-unknown-unknown
out="$PWD/target/wasm-tests"
mkdir -p "$out"

# --- tools
if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi
version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$version" ]; then
    echo "run.sh: no wasm-bindgen in Cargo.lock" >&2
    exit 1
fi
if ! wasm-bindgen-test-runner --version 2>/dev/null | grep -q " $version\$"; then
    cargo install wasm-bindgen-cli --version "=$version" --locked
fi
wasm-bindgen --version
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "run.sh: Node $(node --version) has no global fetch; 18 or later is needed" >&2
    exit 1
fi
node --version

# --- the emulator, on a free port, stopped on exit
cargo build -p glair-emulator
emulator_log="$out/emulator.log"
target/debug/glair-emulator --addr 127.0.0.1:0 >"$emulator_log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$emulator_log")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -z "$url" ]; then
    echo "run.sh: the emulator did not start:" >&2
    cat "$emulator_log" >&2
    exit 1
fi
export GLAIR_WASM_EMULATOR_URL="$url"
# A loopback port nobody listens on (bound, then closed), for the refused-connection test; not
# one of fetch's blocked ports (1, 9, …), which fetch refuses without connecting.
GLAIR_WASM_CLOSED_PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
export GLAIR_WASM_CLOSED_PORT
echo "emulator at $url"

# --- lints of the wasm32-only code (native clippy never sees it)
cargo clippy -p glair-core -p glair --lib --target "$target" --no-default-features \
    --features glair/fetch,glair-core/fetch -- -D warnings
cargo clippy -p glair-wasm-tests --lib --tests --target "$target" -- -D warnings

# --- the tests, in Node
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p glair-wasm-tests --target "$target"

# --- the minimal program: size, and a call from JavaScript
CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    cargo build -p glair-wasm-tests --lib --release --target "$target"
wasm-bindgen --target nodejs --out-dir "$out/pkg" "target/$target/release/glair_wasm_tests.wasm"
size=$(wc -c <"$out/pkg/glair_wasm_tests_bg.wasm")
echo "minimal create + retrieve program: $size bytes (.wasm after wasm-bindgen, opt-level s)"
if [ "$size" -gt $((1024 * 1024)) ]; then
    echo "run.sh: the program is over 1 MiB" >&2
    exit 1
fi
node -e '
const { createAndRetrieve } = require(process.argv[1]);
createAndRetrieve(process.argv[2], "emulator-api-key", "emulator-user", "emulator-password")
  .then((answer) => {
    if (!/^\S+ PENDING$/.test(answer)) throw new Error("unexpected answer: " + answer);
    console.log("createAndRetrieve from Node: " + answer);
  })
  .catch((error) => { console.error(error); process.exit(1); });
' "$out/pkg/glair_wasm_tests.js" "$url"
