//! The yes/no answer to "is the captured face the stored one?", by a stated policy.
//!
//! A face match response carries three signals — the outer `status`, the
//! `match_status_code` and the `match_percentage` — and they can disagree (a `success` with
//! `NO_FACE_CAPTURED_IMG`, a `MATCH` with a low score). The policy says which ones must agree,
//! once, instead of every caller improvising. It is pure: the same response and policy always
//! give the same verdict.

use std::fmt;

use super::matching::{FaceMatchResponse, MatchStatusCode};
use crate::error::InvalidInput;
use crate::passive_liveness::CheckStatus;

/// What counts as a match.
///
/// The default accepts exactly what the service calls a match: `status` `success` and
/// `match_status_code` `MATCH`, with no score threshold of its own (GLAIR's own threshold
/// decided `MATCH`). Raise the bar with [`min_match_percentage`](Self::min_match_percentage).
///
/// ```
/// use glair_types::{CheckStatus, FaceMatchPolicy, FaceMatchResponse, FaceMatchResult, MatchStatusCode};
///
/// let response = FaceMatchResponse::new(
///     CheckStatus::Success,
///     Some(FaceMatchResult::new(Some(0.81), Some("match".into()), Some(MatchStatusCode::Match))),
/// );
/// assert!(FaceMatchPolicy::default().decide(&response).is_match());
/// let strict = FaceMatchPolicy::default().min_match_percentage(0.9)?;
/// assert!(!strict.decide(&response).is_match());
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct FaceMatchPolicy {
    accepted_codes: Vec<MatchStatusCode>,
    min_match_percentage: Option<f64>,
}

impl Default for FaceMatchPolicy {
    fn default() -> Self {
        Self {
            accepted_codes: vec![MatchStatusCode::Match],
            min_match_percentage: None,
        }
    }
}

impl FaceMatchPolicy {
    /// Also requires `match_percentage` of at least `minimum`, a fraction in `[0, 1]` (the
    /// scale the service uses, e.g. `0.9`). A response without a score then never matches.
    pub fn min_match_percentage(mut self, minimum: f64) -> Result<Self, InvalidInput> {
        if !(0.0..=1.0).contains(&minimum) {
            return Err(InvalidInput::new(
                "min_match_percentage",
                "must be a fraction between 0 and 1 (the service's scale, e.g. 0.9)",
            ));
        }
        self.min_match_percentage = Some(minimum);
        Ok(self)
    }

    /// Replaces the status codes that count as a match (default: `MATCH` only). An empty list
    /// is refused: nothing could ever match.
    pub fn accepted_codes(
        mut self,
        codes: impl IntoIterator<Item = MatchStatusCode>,
    ) -> Result<Self, InvalidInput> {
        let codes: Vec<_> = codes.into_iter().collect();
        if codes.is_empty() {
            return Err(InvalidInput::new(
                "accepted_codes",
                "must name at least one status code (for example MATCH)",
            ));
        }
        self.accepted_codes = codes;
        Ok(self)
    }

    /// The status codes that count as a match.
    pub fn codes(&self) -> &[MatchStatusCode] {
        &self.accepted_codes
    }

    /// The minimum score, if any.
    pub fn minimum(&self) -> Option<f64> {
        self.min_match_percentage
    }

    /// Judges `response`. Every check must pass; the first that fails is the reason.
    pub fn decide(&self, response: &FaceMatchResponse) -> FaceMatchVerdict {
        use NoMatchReason::*;
        let verdict = |reason| FaceMatchVerdict::NoMatch { reason };
        if response.status != CheckStatus::Success {
            return verdict(CheckNotSuccessful(response.status.clone()));
        }
        let Some(code) = response.match_status_code() else {
            return verdict(NoStatusCode);
        };
        if !self.accepted_codes.contains(code) {
            return verdict(CodeNotAccepted(code.clone()));
        }
        let score = response.match_percentage();
        if let Some(score) = score {
            if !(0.0..=1.0).contains(&score) {
                return verdict(ScoreOutOfRange(score));
            }
        }
        if let Some(minimum) = self.min_match_percentage {
            match score {
                None => return verdict(NoScore),
                Some(score) if score < minimum => {
                    return verdict(BelowMinimum { score, minimum });
                }
                Some(_) => {}
            }
        }
        FaceMatchVerdict::Match
    }
}

/// The policy's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum FaceMatchVerdict {
    /// Same person, by the policy.
    Match,
    /// Not accepted as the same person, and why.
    NoMatch {
        /// The first check that failed.
        reason: NoMatchReason,
    },
}

impl FaceMatchVerdict {
    /// Whether the policy accepted the faces as the same person.
    pub fn is_match(&self) -> bool {
        matches!(self, Self::Match)
    }
}

