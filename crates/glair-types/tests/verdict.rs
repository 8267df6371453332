//! The verdict policies: a table of every documented case, a snapshot of the verdicts of the
//! fixtures, and properties that hold for every result and every policy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use glair_types::{
    ActiveLivenessResult, CheckStatus, GestureCheck, GestureCode, GestureStatus, GestureVerdict,
    LivenessInconclusive, LivenessPolicy, LivenessVerdict, PassiveLivenessResult, SpoofCheck,
    SpoofLevel, Verdict,
    ocr::{KtpOcr, NpwpOcr, OcrStatus, OcrVerdict},
};
use proptest::prelude::*;

fn result(status: &str, check: Option<(Option<f64>, &str)>) -> PassiveLivenessResult {
    let mut json = serde_json::json!({ "status": status });
    if let Some((p, level)) = check {
        json["result"] = serde_json::json!({ "spoof_percentage": p, "status": level });
    }
    serde_json::from_value(json).unwrap()
}

#[test]
fn the_default_policy_on_every_documented_case() {
    use LivenessInconclusive as Why;
    let cases: Vec<(PassiveLivenessResult, LivenessVerdict)> = vec![
        (
            result("success", Some((Some(0.02611), "LOW"))),
            LivenessVerdict::Live,
        ),
        (
            result("success", Some((Some(0.99768), "HIGH"))),
            LivenessVerdict::Spoof,
        ),
        (
            result("success", Some((Some(0.5678), "MODERATE"))),
            LivenessVerdict::Inconclusive(Why::LevelNotAccepted(SpoofLevel::Moderate)),
        ),
        // The case that started it: a failed check with a score of 0 is not live, and says why.
        (
            result("failed", Some((Some(0.0), "face not detected"))),
            LivenessVerdict::Inconclusive(Why::FaceNotDetected),
        ),
        (
            result("failed", Some((Some(0.0), "LOW"))),
            LivenessVerdict::Inconclusive(Why::CheckFailed(CheckStatus::Failed)),
        ),
        (
            result("success", Some((Some(0.0), "face not detected"))),
            LivenessVerdict::Inconclusive(Why::FaceNotDetected),
        ),
        (
            result("success", Some((None, "too many faces detected"))),
            LivenessVerdict::Inconclusive(Why::TooManyFacesDetected),
        ),
        (
            result("success", Some((Some(0.01), "VERY_LOW"))),
            LivenessVerdict::Inconclusive(Why::UnknownLevel("VERY_LOW".into())),
        ),
        (
            result("success", None),
            LivenessVerdict::Inconclusive(Why::NoResult),
        ),
        (
            result("partial", Some((Some(0.01), "LOW"))),
            LivenessVerdict::Inconclusive(Why::CheckFailed(CheckStatus::from("partial"))),
        ),
        // The legacy `spoof_status` spelling decides the same way.
        (
            serde_json::from_str(
                r#"{"status":"success","result":{"spoof_percentage":0.1,"spoof_status":"LOW"}}"#,
            )
            .unwrap(),
            LivenessVerdict::Live,
        ),
    ];
    for (result, expected) in cases {
        assert_eq!(result.verdict(), expected, "{result:?}");
    }
}

#[test]
fn a_failed_check_offers_no_spoof_score() {
    assert_eq!(
        result("failed", Some((Some(0.0), "face not detected"))).spoof_probability(),
        None
    );
    assert_eq!(
        result("failed", Some((Some(0.2), "LOW"))).spoof_probability(),
        None
    );
    assert_eq!(
        result("success", Some((Some(0.0), "too many faces detected"))).spoof_probability(),
        None
    );
    assert_eq!(
        result("success", Some((Some(0.3), "NEW"))).spoof_probability(),
        None
    );
    let p = result("success", Some((Some(0.02611), "LOW")))
        .spoof_probability()
        .unwrap();
    assert_eq!(p.value(), 0.02611);
    assert_eq!(p.to_string(), "2.61 %");
}

