//! The command line, as clap sees it: global options and the verbs every session kind has.
//! The kinds themselves are listed in [`crate::kinds`].

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use glair::{CreateSession, SessionKind};

use crate::duration::{parse_duration, parse_timeout};
use crate::kinds::KindCommand;
use crate::run::{Failure, Success};
use crate::vision::face::FaceCommand;
use crate::vision::identity::IdentityCommand;
use crate::vision::ocr::OcrCommand;

/// The text after `--help`: environment, durations, output and exit codes.
pub(crate) const HELP_FOOTER: &str = include_str!("help.txt");

/// The heading of the options every command takes, in each command's help.
const GLOBAL_OPTIONS: &str = "Global options";

/// The text after `-h`.
const SHORT_FOOTER: &str = "\
Credentials come from GLAIR_API_KEY, GLAIR_USERNAME and GLAIR_PASSWORD.
Success prints one JSON object on stdout. Exit status: 0 success, 1 the call failed,
2 usage error or invalid input (a bad file included), 3 `wait` ended unfinished.
See --help for details.";

/// The `glair` command line.
#[derive(Debug, Parser)]
#[command(
    name = "glair",
    version,
    about = "GLAIR Vision from the shell: hosted sessions, face biometrics, identity verification and OCR",
    after_help = SHORT_FOOTER,
    after_long_help = HELP_FOOTER,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) globals: Globals,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The top-level commands: the session kinds, then the upload families.
#[derive(Debug, Subcommand)]
// Built once per run from the command line: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Command {
    #[command(flatten)]
    Sessions(KindCommand),
    /// Face biometrics on uploaded images: face match, passive and active liveness
    #[command(subcommand, arg_required_else_help = true)]
    Face(FaceCommand),
    /// Dukcapil identity verification, with and without a face photo
    #[command(subcommand, arg_required_else_help = true)]
    Identity(IdentityCommand),
    /// OCR: read a KTP, NPWP, KK, STNK, BPKB, passport, plate, SIM, invoice, … from an image
    #[command(subcommand, arg_required_else_help = true)]
    Ocr(OcrCommand),
}

impl Command {
    /// Runs the command.
    pub(crate) async fn run(self, globals: &Globals) -> Result<Success, Failure> {
        match self {
            Self::Sessions(kind) => kind.run(globals).await,
            Self::Face(command) => command.run(globals).await,
            Self::Identity(command) => command.run(globals).await,
            Self::Ocr(command) => command.run(globals).await,
        }
    }
}

/// Options every command takes. Listed under their own heading in every command's help, apart
/// from the command's own options. (Brackets as clap writes them: `[env]` before `[default]`.)
#[derive(Clone, Args)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub(crate) struct Globals {
    /// GLAIR's base URL.
    // GLAIR_BASE_URL and GLAIR_API_VERSION are read by `build_client`, not by clap: clap would
    // print an env-given option in error usage lines as if it had been typed (and could show
    // its value, which may carry user:password@, in --help).
    #[arg(
        long,
        global = true,
        value_name = "URL",
        help_heading = GLOBAL_OPTIONS,
        help = "GLAIR's base URL [env: GLAIR_BASE_URL] [default: https://api.vision.glair.ai]"
    )]
    pub(crate) base_url: Option<String>,

    /// The API version [env: GLAIR_API_VERSION] [default: v1]
    #[arg(long, global = true, value_name = "V", help_heading = GLOBAL_OPTIONS)]
    pub(crate) api_version: Option<String>,

    /// Bound on each API call, retries included; for `wait`, on each poll [default: 60s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout,
          help_heading = GLOBAL_OPTIONS)]
    pub(crate) timeout: Option<Duration>,

    /// Also trust the CA certificate(s) in this PEM file, e.g. a corporate TLS-inspecting
    /// proxy's root (repeatable; replaces GLAIR_CA_CERT)
    #[arg(long = "ca-cert", global = true, value_name = "PATH", help_heading = GLOBAL_OPTIONS)]
    pub(crate) ca_cert: Vec<PathBuf>,
}

/// By hand: the base URL may carry `user:password@`, which must never be printed.
impl std::fmt::Debug for Globals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Globals")
            .field(
                "base_url",
                &self.base_url.as_deref().map(glair::net::redact_userinfo),
            )
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// What can be done with sessions of one kind.
#[derive(Debug, Subcommand)]
pub(crate) enum Verb<E: Args> {
    /// Create a session and print it; send the user to its "url"
    Create(CreateArgs<E>),
    /// Retrieve a session by its sid and print it
    Retrieve(RetrieveArgs),
    /// Poll a session until it finishes, expires or --max-wait passes, and print it
    #[command(
        after_help = "Prints the session with \"wait_outcome\": \"finished\", \"expired\" or \
\"timed_out\". Exit status 0 when it finished; 3 when it expired or --max-wait passed (the \
session is printed all the same); 1 or 2 on errors, with nothing on stdout. --timeout bounds \
each poll; a poll that fails transiently (network, timeout, 429, 5xx) is retried until \
--max-wait passes."
    )]
    Wait(WaitArgs),
}

/// `create`: the fields every kind has, then the kind's own.
#[derive(Debug, Args)]
pub(crate) struct CreateArgs<E: Args> {
    /// Where the hosted page sends the user after the check (GLAIR appends ?sid=…)
    #[arg(long, value_name = "URL")]
    pub(crate) success_url: String,

    /// Shows a back button on the hosted page that leads here
    #[arg(long, value_name = "URL")]
    pub(crate) cancel_url: Option<String>,

    #[command(flatten)]
    pub(crate) extras: E,
}

impl<E: Args> CreateArgs<E> {
    /// The create request these arguments describe (not yet validated).
    pub(crate) fn into_request<K: SessionKind>(self) -> CreateSession<K>
    where
        E: CreateExtras<K>,
    {
        let mut request = CreateSession::<K>::new(self.success_url);
        if let Some(cancel_url) = self.cancel_url {
            request = request.cancel_url(cancel_url);
        }
        self.extras.apply(request)
    }
}

/// `retrieve`.
#[derive(Debug, Args)]
pub(crate) struct RetrieveArgs {
    /// The session id (the last segment of the session's url, or the sid GLAIR appended to
    /// the success URL)
    pub(crate) sid: String,
}

/// `wait`.
#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// The session id
    pub(crate) sid: String,

    /// The first pause between polls; pauses then grow by half, up to 15s
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub(crate) interval: Duration,

    /// How long to wait in all before giving up with "timed_out"
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub(crate) max_wait: Duration,
}

/// The options a kind adds to `create`, and how they change the request.
pub(crate) trait CreateExtras<K: SessionKind>: Args + fmt::Debug {
    /// Puts these options into `request`.
    fn apply(self, request: CreateSession<K>) -> CreateSession<K>;
}
