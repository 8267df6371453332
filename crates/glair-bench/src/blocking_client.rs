//! The blocking load clients (`glair-bench client --impl blocking|raw-blocking`): one OS
//! thread per request in flight, as blocking code runs.
//!
//! - `blocking`: [`glair::blocking::Client`] with its default ureq transport, as an
//!   application uses it.
//! - `raw-blocking`: a ureq agent configured as that transport (no redirects, statuses not
//!   errors, no proxy, 32 idle connections) sending the byte-identical [`RawRequests`] (the
//!   upload's multipart boundary aside) and decoding into the plain structs — the limit for a
//!   blocking Rust client on the same HTTP stack.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use bytes::Bytes;
use glair::blocking::{Client as BlockingClient, Ocr as BlockingOcr, Sessions as BlockingSessions};
use glair::{CreatePassiveLivenessSession, ImageInput, PassiveLiveness};
use http::{Request, StatusCode};

use crate::client::{
    API_KEY, CANCEL_URL, ClientArgs, Impl, Mark, Outcome, PASSWORD, PhaseResult, RawRequests,
    SUCCESS_URL, USERNAME, Workload, check_warm_up, plain_ktp, plain_session, upload_image,
};
use crate::measure::ClientReport;
use crate::{BoxError, procfs};

/// A blocking client that can create and retrieve passive liveness sessions and upload a KTP.
enum BlockingDriver {
    Facade(Box<Facade>),
    Raw(Box<RawBlocking>),
}

/// The blocking facade's handles, made once, and the image it uploads.
struct Facade {
    sessions: BlockingSessions<PassiveLiveness>,
    ocr: BlockingOcr,
    image: Bytes,
}

/// The raw blocking client's parts.
struct RawBlocking {
    agent: ureq::Agent,
    requests: RawRequests,
}

impl BlockingDriver {
    fn new(implementation: Impl, base_url: &str) -> Result<Self, BoxError> {
        Ok(match implementation {
            Impl::Blocking => {
                let client = BlockingClient::builder()
                    .api_key(API_KEY)
                    .username(USERNAME)
                    .password(PASSWORD)
                    .base_url(base_url)
                    .build()?;
                Self::Facade(Box::new(Facade {
                    sessions: client.passive_liveness_sessions(),
                    ocr: client.ocr(),
                    image: upload_image(),
                }))
            }
            Impl::RawBlocking => {
                let config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .max_redirects_will_error(false)
                    .proxy(None)
                    .max_idle_connections(32)
                    .max_idle_connections_per_host(32)
                    .build();
                Self::Raw(Box::new(RawBlocking {
                    agent: ureq::Agent::new_with_config(config),
                    requests: RawRequests::new(base_url)?,
                }))
            }
            Impl::Facade | Impl::Raw => return Err("not a blocking client".into()),
        })
    }

    /// Sends a request and reads the answer's status and body.
    fn send_raw(
        agent: &ureq::Agent,
        request: Request<Bytes>,
    ) -> Result<(StatusCode, Vec<u8>), String> {
        let (parts, body) = request.into_parts();
        let response = agent
            .run(Request::from_parts(parts, &body[..]))
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response
            .into_body()
            .read_to_vec()
            .map_err(|e| e.to_string())?;
        Ok((status, body))
    }

    fn create(&self) -> Outcome {
        match self {
            Self::Facade(facade) => {
                let session = facade
                    .sessions
                    .create(CreatePassiveLivenessSession::new(SUCCESS_URL).cancel_url(CANCEL_URL))
                    .map_err(|e| e.to_string())?;
                Ok(Some(session.sid().as_str().to_owned()))
            }
            Self::Raw(raw) => {
                let (status, body) = Self::send_raw(&raw.agent, raw.requests.create_request())?;
                let url = plain_session(status, &body)?.url;
                Ok(Some(url.rsplit('/').next().unwrap_or_default().to_owned()))
            }
        }
    }

