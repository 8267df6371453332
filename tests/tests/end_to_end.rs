//! The SDK against glair-emulator over real loopback HTTP: the whole session life cycle.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use glair::{
    ActiveLiveness, CheckStatus, CreatePassiveLivenessSession, CreateSession, Error, Ktp, Npwp,
    PassiveLiveness, SessionKind, SessionStatus, SpoofLevel, WaitOptions, WaitOutcome,
};
use glair_integration_tests::Harness;

#[tokio::test]
async fn create_complete_retrieve_and_wait() {
    let h = Harness::start().await;
    let sessions = h.client().passive_liveness_sessions();
    let created = sessions
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done?x=1",
        ))
        .await
        .unwrap();
    assert_eq!(created.status, SessionStatus::Pending);
    assert!(created.cancel_url.is_none());
    assert!(created.result.is_none());
    let sid = created.sid().clone();
    assert_eq!(sid.as_str().len(), 32);
    assert!(created.url.starts_with(&h.emulator.base_url()));
    let expires = created.expires_at().unwrap();
    let in_a_day = expires
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(in_a_day > Duration::from_secs(86_300) && in_a_day <= Duration::from_secs(86_400));

    let pending = sessions.retrieve(&sid).await.unwrap();
    assert_eq!(pending, created);

    h.complete("passive-liveness-sessions", sid.as_str(), "spoof")
        .await;
    let finished = sessions.retrieve(&sid).await.unwrap();
    assert_eq!(finished.status, SessionStatus::Finished);
    let result = finished.result.as_ref().unwrap();
    assert_eq!(result.status, CheckStatus::Success);
    assert_eq!(result.spoof_level(), Some(SpoofLevel::High));
    assert!(result.spoof_probability().unwrap().value() > 0.9);

    let outcome = sessions.wait(&sid, WaitOptions::new()).await.unwrap();
    assert!(matches!(outcome, WaitOutcome::Finished(ref s) if *s == finished));
}

#[tokio::test]
async fn the_hosted_page_flow_redirects_with_the_sid() {
    let h = Harness::start().await;
    let sessions = h.client().passive_liveness_sessions();
    let created = sessions
        .create(
            CreatePassiveLivenessSession::new("https://app.example/done?state=abc#frag")
                .cancel_url("https://app.example/cancel"),
        )
        .await
        .unwrap();
    assert_eq!(
        created.cancel_url.as_deref(),
        Some("https://app.example/cancel")
    );
    let redirect = glair_examples::hosted_page::complete_with_selfie(
        &created.url,
        glair_examples::SELFIE_JPEG,
    )
    .await
    .unwrap();
    let sid = created.sid().clone();
    assert_eq!(
        redirect,
        format!("https://app.example/done?state=abc&sid={sid}#frag")
    );
    let finished = sessions.retrieve_from_redirect(&redirect).await.unwrap();
    assert_eq!(finished.status, SessionStatus::Finished);
    assert_eq!(
        finished.result.unwrap().spoof_level(),
        Some(SpoofLevel::Low)
    );
}

#[tokio::test]
async fn wait_reports_a_session_that_expires_before_it_is_finished() {
    let h = Harness::with_config(
        glair_emulator::EmulatorConfig::new().session_lifetime(Duration::from_millis(300)),
    )
    .await;
    let client = h.client();
    let sid = h.create_session(&client).await;
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            sid,
            WaitOptions::new()
                .interval(Duration::from_millis(50))
                .max_wait(Duration::from_secs(20)),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Expired(_)), "{outcome:?}");
    assert!(
        outcome
            .session()
            .is_some_and(|s| s.is_expired_at(std::time::SystemTime::now()))
    );
}

#[tokio::test]
async fn wait_times_out_on_a_session_nobody_finishes() {
    let h = Harness::start().await;
    let client = h.client();
    let sid = h.create_session(&client).await;
    let outcome = client
        .passive_liveness_sessions()
        .wait(
            sid,
            WaitOptions::new()
                .interval(Duration::from_millis(20))
                .max_wait(Duration::from_millis(150)),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::TimedOut(_)), "{outcome:?}");
    assert!(h.stats().requests_total >= 3);
}

#[tokio::test]
async fn wrong_credentials_and_unknown_sessions_are_api_errors() {
    let h = Harness::start().await;
    let wrong = h
        .client_builder()
        .password("not-the-password")
        .build()
        .unwrap();
    let err = wrong
        .passive_liveness_sessions()
        .create(CreatePassiveLivenessSession::new(
            "https://app.example/done",
        ))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401), "{err}");
    assert!(err.request_id().is_some());
    assert!(!err.to_string().contains("not-the-password"));

    let err = h
        .client()
        .passive_liveness_sessions()
        .retrieve("Zz9zZz9zZz9zZz9zZz9zZz9zZz9zZz9z")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(h.stats().sessions_created, 0);
}

