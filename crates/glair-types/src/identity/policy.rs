//! The yes/no answer to "is this person who they claim to be?", by a stated policy — the same
//! design as the liveness verdict ([`LivenessPolicy`](crate::LivenessPolicy)).
//!
//! An identity answer carries an overall `verification_status` and per-field verdicts that can
//! disagree with it, or be `null`. The policy reads them together, once. It is pure.

use std::fmt;

use super::field::IdentityField;
use super::response::{FaceVerificationResponse, FieldVerdicts, IdentityVerificationResponse};
use crate::error::InvalidInput;
use crate::tolerant::{Tolerant, UnreadableField};
use crate::verdict::Verdict;

/// The rule that turns an identity answer into an [`IdentityVerdict`].
///
/// In this order:
/// 1. `verification_status` `false` → **not verified**; missing → inconclusive;
/// 2. any field `false` → **not verified** (an overall `true` with a rejected field is
///    contradictory, so it is not trusted; switch off with
///    [`reject_any_false`](Self::reject_any_false), after which only required fields count);
/// 3. a required field (default `nik`, `name`, `date_of_birth`) `null` or missing →
///    inconclusive;
/// 4. face verification only: a `face_image_percentage` outside 0–100 → inconclusive; with a
///    minimum set, no score → inconclusive, a score below it → **not verified**;
/// 5. otherwise → **verified**;
/// 6. finally, for an answer with a member that could not be read, a verified or
///    inconclusive verdict becomes inconclusive (`Unreadable`, naming the member): only a
///    fully read answer can say verified.
///
/// The default sets no face-score minimum: Dukcapil's own verdict decides. Set one with
/// [`min_face_image_percentage`](Self::min_face_image_percentage).
///
/// ```
/// use glair_types::{FieldVerdicts, IdentityField, IdentityVerificationResponse};
///
/// let mut fields = FieldVerdicts::default();
/// for f in [IdentityField::Nik, IdentityField::Name, IdentityField::DateOfBirth] {
///     fields.set(f, Some(true));
/// }
/// let answer = IdentityVerificationResponse::new(Some(true), None, Some(fields));
/// assert!(answer.verdict().is_verified());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityPolicy {
    required: Vec<IdentityField>,
    reject_any_false: bool,
    min_face_image_percentage: Option<f64>,
}

impl Default for IdentityPolicy {
    fn default() -> Self {
        Self {
            required: vec![
                IdentityField::Nik,
                IdentityField::Name,
                IdentityField::DateOfBirth,
            ],
            reject_any_false: true,
            min_face_image_percentage: None,
        }
    }
}

impl IdentityPolicy {
    /// Replaces the fields that must each be verified `true` (default: `nik`, `name`,
    /// `date_of_birth`). Add the optional fields you sent to require them too.
    pub fn required_fields(mut self, fields: impl IntoIterator<Item = IdentityField>) -> Self {
        self.required = fields.into_iter().collect();
        self
    }

    /// Whether any field answered `false` refuses the verification even when the overall
    /// status is `true` (default: yes).
    pub fn reject_any_false(mut self, reject: bool) -> Self {
        self.reject_any_false = reject;
        self
    }

    /// For face verification, also requires `face_image_percentage` of at least `minimum`, on
    /// the service's 0–100 scale.
    pub fn min_face_image_percentage(mut self, minimum: f64) -> Result<Self, InvalidInput> {
        if !(0.0..=100.0).contains(&minimum) {
            return Err(InvalidInput::new(
                "min_face_image_percentage",
                "must be between 0 and 100 (the service's scale, e.g. 75)",
            ));
        }
        self.min_face_image_percentage = Some(minimum);
        Ok(self)
    }

    /// The fields that must each be verified `true`.
    pub fn required(&self) -> &[IdentityField] {
        &self.required
    }

    /// Judges an identity verification.
    pub fn judge(&self, response: &IdentityVerificationResponse) -> IdentityVerdict {
        unless_unreadable(self.judge_read(response), response.unreadable_fields())
    }

    /// Judges a face verification: the same checks, then the face score.
    pub fn judge_face(&self, response: &FaceVerificationResponse) -> IdentityVerdict {
        unless_unreadable(self.judge_face_read(response), response.unreadable_fields())
    }

    fn judge_read(&self, response: &IdentityVerificationResponse) -> IdentityVerdict {
        self.judge_fields(
            response.verification_status,
            response.reason.as_deref(),
            response.result.as_ref(),
        )
        .unwrap_or(IdentityVerdict::Verified)
    }

