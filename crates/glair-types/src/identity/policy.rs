//! The yes/no answer to "is this person who they claim to be?", by a stated policy.
//!
//! An identity answer carries an overall `verification_status` and per-field verdicts that can
//! disagree with it (or be `null`). The policy says what must hold, once. It is pure.

use std::fmt;

use super::field::IdentityField;
use super::response::{FaceVerificationResponse, FieldVerdicts, IdentityVerificationResponse};
use crate::error::InvalidInput;

/// What counts as verified.
///
/// The default requires, all of:
/// - `verification_status` is `true`;
/// - `nik`, `name` and `date_of_birth` are each `true` (not `false`, `null` or missing);
/// - no field at all is `false` (an overall `true` with a rejected field is contradictory, so
///   it is not trusted);
/// - for face verification, no score threshold of its own (Dukcapil's verdict decides) — set
///   one with [`min_face_image_percentage`](Self::min_face_image_percentage).
///
/// ```
/// use glair_types::{FieldVerdicts, IdentityField, IdentityPolicy, IdentityVerificationResponse};
///
/// let mut fields = FieldVerdicts::default();
/// for f in [IdentityField::Nik, IdentityField::Name, IdentityField::DateOfBirth] {
///     fields.set(f, Some(true));
/// }
/// let answer = IdentityVerificationResponse::new(Some(true), None, Some(fields));
/// assert!(IdentityPolicy::default().decide(&answer).is_verified());
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
    /// the service's 0–100 scale. A response without a score then never verifies.
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

    /// Judges an identity verification.
    pub fn decide(&self, response: &IdentityVerificationResponse) -> IdentityVerdict {
        self.judge(
            response.verification_status,
            response.reason.as_deref(),
            response.result.as_ref(),
        )
        .map_or(IdentityVerdict::Verified, |reason| {
            IdentityVerdict::NotVerified { reason }
        })
    }

    /// Judges a face verification: the same checks, then the face score if the policy has a
    /// minimum.
    pub fn decide_face(&self, response: &FaceVerificationResponse) -> IdentityVerdict {
        let result = response.result.as_ref();
        let reason = self
            .judge(
                response.verification_status,
                response.reason.as_deref(),
                result.map(|r| &r.fields),
            )
            .or_else(|| {
                let score = result.and_then(|r| r.face_image_percentage);
                if let Some(score) = score {
                    if !(0.0..=100.0).contains(&score) {
                        return Some(NotVerifiedReason::FaceScoreOutOfRange(score));
                    }
                }
                let minimum = self.min_face_image_percentage?;
                match score {
                    None => Some(NotVerifiedReason::NoFaceScore),
                    Some(score) if score < minimum => {
                        Some(NotVerifiedReason::FaceScoreBelowMinimum { score, minimum })
                    }
                    Some(_) => None,
                }
            });
        reason.map_or(IdentityVerdict::Verified, |reason| {
            IdentityVerdict::NotVerified { reason }
        })
    }

    fn judge(
        &self,
        status: Option<bool>,
        service_reason: Option<&str>,
        fields: Option<&FieldVerdicts>,
    ) -> Option<NotVerifiedReason> {
        if status != Some(true) {
            return Some(NotVerifiedReason::StatusNotTrue {
                status,
                service_reason: service_reason.map(str::to_owned),
            });
        }
        let empty = FieldVerdicts::default();
        let fields = fields.unwrap_or(&empty);
        if self.reject_any_false {
            if let Some(field) = fields.rejected().next() {
                return Some(NotVerifiedReason::FieldRejected(field));
            }
        }
        self.required
            .iter()
            .find_map(|&field| match fields.get(field) {
                Some(true) => None,
                verdict => Some(NotVerifiedReason::FieldNotConfirmed { field, verdict }),
            })
    }
}

/// The policy's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentityVerdict {
    /// Verified, by the policy.
    Verified,
    /// Not verified, and why.
    NotVerified {
        /// The first check that failed.
        reason: NotVerifiedReason,
    },
}

impl IdentityVerdict {
    /// Whether the policy accepted the identity.
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified)
    }
}

/// Why an identity was not accepted.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NotVerifiedReason {
    /// `verification_status` was `false` or missing.
    StatusNotTrue {
        /// What the service sent.
        status: Option<bool>,
        /// The service's `reason` text, if any.
        service_reason: Option<String>,
    },
    /// A field the policy requires was not verified `true`.
    FieldNotConfirmed {
        /// The field.
        field: IdentityField,
        /// Its verdict: `Some(false)` never appears here when `reject_any_false` is on.
        verdict: Option<bool>,
    },
    /// A field came back `false`.
    FieldRejected(IdentityField),
    /// The policy requires a face score and the service sent none.
    NoFaceScore,
    /// The face score is outside 0–100, so it cannot be trusted.
    FaceScoreOutOfRange(f64),
    /// The face score is below the policy's minimum.
    FaceScoreBelowMinimum {
        /// The score the service sent.
        score: f64,
        /// The policy's minimum.
        minimum: f64,
    },
}