    fn retrieve(&self, sid: &str) -> Outcome {
        match self {
            Self::Facade(facade) => {
                facade.sessions.retrieve(sid).map_err(|e| e.to_string())?;
            }
            Self::Raw(raw) => {
                let request = raw
                    .requests
                    .retrieve_request(sid)
                    .map_err(|e| e.to_string())?;
                let (status, body) = Self::send_raw(&raw.agent, request)?;
                plain_session(status, &body)?;
            }
        }
        Ok(None)
    }

    /// One KTP OCR of the 200 KiB image.
    fn upload(&self) -> Outcome {
        match self {
            Self::Facade(facade) => {
                let image = ImageInput::from_bytes(facade.image.clone());
                facade.ocr.ktp(image).map_err(|e| e.to_string())?;
            }
            Self::Raw(raw) => {
                let (status, body) = Self::send_raw(&raw.agent, raw.requests.upload_request())?;
                plain_ktp(status, &body)?;
            }
        }
        Ok(None)
    }
}

/// Runs `ops` operations on `threads` threads pulling from one counter. Also returns the
/// process's on-CPU time read when every worker had finished but none had ended (an ended
/// thread's CPU no longer shows in `/proc/self/task`).
fn run_phase(
    driver: &Arc<BlockingDriver>,
    workload: Workload,
    sids: &Arc<Vec<String>>,
    threads: u32,
    ops: u64,
) -> (PhaseResult, Option<f64>) {
    let next = Arc::new(AtomicU64::new(0));
    let workers_n = threads.max(1);
    let barrier = || Arc::new(Barrier::new(usize::try_from(workers_n).unwrap_or(1) + 1));
    let (done, counted) = (barrier(), barrier());
    let workers: Vec<_> = (0..workers_n)
        .map(|_| {
            let (driver, next, sids) = (Arc::clone(driver), Arc::clone(&next), Arc::clone(sids));
            let (done, counted) = (Arc::clone(&done), Arc::clone(&counted));
            std::thread::spawn(move || {
                let mut out = PhaseResult::for_share(ops, threads);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= ops {
                        break;
                    }
                    match workload {
                        Workload::Pairs => {
                            let started = Instant::now();
                            let created = driver.create();
                            out.record(started, &created);
                            if let Ok(Some(sid)) = created {
                                let started = Instant::now();
                                out.record(started, &driver.retrieve(&sid));
                            }
                        }
                        Workload::Retrieve => {
                            let index = usize::try_from(i).unwrap_or(0) % sids.len().max(1);
                            let sid = sids.get(index).map_or("missing", String::as_str);
                            let started = Instant::now();
                            out.record(started, &driver.retrieve(sid));
                        }
                        Workload::Upload => {
                            let started = Instant::now();
                            out.record(started, &driver.upload());
                        }
                    }
                }
                // Stay alive until the main thread has counted this thread's CPU.
                done.wait();
                counted.wait();
                out
            })
        })
        .collect();
    done.wait();
    let on_cpu = procfs::on_cpu_s("self");
    counted.wait();
    let mut total = PhaseResult::default();
    for worker in workers {
        match worker.join() {
            Ok(part) => total.merge(part),
            Err(_) => total.lost_worker("a client thread panicked".to_owned()),
        }
    }
    (total, on_cpu)
}

/// `glair-bench client --impl blocking|raw-blocking`.
pub(crate) fn run(args: &ClientArgs, sids: &Arc<Vec<String>>) -> Result<ClientReport, BoxError> {
    let driver = Arc::new(BlockingDriver::new(args.implementation, &args.base_url)?);
    let ops = |requests: u64| requests.div_ceil(args.workload.requests_per_op());
    let phase = |requests: u64| {
        run_phase(
            &driver,
            args.workload,
            sids,
            args.concurrency,
            ops(requests),
        )
    };
    let (warm, _) = phase(args.warmup);
    check_warm_up(&warm)?;
    let mark = Mark::now();
    let (result, on_cpu_end) = phase(args.requests);
    let on_cpu = mark.on_cpu_until(on_cpu_end);
    let mut report = mark.report(args, result);
    report.cpu_s = on_cpu;
    Ok(report)
}