/// Create, complete and retrieve one session of kind `K` through the generic machinery.
async fn life_cycle<K: glair::SessionKind>(
    h: &Harness,
    create: CreateSession<K>,
) -> glair::Session<K> {
    let sessions = h.client().sessions::<K>();
    let created = sessions.create(create).await.unwrap();
    assert_eq!(created.status, SessionStatus::Pending);
    let sid = created.sid().clone();
    h.complete(K::RESOURCE, sid.as_str(), "live").await;
    let redirect = format!("https://app.example/done?sid={sid}");
    let done = sessions.retrieve_from_redirect(&redirect).await.unwrap();
    assert_eq!(done.status, SessionStatus::Finished);
    assert!(done.result.is_some());
    done
}

#[tokio::test]
async fn the_other_kinds_share_the_same_machinery() {
    let h = Harness::start().await;
    let active = life_cycle(
        &h,
        CreateSession::<ActiveLiveness>::new("https://app.example/done").number_of_gestures(2),
    )
    .await;
    assert_eq!(active.verdict(), Some(glair::GestureVerdict::Matched));
    let gesture = active.result.unwrap().result.unwrap();
    assert_eq!(gesture.detected_gesture, Some(glair::GestureCode::HeadLeft));
    let ktp = life_cycle(
        &h,
        CreateSession::<Ktp>::new("https://app.example/done").qualities_detector(true),
    )
    .await;
    assert!(ktp.verdict().unwrap().is_read());
    let ktp = ktp.result.unwrap();
    let read = ktp.read.unwrap();
    assert_eq!(read.nik.unwrap().text(), Some("3171011708900001"));
    assert_eq!(read.nama.unwrap().text(), Some("BUDI SANTOSO"));
    assert_eq!(ktp.qualities.unwrap().is_ktp, Some(true));
    assert!(ktp.images.unwrap().photo.is_some());
    let npwp = life_cycle(&h, CreateSession::<Npwp>::new("https://app.example/done")).await;
    assert!(npwp.verdict().unwrap().is_read());
    let read = npwp.result.unwrap().read.unwrap();
    assert_eq!(read.no_npwp.unwrap().text(), Some("70.943.997.0-437.000"));
    let stats = h.stats();
    assert_eq!(stats.sessions_created, 3);
    for kind in ["active-liveness-sessions", "ktp-sessions", "npwp-sessions"] {
        assert_eq!(stats.sessions_by_kind[kind], 1, "{kind}");
    }
    // The named accessors reach the same kinds.
    let client = h.client();
    let sid = glair::SessionId::new("Zz9zZz9zZz9zZz9zZz9zZz9zZz9zZz9z").unwrap();
    for err in [
        client
            .active_liveness_sessions()
            .retrieve(&sid)
            .await
            .unwrap_err(),
        client.ktp_sessions().retrieve(&sid).await.unwrap_err(),
        client.npwp_sessions().retrieve(&sid).await.unwrap_err(),
    ] {
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    }
}

