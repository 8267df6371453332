//! `glair face …`: face match, passive and active liveness on uploaded images.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use glair::{ActiveLivenessCheck, FaceMatch, GestureCode, PassiveLivenessCheck, endpoints};

use super::{ImageArg, read_image_for, send};
use crate::cli::Globals;
use crate::run::{Failure, Success};

/// Face biometrics on uploaded images.
#[derive(Debug, Subcommand)]
pub(crate) enum FaceCommand {
    /// Is the captured face (a selfie) the stored one (e.g. the KTP photo)? Prints the answer
    /// with "verdict": "matched", "not_matched" or "inconclusive"
    Match(MatchArgs),
    /// Is the selfie a live person or a spoof? "verdict": "live", "spoof" or "inconclusive"
    PassiveLiveness(ImageArg),
    /// Does the image show the gesture asked for? "verdict": "matched", "not_matched" or
    /// "inconclusive"
    ActiveLiveness(ActiveLivenessArgs),
}

/// `face match`.
#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// The fresh photo (a selfie): JPEG or PNG, at most 10 MiB
    #[arg(long, value_name = "FILE")]
    captured: PathBuf,
    /// The reference photo (e.g. from the KTP): JPEG or PNG, at most 10 MiB
    #[arg(long, value_name = "FILE")]
    stored: PathBuf,
}

/// `face active-liveness`.
#[derive(Debug, Args)]
pub(crate) struct ActiveLivenessArgs {
    #[command(flatten)]
    image: ImageArg,
    /// The gesture the user was asked to perform, one of the 19 codes (e.g. HEAD_LEFT,
    /// HAND_01100; case does not matter, and '-' counts as '_')
    #[arg(long, value_name = "CODE", value_parser = parse_gesture)]
    gesture_code: GestureCode,
}

/// A gesture code, refused at parse time when it is none of the 19.
fn parse_gesture(given: &str) -> Result<GestureCode, String> {
    let code = GestureCode::from(given.trim().to_ascii_uppercase().replace('-', "_").as_str());
    if let GestureCode::Unknown(_) = code {
        let known: Vec<&str> = GestureCode::ALL.iter().map(GestureCode::as_str).collect();
        return Err(format!(
            "not one of the 19 gesture codes: {}",
            known.join(", ")
        ));
    }
    Ok(code)
}

impl FaceCommand {
    /// Runs the command.
    pub(crate) async fn run(self, globals: &Globals) -> Result<Success, Failure> {
        match self {
            Self::Match(args) => {
                let endpoint = &endpoints::FACE_MATCH;
                let captured =
                    read_image_for("--captured", &args.captured, endpoint, "captured_image")?;
                let stored = read_image_for("--stored", &args.stored, endpoint, "stored_image")?;
                let request = FaceMatch::new(captured, stored);
                send(globals, request, |client, request| async move {
                    client.face().face_match(request).await
                })
                .await
            }
            Self::PassiveLiveness(args) => {
                let endpoint = &endpoints::PASSIVE_LIVENESS;
                let image = read_image_for("--image", &args.image, endpoint, "image")?;
                let request = PassiveLivenessCheck::new(image);
                send(globals, request, |client, request| async move {
                    client.face().passive_liveness(request).await
                })
                .await
            }
            Self::ActiveLiveness(args) => {
                let endpoint = &endpoints::ACTIVE_LIVENESS;
                let image = read_image_for("--image", &args.image.image, endpoint, "image")?;
                let request = ActiveLivenessCheck::new(image, args.gesture_code);
                send(globals, request, |client, request| async move {
                    client.face().active_liveness(request).await
                })
                .await
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn gesture_codes_are_parsed_forgivingly_and_refused_when_unknown() {
        assert_eq!(parse_gesture("HEAD_LEFT").unwrap(), GestureCode::HeadLeft);
        assert_eq!(parse_gesture("head-left").unwrap(), GestureCode::HeadLeft);
        let err = parse_gesture("WINK").unwrap_err();
        assert!(err.contains("HEAD_LEFT") && err.contains("19"), "{err}");
    }
}
