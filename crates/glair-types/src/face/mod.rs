//! Face biometrics on uploaded images: face match (F1), passive liveness (F2), active liveness
//! (F3).
//!
//! The face family answers `{"status": "success" | "failed", "result": {…}}`; the outer
//! status reuses [`CheckStatus`](crate::CheckStatus) from the passive liveness sessions.

mod liveness;
mod match_policy;
mod matching;

pub(crate) use liveness::image_form;
pub use liveness::{ActiveLivenessCheck, PassiveLivenessCheck};
pub use match_policy::{FaceMatchInconclusive, FaceMatchPolicy, FaceMatchVerdict};
pub use matching::{
    FaceMatch, FaceMatchEncoding, FaceMatchResponse, FaceMatchResult, MatchStatusCode,
};
