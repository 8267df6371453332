//! The session kinds the tool knows, listed once.
//!
//! Every kind gets the same three verbs from one generic implementation
//! ([`crate::run::run_verb`]). To add a kind: add its line to the `session_kinds!` list below
//! and, if its create request takes options of its own, a small [`CreateExtras`] type next to
//! the others here. The subcommand's name is the kind's API resource name
//! ([`SessionKind::RESOURCE`], e.g. `passive-liveness-sessions`).

use clap::Args;
use glair::{ActiveLiveness, CreateSession, Ktp, Npwp, PassiveLiveness, SessionKind};

use crate::cli::{CreateExtras, Globals, Verb};
use crate::duration::parse_positive;
use crate::run::{Failure, Success, run_verb};

/// Declares the kind subcommands and dispatches each to [`run_verb`] with its kind type.
macro_rules! session_kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident => $kind:ty, $extras:ty; )+) => {
        /// Which kind of session to work with.
        #[derive(Debug, clap::Subcommand)]
        #[allow(clippy::enum_variant_names)] // the variants mirror the subcommand names
        pub(crate) enum KindCommand {
            $(
                $(#[doc = $doc])*
                #[command(name = <$kind as SessionKind>::RESOURCE, subcommand_required = true,
                          arg_required_else_help = true)]
                $variant {
                    #[command(subcommand)]
                    verb: Verb<$extras>,
                },
            )+
        }

        impl KindCommand {
            /// Runs the command.
            pub(crate) async fn run(self, globals: &Globals) -> Result<Success, Failure> {
                match self {
                    $( Self::$variant { verb } => run_verb::<$kind, $extras>(globals, verb).await, )+
                }
            }
        }

        /// The API resource names of the kinds, in the order listed.
        #[cfg(test)]
        pub(crate) const RESOURCES: &[&str] = &[$( <$kind as SessionKind>::RESOURCE ),+];
    };
}

session_kinds! {
    /// Passive liveness sessions: one selfie, scored for spoofing
    PassiveLivenessSessions => PassiveLiveness, NoExtras;
    /// Active liveness sessions: the user performs gestures
    ActiveLivenessSessions => ActiveLiveness, ActiveLivenessExtras;
    /// KTP sessions: the Indonesian identity card, photographed and read
    KtpSessions => Ktp, KtpExtras;
    /// NPWP sessions: the Indonesian tax card, photographed and read
    NpwpSessions => Npwp, NoExtras;
}

/// No options beyond the URLs.
#[derive(Debug, Args)]
pub(crate) struct NoExtras {}

impl<K: SessionKind> CreateExtras<K> for NoExtras {
    fn apply(self, request: CreateSession<K>) -> CreateSession<K> {
        request
    }
}

/// `active-liveness-sessions create` options.
#[derive(Debug, Args)]
pub(crate) struct ActiveLivenessExtras {
    /// How many gestures the user must perform, a positive integer [GLAIR's default: 1]
    #[arg(long, value_name = "N", value_parser = parse_positive, allow_negative_numbers = true)]
    number_of_gestures: Option<u32>,
}

impl CreateExtras<ActiveLiveness> for ActiveLivenessExtras {
    fn apply(self, request: CreateSession<ActiveLiveness>) -> CreateSession<ActiveLiveness> {
        match self.number_of_gestures {
            Some(n) => request.number_of_gestures(n),
            None => request,
        }
    }
}

/// `ktp-sessions create` options.
#[derive(Debug, Args)]
pub(crate) struct KtpExtras {
    /// Also run GLAIR's image-quality detector. `--qualities-detector` alone (or `true`) sends
    /// `"qualities_detector": true`, `--qualities-detector false` sends false; without the
    /// option the field is not sent [GLAIR's default: false]
    #[arg(
        long,
        value_name = "true|false",
        num_args = 0..=1,
        default_missing_value = "true",
        value_parser = clap::value_parser!(bool)
    )]
    qualities_detector: Option<bool>,
}

impl CreateExtras<Ktp> for KtpExtras {
    fn apply(self, request: CreateSession<Ktp>) -> CreateSession<Ktp> {
        match self.qualities_detector {
            Some(enabled) => request.qualities_detector(enabled),
            None => request,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::RESOURCES;
    use crate::cli::Cli;

    #[test]
    fn every_kind_is_a_subcommand_named_after_its_resource() {
        let command = Cli::command();
        let names: Vec<&str> = command
            .get_subcommands()
            .map(clap::Command::get_name)
            .filter(|name| *name != "help")
            .collect();
        let families = ["face", "identity", "ocr"];
        assert_eq!(names, [RESOURCES, &families[..]].concat());
        for kind in command
            .get_subcommands()
            .filter(|c| c.get_name().ends_with("-sessions"))
        {
            let verbs: Vec<&str> = kind
                .get_subcommands()
                .map(clap::Command::get_name)
                .filter(|name| *name != "help")
                .collect();
            assert_eq!(verbs, ["create", "retrieve", "wait"], "{}", kind.get_name());
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
