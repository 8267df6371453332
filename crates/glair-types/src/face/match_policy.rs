//! The yes/no answer to "is the captured face the stored one?", by a stated policy — the same
//! design as the liveness verdict ([`LivenessPolicy`](crate::LivenessPolicy)).
//!
//! A face match response carries three signals — the outer `status`, the
//! `match_status_code` and the `match_percentage` — and they can disagree (a `success` with
//! `NO_FACE_CAPTURED_IMG`, a `MATCH` with a low score). The policy reads them together, once.
//! It is pure: the same response and policy always give the same verdict.

use std::fmt;

use super::matching::{FaceMatchResponse, MatchStatusCode};
use crate::error::InvalidInput;
use crate::passive_liveness::CheckStatus;
use crate::tolerant::{Tolerant, UnreadableField};
use crate::verdict::Verdict;

/// The rule that turns a face match response into a [`FaceMatchVerdict`].
///
/// In this order:
/// 1. the outer status is not `success` → inconclusive (`CheckFailed`);
/// 2. no `result`, or no `match_status_code` → inconclusive;
/// 3. `NOT_MATCH` → **not matched**;
/// 4. a code the policy does not accept (`NO_FACE_*`, `MANY_FACES_*` by default, an unknown
///    code) → inconclusive (`Status`): no comparison of one face with one face happened;
/// 5. a `match_percentage` outside `[0, 1]` → inconclusive (`ScoreOutOfRange`);
/// 6. with a minimum score set: no score → inconclusive (`NoScore`); a score below it → **not
///    matched**;
/// 7. otherwise → **matched**;
/// 8. finally, for an answer with a member that could not be read, a matched or inconclusive
///    verdict becomes inconclusive (`Unreadable`, naming the member): only a fully read answer
///    can say matched.
///
/// The default accepts exactly what the service calls a match: `MATCH`, with no threshold of
/// its own (GLAIR's threshold decided `MATCH`). Raise the bar with
/// [`min_match_percentage`](Self::min_match_percentage).
///
/// ```
/// use glair_types::{CheckStatus, FaceMatchPolicy, FaceMatchResponse, FaceMatchResult, MatchStatusCode};
///
/// let response = FaceMatchResponse::new(
///     CheckStatus::Success,
///     Some(FaceMatchResult::new(Some(0.81), Some("match".into()), Some(MatchStatusCode::Match))),
/// );
/// assert!(response.verdict().is_matched());
/// let strict = FaceMatchPolicy::default().min_match_percentage(0.9)?;
/// assert!(!response.verdict_with(&strict).is_matched());
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
    /// scale the service uses, e.g. `0.9`).
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

    /// Replaces the status codes accepted as a match (default: `MATCH`). `MATCH`,
    /// `MANY_FACES_CAPTURED_IMG` and `MANY_FACES_STORED_IMG` can be accepted (the latter two
    /// only make sense with a minimum score); `NOT_MATCH`, the `NO_FACE_*` codes and unknown
    /// codes are refused with an error naming the code, and so is an empty set.
    pub fn accepted_codes(
        mut self,
        codes: impl IntoIterator<Item = MatchStatusCode>,
    ) -> Result<Self, InvalidInput> {
        let mut accepted = Vec::new();
        for code in codes {
            match code {
                MatchStatusCode::Match
                | MatchStatusCode::ManyFacesCapturedImg
                | MatchStatusCode::ManyFacesStoredImg => accepted.push(code),
                other => {
                    return Err(InvalidInput::new(
                        "accepted_codes",
                        format!(
                            "{:?} can never be accepted as a match",
                            crate::error::bounded(other.as_str())
                        ),
                    ));
                }
            }
        }
        if accepted.is_empty() {
            return Err(InvalidInput::new(
                "accepted_codes",
                "must name at least one status code (for example MATCH)",
            ));
        }
        self.accepted_codes = accepted;
        Ok(self)
    }

    /// Whether `code` is accepted as a match.
    pub fn accepts(&self, code: &MatchStatusCode) -> bool {
        self.accepted_codes.contains(code)
    }

    /// The minimum score, when one is set.
    pub fn match_percentage_minimum(&self) -> Option<f64> {
        self.min_match_percentage
    }

    /// Judges `response` by this policy.
    pub fn judge(&self, response: &FaceMatchResponse) -> FaceMatchVerdict {
        match (
            self.judge_read(response),
            response.unreadable_fields().first(),
        ) {
            (FaceMatchVerdict::Matched | FaceMatchVerdict::Inconclusive(_), Some(field)) => {
                FaceMatchVerdict::Inconclusive(FaceMatchInconclusive::Unreadable(field.clone()))
            }
            (verdict, _) => verdict,
        }
    }

    /// Steps 1–7: the verdict from what was read.
    fn judge_read(&self, response: &FaceMatchResponse) -> FaceMatchVerdict {
        use FaceMatchInconclusive as Why;
        let inconclusive = FaceMatchVerdict::Inconclusive;
        if response.status != CheckStatus::Success {
            return inconclusive(Why::CheckFailed(response.status.clone()));
        }
        let Some(result) = &response.result else {
            return inconclusive(Why::NoResult);
        };
        let Some(code) = &result.match_status_code else {
            return inconclusive(Why::NoStatusCode);
        };
        if *code == MatchStatusCode::NotMatch {
            return FaceMatchVerdict::NotMatched;
        }
        if !self.accepts(code) {
            return inconclusive(Why::Status(code.clone()));
        }
        let score = result.match_percentage;
        if let Some(score) = score.filter(|s| !(0.0..=1.0).contains(s)) {
            return inconclusive(Why::ScoreOutOfRange(score));
        }
        if let Some(minimum) = self.min_match_percentage {
            match score {
                None => return inconclusive(Why::NoScore),
                Some(score) if score < minimum => return FaceMatchVerdict::NotMatched,
                Some(_) => {}
            }
        }
        FaceMatchVerdict::Matched
    }
}

