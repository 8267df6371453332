//! Verdicts: the one question each check answers, decided by a documented rule.
//!
//! A liveness result has several fields that are easy to misread on their own: a check that
//! found no face answers `spoof_percentage: 0` with the outer status `failed`, and `0 < 0.5`
//! would call that a live person. A verdict reads all of them together. Every session kind
//! has one ([`SessionKind::Verdict`](crate::SessionKind::Verdict)): [`LivenessVerdict`] for
//! passive liveness, [`GestureVerdict`](crate::GestureVerdict) for active liveness and
//! [`OcrVerdict`](crate::ocr::OcrVerdict) for KTP and NPWP.

use std::fmt;

use crate::error::InvalidInput;
use crate::passive_liveness::{
    CheckStatus, PassiveLivenessResult, SpoofCheck, SpoofLevel, SpoofProbability,
};
use crate::tolerant::{Tolerant, UnreadableField};

/// What a verdict has in common, whatever the check: a short label for logs and JSON, the
/// reason when the answer is not a plain yes or no, and whether it is the positive answer.
pub trait Verdict: fmt::Debug + fmt::Display + Clone + PartialEq + Send + Sync {
    /// A stable lower-case label, e.g. `live`, `spoof`, `inconclusive`, `matched`, `read`.
    fn label(&self) -> &'static str;
    /// Why the check was not conclusive (or not positive), in words, when there is a reason.
    fn reason(&self) -> Option<String>;
    /// Whether this is the answer a caller may act on as "yes" (live, matched, read).
    fn is_positive(&self) -> bool;
}

/// May this user be treated as a live person? The answer to a passive liveness check.
///
/// Decided by a [`LivenessPolicy`]; `PassiveLivenessResult::verdict` uses the default one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LivenessVerdict {
    /// A live person: the check ran and the policy accepts its level (and score).
    Live,
    /// A spoof (a photo, a screen, a mask): GLAIR's level is `HIGH` (and the policy does not
    /// accept it).
    Spoof,
    /// Neither: the check did not run, found no single face, or gave a level the policy does
    /// not decide on. Ask the user to try again, or review by hand; never treat it as live.
    Inconclusive(LivenessInconclusive),
}

/// Why a passive liveness check gave no verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LivenessInconclusive {
    /// The outer status was not `success` (usually `failed`); it is kept here.
    CheckFailed(CheckStatus),
    /// The session finished without a result, or the result held no spoof assessment.
    NoResult,
    /// No face was found in the picture.
    FaceNotDetected,
    /// More than one face was found.
    TooManyFacesDetected,
    /// The level is one this SDK does not know (the text as sent).
    UnknownLevel(String),
    /// The level is known but the policy accepts it neither as live nor as spoof (by
    /// default: `MODERATE`).
    LevelNotAccepted(SpoofLevel),
    /// The policy sets a maximum spoof probability, and the result carried no probability.
    NoSpoofScore,
    /// The spoof probability is not a number in `[0, 1]` (e.g. `26.11`: kept as sent, never
    /// rescaled, so never taken as evidence either way).
    InvalidSpoofScore,
    /// A member of the answer could not be read (the first one is named; all are in
    /// [`Tolerant::unreadable_fields`](crate::Tolerant::unreadable_fields)): an answer the SDK
    /// could not fully read is never live, and this reason replaces any other inconclusive one.
    Unreadable(UnreadableField),
    /// The spoof probability is above the policy's maximum, at a level that is not `HIGH`.
    SpoofScoreAboveLimit {
        /// The probability reported.
        probability: SpoofProbability,
        /// The policy's maximum.
        limit: SpoofProbability,
    },
}

impl LivenessVerdict {
    /// Whether the user may be treated as a live person.
    pub fn is_live(&self) -> bool {
        matches!(self, LivenessVerdict::Live)
    }
}

impl Verdict for LivenessVerdict {
    fn label(&self) -> &'static str {
        match self {
            LivenessVerdict::Live => "live",
            LivenessVerdict::Spoof => "spoof",
            LivenessVerdict::Inconclusive(_) => "inconclusive",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            LivenessVerdict::Inconclusive(why) => Some(why.to_string()),
            _ => None,
        }
    }

    fn is_positive(&self) -> bool {
        self.is_live()
    }
}

