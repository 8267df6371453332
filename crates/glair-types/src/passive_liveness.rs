//! The result of a passive liveness check.

use serde::{Deserialize, Deserializer, Serialize};

use crate::string_enum::string_enum;

string_enum! {
    /// Whether the check ran: the outer `result.status`.
    pub enum CheckStatus {
        /// The check ran; read the spoof level.
        Success => "success",
        /// The check could not be completed (for example no usable face).
        Failed => "failed",
    }
}

string_enum! {
    /// How likely the face is a spoof (a photo, a screen, a mask): the inner `result.result.status`.
    ///
    /// `High` means the face is likely **not** a live person; `Low` means it likely is.
    pub enum SpoofLevel {
        /// Likely a spoof.
        High => "HIGH",
        /// Uncertain.
        Moderate => "MODERATE",
        /// Likely a live person.
        Low => "LOW",
        /// No face was found in the image.
        FaceNotDetected => "face not detected",
        /// More than one face was found.
        TooManyFacesDetected => "too many faces detected",
    }
}

/// The `result` of a finished passive liveness session.
///
/// ```json
/// { "status": "success", "result": { "spoof_percentage": 0.99768, "status": "HIGH" } }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PassiveLivenessResult {
    /// Whether the check ran.
    pub status: CheckStatus,
    /// The spoof assessment; absent when the service sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<SpoofCheck>,
}

impl PassiveLivenessResult {
    /// Builds a result (for tests and fixtures; the SDK decodes results from responses).
    pub fn new(status: CheckStatus, result: Option<SpoofCheck>) -> Self {
        Self { status, result }
    }

    /// The spoof level, when the service reported one.
    pub fn spoof_level(&self) -> Option<&SpoofLevel> {
        self.result.as_ref().map(|r| &r.level)
    }

    /// The spoof probability in `[0, 1]`, when the service reported one.
    pub fn spoof_percentage(&self) -> Option<f64> {
        self.result.as_ref().and_then(|r| r.spoof_percentage)
    }
}

/// The spoof assessment of one face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SpoofCheck {
    /// The probability, in `[0, 1]`, that the face is a spoof. Decoding refuses a value outside
    /// that range (or not a number) instead of passing a corrupt score to an identity decision.
    #[serde(
        default,
        deserialize_with = "deserialize_probability",
        skip_serializing_if = "Option::is_none"
    )]
    pub spoof_percentage: Option<f64>,
    /// The spoof level. The service calls this field `status`; one official example calls it
    /// `spoof_status`, which is accepted too.
    #[serde(rename = "status", alias = "spoof_status")]
    pub level: SpoofLevel,
}

impl SpoofCheck {
    /// Builds a spoof assessment (for tests and fixtures).
    pub fn new(spoof_percentage: Option<f64>, level: SpoofLevel) -> Self {
        Self {
            spoof_percentage,
            level,
        }
    }
}

fn deserialize_probability<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let value = Option::<f64>::deserialize(d)?;
    match value {
        Some(p) if !(0.0..=1.0).contains(&p) => Err(serde::de::Error::custom(format_args!(
            "spoof_percentage {p} is outside [0, 1]"
        ))),
        other => Ok(other),
    }
}