#[test]
fn configured_policies() {
    let lenient = LivenessPolicy::default()
        .accept_levels([SpoofLevel::Low, SpoofLevel::Moderate])
        .unwrap();
    assert_eq!(
        result("success", Some((Some(0.5678), "MODERATE"))).verdict_with(&lenient),
        LivenessVerdict::Live
    );
    assert_eq!(
        result("success", Some((Some(0.99), "HIGH"))).verdict_with(&lenient),
        LivenessVerdict::Spoof
    );

    let capped = LivenessPolicy::default()
        .max_spoof_probability(0.10)
        .unwrap();
    assert_eq!(
        result("success", Some((Some(0.05), "LOW"))).verdict_with(&capped),
        LivenessVerdict::Live
    );
    // Above a limit of the caller's own: not live, but no accusation either.
    assert_eq!(
        result("success", Some((Some(0.2), "LOW")))
            .verdict_with(&capped)
            .label(),
        "inconclusive"
    );
    assert_eq!(
        result("success", Some((Some(0.5678), "MODERATE")))
            .verdict_with(&capped)
            .label(),
        "inconclusive"
    );
    assert_eq!(
        result("success", Some((Some(0.99), "HIGH"))).verdict_with(&capped),
        LivenessVerdict::Spoof
    );
    assert_eq!(
        result("success", Some((None, "LOW"))).verdict_with(&capped),
        LivenessVerdict::Inconclusive(LivenessInconclusive::NoSpoofScore)
    );

    for bad in [
        SpoofLevel::FaceNotDetected,
        SpoofLevel::TooManyFacesDetected,
        SpoofLevel::Unknown,
    ] {
        let err = LivenessPolicy::default()
            .accept_levels([SpoofLevel::Low, bad])
            .unwrap_err();
        assert_eq!(err.field(), "accept_levels");
        assert!(err.to_string().contains("never be accepted"), "{err}");
    }
    assert!(LivenessPolicy::default().accept_levels([]).is_err());
    for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
        let err = LivenessPolicy::default()
            .max_spoof_probability(bad)
            .unwrap_err();
        assert_eq!(err.field(), "max_spoof_probability");
    }
}

#[test]
fn spoof_levels_parse_display_and_hash() {
    use std::collections::HashSet;
    for level in [
        SpoofLevel::High,
        SpoofLevel::Moderate,
        SpoofLevel::Low,
        SpoofLevel::FaceNotDetected,
        SpoofLevel::TooManyFacesDetected,
    ] {
        assert_eq!(level.to_string().parse::<SpoofLevel>().unwrap(), level);
    }
    assert_eq!("low".parse::<SpoofLevel>().unwrap(), SpoofLevel::Low);
    assert!("nonsense".parse::<SpoofLevel>().is_err());
    let set: HashSet<SpoofLevel> = [SpoofLevel::Low, SpoofLevel::Low, SpoofLevel::High]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 2);
}