impl fmt::Display for LivenessVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LivenessVerdict::Inconclusive(why) => write!(f, "inconclusive: {why}"),
            other => f.write_str(other.label()),
        }
    }
}

impl fmt::Display for LivenessInconclusive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LivenessInconclusive::CheckFailed(status) if status.as_str().is_empty() => {
                f.write_str("the answer carried no readable status")
            }
            LivenessInconclusive::CheckFailed(status) => write!(
                f,
                "the check did not succeed (status {:?})",
                crate::error::bounded(status.as_str())
            ),
            LivenessInconclusive::NoResult => f.write_str("the check returned no assessment"),
            LivenessInconclusive::FaceNotDetected => f.write_str("no face was detected"),
            LivenessInconclusive::TooManyFacesDetected => {
                f.write_str("more than one face was detected")
            }
            LivenessInconclusive::UnknownLevel(level) => {
                write!(f, "unknown spoof level {:?}", crate::error::bounded(level))
            }
            LivenessInconclusive::LevelNotAccepted(level) => {
                write!(
                    f,
                    "spoof level {level} is neither accepted as live nor as spoof"
                )
            }
            LivenessInconclusive::NoSpoofScore => {
                f.write_str("the policy needs a spoof probability and none was returned")
            }
            LivenessInconclusive::InvalidSpoofScore => {
                f.write_str("the spoof probability is not a number between 0 and 1")
            }
            LivenessInconclusive::Unreadable(field) => write!(f, "{field}"),
            LivenessInconclusive::SpoofScoreAboveLimit { probability, limit } => write!(
                f,
                "the spoof probability {probability} is above the accepted {limit}"
            ),
        }
    }
}

/// The rule that turns a passive liveness result into a [`LivenessVerdict`].
///
/// In this order:
/// 1. level `face not detected` or `too many faces detected` → inconclusive with that reason,
///    whatever the status and the score — no policy can make these live;
/// 2. the outer status is not `success` → inconclusive (`CheckFailed`), whatever the score;
/// 3. no assessment → inconclusive (`NoResult`); a level this SDK does not know →
///    inconclusive (`UnknownLevel`);
/// 4. a probability that is not a number in `[0, 1]` → inconclusive (`InvalidSpoofScore`);
/// 5. level `HIGH`, unless accepted → **spoof**;
/// 6. with a maximum spoof probability set: no probability → inconclusive (`NoSpoofScore`);
///    a probability above the maximum → inconclusive (`SpoofScoreAboveLimit`);
/// 7. an accepted level → **live**;
/// 8. anything else (by default `MODERATE`) → inconclusive (`LevelNotAccepted`);
/// 9. finally, for an answer with a member that could not be read, a **live** or
///    inconclusive verdict becomes inconclusive (`Unreadable`, naming the member): only a
///    fully read answer can say live. A spoof read from the level stays a spoof.
///
/// Only GLAIR's own `HIGH` makes a spoof. The default accepts only `LOW`, sets no maximum
/// probability, calls `HIGH` a spoof and `MODERATE` inconclusive: GLAIR calls `MODERATE`
/// uncertain, and an uncertain check — like a score above a stricter limit of yours — should
/// lead to a retry or a manual review, not to an automatic yes or an accusation of fraud.
///
/// ```
/// use glair_types::{LivenessPolicy, SpoofLevel};
///
/// // Stricter: LOW only, and the probability must be at most 10 %.
/// let strict = LivenessPolicy::default().max_spoof_probability(0.10)?;
/// // More lenient: MODERATE is live too (at most 60 %).
/// let lenient = LivenessPolicy::default()
///     .accept_levels([SpoofLevel::Low, SpoofLevel::Moderate])?
///     .max_spoof_probability(0.60)?;
/// # let _ = (strict, lenient);
/// # Ok::<(), glair_types::InvalidInput>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LivenessPolicy {
    accept_low: bool,
    accept_moderate: bool,
    accept_high: bool,
    max_spoof_probability: Option<f64>,
}

impl Default for LivenessPolicy {
    fn default() -> Self {
        Self {
            accept_low: true,
            accept_moderate: false,
            accept_high: false,
            max_spoof_probability: None,
        }
    }
}

