//! Verdict receipts: a serialisable record of one decision, for the audit trail.
//!
//! A receipt answers an auditor's "why did we accept this user on 4 December?": which session
//! (kind, sid), which answer of GLAIR's (its `Request-Id` and `Date`, the result as given —
//! status, level, score — and a SHA-256 digest of the exact JSON), which rule decided
//! (the policy), the verdict and its reason, and which SDK version decided.
//!
//! Its JSON schema is stable: `"schema": "glair-rs/verdict-receipt"` with `"version": 1`.
//! Fields are only ever added within a version; a change of meaning makes a new version.
//!
//! What a receipt never holds: credentials, ticket secrets, the user reference, image bytes,
//! and personal data. For KTP and NPWP sessions the fields GLAIR read from the card (NIK, name,
//! address, …) and the cropped photos are **left out** — the receipt keeps only GLAIR's status;
//! the digest of the raw JSON lets whoever kept that JSON (under their own retention rules)
//! prove it is the answer decided on, without the receipt carrying it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::active_liveness::ActiveLivenessResult;
use crate::kind::{ActiveLiveness, Ktp, Npwp, PassiveLiveness, SessionKind};
use crate::ocr::{KtpOcr, NpwpOcr};
use crate::passive_liveness::{PassiveLivenessResult, SpoofLevel};
use crate::session::Session;
use crate::verdict::{LivenessPolicy, Verdict};

/// The `schema` of every receipt.
pub const RECEIPT_SCHEMA: &str = "glair-rs/verdict-receipt";
/// The version of the receipt schema this SDK writes.
pub const RECEIPT_VERSION: u32 = 1;
/// The SDK that wrote a receipt, as recorded in it.
pub const RECEIPT_SDK: &str = "glair-rs";

/// One decision on one session, as recorded for an audit. Build it with
/// [`VerdictReceipt::for_session`] (or [`VerdictReceipt::for_passive_liveness`] with a
/// policy of yours); store its JSON (`serde_json::to_string`) next to your user's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerdictReceipt {
    /// Always [`RECEIPT_SCHEMA`].
    pub schema: String,
    /// The schema version, [`RECEIPT_VERSION`] when written by this SDK.
    pub version: u32,
    /// The session kind: its API resource, e.g. `passive-liveness-sessions`.
    pub kind: String,
    /// The session id.
    pub sid: String,
    /// GLAIR's `Request-Id` for the retrieve the decision was made on (quote it to GLAIR).
    pub request_id: Option<String>,
    /// GLAIR's `Date` for that retrieve, as an HTTP date (e.g. `Fri, 04 Dec 2026 09:00:00 GMT`).
    pub glair_date: Option<String>,
    /// The session's status then, e.g. `FINISHED`.
    pub session_status: String,
    /// The result as GLAIR gave it (without personal data); `None` when there was none.
    pub result: Option<ResultSummary>,
    /// SHA-256 of the exact JSON GLAIR sent, in lower-case hex (of the empty string for a
    /// session built by hand).
    pub raw_sha256: String,
    /// The rule the verdict was decided by.
    pub policy: PolicySummary,
    /// The verdict's label (`live`, `spoof`, `inconclusive`, `matched`, `read`, …), or
    /// `pending` for a session not finished.
    pub verdict: String,
    /// Whether the verdict is the positive answer (live, matched, read).
    pub positive: bool,
    /// Why the verdict is not a plain yes or no, when there is a reason.
    pub reason: Option<String>,
    /// Always [`RECEIPT_SDK`].
    pub sdk: String,
    /// The version of the SDK that decided.
    pub sdk_version: String,
}

/// A session result as GLAIR gave it, reduced to what decides: no personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResultSummary {
    /// The outer status as sent (`success`, `failed`; for OCR `SUCCESS`, …).
    pub status: String,
    /// The level as sent: the spoof level of passive liveness (`LOW`, `face not detected`,
    /// …), the gesture status of active liveness (`MATCH`, …); `None` for OCR.
    pub level: Option<String>,
    /// The score as sent: passive liveness's `spoof_percentage` (a probability in `[0, 1]`).
    pub score: Option<f64>,
    /// Active liveness: the gesture GLAIR detected, by its code.
    pub detected_gesture: Option<String>,
}

impl ResultSummary {
    fn status(status: &str) -> Self {
        Self {
            status: status.to_owned(),
            level: None,
            score: None,
            detected_gesture: None,
        }
    }
}

/// The rule a verdict was decided by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicySummary {
    /// The rule: `liveness-policy` (passive liveness, with the two fields below),
    /// `gesture-rule`, `ocr-rule` (the SDK's fixed, documented rules of that version).
    pub rule: String,
    /// Passive liveness: the spoof levels accepted as live (`null` for other rules).
    #[serde(default)]
    pub accepted_levels: Option<Vec<String>>,
    /// Passive liveness: the highest spoof probability accepted, when the policy sets one.
    #[serde(default)]
    pub max_spoof_probability: Option<f64>,
}