#[test]
fn gesture_and_ocr_verdicts() {
    let gesture = |status: &str, gs: GestureStatus| {
        ActiveLivenessResult::new(
            CheckStatus::from(status),
            Some(GestureCheck::new(gs, Some(GestureCode::HeadLeft))),
        )
        .verdict()
    };
    assert_eq!(
        gesture("success", GestureStatus::Match),
        GestureVerdict::Matched
    );
    assert_eq!(
        gesture("success", GestureStatus::NotMatch),
        GestureVerdict::NotMatched
    );
    assert!(!gesture("failed", GestureStatus::Match).is_positive());
    assert_eq!(
        gesture("success", GestureStatus::HandNotDetected).label(),
        "inconclusive"
    );
    assert_eq!(GestureCode::ALL.len(), 19);
    assert!(
        GestureCode::ALL
            .iter()
            .all(|c| !matches!(c, GestureCode::Unknown(_)))
    );

    let ktp: KtpOcr = serde_json::from_str(r#"{"status":"SUCCESS","reason":"File Successfully Read","read":{"nama":{"value":"BUDI","confidence":99}}}"#).unwrap();
    assert_eq!(ktp.verdict(), OcrVerdict::Read);
    // GLAIR's answer to a picture of something else: SUCCESS, every field empty.
    let other: KtpOcr = serde_json::from_str(r#"{"status":"SUCCESS","reason":"File successfully read. Some fields are invalid.","read":{"nama":{"value":"","confidence":0},"nik":{"value":" ","confidence":0}}}"#).unwrap();
    assert_eq!(other.verdict().label(), "not_read");
    assert!(
        other
            .verdict()
            .reason()
            .unwrap()
            .contains("no field holds a reading")
    );
    let empty: KtpOcr = serde_json::from_str(r#"{"status":"SUCCESS","read":{}}"#).unwrap();
    assert!(!empty.verdict().is_read());
    // A quality check that says "not a KTP" wins over readable fields.
    let not_ktp: KtpOcr = serde_json::from_str(r#"{"status":"SUCCESS","read":{"nama":{"value":"BUDI","confidence":99}},"qualities":{"is_ktp":false}}"#).unwrap();
    assert_eq!(not_ktp.verdict().label(), "not_read");
    let long_status: NpwpOcr =
        serde_json::from_value(serde_json::json!({"status": "F".repeat(60_000)})).unwrap();
    assert!(long_status.verdict().to_string().len() < 700);
    let npwp: NpwpOcr =
        serde_json::from_str(r#"{"status":"FAILED","reason":"File could not be read"}"#).unwrap();
    assert!(!npwp.verdict().is_read());
    assert_eq!(npwp.status, OcrStatus::Failed);
    assert_eq!(
        npwp.verdict().to_string(),
        "not read: status FAILED (File could not be read)"
    );
    let empty: NpwpOcr = serde_json::from_str(r#"{"status":"SUCCESS"}"#).unwrap();
    assert_eq!(empty.verdict().label(), "not_read");
}

#[test]
fn verdicts_snapshot() {
    let mut lines = Vec::new();
    for (status, p, level) in [
        ("success", Some(0.02611), "LOW"),
        ("success", Some(0.5678), "MODERATE"),
        ("success", Some(0.99768), "HIGH"),
        ("failed", Some(0.0), "face not detected"),
        ("success", Some(0.0), "too many faces detected"),
        ("success", Some(0.4), "SOMETHING NEW"),
    ] {
        let r = result(status, Some((p, level)));
        let v = r.verdict();
        lines.push(format!(
            "{status} {p:?} {level:?} => {} | reason: {:?} | probability: {:?}",
            v.label(),
            v.reason(),
            r.spoof_probability().map(|p| p.to_string())
        ));
    }
    insta::assert_snapshot!("liveness_verdicts", lines.join("\n"));
}

fn any_level_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("HIGH".to_owned()),
        Just("MODERATE".to_owned()),
        Just("LOW".to_owned()),
        Just("face not detected".to_owned()),
        Just("too many faces detected".to_owned()),
        ".{0,24}",
    ]
}

fn any_policy() -> impl Strategy<Value = LivenessPolicy> {
    (
        proptest::sample::subsequence(
            vec![SpoofLevel::Low, SpoofLevel::Moderate, SpoofLevel::High],
            1..=3,
        ),
        proptest::option::of(0.0f64..=1.0),
    )
        .prop_map(|(levels, max)| {
            let policy = LivenessPolicy::default().accept_levels(levels).unwrap();
            match max {
                Some(max) => policy.max_spoof_probability(max).unwrap(),
                None => policy,
            }
        })
}

proptest! {
    /// Whatever the percentage and whatever the policy: a failed check, no face, many faces or
    /// an unknown level is never live.
    #[test]
    fn never_live_without_a_successful_single_face_score(
        status in prop_oneof![Just("failed".to_owned()), "[a-z]{0,10}"],
        p in proptest::option::of(0.0f64..=1.0),
        raw in proptest::option::of(any::<f64>()),
        level in any_level_text(),
        policy in any_policy(),
    ) {
        // Results built by hand may carry any float (decoding refuses those outside [0, 1]).
        let by_hand = PassiveLivenessResult::new(
            CheckStatus::from(status.as_str()),
            Some(SpoofCheck::new(raw, SpoofLevel::from_wire(&level))),
        );
        let v = by_hand.verdict_with(&policy);
        if v.is_live() {
            prop_assert!(raw.is_none_or(|p| (0.0..=1.0).contains(&p)), "{by_hand:?} => {v}");
            prop_assert!(policy.spoof_probability_limit().is_none() || raw.is_some());
        }
        let r = result(&status, Some((p, &level)));
        let known_scored = matches!(r.spoof_level(), Some(SpoofLevel::Low | SpoofLevel::Moderate | SpoofLevel::High));
        let verdict = r.verdict_with(&policy);
        if status != "success" || !known_scored {
            prop_assert!(!verdict.is_live(), "{r:?} under {policy:?} => {verdict}");
            prop_assert!(r.spoof_probability().is_none());
        }
        if verdict.is_live() {
            prop_assert!(policy.accepts(r.spoof_level().unwrap()));
            if let Some(max) = policy.spoof_probability_limit() {
                prop_assert!(r.spoof_probability().unwrap().value() <= max);
            }
        }
    }

    /// The verdict survives a round trip of the result through its wire form.
    #[test]
    fn verdicts_survive_a_round_trip(p in proptest::option::of(0.0f64..=1.0), level in any_level_text()) {
        let r = PassiveLivenessResult::new(CheckStatus::Success, Some(SpoofCheck::new(p, SpoofLevel::from_wire(&level))));
        let again: PassiveLivenessResult = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        prop_assert_eq!(again.verdict(), r.verdict());
    }
}