impl LivenessPolicy {
    /// The levels accepted as live, replacing the default (`LOW`). Only `LOW`, `MODERATE` and
    /// `HIGH` can be accepted; `face not detected`, `too many faces detected` and unknown
    /// levels are refused with an error naming the level, and so is an empty set.
    pub fn accept_levels(
        mut self,
        levels: impl IntoIterator<Item = SpoofLevel>,
    ) -> Result<Self, InvalidInput> {
        let (mut low, mut moderate, mut high) = (false, false, false);
        for level in levels {
            match level {
                SpoofLevel::Low => low = true,
                SpoofLevel::Moderate => moderate = true,
                SpoofLevel::High => high = true,
                other => {
                    return Err(InvalidInput::new(
                        "accept_levels",
                        format!("{other} can never be accepted as live"),
                    ));
                }
            }
        }
        if !(low || moderate || high) {
            return Err(InvalidInput::new(
                "accept_levels",
                "must name at least one level (LOW, MODERATE or HIGH)",
            ));
        }
        self.accept_low = low;
        self.accept_moderate = moderate;
        self.accept_high = high;
        Ok(self)
    }

    /// The highest spoof probability (in `[0, 1]`) still accepted as live. A result above it,
    /// or without a probability, is inconclusive (not a spoof: only GLAIR's `HIGH` is).
    pub fn max_spoof_probability(mut self, max: f64) -> Result<Self, InvalidInput> {
        if !(0.0..=1.0).contains(&max) {
            return Err(InvalidInput::new(
                "max_spoof_probability",
                "must be a probability between 0 and 1 (0.1 is 10 %)",
            ));
        }
        self.max_spoof_probability = Some(max);
        Ok(self)
    }

    /// Whether `level` is accepted as live.
    pub fn accepts(&self, level: SpoofLevel) -> bool {
        match level {
            SpoofLevel::Low => self.accept_low,
            SpoofLevel::Moderate => self.accept_moderate,
            SpoofLevel::High => self.accept_high,
            _ => false,
        }
    }

    /// The maximum spoof probability, when one is set.
    pub fn spoof_probability_limit(&self) -> Option<f64> {
        self.max_spoof_probability
    }

    /// Judges a result by this policy.
    pub fn judge(&self, result: &PassiveLivenessResult) -> LivenessVerdict {
        match (self.judge_read(result), result.unreadable_fields().first()) {
            (LivenessVerdict::Live | LivenessVerdict::Inconclusive(_), Some(field)) => {
                LivenessVerdict::Inconclusive(LivenessInconclusive::Unreadable(field.clone()))
            }
            (verdict, _) => verdict,
        }
    }

    /// Steps 1–8: the verdict from what was read.
    fn judge_read(&self, result: &PassiveLivenessResult) -> LivenessVerdict {
        use LivenessInconclusive as Why;
        let inconclusive = LivenessVerdict::Inconclusive;
        let level = result.result.as_ref().map(SpoofCheck::level);
        match level {
            Some(SpoofLevel::FaceNotDetected) => return inconclusive(Why::FaceNotDetected),
            Some(SpoofLevel::TooManyFacesDetected) => {
                return inconclusive(Why::TooManyFacesDetected);
            }
            _ => {}
        }
        if result.status != CheckStatus::Success {
            return inconclusive(Why::CheckFailed(result.status.clone()));
        }
        let Some(check) = &result.result else {
            return inconclusive(Why::NoResult);
        };
        let level = check.level();
        if level == SpoofLevel::Unknown {
            return inconclusive(Why::UnknownLevel(check.level_text().to_owned()));
        }
        let probability = match check.spoof_percentage {
            None => None,
            Some(p) => match SpoofProbability::new(p) {
                Some(p) => Some(p),
                None => return inconclusive(Why::InvalidSpoofScore),
            },
        };
        if level == SpoofLevel::High && !self.accepts(level) {
            return LivenessVerdict::Spoof;
        }
        if let Some(limit) = self.max_spoof_probability.and_then(SpoofProbability::new) {
            match probability {
                None => return inconclusive(Why::NoSpoofScore),
                Some(p) if p.value() > limit.value() => {
                    return inconclusive(Why::SpoofScoreAboveLimit {
                        probability: p,
                        limit,
                    });
                }
                Some(_) => {}
            }
        }
        if self.accepts(level) {
            LivenessVerdict::Live
        } else {
            inconclusive(Why::LevelNotAccepted(level))
        }
    }
}
