#![doc = concat!(
r#"# glair — the GLAIR Vision command-line tool

[GLAIR Vision](https://glair.ai) from a shell, built on the `glair` SDK: hosted identity
sessions, face biometrics and identity verification, and OCR.

```text
glair [--base-url URL] [--api-version V] [--timeout DURATION] <KIND> create --success-url URL [--cancel-url URL] [KIND OPTIONS]
glair [...] <KIND> retrieve SID
glair [...] <KIND> wait SID [--interval DURATION] [--max-wait DURATION]
glair [...] face match --captured FILE --stored FILE
glair [...] face passive-liveness --image FILE
glair [...] face active-liveness --image FILE --gesture-code CODE
glair [...] identity verification --input FILE|-    (JSON: {"nik": …, "name": …, "date_of_birth": …, "no_kk": …, …})
glair [...] identity face-verification --input FILE|- --face-image FILE
glair [...] identity verification --nik NIK --name NAME --date-of-birth DD-MM-YYYY [--no-kk …] […]    (shows them in `ps`)
glair [...] ocr <DOCUMENT> --image FILE    (ktp [--qualities], bpkb [--page N], general-document [--table], npwp, kk, …)
```

`<KIND>` is one of

| kind | extra `create` options |
|---|---|
| `passive-liveness-sessions` | none |
| `active-liveness-sessions` | `--number-of-gestures N` (a positive integer) |
| `ktp-sessions` | `--qualities-detector [true\|false]` (alone: `true`; omitted: not sent) |
| `npwp-sessions` | none |

For example, against a local `glair-emulator`:

```sh
export GLAIR_API_KEY=emulator-api-key GLAIR_USERNAME=emulator-user GLAIR_PASSWORD=emulator-password
export GLAIR_BASE_URL=http://127.0.0.1:8080
glair passive-liveness-sessions create --success-url https://app.example/done
# {"expired":…,"result":null,"sid":"…","status":"PENDING","success_url":"https://app.example/done","url":"…"}
glair passive-liveness-sessions wait "$SID" --max-wait 5m
```

The JSON object's keys are printed in sorted order. `--help` shows the following:

```text
"#,
    include_str!("help.txt"),
    "```\n"
)]

mod cert_file;
mod cli;
mod duration;
mod kinds;
mod network;
mod run;
mod terminal;
mod vision;

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::Parser as _;
use serde_json::Value;

use crate::cli::Cli;
use crate::run::{EXIT_FAILURE, EXIT_USAGE, Failure, Success};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_clap_error(&error),
    };
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return report_failure(&Failure::call(format!(
                "could not start the async runtime: {e}"
            )));
        }
    };
    let result = runtime.block_on(cli.command.run(&cli.globals));
    // Close connections and timers before printing, so nothing lingers after the output.
    drop(runtime);
    match result {
        Ok(success) => report_success(success),
        Err(failure) => report_failure(&failure),
    }
}

/// Prints the JSON object (one line) and any warnings; returns the exit status.
fn report_success(success: Success) -> ExitCode {
    for warning in &success.warnings {
        write_stderr(warning);
    }
    // serde_json escapes C0 controls; DEL and C1 are escaped too, so stdout holds none.
    let line = match serde_json::to_string(&Value::Object(success.json)) {
        Ok(line) => terminal::escape_json_controls(&line),
        Err(e) => {
            return report_failure(&Failure::call(format!("could not encode the output: {e}")));
        }
    };
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
    match written {
        Ok(()) => ExitCode::from(success.exit),
        Err(e) => {
            write_stderr(&format!("could not write the output: {e}"));
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn report_failure(failure: &Failure) -> ExitCode {
    write_stderr(&failure.message);
    ExitCode::from(failure.exit)
}

/// Writes `glair: {message}` on stderr. A failing stderr is ignored: there is nowhere left to
/// report it, and the exit status still tells. The message is made one printable line here, so
/// nothing a server sent can reach the terminal as a control sequence.
fn write_stderr(message: &str) {
    let message = terminal::one_line(message);
    let _ = writeln!(std::io::stderr().lock(), "glair: {message}");
}

/// `--help` and `--version` go to stdout with status 0; usage errors go to stderr with
/// status 2, their first line prefixed `glair: ` like every other error.
fn report_clap_error(error: &clap::Error) -> ExitCode {
    let rendered = error.render().to_string();
    if !error.use_stderr() {
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{rendered}").and_then(|()| stdout.flush());
        return ExitCode::SUCCESS;
    }
    // Help shown because nothing was given is printed as is; real errors get the prefix.
    let text = match rendered.strip_prefix("error: ") {
        Some(message) => format!("glair: {message}"),
        None => rendered,
    };
    let _ = write!(std::io::stderr().lock(), "{text}");
    let code = u8::try_from(error.exit_code()).unwrap_or(EXIT_USAGE);
    ExitCode::from(if code == 0 { EXIT_USAGE } else { code })
}

/// With `RUST_LOG` set, logs to stderr through `tracing` (colours only on a terminal).
fn init_tracing() {
    let Some(filter) = std::env::var_os("RUST_LOG") else {
        return;
    };
    if filter.is_empty() {
        return;
    }
    match tracing_subscriber::EnvFilter::try_from_default_env() {
        Ok(filter) => {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .try_init();
        }
        Err(e) => write_stderr(&format!("warning: ignoring RUST_LOG: {}", e)),
    }
}
