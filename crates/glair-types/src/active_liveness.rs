//! The result of an active liveness check: did the user perform the gesture asked of them?
//! (A hosted active liveness session's `result`, and the direct `face/v1/active-liveness`
//! endpoint's answer.)

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::passive_liveness::CheckStatus;
use crate::string_enum::string_enum;
use crate::tolerant::{Tolerant, UnreadableField, tolerant_model};
use crate::verdict::Verdict;

string_enum! {
    /// A gesture GLAIR can ask for and detect: 9 hand gestures (which fingers are raised,
    /// thumb first) and 10 head gestures.
    pub enum GestureCode {
        /// Close all fingers.
        Hand00000 => "HAND_00000",
        /// Show the index finger.
        Hand01000 => "HAND_01000",
        /// Show the index and middle fingers.
        Hand01100 => "HAND_01100",
        /// Show the index, middle and ring fingers.
        Hand01110 => "HAND_01110",
        /// Show the index, middle, ring and little fingers.
        Hand01111 => "HAND_01111",
        /// Raise only the thumb.
        Hand10000 => "HAND_10000",
        /// Show the thumb and index finger.
        Hand11000 => "HAND_11000",
        /// Show the thumb, index and little fingers.
        Hand11001 => "HAND_11001",
        /// Show all fingers.
        Hand11111 => "HAND_11111",
        /// Close both eyes.
        Head00 => "HEAD_00",
        /// Close the right eye.
        Head01 => "HEAD_01",
        /// Close the left eye.
        Head10 => "HEAD_10",
        /// Open both eyes.
        Head11 => "HEAD_11",
        /// Turn left.
        HeadLeft => "HEAD_LEFT",
        /// Turn right.
        HeadRight => "HEAD_RIGHT",
        /// Look up.
        HeadUp => "HEAD_UP",
        /// Look down.
        HeadDown => "HEAD_DOWN",
        /// Open the mouth.
        HeadOpenMouth => "HEAD_OPEN_MOUTH",
        /// Close the mouth.
        HeadCloseMouth => "HEAD_CLOSE_MOUTH",
    }
}

impl GestureCode {
    /// Every documented gesture code, hand gestures first.
    pub const ALL: [GestureCode; 19] = [
        GestureCode::Hand00000,
        GestureCode::Hand01000,
        GestureCode::Hand01100,
        GestureCode::Hand01110,
        GestureCode::Hand01111,
        GestureCode::Hand10000,
        GestureCode::Hand11000,
        GestureCode::Hand11001,
        GestureCode::Hand11111,
        GestureCode::Head00,
        GestureCode::Head01,
        GestureCode::Head10,
        GestureCode::Head11,
        GestureCode::HeadLeft,
        GestureCode::HeadRight,
        GestureCode::HeadUp,
        GestureCode::HeadDown,
        GestureCode::HeadOpenMouth,
        GestureCode::HeadCloseMouth,
    ];
}

string_enum! {
    /// Whether the gesture seen matched the one asked for: `result.gesture_status`.
    pub enum GestureStatus {
        /// The gesture matched.
        Match => "MATCH",
        /// A gesture was seen, but not the one asked for.
        NotMatch => "NOT_MATCH",
        /// No face was found.
        FaceNotDetected => "face not detected",
        /// No hand was found (for a hand gesture).
        HandNotDetected => "hand not detected",
        /// More than one face was found.
        TooManyFacesDetected => "too many faces detected",
        /// More than one hand was found.
        TooManyHandsDetected => "too many hand detected",
    }
}

/// The `result` of a finished active liveness session.
///
/// ```json
/// { "status": "success", "result": { "gesture_status": "MATCH", "detected_gesture": "HEAD_LEFT" } }
/// ```
///
/// Decoding is tolerant ([`Tolerant`](crate::Tolerant)): a member that cannot be read (e.g. `gesture_status: 1`,
/// which the docs' "Type number" label allows although they list only strings) is left out
/// and listed in [`unreadable_fields`](crate::Tolerant::unreadable_fields); the verdict is then
/// never `matched`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActiveLivenessResult {
    /// Whether the check ran (empty and unknown when the answer carried no readable status).
    #[serde(default = "crate::tolerant::absent")]
    pub status: CheckStatus,
    /// The gesture assessment; absent when the service sent none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<GestureCheck>,
    #[serde(skip)]
    unreadable: Vec<UnreadableField>,
}