impl FaceMatchResponse {
    /// Is it the same person, by the default [`FaceMatchPolicy`] (`MATCH` only)?
    pub fn verdict(&self) -> FaceMatchVerdict {
        FaceMatchPolicy::default().judge(self)
    }

    /// The verdict by a policy of your own.
    pub fn verdict_with(&self, policy: &FaceMatchPolicy) -> FaceMatchVerdict {
        policy.judge(self)
    }
}

/// The answer to a face match.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaceMatchVerdict {
    /// The same person, by the policy.
    Matched,
    /// Different people: `NOT_MATCH`, or a score below the policy's minimum.
    NotMatched,
    /// The comparison could not tell (no face, several faces, a failed check, an untrustworthy
    /// score). Ask for better photos, or review by hand; never treat it as a match.
    Inconclusive(FaceMatchInconclusive),
}

impl FaceMatchVerdict {
    /// Whether the faces may be treated as the same person.
    pub fn is_matched(&self) -> bool {
        matches!(self, Self::Matched)
    }
}

/// Why a face match gave no verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaceMatchInconclusive {
    /// The outer status was not `success`.
    CheckFailed(CheckStatus),
    /// No `result` came back.
    NoResult,
    /// The result held no `match_status_code`.
    NoStatusCode,
    /// The code is not a comparison of one face with one face (`NO_FACE_*`, `MANY_FACES_*`
    /// unless accepted, or a code this SDK does not know).
    Status(MatchStatusCode),
    /// The score is outside `[0, 1]`, so it cannot be trusted.
    ScoreOutOfRange(f64),
    /// The policy sets a minimum score and the result carried none.
    NoScore,
    /// A member of the answer could not be read (the first one is named).
    Unreadable(UnreadableField),
}

impl Verdict for FaceMatchVerdict {
    fn label(&self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::NotMatched => "not_matched",
            Self::Inconclusive(_) => "inconclusive",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Self::Inconclusive(why) => Some(why.to_string()),
            _ => None,
        }
    }

    fn is_positive(&self) -> bool {
        self.is_matched()
    }
}

impl fmt::Display for FaceMatchVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inconclusive(why) => write!(f, "inconclusive: {why}"),
            other => f.write_str(other.label()),
        }
    }
}

