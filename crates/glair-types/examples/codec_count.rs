//! A loop of one codec operation, for counting its instructions under callgrind: the same
//! work as `benches/codec.rs`'s `create_request` and `decode_finished` groups, counted
//! instead of timed (a shared machine disturbs the times, not the counts).
//!
//! ```sh
//! cargo build --release -p glair-types --example codec_count
//! for n in 1000 3000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/codec_count create $n 2>&1 | grep refs
//! done
//! ```
//!
//! Instructions per operation are the difference of the two totals over 2,000 (start-up
//! cancels out). Operations: `create` (a passive liveness create request with every header),
//! `decode` (`decode_session` of a finished session), `serde-create` and `serde-decode` (the
//! bare serde_json baselines of the benchmark).

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::hint::black_box;

use bytes::Bytes;
use glair_types::{ApiConfig, CreatePassiveLivenessSession, Credentials, PassiveLiveness};
#[path = "../benches/support/baseline.rs"]
mod baseline;
use baseline::{CANCEL_URL, FINISHED, PlainCreate, PlainSession, SUCCESS_URL};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(operation), Some(count)) = (args.next(), args.next()) else {
        eprintln!("usage: codec_count create|decode|serde-create|serde-decode COUNT");
        std::process::exit(2);
    };
    let count: u32 = count.parse().expect("COUNT is a whole number");
    let config = ApiConfig::default();
    let credentials = Credentials::new("emulator-api-key", "emulator-user", "emulator-password")
        .expect("valid credentials");
    let finished = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("request-id", "0123456789abcdef")
        .body(Bytes::from_static(FINISHED))
        .expect("a valid response");
    for _ in 0..count {
        match operation.as_str() {
            "create" => drop(black_box(
                CreatePassiveLivenessSession::new(black_box(SUCCESS_URL))
                    .cancel_url(black_box(CANCEL_URL))
                    .to_http_request(&config, &credentials)
                    .unwrap(),
            )),
            "decode" => drop(black_box(
                glair_types::decode_session::<PassiveLiveness>(black_box(&finished)).unwrap(),
            )),
            "serde-create" => drop(black_box(
                serde_json::to_vec(&PlainCreate {
                    success_url: black_box(SUCCESS_URL),
                    cancel_url: Some(black_box(CANCEL_URL)),
                })
                .unwrap(),
            )),
            "serde-decode" => drop(black_box(
                serde_json::from_slice::<PlainSession>(black_box(finished.body())).unwrap(),
            )),
            other => {
                eprintln!("unknown operation {other:?}");
                std::process::exit(2);
            }
        }
    }
}