tolerant_model!(ActiveLivenessResult);

/// What the check saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GestureCheck {
    /// Whether the gesture matched (empty and unknown when absent or unreadable: inconclusive).
    #[serde(default = "crate::tolerant::absent")]
    pub gesture_status: GestureStatus,
    /// The gesture detected, when one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_gesture: Option<GestureCode>,
}

impl GestureCheck {
    /// Builds a gesture assessment (for tests and fixtures).
    pub fn new(gesture_status: GestureStatus, detected_gesture: Option<GestureCode>) -> Self {
        Self {
            gesture_status,
            detected_gesture,
        }
    }
}

impl ActiveLivenessResult {
    /// Builds a result (for tests and fixtures).
    pub fn new(status: CheckStatus, result: Option<GestureCheck>) -> Self {
        Self {
            status,
            result,
            unreadable: Vec::new(),
        }
    }

    /// Did the user perform the gesture asked of them? Matched only when the check succeeded,
    /// the status is `MATCH` and every member of the answer could be read; not matched when
    /// it is `NOT_MATCH`; inconclusive otherwise (a failed check, no face or hand, too many,
    /// an unknown status, no assessment, a member that could not be read — the last reason
    /// wins over the others).
    pub fn verdict(&self) -> GestureVerdict {
        match (self.verdict_read(), self.unreadable_fields().first()) {
            (GestureVerdict::Matched | GestureVerdict::Inconclusive(_), Some(field)) => {
                GestureVerdict::Inconclusive(GestureInconclusive::Unreadable(field.clone()))
            }
            (verdict, _) => verdict,
        }
    }

    /// The verdict from what was read.
    fn verdict_read(&self) -> GestureVerdict {
        use GestureInconclusive as Why;
        if self.status != CheckStatus::Success {
            return GestureVerdict::Inconclusive(Why::CheckFailed(self.status.clone()));
        }
        let Some(check) = &self.result else {
            return GestureVerdict::Inconclusive(Why::NoResult);
        };
        match &check.gesture_status {
            GestureStatus::Match => GestureVerdict::Matched,
            GestureStatus::NotMatch => GestureVerdict::NotMatched,
            other => GestureVerdict::Inconclusive(Why::Status(other.clone())),
        }
    }
}

/// The answer to an active liveness check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GestureVerdict {
    /// The user performed the gesture asked for.
    Matched,
    /// The user performed another gesture.
    NotMatched,
    /// The check could not tell.
    Inconclusive(GestureInconclusive),
}

/// Why an active liveness check gave no verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GestureInconclusive {
    /// The outer status was not `success`.
    CheckFailed(CheckStatus),
    /// No gesture assessment came back.
    NoResult,
    /// The gesture status says nothing could be judged (no face or hand, too many, or a
    /// status this SDK does not know).
    Status(GestureStatus),
    /// A member of the answer could not be read (the first one is named).
    Unreadable(UnreadableField),
}

impl Verdict for GestureVerdict {
    fn label(&self) -> &'static str {
        match self {
            GestureVerdict::Matched => "matched",
            GestureVerdict::NotMatched => "not_matched",
            GestureVerdict::Inconclusive(_) => "inconclusive",
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            GestureVerdict::Inconclusive(why) => Some(why.to_string()),
            _ => None,
        }
    }

    fn is_positive(&self) -> bool {
        matches!(self, GestureVerdict::Matched)
    }
}

impl fmt::Display for GestureVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GestureVerdict::Inconclusive(why) => write!(f, "inconclusive: {why}"),
            other => f.write_str(other.label()),
        }
    }
}

impl fmt::Display for GestureInconclusive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GestureInconclusive::CheckFailed(status) if status.as_str().is_empty() => {
                f.write_str("the answer carried no readable status")
            }
            GestureInconclusive::Unreadable(field) => write!(f, "{field}"),
            GestureInconclusive::CheckFailed(status) => write!(
                f,
                "the check did not succeed (status {:?})",
                crate::error::bounded(status.as_str())
            ),
            GestureInconclusive::NoResult => f.write_str("the check returned no assessment"),
            GestureInconclusive::Status(status) => write!(
                f,
                "gesture status {:?}",
                crate::error::bounded(status.as_str())
            ),
        }
    }
}