impl PolicySummary {
    fn rule(rule: &str) -> Self {
        Self {
            rule: rule.to_owned(),
            accepted_levels: None,
            max_spoof_probability: None,
        }
    }

    /// The summary of a passive liveness policy.
    pub fn of_liveness_policy(policy: &LivenessPolicy) -> Self {
        let levels = [SpoofLevel::Low, SpoofLevel::Moderate, SpoofLevel::High]
            .into_iter()
            .filter(|l| policy.accepts(*l))
            .map(|l| l.as_str().to_owned())
            .collect();
        Self {
            rule: "liveness-policy".to_owned(),
            accepted_levels: Some(levels),
            max_spoof_probability: policy.spoof_probability_limit(),
        }
    }
}

/// A session kind a receipt can be written for: how its result is summarised without
/// personal data, and the rule its default verdict follows. Every hosted session kind is one.
pub trait ReceiptKind: SessionKind {
    /// The result as GLAIR gave it, without personal data.
    fn summarize(result: &Self::Result) -> ResultSummary;
    /// The rule [`Session::verdict`] follows for this kind.
    fn default_policy() -> PolicySummary;
}

impl ReceiptKind for PassiveLiveness {
    fn summarize(result: &PassiveLivenessResult) -> ResultSummary {
        let check = result.result.as_ref();
        ResultSummary {
            level: check.map(|c| c.level_text().to_owned()),
            score: check.and_then(|c| c.spoof_percentage),
            ..ResultSummary::status(result.status.as_str())
        }
    }

    fn default_policy() -> PolicySummary {
        PolicySummary::of_liveness_policy(&LivenessPolicy::default())
    }
}

impl ReceiptKind for ActiveLiveness {
    fn summarize(result: &ActiveLivenessResult) -> ResultSummary {
        let check = result.result.as_ref();
        ResultSummary {
            level: check.map(|c| c.gesture_status.as_str().to_owned()),
            detected_gesture: check
                .and_then(|c| c.detected_gesture.as_ref())
                .map(|g| g.as_str().to_owned()),
            ..ResultSummary::status(result.status.as_str())
        }
    }

    fn default_policy() -> PolicySummary {
        PolicySummary::rule("gesture-rule")
    }
}

impl ReceiptKind for Ktp {
    /// The status only: everything read from the card is personal data and left out.
    fn summarize(result: &KtpOcr) -> ResultSummary {
        ResultSummary::status(result.status.as_str())
    }

    fn default_policy() -> PolicySummary {
        PolicySummary::rule("ocr-rule")
    }
}

impl ReceiptKind for Npwp {
    /// The status only: everything read from the card is personal data and left out.
    fn summarize(result: &NpwpOcr) -> ResultSummary {
        ResultSummary::status(result.status.as_str())
    }

    fn default_policy() -> PolicySummary {
        PolicySummary::rule("ocr-rule")
    }
}

impl VerdictReceipt {
    /// The receipt of deciding on `session` with its kind's default verdict
    /// ([`Session::verdict`]); `request_id` is the `Request-Id` of the response it came in
    /// (its `Date` is read from the session).
    pub fn for_session<K: ReceiptKind>(session: &Session<K>, request_id: Option<&str>) -> Self {
        Self::build(
            session,
            request_id,
            session.verdict().as_ref(),
            K::default_policy(),
        )
    }

    /// The receipt of deciding on a passive liveness `session` with `policy`
    /// ([`PassiveLivenessResult::verdict_with`]).
    pub fn for_passive_liveness(
        session: &Session<PassiveLiveness>,
        request_id: Option<&str>,
        policy: &LivenessPolicy,
    ) -> Self {
        let verdict = session.is_finished().then(|| {
            session.result.as_ref().map_or_else(
                || PassiveLiveness::verdict(None),
                |r| r.verdict_with(policy),
            )
        });
        Self::build(
            session,
            request_id,
            verdict.as_ref(),
            PolicySummary::of_liveness_policy(policy),
        )
    }

    fn build<K: ReceiptKind>(
        session: &Session<K>,
        request_id: Option<&str>,
        verdict: Option<&K::Verdict>,
        policy: PolicySummary,
    ) -> Self {
        Self {
            schema: RECEIPT_SCHEMA.to_owned(),
            version: RECEIPT_VERSION,
            kind: K::RESOURCE.to_owned(),
            sid: session.sid().as_str().to_owned(),
            request_id: request_id.map(|id| crate::error::bounded(id).into_owned()),
            glair_date: session.service_date().map(httpdate::fmt_http_date),
            session_status: session.status.as_str().to_owned(),
            result: session.result.as_ref().map(K::summarize),
            raw_sha256: sha256_hex(session.raw_json()),
            policy,
            verdict: verdict.map_or("pending", Verdict::label).to_owned(),
            positive: verdict.is_some_and(Verdict::is_positive),
            reason: verdict.and_then(Verdict::reason),
            sdk: RECEIPT_SDK.to_owned(),
            sdk_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// SHA-256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
