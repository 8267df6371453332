//! Verification tickets and verdict receipts (feature `tickets`): tickets are refused after any
//! change to any byte, never verify across users, sids, kinds or keys, expire, and survive a
//! key rotation; receipts keep a stable JSON schema and no personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use glair_types::receipt::{RECEIPT_SCHEMA, VerdictReceipt};
use glair_types::ticket::{TicketError, TicketKeys, TicketSecret};
use glair_types::{
    ActiveLiveness, Ktp, LivenessPolicy, Npwp, PassiveLiveness, Session, SessionId, SessionKind,
    SessionStatus, SpoofLevel, decode_retrieved_session,
};
use proptest::prelude::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn keys(secret: &[u8]) -> TicketKeys {
    TicketKeys::new(TicketSecret::new(secret.to_vec()).unwrap())
}

fn session<K: SessionKind>(sid: &str) -> Session<K> {
    Session::new(
        SessionId::new(sid).unwrap(),
        SessionStatus::Pending,
        format!("https://vision.glair.ai/x/{sid}"),
        "https://app.example/done",
    )
}

fn back(sid: &str) -> String {
    format!("/done?sid={sid}")
}

const NOW: u64 = 1_796_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_change_to_any_byte_is_refused(
        sid in "[A-Za-z0-9_-]{1,64}",
        user in "\\PC{1,40}",
        at_index in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let keys = keys(&[7; 32]);
        let ticket = keys.issue(&session::<PassiveLiveness>(&sid), &user, at(NOW)).unwrap();
        let mut bytes = ticket.as_str().as_bytes().to_vec();
        let i = at_index.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        let changed = String::from_utf8_lossy(&bytes);
        let verdict = keys.check_return::<PassiveLiveness>(&changed, &back(&sid), &user, at(NOW));
        prop_assert_eq!(verdict, Err(TicketError::Forged));
    }

    #[test]
    fn truncated_or_extended_tickets_are_refused(
        sid in "[A-Za-z0-9_-]{1,64}",
        cut in 1_usize..200,
        tail in "[A-Za-z0-9._-]{1,8}",
    ) {
        let keys = keys(&[7; 32]);
        let ticket = keys.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        let text = ticket.as_str();
        let short = &text[..text.len().saturating_sub(cut)];
        prop_assert_eq!(keys.verify::<PassiveLiveness>(short, "u", at(NOW)), Err(TicketError::Forged));
        let long = format!("{text}{tail}");
        prop_assert_eq!(keys.verify::<PassiveLiveness>(&long, "u", at(NOW)), Err(TicketError::Forged));
    }

    #[test]
    fn tickets_never_verify_for_another_user(
        sid in "[A-Za-z0-9_-]{1,64}",
        user in "\\PC{1,40}",
        other in "\\PC{1,40}",
    ) {
        prop_assume!(user != other);
        let keys = keys(&[7; 32]);
        let ticket = keys.issue(&session::<PassiveLiveness>(&sid), &user, at(NOW)).unwrap();
        prop_assert_eq!(
            keys.check_return::<PassiveLiveness>(ticket.as_str(), &back(&sid), &other, at(NOW)),
            Err(TicketError::OtherUser)
        );
        prop_assert!(keys.check_return::<PassiveLiveness>(ticket.as_str(), &back(&sid), &user, at(NOW)).is_ok());
    }

    #[test]
    fn tickets_never_verify_for_another_sid(
        sid in "[A-Za-z0-9_-]{1,64}",
        other in "[A-Za-z0-9_-]{1,64}",
    ) {
        prop_assume!(sid != other);
        let keys = keys(&[7; 32]);
        let ticket = keys.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        prop_assert_eq!(
            keys.check_return::<PassiveLiveness>(ticket.as_str(), &back(&other), "u", at(NOW)),
            Err(TicketError::SidMismatch)
        );
    }

    #[test]
    fn tickets_never_verify_for_another_kind(sid in "[A-Za-z0-9_-]{1,64}") {
        let keys = keys(&[7; 32]);
        let t = keys.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        let t = t.as_str();
        prop_assert_eq!(keys.verify::<ActiveLiveness>(t, "u", at(NOW)), Err(TicketError::OtherKind));
        prop_assert_eq!(keys.verify::<Ktp>(t, "u", at(NOW)), Err(TicketError::OtherKind));
        prop_assert_eq!(keys.verify::<Npwp>(t, "u", at(NOW)), Err(TicketError::OtherKind));
    }

    #[test]
    fn tickets_never_verify_under_another_key(
        sid in "[A-Za-z0-9_-]{1,64}",
        a in prop::collection::vec(any::<u8>(), 32..64),
        b in prop::collection::vec(any::<u8>(), 32..64),
    ) {
        prop_assume!(a != b);
        let ticket = keys(&a).issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        prop_assert_eq!(keys(&b).verify::<PassiveLiveness>(ticket.as_str(), "u", at(NOW)), Err(TicketError::Forged));
    }

    #[test]
    fn expired_tickets_are_refused(
        sid in "[A-Za-z0-9_-]{1,64}",
        lifetime in 1_u64..86_400,
        after in 0_u64..1_000_000,
    ) {
        let keys = keys(&[7; 32]).lifetime(Duration::from_secs(lifetime)).unwrap();
        let ticket = keys.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        prop_assert_eq!(ticket.expires_at(), at(NOW + lifetime));
        prop_assert!(keys.verify::<PassiveLiveness>(ticket.as_str(), "u", at(NOW + lifetime - 1)).is_ok());
        prop_assert_eq!(
            keys.verify::<PassiveLiveness>(ticket.as_str(), "u", at(NOW + lifetime + after)),
            Err(TicketError::Expired { expired_at: at(NOW + lifetime) })
        );
    }

    #[test]
    fn rotation_old_keys_verify_and_the_new_key_signs(sid in "[A-Za-z0-9_-]{1,64}") {
        let old = keys(&[1; 32]);
        let old_ticket = old.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        let rotated = keys(&[2; 32]).with_previous(TicketSecret::new(vec![1; 32]).unwrap()).unwrap();
        // Tickets issued before the rotation still verify...
        prop_assert!(rotated.verify::<PassiveLiveness>(old_ticket.as_str(), "u", at(NOW)).is_ok());
        // ... and new ones are signed with the new key alone.
        let new_ticket = rotated.issue(&session::<PassiveLiveness>(&sid), "u", at(NOW)).unwrap();
        prop_assert!(keys(&[2; 32]).verify::<PassiveLiveness>(new_ticket.as_str(), "u", at(NOW)).is_ok());
        prop_assert_eq!(old.verify::<PassiveLiveness>(new_ticket.as_str(), "u", at(NOW)), Err(TicketError::Forged));
    }

    #[test]
    fn any_text_is_refused_without_panicking(text in "\\PC{0,300}", user in "\\PC{0,40}") {
        let keys = keys(&[7; 32]);
        prop_assert!(keys.check_return::<PassiveLiveness>(&text, &text, &user, at(NOW)).is_err());
    }
}