impl fmt::Display for NotVerifiedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StatusNotTrue {
                status,
                service_reason,
            } => {
                match status {
                    Some(false) => f.write_str("verification_status is false")?,
                    _ => f.write_str("the service sent no verification_status")?,
                }
                if let Some(reason) = service_reason {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            Self::FieldNotConfirmed { field, verdict } => match verdict {
                Some(_) => write!(f, "{field} was not verified"),
                None => write!(f, "{field} was not verified (null or missing)"),
            },
            Self::FieldRejected(field) => write!(f, "{field} does not match Dukcapil"),
            Self::NoFaceScore => f.write_str("the service sent no face_image_percentage"),
            Self::FaceScoreOutOfRange(score) => {
                write!(f, "face_image_percentage {score} is outside 0-100")
            }
            Self::FaceScoreBelowMinimum { score, minimum } => {
                write!(
                    f,
                    "face_image_percentage {score} is below the minimum {minimum}"
                )
            }
        }
    }
}

impl fmt::Display for IdentityVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified => f.write_str("verified"),
            Self::NotVerified { reason } => write!(f, "not verified: {reason}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::response::FaceVerificationResult;

    fn verdicts(pairs: &[(IdentityField, Option<bool>)]) -> FieldVerdicts {
        let mut v = FieldVerdicts::default();
        for (f, b) in pairs {
            v.set(*f, *b);
        }
        v
    }

    const T: Option<bool> = Some(true);

    fn all_three() -> FieldVerdicts {
        use IdentityField::*;
        verdicts(&[(Nik, T), (Name, T), (DateOfBirth, T)])
    }

    fn reason(v: IdentityVerdict) -> NotVerifiedReason {
        match v {
            IdentityVerdict::NotVerified { reason } => reason,
            IdentityVerdict::Verified => panic!("verified"),
        }
    }

    #[test]
    fn default_policy() {
        use IdentityField::*;
        let p = IdentityPolicy::default();
        let ok = IdentityVerificationResponse::new(T, None, Some(all_three()));
        assert!(p.decide(&ok).is_verified());
        assert_eq!(
            reason(p.decide(&IdentityVerificationResponse::new(
                Some(false),
                Some("Data not found".into()),
                Some(all_three())
            )))
            .to_string(),
            "verification_status is false (Data not found)"
        );
        let mut name_null = all_three();
        name_null.set(Name, None);
        assert_eq!(
            reason(p.decide(&IdentityVerificationResponse::new(T, None, Some(name_null)))),
            NotVerifiedReason::FieldNotConfirmed {
                field: Name,
                verdict: None
            }
        );
        let mut kk_false = all_three();
        kk_false.set(NoKk, Some(false));
        assert_eq!(
            reason(p.decide(&IdentityVerificationResponse::new(
                T,
                None,
                Some(kk_false.clone())
            ))),
            NotVerifiedReason::FieldRejected(NoKk)
        );
        assert!(
            p.clone()
                .reject_any_false(false)
                .decide(&IdentityVerificationResponse::new(T, None, Some(kk_false)))
                .is_verified()
        );
        assert_eq!(
            reason(p.decide(&IdentityVerificationResponse::new(T, None, None))),
            NotVerifiedReason::FieldNotConfirmed {
                field: Nik,
                verdict: None
            }
        );
        let strict = p.required_fields([Nik, Name, DateOfBirth, MotherMaidenName]);
        assert!(!strict.decide(&ok).is_verified());
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
        let p = IdentityPolicy::default();
        assert!(p.decide_face(&face(Some(82.04))).is_verified());
        assert!(p.decide_face(&face(None)).is_verified());
        assert_eq!(
            reason(p.decide_face(&face(Some(182.0)))),
            NotVerifiedReason::FaceScoreOutOfRange(182.0)
        );
        let min = p.min_face_image_percentage(85.0).unwrap();
        assert_eq!(
            reason(min.decide_face(&face(Some(82.04)))),
            NotVerifiedReason::FaceScoreBelowMinimum {
                score: 82.04,
                minimum: 85.0
            }
        );
        assert_eq!(
            reason(min.decide_face(&face(None))),
            NotVerifiedReason::NoFaceScore
        );
        assert!(min.decide_face(&face(Some(85.0))).is_verified());
        assert!(
            IdentityPolicy::default()
                .min_face_image_percentage(101.0)
                .is_err()
        );
    }
}