    fn judge_face_read(&self, response: &FaceVerificationResponse) -> IdentityVerdict {
        use IdentityInconclusive as Why;
        let result = response.result.as_ref();
        if let Some(verdict) = self.judge_fields(
            response.verification_status,
            response.reason.as_deref(),
            result.map(|r| &r.fields),
        ) {
            return verdict;
        }
        let score = result.and_then(|r| r.face_image_percentage);
        if let Some(score) = score.filter(|s| !(0.0..=100.0).contains(s)) {
            return IdentityVerdict::Inconclusive(Why::FaceScoreOutOfRange(score));
        }
        match (self.min_face_image_percentage, score) {
            (Some(_), None) => IdentityVerdict::Inconclusive(Why::NoFaceScore),
            (Some(minimum), Some(score)) if score < minimum => {
                IdentityVerdict::NotVerified(NotVerifiedReason::FaceScoreBelowMinimum {
                    score,
                    minimum,
                })
            }
            _ => IdentityVerdict::Verified,
        }
    }

    /// Steps 1–3; `None` when they all pass.
    fn judge_fields(
        &self,
        status: Option<bool>,
        service_reason: Option<&str>,
        fields: Option<&FieldVerdicts>,
    ) -> Option<IdentityVerdict> {
        use IdentityInconclusive as Why;
        match status {
            Some(true) => {}
            Some(false) => {
                return Some(IdentityVerdict::NotVerified(
                    NotVerifiedReason::StatusFalse {
                        service_reason: service_reason
                            .map(|r| crate::error::bounded(r).into_owned()),
                    },
                ));
            }
            None => return Some(IdentityVerdict::Inconclusive(Why::NoStatus)),
        }
        let empty = FieldVerdicts::default();
        let fields = fields.unwrap_or(&empty);
        let rejected = if self.reject_any_false {
            fields.rejected().next()
        } else {
            self.required
                .iter()
                .copied()
                .find(|f| fields.get(*f) == Some(false))
        };
        if let Some(field) = rejected {
            return Some(IdentityVerdict::NotVerified(
                NotVerifiedReason::FieldRejected(field),
            ));
        }
        self.required
            .iter()
            .copied()
            .find(|f| fields.get(*f).is_none())
            .map(|field| IdentityVerdict::Inconclusive(Why::FieldNotConfirmed(field)))
    }
}

/// Step 6: an answer with an unreadable member is never verified.
fn unless_unreadable(verdict: IdentityVerdict, unreadable: &[UnreadableField]) -> IdentityVerdict {
    match (verdict, unreadable.first()) {
        (IdentityVerdict::Verified | IdentityVerdict::Inconclusive(_), Some(field)) => {
            IdentityVerdict::Inconclusive(IdentityInconclusive::Unreadable(field.clone()))
        }
        (verdict, _) => verdict,
    }
}

impl IdentityVerificationResponse {
    /// Is the person who they claim, by the default [`IdentityPolicy`]?
    pub fn verdict(&self) -> IdentityVerdict {
        IdentityPolicy::default().judge(self)
    }

    /// The verdict by a policy of your own.
    pub fn verdict_with(&self, policy: &IdentityPolicy) -> IdentityVerdict {
        policy.judge(self)
    }
}

impl FaceVerificationResponse {
    /// Is the person who they claim, face included, by the default [`IdentityPolicy`]?
    pub fn verdict(&self) -> IdentityVerdict {
        IdentityPolicy::default().judge_face(self)
    }

    /// The verdict by a policy of your own.
    pub fn verdict_with(&self, policy: &IdentityPolicy) -> IdentityVerdict {
        policy.judge_face(self)
    }
}

/// The answer to an identity verification.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IdentityVerdict {
    /// Dukcapil confirms the identity, by the policy.
    Verified,
    /// Dukcapil contradicts it.
    NotVerified(NotVerifiedReason),
    /// The answer does not say (no status, a required field unconfirmed, an untrustworthy
    /// score). Never treat it as verified.
    Inconclusive(IdentityInconclusive),
}

impl IdentityVerdict {
    /// Whether the identity may be treated as verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified)
    }
}

/// Why an identity was not verified.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NotVerifiedReason {
    /// `verification_status` was `false`.
    StatusFalse {
        /// The service's `reason` text, if any (bounded).
        service_reason: Option<String>,
    },
    /// A field came back `false`.
    FieldRejected(IdentityField),
    /// The face score is below the policy's minimum.
    FaceScoreBelowMinimum {
        /// The score the service sent.
        score: f64,
        /// The policy's minimum.
        minimum: f64,
    },
}

/// Why an identity answer gave no verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IdentityInconclusive {
    /// The service sent no `verification_status`.
    NoStatus,
    /// A required field came back `null` or not at all.
    FieldNotConfirmed(IdentityField),
    /// The face score is outside 0–100, so it cannot be trusted.
    FaceScoreOutOfRange(f64),
    /// The policy sets a minimum face score and the service sent none.
    NoFaceScore,
    /// A member of the answer could not be read (the first one is named).
    Unreadable(UnreadableField),
}

impl Verdict for IdentityVerdict {
    fn label(&self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::NotVerified(_) => "not_verified",
            Self::Inconclusive(_) => "inconclusive",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Self::Verified => None,
            Self::NotVerified(why) => Some(why.to_string()),
            Self::Inconclusive(why) => Some(why.to_string()),
        }
    }

    fn is_positive(&self) -> bool {
        self.is_verified()
    }
}

