//! A bounded load test over loopback: 64 concurrent clients, a fixed number of requests, zero
//! errors and zero lost sessions. It measures nothing: throughput lives in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use glair::{CreatePassiveLivenessSession, SessionStatus};
use glair_integration_tests::Harness;

const CLIENTS: usize = 64;
const SESSIONS_PER_CLIENT: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_clients_lose_nothing() {
    let h = Harness::start().await;
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        // Separate clients (separate connection pools), as separate processes would have.
        let client = h.client();
        tasks.push(tokio::spawn(async move {
            let sessions = client.passive_liveness_sessions();
            let mut sids = Vec::new();
            for i in 0..SESSIONS_PER_CLIENT {
                let created = sessions
                    .create(CreatePassiveLivenessSession::new(format!(
                        "https://app.example/done?client={c}&n={i}"
                    )))
                    .await
                    .unwrap();
                let sid = created.sid().clone();
                let again = sessions.retrieve(&sid).await.unwrap();
                assert_eq!(again.success_url, created.success_url);
                assert_eq!(again.status, SessionStatus::Pending);
                sids.push(sid);
            }
            sids
        }));
    }
    let mut all = HashSet::new();
    for task in tasks {
        for sid in task.await.unwrap() {
            assert!(all.insert(sid), "a sid was handed out twice");
        }
    }
    let total = CLIENTS * SESSIONS_PER_CLIENT;
    assert_eq!(all.len(), total);
    let stats = h.stats();
    assert_eq!(stats.sessions_created, total as u64);
    assert_eq!(
        stats.requests_total,
        2 * total as u64,
        "no request was retried or lost"
    );
}