#[test]
fn verification_is_repeatable() {
    let keys = keys(&[7; 32]);
    let ticket = keys.issue(&session::<Ktp>("abc"), "u", at(NOW)).unwrap();
    let first = keys.check_return::<Ktp>(ticket.as_str(), &back("abc"), "u", at(NOW));
    let second = keys.check_return::<Ktp>(ticket.as_str(), &back("abc"), "u", at(NOW + 60));
    assert_eq!(first, second);
}

// ---------------------------------------------------------------------------------------------
// Receipts.
// ---------------------------------------------------------------------------------------------

fn retrieved<K: SessionKind>(sid: &str, body: &str) -> Session<K> {
    let response = http::Response::builder()
        .status(200)
        .header("date", "Fri, 04 Dec 2026 09:00:00 GMT")
        .header("request-id", "req-0001")
        .body(Bytes::from(body.to_owned()))
        .unwrap();
    decode_retrieved_session::<K>(&response, &SessionId::new(sid).unwrap()).unwrap()
}

/// The receipt as an auditor stores it, with the SDK version replaced so that a release does
/// not change the snapshot.
fn receipt_json(receipt: &VerdictReceipt) -> String {
    assert_eq!(receipt.sdk_version, env!("CARGO_PKG_VERSION"));
    let mut receipt = receipt.clone();
    receipt.sdk_version = "<version>".to_owned();
    serde_json::to_string_pretty(&receipt).unwrap()
}

