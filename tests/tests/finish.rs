//! `create_with_ticket` and `finish` against the emulator over loopback, for every session
//! kind, with the async and the blocking client: the rightful user gets the verdict (twice,
//! the same), every refusal is its own error and sends nothing to GLAIR, and the receipt
//! records the retrieve it was decided on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime};

use glair::net::FakeTime;

use glair::receipt::ReceiptKind;
use glair::{
    ActiveLiveness, Client, CreateSession, FinishError, Ktp, Npwp, PassiveLiveness, Sessions,
    SharedClock, TicketError, TicketKeys, TicketSecret, Verdict,
};
use glair_integration_tests::Harness;

const DONE: &str = "https://app.example/done";

fn keys() -> TicketKeys {
    TicketKeys::new(TicketSecret::new(*b"0123456789abcdef0123456789abcdef").unwrap())
}

fn redirect(sid: &str) -> String {
    format!("/done?sid={sid}")
}

fn retrieves(h: &Harness) -> u64 {
    h.stats()
        .requests
        .iter()
        .filter(|(route, _)| route.starts_with("GET "))
        .map(|(_, n)| *n)
        .sum()
}

/// The full flow for one kind: create with a ticket, complete at the emulator, finish twice.
async fn finishes_with_the_verdict<K: ReceiptKind>(h: &Harness, client: &Client, outcome: &str)
where
    K::Verdict: Verdict,
{
    let sessions: Sessions<K> = client.sessions::<K>();
    let started = sessions
        .create_with_ticket(CreateSession::<K>::new(DONE), &keys(), "alice")
        .await
        .unwrap();
    let sid = started.session.sid().as_str().to_owned();
    let ticket = started.ticket.as_str().to_owned();

    // Not finished yet.
    let early = sessions
        .finish(&keys(), &ticket, &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert!(matches!(early, FinishError::NotFinished), "{early:?}");

    h.complete(K::RESOURCE, &sid, outcome).await;
    let first = sessions
        .finish(&keys(), &ticket, &redirect(&sid), "alice")
        .await
        .unwrap();
    let again = sessions
        .finish(&keys(), &ticket, &redirect(&sid), "alice")
        .await
        .unwrap();
    assert_eq!(first.verdict, again.verdict, "finishing is idempotent");
    assert_eq!(first.session, again.session);
    assert!(
        first.verdict.is_positive(),
        "{}: {:?}",
        K::NAME,
        first.verdict
    );
    assert_eq!(first.receipt.kind, K::RESOURCE);
    assert_eq!(first.receipt.sid, sid);
    assert_eq!(first.receipt.verdict, first.verdict.label());
    assert!(first.receipt.request_id.is_some(), "{:?}", first.receipt);
    assert_eq!(first.receipt.request_id.as_deref(), first.request_id());
    assert!(first.receipt.glair_date.is_some(), "{:?}", first.receipt);

    // Another user, with the first user's ticket and redirect: refused before any request.
    let before = retrieves(h);
    let other = sessions
        .finish(&keys(), &ticket, &redirect(&sid), "mallory")
        .await
        .unwrap_err();
    assert!(
        matches!(other, FinishError::Refused(TicketError::OtherUser)),
        "{other:?}"
    );
    assert_eq!(retrieves(h), before, "a refused ticket sends nothing");
}

#[tokio::test]
async fn every_kind_finishes_with_its_verdict_for_its_user() {
    let h = Harness::start().await;
    let client = h.client();
    finishes_with_the_verdict::<PassiveLiveness>(&h, &client, "live").await;
    finishes_with_the_verdict::<ActiveLiveness>(&h, &client, "live").await;
    finishes_with_the_verdict::<Ktp>(&h, &client, "live").await;
    finishes_with_the_verdict::<Npwp>(&h, &client, "live").await;
}

#[tokio::test]
async fn each_refusal_is_its_own_error_and_sends_nothing() {
    let h = Harness::start().await;
    let client = h.client();
    let sessions = client.passive_liveness_sessions();
    let started = sessions
        .create_with_ticket(CreateSession::new(DONE), &keys(), "alice")
        .await
        .unwrap();
    let sid = started.session.sid().as_str().to_owned();
    let ticket = started.ticket.as_str();
    let other_sid = h.create_session(&client).await;
    let before = retrieves(&h);

    let refusal = |e: FinishError| match e {
        FinishError::Refused(e) => e,
        other => panic!("not a ticket refusal: {other:?}"),
    };
    // One character of the MAC changed (to another one: a fixed replacement would leave the
    // ticket unchanged when it already held that character).
    let at = ticket.len() - 5;
    let swapped = if &ticket[at..=at] == "A" { "B" } else { "A" };
    let forged = format!("{}{swapped}{}", &ticket[..at], &ticket[at + 1..]);
    assert_ne!(forged, ticket);
    let e = sessions
        .finish(&keys(), &forged, &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert_eq!(e.label(), "forged");
    assert_eq!(refusal(e), TicketError::Forged);
    let e = sessions
        .finish(&keys(), ticket, &redirect(other_sid.as_str()), "alice")
        .await
        .unwrap_err();
    assert_eq!(refusal(e), TicketError::SidMismatch);
    let e = client
        .active_liveness_sessions()
        .finish(&keys(), ticket, &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert_eq!(refusal(e), TicketError::OtherKind);
    let rotated = TicketKeys::new(TicketSecret::new([9_u8; 32]).unwrap());
    let e = sessions
        .finish(&rotated, ticket, &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert_eq!(refusal(e), TicketError::Forged);
    let e = sessions
        .finish(&keys(), ticket, "/done?state=x", "alice")
        .await
        .unwrap_err();
    assert!(matches!(refusal(e), TicketError::NoSid(_)));
    // A result, a status or a state in the redirect are never read.
    let e = sessions
        .finish(
            &keys(),
            ticket,
            &format!("/done?sid={sid}&status=FINISHED&verdict=live"),
            "alice",
        )
        .await
        .unwrap_err();
    assert!(matches!(e, FinishError::NotFinished), "{e:?}");
    assert_eq!(
        retrieves(&h),
        before + 1,
        "only the last call reached GLAIR"
    );

    // With a rotated key set the old ticket still verifies.
    let rotated = TicketKeys::new(TicketSecret::new([9_u8; 32]).unwrap())
        .with_previous(TicketSecret::new(*b"0123456789abcdef0123456789abcdef").unwrap())
        .unwrap();
    let e = sessions
        .finish(&rotated, ticket, &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert!(matches!(e, FinishError::NotFinished), "{e:?}");
}

#[tokio::test]
async fn a_session_expired_at_glair_is_its_own_refusal() {
    let h = Harness::start().await;
    let client = h.client();
    let sessions = client.passive_liveness_sessions();
    let started = sessions
        .create_with_ticket(CreateSession::new(DONE), &keys(), "alice")
        .await
        .unwrap();
    let sid = started.session.sid().as_str().to_owned();
    // GLAIR's clock passes the session's expiry while the app's ticket is still valid.
    h.advance_clock(Duration::from_secs(24 * 3600 + 30));
    let e = sessions
        .finish(&keys(), started.ticket.as_str(), &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert!(matches!(e, FinishError::ExpiredAtGlair), "{e:?}");
    assert_eq!(e.label(), "expired_at_glair");
}

#[tokio::test]
async fn an_expired_ticket_is_refused_before_anything_is_sent() {
    let h = Harness::start().await;
    // The app's clock, moved by the test (the transport still sleeps for real).
    let time = FakeTime::new(SystemTime::now());
    let client = h
        .client_builder()
        .clock(SharedClock::new(time.clone()))
        .build()
        .unwrap();
    let sessions = client.passive_liveness_sessions();
    let short = keys().lifetime(Duration::from_secs(60)).unwrap();
    let started = sessions
        .create_with_ticket(CreateSession::new(DONE), &short, "alice")
        .await
        .unwrap();
    let sid = started.session.sid().as_str().to_owned();
    h.complete("passive-liveness-sessions", &sid, "live").await;
    time.advance(Duration::from_secs(60));
    let before = retrieves(&h);
    let e = sessions
        .finish(&short, started.ticket.as_str(), &redirect(&sid), "alice")
        .await
        .unwrap_err();
    assert!(
        matches!(e, FinishError::Refused(TicketError::Expired { .. })),
        "{e:?}"
    );
    assert_eq!(retrieves(&h), before);
}

#[tokio::test]
async fn an_invalid_user_reference_creates_no_session() {
    let h = Harness::start().await;
    let client = h.client();
    let e = client
        .passive_liveness_sessions()
        .create_with_ticket(CreateSession::new(DONE), &keys(), "")
        .await
        .unwrap_err();
    assert!(e.is_invalid_input(), "{e:?}");
    assert_eq!(h.stats().sessions_created, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_client_finishes_the_same_way() {
    let h = Harness::start().await;
    let builder = h.blocking_client_builder();
    let (sid, ticket) = tokio::task::spawn_blocking(move || {
        let client = builder.build().unwrap();
        let started = client
            .ktp_sessions()
            .create_with_ticket(CreateSession::new(DONE), &keys(), "alice")
            .unwrap();
        (
            started.session.sid().as_str().to_owned(),
            started.ticket.into_string(),
        )
    })
    .await
    .unwrap();
    h.complete("ktp-sessions", &sid, "live").await;
    let builder = h.blocking_client_builder();
    let (first, other) = tokio::task::spawn_blocking(move || {
        let sessions = builder.build().unwrap().ktp_sessions();
        let first = sessions.finish(&keys(), &ticket, &redirect(&sid), "alice");
        let other = sessions.finish(&keys(), &ticket, &redirect(&sid), "mallory");
        (first, other)
    })
    .await
    .unwrap();
    let first = first.unwrap();
    assert_eq!(first.verdict.label(), "read");
    assert_eq!(first.receipt.kind, "ktp-sessions");
    assert!(matches!(
        other.unwrap_err(),
        FinishError::Refused(TicketError::OtherUser)
    ));
}
