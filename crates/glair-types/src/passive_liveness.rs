//! The result of a passive liveness check (a hosted session's `result`, and the direct
//! `face/v1/passive-liveness` endpoint's answer).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::string_enum::string_enum;
use crate::tolerant::{UnreadableField, tolerant_model};
use crate::verdict::{LivenessPolicy, LivenessVerdict};

string_enum! {
    /// Whether the check ran: the outer `result.status`.
    pub enum CheckStatus {
        /// The check ran; read the spoof level.
        Success => "success",
        /// The check could not be completed (for example no usable face).
        Failed => "failed",
    }
}

/// How likely the face is a spoof (a photo, a screen, a mask): the inner
/// `result.result.status`.
///
/// `High` means the face is likely **not** a live person; `Low` means it likely is. Two values
/// say the check could not score a face at all. A value this SDK does not know is
/// [`SpoofLevel::Unknown`]; its text is kept by [`SpoofCheck::level_text`]. Do not decide on
/// the level alone: ask [`PassiveLivenessResult::verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SpoofLevel {
    /// Likely a spoof.
    High,
    /// Uncertain.
    Moderate,
    /// Likely a live person.
    Low,
    /// No face was found in the image.
    FaceNotDetected,
    /// More than one face was found.
    TooManyFacesDetected,
    /// A level this version of the SDK does not know.
    Unknown,
}

impl SpoofLevel {
    /// The value as the service spells it (`"unknown"` for [`SpoofLevel::Unknown`], whose real
    /// text is in [`SpoofCheck::level_text`]; `"unknown"` does not parse back with `FromStr`,
    /// which accepts only the documented levels).
    pub fn as_str(self) -> &'static str {
        match self {
            SpoofLevel::High => "HIGH",
            SpoofLevel::Moderate => "MODERATE",
            SpoofLevel::Low => "LOW",
            SpoofLevel::FaceNotDetected => "face not detected",
            SpoofLevel::TooManyFacesDetected => "too many faces detected",
            SpoofLevel::Unknown => "unknown",
        }
    }

    /// The level of a wire value; anything unrecognised is [`SpoofLevel::Unknown`].
    pub fn from_wire(text: &str) -> Self {
        match text {
            "HIGH" => SpoofLevel::High,
            "MODERATE" => SpoofLevel::Moderate,
            "LOW" => SpoofLevel::Low,
            "face not detected" => SpoofLevel::FaceNotDetected,
            "too many faces detected" => SpoofLevel::TooManyFacesDetected,
            _ => SpoofLevel::Unknown,
        }
    }
}

impl fmt::Display for SpoofLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`SpoofLevel`] from text that names none.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown spoof level: expected HIGH, MODERATE, LOW, `face not detected` or `too many faces detected`"
)]
pub struct ParseSpoofLevelError(());

impl FromStr for SpoofLevel {
    type Err = ParseSpoofLevelError;

    /// Parses a documented level, case-insensitively (`low`, `LOW`, `face not detected`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match SpoofLevel::from_wire(&s.trim().to_ascii_uppercase()) {
            SpoofLevel::Unknown => match s.trim().to_ascii_lowercase().as_str() {
                "face not detected" => Ok(SpoofLevel::FaceNotDetected),
                "too many faces detected" => Ok(SpoofLevel::TooManyFacesDetected),
                _ => Err(ParseSpoofLevelError(())),
            },
            known => Ok(known),
        }
    }
}

/// A probability that a face is a spoof, in `[0, 1]`; displayed as a percentage.
///
/// ```
/// use glair_types::SpoofProbability;
///
/// let p = SpoofProbability::new(0.02611).unwrap();
/// assert_eq!(p.to_string(), "2.61 %");
/// assert_eq!(p.value(), 0.02611);
/// assert!(SpoofProbability::new(1.5).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct SpoofProbability(f64);

impl SpoofProbability {
    /// The probability `p`, when it lies in `[0, 1]`.
    pub fn new(p: f64) -> Option<Self> {
        (0.0..=1.0).contains(&p).then_some(Self(p))
    }

    /// The probability, in `[0, 1]` (0.02611 is 2.611 %).
    pub fn value(self) -> f64 {
        self.0
    }

    /// The probability as a percentage, in `[0, 100]`.
    pub fn percent(self) -> f64 {
        self.0 * 100.0
    }
}

impl fmt::Display for SpoofProbability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} %", self.percent())
    }
}

