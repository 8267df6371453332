//! The public test fixtures of `glair::mock`, through `glair::Client`, as a user's unit test
//! would use them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::UNIX_EPOCH;

use glair::mock::{self, FakeTime, MockTransport};
use glair::{ApiError, Client, Error, Ktp, LivenessVerdict, PassiveLiveness, SpoofLevel, Verdict};

fn client(transport: &MockTransport) -> Client {
    Client::builder()
        .api_key("k")
        .username("u")
        .password("p")
        .transport(transport.clone())
        .time(FakeTime::new(UNIX_EPOCH))
        .build()
        .unwrap()
}

const SID: &str = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";

#[test]
fn sessions_round_trip_through_the_client() {
    pollster::block_on(async {
        let transport = MockTransport::new();
        let pending = mock::session::<PassiveLiveness>(SID).unwrap();
        transport.push(mock::reply(&pending));
        let spoof = pending
            .clone()
            .with_result(mock::passive_liveness_result(SpoofLevel::High, 0.99));
        transport.push(mock::reply(&spoof));
        let no_face = pending
            .clone()
            .with_result(mock::passive_liveness_no_face());
        transport.push(mock::reply(&no_face));

        let sessions = client(&transport).passive_liveness_sessions();
        let created = sessions
            .create(glair::CreatePassiveLivenessSession::new(
                "https://app.example/done",
            ))
            .await
            .unwrap();
        assert_eq!(created.sid().as_str(), SID);
        assert_eq!(created.verdict(), None);
        let got = sessions.retrieve(SID).await.unwrap();
        assert_eq!(got.verdict(), Some(LivenessVerdict::Spoof));
        let got = sessions.retrieve(SID).await.unwrap();
        let verdict = got.verdict().unwrap();
        assert!(!verdict.is_live());
        assert_eq!(verdict.reason().as_deref(), Some("no face was detected"));
        assert_eq!(transport.request_count(), 3);
    });
}

#[test]
fn api_errors_reach_the_caller_with_status_and_request_id() {
    pollster::block_on(async {
        let transport = MockTransport::new();
        let error = ApiError::new(http::StatusCode::NOT_FOUND, "session not found")
            .with_request_id("req-7");
        transport.push(mock::error_reply(&error));
        let err = client(&transport)
            .ktp_sessions()
            .retrieve(SID)
            .await
            .unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(api.status(), 404);
        assert_eq!(api.message(), "session not found");
        assert_eq!(err.request_id(), Some("req-7"));
        assert!(!err.is_retryable());
    });
}

#[test]
fn fixtures_refuse_bad_sids_instead_of_panicking() {
    let err = mock::session::<Ktp>("../admin").unwrap_err();
    assert_eq!(err.field(), "sid");
    let long = ApiError::new(http::StatusCode::BAD_REQUEST, "x".repeat(100_000));
    assert!(long.message().len() <= glair::types::BODY_EXCERPT_LIMIT + 3);
}

#[test]
fn wait_reports_progress_after_every_poll_that_keeps_it_waiting() {
    pollster::block_on(async {
        let transport = MockTransport::new();
        let pending = mock::session::<PassiveLiveness>(SID).unwrap();
        transport.push(mock::reply(&pending));
        transport.push(mock::reply(&pending));
        let live = pending
            .clone()
            .with_result(mock::passive_liveness_result(SpoofLevel::Low, 0.02));
        transport.push(mock::reply(&live));
        let mut seen = Vec::new();
        let outcome = client(&transport)
            .passive_liveness_sessions()
            .wait_with_progress(SID, glair::WaitOptions::new(), |p| seen.push(p.clone()))
            .await
            .unwrap();
        assert_eq!(outcome.as_str(), "finished");
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[0].polls, 1);
        assert_eq!(seen[1].polls, 2);
        assert!(seen[1].elapsed >= seen[0].elapsed);
        assert!(
            seen.iter()
                .all(|p| p.status == Some(glair::SessionStatus::Pending))
        );
        assert!(seen.iter().all(|p| p.failure.is_none()));
    });
}