#[tokio::test]
async fn the_blocking_std_net_transport_works_against_the_emulator() {
    let h = Harness::start().await;
    let builder = h.blocking_client_builder();
    let status = tokio::task::spawn_blocking(move || {
        use glair_examples::blocking::StdNetTransport;
        let client = builder
            .transport(StdNetTransport::new(Duration::from_secs(5)))
            .build()
            .unwrap();
        let sessions = client.passive_liveness_sessions();
        let created = sessions
            .create(CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .unwrap();
        sessions.retrieve(created.sid().clone()).unwrap().status
    })
    .await
    .unwrap();
    assert_eq!(status, SessionStatus::Pending);
    assert_eq!(h.stats().sessions_created, 1);
}

/// Every kind, every outcome, decoded by the SDK's typed models and judged by its verdicts.
#[tokio::test]
async fn every_kind_and_outcome_decodes_to_its_verdict() {
    use glair::Verdict;
    async fn finish<K: SessionKind>(
        h: &Harness,
        create: CreateSession<K>,
        outcome: &str,
    ) -> glair::Session<K> {
        let sessions = h.client().sessions::<K>();
        let sid = sessions.create(create).await.unwrap().sid().clone();
        h.complete(K::RESOURCE, sid.as_str(), outcome).await;
        let done = sessions.retrieve(&sid).await.unwrap();
        assert_eq!(done.sid(), &sid);
        done
    }
    let h = Harness::start().await;
    let url = "https://app.example/done";
    for (outcome, passive, active, ocr) in [
        ("live", "live", "matched", "read"),
        // For the OCR kinds, a picture of something else: SUCCESS with every field empty.
        ("spoof", "spoof", "not_matched", "not_read"),
        ("no-face", "inconclusive", "inconclusive", "not_read"),
        ("moderate", "inconclusive", "inconclusive", "read"),
        ("many-faces", "inconclusive", "inconclusive", "not_read"),
    ] {
        let p = finish(&h, CreateSession::<PassiveLiveness>::new(url), outcome).await;
        assert_eq!(p.verdict().unwrap().label(), passive, "{outcome}");
        let a = finish(&h, CreateSession::<ActiveLiveness>::new(url), outcome).await;
        assert_eq!(a.verdict().unwrap().label(), active, "{outcome}");
        let k = finish(
            &h,
            CreateSession::<Ktp>::new(url).qualities_detector(true),
            outcome,
        )
        .await;
        assert_eq!(k.verdict().unwrap().label(), ocr, "{outcome}");
        let n = finish(&h, CreateSession::<Npwp>::new(url), outcome).await;
        assert_eq!(n.verdict().unwrap().label(), ocr, "{outcome}");
    }
    // The failed passive check carries spoof_percentage 0 on the wire: no score, not live.
    let failed = finish(&h, CreateSession::<PassiveLiveness>::new(url), "no-face").await;
    let result = failed.result.as_ref().unwrap();
    assert_eq!(result.result.as_ref().unwrap().spoof_percentage, Some(0.0));
    assert_eq!(result.spoof_probability(), None);
    assert!(!failed.verdict().unwrap().is_live());
}

/// Advancing the emulator's clock past the expiry ends a wait as expired at once: the SDK
/// judges expiry by the service's Date header, which follows the emulator's clock.
#[tokio::test]
async fn a_clock_advance_past_expiry_ends_the_wait_as_expired() {
    let h = Harness::start().await;
    let client = h.client();
    let sessions = client.passive_liveness_sessions();
    let created = sessions
        .create(CreateSession::new("https://app.example/done"))
        .await
        .unwrap();
    let left = created
        .expires_in()
        .expect("the emulator sends Date and expired");
    assert!(
        left > Duration::from_secs(23 * 3600) && left <= Duration::from_secs(24 * 3600 + 1), // Date is in whole seconds
        "{left:?}"
    );
    // Past the expiry, within the emulator's retention of expired sessions (1 h by default).
    h.advance_clock(Duration::from_secs(24 * 3600 + 60));
    let outcome = sessions
        .wait(
            created.sid(),
            glair::WaitOptions::new().max_wait(Duration::from_secs(30)),
        )
        .await
        .unwrap();
    assert_eq!(outcome.as_str(), "expired");
    // One poll saw the expiry: no polling until max_wait.
    assert_eq!(
        h.stats().requests["GET /face/v1/passive-liveness-sessions/{sid}"],
        1
    );
    // A session created after the advance still reads "expires in 24 h".
    let fresh = sessions
        .create(CreateSession::new("https://app.example/done"))
        .await
        .unwrap();
    let left = fresh.expires_in().unwrap();
    assert!(
        left > Duration::from_secs(23 * 3600) && left <= Duration::from_secs(24 * 3600 + 1), // Date is in whole seconds
        "{left:?}"
    );
}

/// The default client — hyper transport, retries, timeouts, `wait`'s pauses — on a tokio
/// runtime built without the time driver: it works, and never panics ("timers are disabled").
#[test]
fn the_default_client_works_on_a_runtime_without_the_time_driver() {
    let emulator_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let h = emulator_runtime.block_on(Harness::start());
    let client = h.client();
    let no_timer = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    no_timer.block_on(async {
        let sessions = client.passive_liveness_sessions();
        let created = sessions
            .create(CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .await
            .unwrap();
        let again = sessions.retrieve(created.sid()).await.unwrap();
        assert_eq!(again.status, SessionStatus::Pending);
        let outcome = sessions
            .wait(
                created.sid(),
                WaitOptions::new()
                    .interval(Duration::from_millis(20))
                    .max_wait(Duration::from_millis(300)),
            )
            .await
            .unwrap();
        assert_eq!(outcome.as_str(), "timed_out");
    });
    drop(h);
}