/// Why a face match was not accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NoMatchReason {
    /// The outer `status` was not `success`.
    CheckNotSuccessful(CheckStatus),
    /// The service sent no `match_status_code`.
    NoStatusCode,
    /// The status code is not one the policy accepts (e.g. `NOT_MATCH`, `NO_FACE_STORED_IMG`).
    CodeNotAccepted(MatchStatusCode),
    /// The score is outside `[0, 1]`, so it cannot be trusted.
    ScoreOutOfRange(f64),
    /// The policy requires a score and the service sent none.
    NoScore,
    /// The score is below the policy's minimum.
    BelowMinimum {
        /// The score the service sent.
        score: f64,
        /// The policy's minimum.
        minimum: f64,
    },
}

impl fmt::Display for NoMatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CheckNotSuccessful(status) => write!(f, "the check did not succeed ({status})"),
            Self::NoStatusCode => f.write_str("the service sent no match_status_code"),
            Self::CodeNotAccepted(code) => write!(f, "match_status_code is {code}"),
            Self::ScoreOutOfRange(score) => write!(f, "match_percentage {score} is outside [0, 1]"),
            Self::NoScore => f.write_str("the service sent no match_percentage"),
            Self::BelowMinimum { score, minimum } => {
                write!(f, "match_percentage {score} is below the minimum {minimum}")
            }
        }
    }
}

impl fmt::Display for FaceMatchVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Match => f.write_str("match"),
            Self::NoMatch { reason } => write!(f, "no match: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::matching::FaceMatchResult;

    fn response(status: &str, score: Option<f64>, code: Option<&str>) -> FaceMatchResponse {
        FaceMatchResponse::new(
            CheckStatus::from(status),
            Some(FaceMatchResult::new(
                score,
                None,
                code.map(MatchStatusCode::from),
            )),
        )
    }

    #[test]
    fn default_accepts_only_a_successful_match() {
        let p = FaceMatchPolicy::default();
        assert!(
            p.decide(&response("success", Some(0.95), Some("MATCH")))
                .is_match()
        );
        assert!(
            p.decide(&response("success", None, Some("MATCH")))
                .is_match()
        );
        let no = |r| match p.decide(&r) {
            FaceMatchVerdict::NoMatch { reason } => reason,
            FaceMatchVerdict::Match => panic!("matched"),
        };
        assert_eq!(
            no(response("failed", Some(0.95), Some("MATCH"))),
            NoMatchReason::CheckNotSuccessful(CheckStatus::Failed)
        );
        assert_eq!(
            no(response("success", Some(0.2), Some("NOT_MATCH"))),
            NoMatchReason::CodeNotAccepted(MatchStatusCode::NotMatch)
        );
        assert_eq!(
            no(response("success", Some(0.9), None)),
            NoMatchReason::NoStatusCode
        );
        assert_eq!(
            no(response("success", Some(95.0), Some("MATCH"))),
            NoMatchReason::ScoreOutOfRange(95.0)
        );
        assert_eq!(
            no(FaceMatchResponse::new(CheckStatus::Success, None)),
            NoMatchReason::NoStatusCode
        );
        assert_eq!(
            no(response("success", Some(0.9), Some("match"))),
            NoMatchReason::CodeNotAccepted(MatchStatusCode::Unknown("match".into()))
        );
    }

    #[test]
    fn minimum_and_codes_are_configurable_and_checked() {
        let p = FaceMatchPolicy::default()
            .min_match_percentage(0.9)
            .unwrap();
        assert!(
            p.decide(&response("success", Some(0.9), Some("MATCH")))
                .is_match()
        );
        assert_eq!(
            p.decide(&response("success", Some(0.89), Some("MATCH"))),
            FaceMatchVerdict::NoMatch {
                reason: NoMatchReason::BelowMinimum {
                    score: 0.89,
                    minimum: 0.9
                }
            }
        );
        assert_eq!(
            p.decide(&response("success", None, Some("MATCH")))
                .to_string(),
            "no match: the service sent no match_percentage"
        );
        assert!(
            FaceMatchPolicy::default()
                .min_match_percentage(90.0)
                .is_err()
        );
        assert!(
            FaceMatchPolicy::default()
                .min_match_percentage(f64::NAN)
                .is_err()
        );
        assert!(FaceMatchPolicy::default().accepted_codes([]).is_err());
        let lenient = FaceMatchPolicy::default()
            .accepted_codes([
                MatchStatusCode::Match,
                MatchStatusCode::ManyFacesCapturedImg,
            ])
            .unwrap();
        assert!(
            lenient
                .decide(&response(
                    "success",
                    Some(0.99),
                    Some("MANY_FACES_CAPTURED_IMG")
                ))
                .is_match()
        );
    }
}