/// The `result` of a finished passive liveness session.
///
/// ```json
/// { "status": "success", "result": { "spoof_percentage": 0.99768, "status": "HIGH" } }
/// ```
///
/// Decide with [`verdict`](Self::verdict): a failed check comes back with
/// `spoof_percentage: 0`, which is no evidence of a live person.
///
/// Decoding is tolerant ([`Tolerant`](crate::Tolerant)): a member that cannot be read is left out and listed
/// in [`unreadable_fields`](crate::Tolerant::unreadable_fields), and the verdict is then never
/// `live`. A result without its `status` decodes with an empty, unknown status (inconclusive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PassiveLivenessResult {
    /// Whether the check ran (empty and unknown when the answer carried no readable status).
    #[serde(default = "crate::tolerant::absent")]
    pub status: CheckStatus,
    /// The spoof assessment; absent when the service sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<SpoofCheck>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

tolerant_model!(PassiveLivenessResult);

impl PassiveLivenessResult {
    /// Builds a result (for tests and fixtures; the SDK decodes results from responses).
    pub fn new(status: CheckStatus, result: Option<SpoofCheck>) -> Self {
        Self {
            status,
            result,
            unreadable: Vec::new(),
        }
    }

    /// May this user be treated as a live person, by the default [`LivenessPolicy`]
    /// (`LOW` is live, `HIGH` is a spoof, anything else inconclusive).
    pub fn verdict(&self) -> LivenessVerdict {
        LivenessPolicy::default().judge(self)
    }

    /// The verdict by a policy of your own.
    pub fn verdict_with(&self, policy: &LivenessPolicy) -> LivenessVerdict {
        policy.judge(self)
    }

    /// The spoof level the service reported, when it reported one.
    pub fn spoof_level(&self) -> Option<SpoofLevel> {
        self.result.as_ref().map(SpoofCheck::level)
    }

    /// The probability that the face is a spoof — only for a check that succeeded and scored
    /// a face (level `LOW`, `MODERATE` or `HIGH`). A failed check, one that found no face or
    /// too many, or an unknown level offers no score, whatever number the body carried (the
    /// raw number stays in [`SpoofCheck::spoof_percentage`]).
    pub fn spoof_probability(&self) -> Option<SpoofProbability> {
        if self.status != CheckStatus::Success {
            return None;
        }
        let check = self.result.as_ref()?;
        match check.level() {
            SpoofLevel::Low | SpoofLevel::Moderate | SpoofLevel::High => {
                check.spoof_percentage.and_then(SpoofProbability::new)
            }
            _ => None,
        }
    }
}

/// The spoof assessment of one face.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SpoofCheck {
    /// The number the service sent as `spoof_percentage`: a probability in `[0, 1]` despite
    /// the name. A number sent as text (`"0.02"`) is read as that number. A value outside
    /// `[0, 1]` (e.g. `26.11`, which looks like a percentage) is kept as sent, never rescaled:
    /// the verdict is inconclusive for it ([`LivenessInconclusive::InvalidSpoofScore`]), as
    /// guessing the scale of a security score could turn a spoof into a live person.
    /// Prefer [`PassiveLivenessResult::spoof_probability`], which offers only a score in
    /// range, and only for a check that succeeded and scored a face.
    ///
    /// [`LivenessInconclusive::InvalidSpoofScore`]: crate::LivenessInconclusive::InvalidSpoofScore
    pub spoof_percentage: Option<f64>,
    level: SpoofLevel,
    level_text: String,
}

impl SpoofCheck {
    /// Builds a spoof assessment (for tests and fixtures).
    pub fn new(spoof_percentage: Option<f64>, level: SpoofLevel) -> Self {
        Self {
            spoof_percentage,
            level,
            level_text: level.as_str().to_owned(),
        }
    }

    /// The spoof level.
    pub fn level(&self) -> SpoofLevel {
        self.level
    }

    /// The level exactly as the service sent it (the only record of an unknown level).
    pub fn level_text(&self) -> &str {
        &self.level_text
    }
}

/// The wire form of [`SpoofCheck`]. The service calls the level `status`; one official
/// example calls it `spoof_status`, which is accepted too.
#[derive(Serialize, Deserialize)]
struct WireSpoofCheck<'a> {
    #[serde(
        default,
        deserialize_with = "crate::tolerant::number",
        skip_serializing_if = "Option::is_none"
    )]
    spoof_percentage: Option<f64>,
    /// Absent or unreadable: the empty text, an unknown level.
    #[serde(rename = "status", alias = "spoof_status", borrow, default)]
    level: std::borrow::Cow<'a, str>,
}

impl Serialize for SpoofCheck {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireSpoofCheck {
            spoof_percentage: self.spoof_percentage,
            level: std::borrow::Cow::Borrowed(&self.level_text),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SpoofCheck {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireSpoofCheck::deserialize(deserializer)?;
        Ok(Self {
            spoof_percentage: wire.spoof_percentage,
            level: SpoofLevel::from_wire(&wire.level),
            level_text: wire.level.into_owned(),
        })
    }
}