impl fmt::Display for FaceMatchInconclusive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CheckFailed(status) if status.as_str().is_empty() => {
                f.write_str("the answer carried no readable status")
            }
            Self::CheckFailed(status) => write!(f, "the check did not succeed (status {status})"),
            Self::Unreadable(field) => write!(f, "{field}"),
            Self::NoResult => f.write_str("the check returned no comparison"),
            Self::NoStatusCode => f.write_str("the comparison carried no match_status_code"),
            Self::Status(code) => write!(
                f,
                "match_status_code {:?}",
                crate::error::bounded(code.as_str())
            ),
            Self::ScoreOutOfRange(score) => write!(f, "match_percentage {score} is outside [0, 1]"),
            Self::NoScore => {
                f.write_str("the policy needs a match_percentage and none was returned")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::matching::FaceMatchResult;
    use FaceMatchInconclusive as Why;

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
    fn default_policy_matches_only_a_successful_match() {
        let v = |r: FaceMatchResponse| r.verdict();
        assert_eq!(
            v(response("success", Some(0.95), Some("MATCH"))),
            FaceMatchVerdict::Matched
        );
        assert_eq!(
            v(response("success", None, Some("MATCH"))),
            FaceMatchVerdict::Matched
        );
        assert_eq!(
            v(response("success", Some(0.2), Some("NOT_MATCH"))),
            FaceMatchVerdict::NotMatched
        );
        assert_eq!(
            v(response("failed", Some(0.95), Some("MATCH"))),
            FaceMatchVerdict::Inconclusive(Why::CheckFailed(CheckStatus::Failed))
        );
        assert_eq!(
            v(response("success", Some(0.9), None)),
            FaceMatchVerdict::Inconclusive(Why::NoStatusCode)
        );
        assert_eq!(
            v(FaceMatchResponse::new(CheckStatus::Success, None)),
            FaceMatchVerdict::Inconclusive(Why::NoResult)
        );
        for code in [
            "NO_FACE_STORED_IMG",
            "NO_FACE_CAPTURED_IMG",
            "MANY_FACES_STORED_IMG",
            "MANY_FACES_CAPTURED_IMG",
            "match",
        ] {
            assert_eq!(
                v(response("success", Some(0.0), Some(code))),
                FaceMatchVerdict::Inconclusive(Why::Status(MatchStatusCode::from(code))),
                "{code}"
            );
        }
        assert_eq!(
            v(response("success", Some(95.0), Some("MATCH"))),
            FaceMatchVerdict::Inconclusive(Why::ScoreOutOfRange(95.0))
        );
        let verdict = v(response("success", Some(0.1), Some("NOT_MATCH")));
        assert_eq!(
            (verdict.label(), verdict.is_positive()),
            ("not_matched", false)
        );
    }

    #[test]
    fn minimum_and_codes_are_configurable_and_checked() {
        let p = FaceMatchPolicy::default()
            .min_match_percentage(0.9)
            .unwrap();
        let v = |r: FaceMatchResponse| r.verdict_with(&p);
        assert_eq!(
            v(response("success", Some(0.9), Some("MATCH"))),
            FaceMatchVerdict::Matched
        );
        assert_eq!(
            v(response("success", Some(0.89), Some("MATCH"))),
            FaceMatchVerdict::NotMatched
        );
        assert_eq!(
            v(response("success", None, Some("MATCH"))).to_string(),
            "inconclusive: the policy needs a match_percentage and none was returned"
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
        for never in [
            "NOT_MATCH",
            "NO_FACE_STORED_IMG",
            "NO_FACE_CAPTURED_IMG",
            "X",
        ] {
            let err = FaceMatchPolicy::default()
                .accepted_codes([MatchStatusCode::from(never)])
                .unwrap_err();
            assert!(err.problem().contains(never), "{never}");
        }
        let lenient = FaceMatchPolicy::default()
            .accepted_codes([
                MatchStatusCode::Match,
                MatchStatusCode::ManyFacesCapturedImg,
            ])
            .unwrap();
        assert!(
            response("success", Some(0.99), Some("MANY_FACES_CAPTURED_IMG"))
                .verdict_with(&lenient)
                .is_matched()
        );
    }
}