impl fmt::Display for IdentityVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified => f.write_str("verified"),
            Self::NotVerified(why) => write!(f, "not verified: {why}"),
            Self::Inconclusive(why) => write!(f, "inconclusive: {why}"),
        }
    }
}

impl fmt::Display for NotVerifiedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StatusFalse { service_reason } => {
                f.write_str("verification_status is false")?;
                if let Some(reason) = service_reason {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            Self::FieldRejected(field) => write!(f, "{field} does not match Dukcapil"),
            Self::FaceScoreBelowMinimum { score, minimum } => {
                write!(
                    f,
                    "face_image_percentage {score} is below the minimum {minimum}"
                )
            }
        }
    }
}

impl fmt::Display for IdentityInconclusive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoStatus => f.write_str("the service sent no verification_status"),
            Self::FieldNotConfirmed(field) => {
                write!(f, "{field} was not confirmed (null or missing)")
            }
            Self::FaceScoreOutOfRange(score) => {
                write!(f, "face_image_percentage {score} is outside 0-100")
            }
            Self::NoFaceScore => {
                f.write_str("the policy needs a face_image_percentage and none was returned")
            }
            Self::Unreadable(field) => write!(f, "{field}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::response::FaceVerificationResult;
    use IdentityField::*;
    use IdentityInconclusive as Why;

    const T: Option<bool> = Some(true);

    fn all_three() -> FieldVerdicts {
        let mut v = FieldVerdicts::default();
        for f in [Nik, Name, DateOfBirth] {
            v.set(f, T);
        }
        v
    }

    fn answer(status: Option<bool>, fields: Option<FieldVerdicts>) -> IdentityVerificationResponse {
        IdentityVerificationResponse::new(status, Some("Data not found".into()), fields)
    }

    #[test]
    fn default_policy() {
        assert_eq!(
            answer(T, Some(all_three())).verdict(),
            IdentityVerdict::Verified
        );
        let no = answer(Some(false), Some(all_three())).verdict();
        assert_eq!(
            no.to_string(),
            "not verified: verification_status is false (Data not found)"
        );
        assert_eq!(no.label(), "not_verified");
        assert_eq!(
            answer(None, Some(all_three())).verdict(),
            IdentityVerdict::Inconclusive(Why::NoStatus)
        );
        let mut name_null = all_three();
        name_null.set(Name, None);
        assert_eq!(
            answer(T, Some(name_null)).verdict(),
            IdentityVerdict::Inconclusive(Why::FieldNotConfirmed(Name))
        );
        let mut kk_false = all_three();
        kk_false.set(NoKk, Some(false));
        assert_eq!(
            answer(T, Some(kk_false.clone())).verdict(),
            IdentityVerdict::NotVerified(NotVerifiedReason::FieldRejected(NoKk))
        );
        let lenient = IdentityPolicy::default().reject_any_false(false);
        assert!(
            answer(T, Some(kk_false))
                .verdict_with(&lenient)
                .is_verified()
        );
        let mut dob_false = all_three();
        dob_false.set(DateOfBirth, Some(false));
        assert_eq!(
            answer(T, Some(dob_false)).verdict_with(&lenient),
            IdentityVerdict::NotVerified(NotVerifiedReason::FieldRejected(DateOfBirth))
        );
        assert_eq!(
            answer(T, None).verdict(),
            IdentityVerdict::Inconclusive(Why::FieldNotConfirmed(Nik))
        );
        let strict =
            IdentityPolicy::default().required_fields([Nik, Name, DateOfBirth, MotherMaidenName]);
        assert!(
            !answer(T, Some(all_three()))
                .verdict_with(&strict)
                .is_verified()
        );
    }

    #[test]
    fn face_scores() {
        let face = |score| {
            FaceVerificationResponse::new(
                T,
                None,
                Some(FaceVerificationResult::new(all_three(), score)),
            )
        };
        assert!(face(Some(82.04)).verdict().is_verified());
        assert!(face(None).verdict().is_verified());
        assert_eq!(
            face(Some(182.0)).verdict(),
            IdentityVerdict::Inconclusive(Why::FaceScoreOutOfRange(182.0))
        );
        let min = IdentityPolicy::default()
            .min_face_image_percentage(85.0)
            .unwrap();
        assert_eq!(
            face(Some(82.04)).verdict_with(&min),
            IdentityVerdict::NotVerified(NotVerifiedReason::FaceScoreBelowMinimum {
                score: 82.04,
                minimum: 85.0
            })
        );
        assert_eq!(
            face(None).verdict_with(&min),
            IdentityVerdict::Inconclusive(Why::NoFaceScore)
        );
        assert!(face(Some(85.0)).verdict_with(&min).is_verified());
        assert!(
            IdentityPolicy::default()
                .min_face_image_percentage(101.0)
                .is_err()
        );
    }
}