const PASSIVE: &str = r#"{"status":"FINISHED","expired":1796400000000,"url":"https://vision.glair.ai/passive-liveness/sidP","success_url":"https://app.example/done","result":{"status":"success","result":{"spoof_percentage":0.0261,"status":"LOW"}}}"#;

#[test]
fn receipt_of_a_live_passive_liveness_session() {
    let s = retrieved::<PassiveLiveness>("sidP", PASSIVE);
    insta::assert_snapshot!(
        "receipt_passive_live",
        receipt_json(&VerdictReceipt::for_session(&s, Some("req-0001")))
    );
}

#[test]
fn receipt_with_a_policy_of_ones_own() {
    let s = retrieved::<PassiveLiveness>("sidP", PASSIVE);
    let strict = LivenessPolicy::default()
        .accept_levels([SpoofLevel::Low, SpoofLevel::Moderate])
        .unwrap()
        .max_spoof_probability(0.01)
        .unwrap();
    let receipt = VerdictReceipt::for_passive_liveness(&s, Some("req-0001"), &strict);
    assert_eq!(receipt.verdict, "inconclusive");
    insta::assert_snapshot!("receipt_passive_policy", receipt_json(&receipt));
}

#[test]
fn receipt_of_an_active_liveness_session() {
    let body = r#"{"status":"FINISHED","url":"https://vision.glair.ai/active-liveness/sidA","success_url":"https://app.example/done","result":{"status":"success","result":{"gesture_status":"MATCH","detected_gesture":"HEAD_LEFT"}}}"#;
    let s = retrieved::<ActiveLiveness>("sidA", body);
    insta::assert_snapshot!(
        "receipt_active",
        receipt_json(&VerdictReceipt::for_session(&s, None))
    );
}

#[test]
fn a_ktp_receipt_leaves_out_everything_read_from_the_card() {
    let body = r#"{"status":"FINISHED","url":"https://vision.glair.ai/ktp/sidK","success_url":"https://app.example/done","result":{"status":"SUCCESS","reason":"File Successfully Read","read":{"nik":{"value":"3171234567890123","confidence":99},"nama":{"value":"BUDI SANTOSO","confidence":99}},"images":{"photo":"/9j/AAAA","sign":"/9j/BBBB"}}}"#;
    let s = retrieved::<Ktp>("sidK", body);
    let json = receipt_json(&VerdictReceipt::for_session(&s, Some("req-0001")));
    for personal in ["3171234567890123", "BUDI", "/9j/"] {
        assert!(!json.contains(personal), "{personal} in {json}");
    }
    insta::assert_snapshot!("receipt_ktp", json);
}

#[test]
fn a_receipt_reads_back_and_names_its_schema() {
    let s = retrieved::<PassiveLiveness>("sidP", PASSIVE);
    let receipt = VerdictReceipt::for_session(&s, Some("req-0001"));
    let json = serde_json::to_string(&receipt).unwrap();
    let back: VerdictReceipt = serde_json::from_str(&json).unwrap();
    assert_eq!(back, receipt);
    assert_eq!(back.schema, RECEIPT_SCHEMA);
    assert_eq!(back.version, 1);
    assert_eq!(
        back.raw_sha256,
        glair_types::receipt::sha256_hex(PASSIVE.as_bytes())
    );
}

#[test]
fn a_pending_session_has_a_pending_receipt() {
    let s = session::<Npwp>("sidN");
    let receipt = VerdictReceipt::for_session(&s, None);
    assert_eq!(receipt.verdict, "pending");
    assert!(!receipt.positive);
    assert_eq!(receipt.result, None);
}
