//! The Rust load clients, each run as its own process (`glair-bench client --impl …`):
//!
//! - `facade`: the `glair` crate's [`glair::Client`] with its default hyper transport, exactly
//!   as an application uses it (`create`, `Session::sid`, `retrieve`, `ocr().ktp`).
//! - `raw`: hyper-util's pooled client sending byte-identical requests with hand-built
//!   headers and decoding into a plain `#[derive(Deserialize)]` struct — what a hand-written
//!   Rust client would do at best, so the practical limit for any Rust client. Its KTP upload
//!   is one multipart body built at start-up with a fixed boundary and sent again and again,
//!   as a hand-written client uploading the same image would.
//! - `blocking` and `raw-blocking`: the same pair for blocking code, `glair::blocking::Client`
//!   against ureq with hand-built requests (see [`crate::blocking_client`]).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use base64::Engine as _;
use bytes::Bytes;
use glair::{CreatePassiveLivenessSession, ImageInput, Ocr, PassiveLiveness, Sessions};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::Deserialize;

use crate::measure::{ClientReport, quantile_us};
use crate::{BoxError, procfs};

/// The emulator's default credentials.
pub(crate) const API_KEY: &str = "emulator-api-key";
/// The emulator's default Basic-auth username.
pub(crate) const USERNAME: &str = "emulator-user";
/// The emulator's default Basic-auth password.
pub(crate) const PASSWORD: &str = "emulator-password";
/// The `success_url` every client sends.
pub(crate) const SUCCESS_URL: &str = "https://app.example/liveness/done";
/// The `cancel_url` every client sends.
pub(crate) const CANCEL_URL: &str = "https://app.example/liveness/cancelled";
/// The collection path of passive liveness sessions.
pub(crate) const COLLECTION: &str = "/face/v1/passive-liveness-sessions";
/// The path of KTP OCR, the upload workload's endpoint.
pub(crate) const KTP_OCR: &str = "/ocr/v1/ktp";
/// The size of the upload workload's image: 200 KiB, a phone photo of a card.
pub(crate) const UPLOAD_BYTES: usize = 200 * 1024;
/// The multipart boundary of the raw clients' upload (the SDK picks its own per body).
pub(crate) const RAW_BOUNDARY: &str = "glair-bench-raw-7c2f9e41d08b35a6";
/// The file name the SDK gives an unnamed JPEG, which the raw clients send too.
pub(crate) const UPLOAD_FILENAME: &str = "image.jpg";

/// The upload workload's image: a JPEG header (JFIF APP0 segment), then deterministic filler
/// up to [`UPLOAD_BYTES`]. The emulator, like the SDK, judges an image by its first bytes only.
pub(crate) fn upload_image() -> Bytes {
    const HEADER: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00";
    let mut image = Vec::with_capacity(UPLOAD_BYTES);
    image.extend_from_slice(HEADER);
    // xorshift64: filler that compresses badly and repeats nothing a boundary could match.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    while image.len() < UPLOAD_BYTES {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let room = UPLOAD_BYTES - image.len();
        image.extend_from_slice(&state.to_le_bytes()[..room.min(8)]);
    }
    Bytes::from(image)
}

/// Which Rust client to drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Impl {
    /// The `glair` facade with its default hyper transport.
    Facade,
    /// Raw hyper-util with hand-built, byte-identical requests.
    Raw,
    /// `glair::blocking::Client` with its default ureq transport, one thread per request in
    /// flight.
    Blocking,
    /// ureq with hand-built, byte-identical requests, one thread per request in flight.
    RawBlocking,
}

impl Impl {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Impl::Facade => "facade",
            Impl::Raw => "raw",
            Impl::Blocking => "blocking",
            Impl::RawBlocking => "raw-blocking",
        }
    }

    /// Whether this client blocks (driven by threads, not tasks).
    pub(crate) fn is_blocking(self) -> bool {
        matches!(self, Impl::Blocking | Impl::RawBlocking)
    }
}

/// What each operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Workload {
    /// Create a session, then retrieve it by the sid read from its `url` (2 requests).
    Pairs,
    /// Retrieve one of a set of pre-created (finished) sessions (1 request).
    Retrieve,
    /// KTP OCR of a 200 KiB JPEG (`POST /ocr/v1/ktp`, multipart; 1 request).
    Upload,
}

impl Workload {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Workload::Pairs => "pairs",
            Workload::Retrieve => "retrieve",
            Workload::Upload => "upload",
        }
    }

    /// HTTP requests per operation.
    pub(crate) fn requests_per_op(self) -> u64 {
        match self {
            Workload::Pairs => 2,
            Workload::Retrieve | Workload::Upload => 1,
        }
    }
}

/// Arguments of `glair-bench client`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ClientArgs {
    /// Which client.
    #[arg(long = "impl", value_enum)]
    pub(crate) implementation: Impl,
    /// The emulator's base URL, e.g. http://127.0.0.1:41234.
    #[arg(long)]
    pub(crate) base_url: String,
    /// What each operation does.
    #[arg(long, value_enum)]
    pub(crate) workload: Workload,
    /// Requests in flight at once.
    #[arg(long)]
    pub(crate) concurrency: u32,
    /// HTTP requests in the measured phase.
    #[arg(long)]
    pub(crate) requests: u64,
    /// HTTP requests sent before measuring (opens the connections, warms caches).
    #[arg(long, default_value_t = 500)]
    pub(crate) warmup: u64,
    /// File with one sid per line (needed by `--workload retrieve`).
    #[arg(long)]
    pub(crate) sids_file: Option<PathBuf>,
}

/// One request's outcome: `Ok(Some(sid))` for a create.
pub(crate) type Outcome = Result<Option<String>, String>;

/// A client that can create and retrieve passive liveness sessions and upload a KTP.
#[derive(Debug, Clone)]
enum Driver {
    Facade(Box<Facade>),
    Raw(Arc<RawClient>),
}

/// The facade's handles, made once as an application makes them, and the image it uploads.
#[derive(Debug, Clone)]
struct Facade {
    sessions: Sessions<PassiveLiveness>,
    ocr: Ocr,
    image: Bytes,
}

impl Driver {
    fn new(implementation: Impl, base_url: &str) -> Result<Self, BoxError> {
        Ok(match implementation {
            Impl::Facade => {
                let client = glair::Client::builder()
                    .api_key(API_KEY)
                    .username(USERNAME)
                    .password(PASSWORD)
                    .base_url(base_url)
                    .build()?;
                Driver::Facade(Box::new(Facade {
                    sessions: client.passive_liveness_sessions(),
                    ocr: client.ocr(),
                    image: upload_image(),
                }))
            }
            Impl::Raw => Driver::Raw(Arc::new(RawClient::new(base_url)?)),
            Impl::Blocking | Impl::RawBlocking => {
                return Err("a blocking client is driven by threads, not this driver".into());
            }
        })
    }

    async fn create(&self) -> Outcome {
        match self {
            Driver::Facade(facade) => {
                let session = facade
                    .sessions
                    .create(CreatePassiveLivenessSession::new(SUCCESS_URL).cancel_url(CANCEL_URL))
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Some(session.sid().as_str().to_owned()))
            }
            Driver::Raw(raw) => {
                let session = raw.send_plain(raw.create_request()).await?;
                let sid = session.url.rsplit('/').next().unwrap_or_default();
                Ok(Some(sid.to_owned()))
            }
        }
    }

    async fn retrieve(&self, sid: &str) -> Outcome {
        match self {
            Driver::Facade(facade) => {
                facade
                    .sessions
                    .retrieve(sid)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Driver::Raw(raw) => {
                let request = raw.retrieve_request(sid).map_err(|e| e.to_string())?;
                raw.send_plain(request).await?;
            }
        }
        Ok(None)
    }

    /// One KTP OCR of the 200 KiB image.
    async fn upload(&self) -> Outcome {
        match self {
            Driver::Facade(facade) => {
                let image = ImageInput::from_bytes(facade.image.clone());
                facade.ocr.ktp(image).await.map_err(|e| e.to_string())?;
            }
            Driver::Raw(raw) => {
                let (status, body) = raw.send(raw.requests.upload_request()).await?;
                plain_ktp(status, &body)?;
            }
        }
        Ok(None)
    }
}

/// A plain mirror of the session object, as a hand-written client would declare it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub(crate) struct PlainSession {
    pub(crate) status: String,
    pub(crate) expired: Option<i64>,
    pub(crate) url: String,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    pub(crate) result: Option<serde_json::Value>,
}

/// One field of a KTP reading, as a hand-written client would declare it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub(crate) struct PlainField {
    pub(crate) value: String,
    pub(crate) confidence: f64,
}

/// The 17 fields of a KTP reading (`read`), camelCase on the wire.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub(crate) struct PlainKtpRead {
    pub(crate) nik: Option<PlainField>,
    pub(crate) nama: Option<PlainField>,
    pub(crate) tempat_lahir: Option<PlainField>,
    pub(crate) tanggal_lahir: Option<PlainField>,
    pub(crate) jenis_kelamin: Option<PlainField>,
    pub(crate) golongan_darah: Option<PlainField>,
    pub(crate) alamat: Option<PlainField>,
    pub(crate) rt_rw: Option<PlainField>,
    pub(crate) kelurahan_desa: Option<PlainField>,
    pub(crate) kecamatan: Option<PlainField>,
    pub(crate) kota_kabupaten: Option<PlainField>,
    pub(crate) provinsi: Option<PlainField>,
    pub(crate) agama: Option<PlainField>,
    pub(crate) status_perkawinan: Option<PlainField>,
    pub(crate) pekerjaan: Option<PlainField>,
    pub(crate) kewarganegaraan: Option<PlainField>,
    pub(crate) berlaku_hingga: Option<PlainField>,
}

/// The cropped photo and signature of a KTP answer (base64).
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub(crate) struct PlainKtpImages {
    pub(crate) photo: Option<String>,
    pub(crate) sign: Option<String>,
}

/// A plain mirror of the KTP OCR answer.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
pub(crate) struct PlainKtp {
    pub(crate) status: String,
    pub(crate) reason: Option<String>,
    pub(crate) read: Option<PlainKtpRead>,
    pub(crate) images: Option<PlainKtpImages>,
}

/// Hand-built requests (header values computed once): the same bytes the facade sends, bar
/// the upload's multipart boundary.
#[derive(Debug)]
pub(crate) struct RawRequests {
    base_url: String,
    create_uri: Uri,
    upload_uri: Uri,
    authorization: HeaderValue,
    api_key: HeaderValue,
    accept: HeaderValue,
    user_agent: HeaderValue,
    json: HeaderValue,
    multipart: HeaderValue,
    create_body: Bytes,
    upload_body: Bytes,
}

impl RawRequests {
    pub(crate) fn new(base_url: &str) -> Result<Self, BoxError> {
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{USERNAME}:{PASSWORD}"));
        let mut authorization = HeaderValue::try_from(format!("Basic {basic}"))?;
        authorization.set_sensitive(true);
        let mut api_key = HeaderValue::from_static(API_KEY);
        api_key.set_sensitive(true);
        let create_body =
            format!(r#"{{"success_url":"{SUCCESS_URL}","cancel_url":"{CANCEL_URL}"}}"#);
        let base_url = base_url.trim_end_matches('/');
        Ok(Self {
            base_url: base_url.to_owned(),
            create_uri: format!("{base_url}{COLLECTION}").parse()?,
            upload_uri: format!("{base_url}{KTP_OCR}").parse()?,
            authorization,
            api_key,
            accept: HeaderValue::from_static("application/json"),
            user_agent: HeaderValue::from_static(glair_types::USER_AGENT_VALUE),
            json: HeaderValue::from_static("application/json"),
            multipart: HeaderValue::try_from(format!(
                "multipart/form-data; boundary={RAW_BOUNDARY}"
            ))?,
            create_body: Bytes::from(create_body),
            upload_body: upload_body(&upload_image())?,
        })
    }

    fn builder(&self, method: Method, uri: Uri) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(AUTHORIZATION, self.authorization.clone())
            .header("x-api-key", self.api_key.clone())
            .header(ACCEPT, self.accept.clone())
            .header(USER_AGENT, self.user_agent.clone())
    }

    /// `POST /face/v1/passive-liveness-sessions` with the fixed body.
    pub(crate) fn create_request(&self) -> Request<Bytes> {
        self.builder(Method::POST, self.create_uri.clone())
            .header(CONTENT_TYPE, self.json.clone())
            .body(self.create_body.clone())
            .unwrap_or_default()
    }

    /// `GET /face/v1/passive-liveness-sessions/{sid}`.
    pub(crate) fn retrieve_request(&self, sid: &str) -> Result<Request<Bytes>, http::Error> {
        let uri: Uri = format!("{}{COLLECTION}/{sid}", self.base_url).parse()?;
        self.builder(Method::GET, uri).body(Bytes::new())
    }

    /// `POST /ocr/v1/ktp` with the multipart body built once.
    pub(crate) fn upload_request(&self) -> Request<Bytes> {
        self.builder(Method::POST, self.upload_uri.clone())
            .header(CONTENT_TYPE, self.multipart.clone())
            .body(self.upload_body.clone())
            .unwrap_or_default()
    }
}

/// The KTP OCR form with [`RAW_BOUNDARY`]: one `image` file part, laid out as the SDK lays
/// it out (disposition, then type; CRLF line ends; closing delimiter and CRLF).
pub(crate) fn upload_body(image: &[u8]) -> Result<Bytes, BoxError> {
    if image
        .windows(RAW_BOUNDARY.len())
        .any(|w| w == RAW_BOUNDARY.as_bytes())
    {
        return Err("the upload image holds the raw multipart boundary".into());
    }
    let mut body = Vec::with_capacity(image.len() + 256);
    body.extend_from_slice(
        format!(
            "--{RAW_BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; \
             filename=\"{UPLOAD_FILENAME}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(image);
    body.extend_from_slice(format!("\r\n--{RAW_BOUNDARY}--\r\n").as_bytes());
    Ok(Bytes::from(body))
}

/// A 200 whose body is a session is success; anything else is an error naming the status.
pub(crate) fn plain_session(status: StatusCode, body: &[u8]) -> Result<PlainSession, String> {
    if status != StatusCode::OK {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(body)));
    }
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// A 200 whose body is a KTP OCR answer is success; anything else is an error naming the
/// status.
pub(crate) fn plain_ktp(status: StatusCode, body: &[u8]) -> Result<PlainKtp, String> {
    if status != StatusCode::OK {
        return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(body)));
    }
    serde_json::from_slice(body).map_err(|e| e.to_string())
}

/// Raw hyper-util sending [`RawRequests`].
#[derive(Debug)]
pub(crate) struct RawClient {
    client: HyperClient<HttpConnector, Full<Bytes>>,
    requests: RawRequests,
}

impl RawClient {
    pub(crate) fn new(base_url: &str) -> Result<Self, BoxError> {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = HyperClient::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(Self {
            client,
            requests: RawRequests::new(base_url)?,
        })
    }

    pub(crate) fn create_request(&self) -> Request<Bytes> {
        self.requests.create_request()
    }

    pub(crate) fn retrieve_request(&self, sid: &str) -> Result<Request<Bytes>, http::Error> {
        self.requests.retrieve_request(sid)
    }

    /// Sends a request and collects the answer's status and body.
    pub(crate) async fn send(
        &self,
        request: Request<Bytes>,
    ) -> Result<(StatusCode, Bytes), String> {
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        Ok((status, body))
    }

    /// Sends a request; a 200 whose body is a session is success.
    pub(crate) async fn send_plain(&self, request: Request<Bytes>) -> Result<PlainSession, String> {
        let (status, body) = self.send(request).await?;
        plain_session(status, &body)
    }
}

/// Reads one sid per non-empty line.
pub(crate) fn read_sids(path: &std::path::Path) -> Result<Vec<String>, BoxError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let sids: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if sids.is_empty() {
        return Err(format!("{} holds no sids", path.display()).into());
    }
    Ok(sids)
}

/// What one phase (warm-up or measured) produced.
#[derive(Debug, Default)]
pub(crate) struct PhaseResult {
    pub(crate) latencies_ns: Vec<u64>,
    pub(crate) requests: u64,
    pub(crate) errors: u64,
    pub(crate) first_error: Option<String>,
}

impl PhaseResult {
    /// Room for the latencies of `ops` operations spread over `workers`.
    pub(crate) fn for_share(ops: u64, workers: u32) -> Self {
        Self {
            latencies_ns: Vec::with_capacity(
                usize::try_from(ops * 2 / u64::from(workers.max(1)) + 16).unwrap_or(0),
            ),
            ..Self::default()
        }
    }

    /// Records one request that started at `started`.
    pub(crate) fn record(&mut self, started: Instant, outcome: &Outcome) {
        self.requests += 1;
        match outcome {
            Ok(_) => self
                .latencies_ns
                .push(u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX)),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert_with(|| e.clone());
            }
        }
    }

    /// Adds one worker's share.
    pub(crate) fn merge(&mut self, part: PhaseResult) {
        self.latencies_ns.extend(part.latencies_ns);
        self.requests += part.requests;
        self.errors += part.errors;
        if self.first_error.is_none() {
            self.first_error = part.first_error;
        }
    }

    /// A worker that died.
    pub(crate) fn lost_worker(&mut self, why: String) {
        self.errors += 1;
        self.first_error.get_or_insert(why);
    }
}

/// Runs `ops` operations with `concurrency` tasks pulling from one counter.
async fn run_phase(
    driver: &Driver,
    workload: Workload,
    sids: &Arc<Vec<String>>,
    concurrency: u32,
    ops: u64,
) -> PhaseResult {
    let next = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let driver = driver.clone();
        let next = Arc::clone(&next);
        let sids = Arc::clone(sids);
        tasks.push(tokio::spawn(async move {
            let mut out = PhaseResult::for_share(ops, concurrency);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= ops {
                    break;
                }
                match workload {
                    Workload::Pairs => {
                        let started = Instant::now();
                        let created = driver.create().await;
                        out.record(started, &created);
                        if let Ok(Some(sid)) = created {
                            let started = Instant::now();
                            let retrieved = driver.retrieve(&sid).await;
                            out.record(started, &retrieved);
                        }
                    }
                    Workload::Retrieve => {
                        let index = usize::try_from(i).unwrap_or(0) % sids.len().max(1);
                        let sid = sids.get(index).map_or("missing", String::as_str);
                        let started = Instant::now();
                        let retrieved = driver.retrieve(sid).await;
                        out.record(started, &retrieved);
                    }
                    Workload::Upload => {
                        let started = Instant::now();
                        let uploaded = driver.upload().await;
                        out.record(started, &uploaded);
                    }
                }
            }
            out
        }));
    }
    let mut total = PhaseResult::default();
    for task in tasks {
        match task.await {
            Ok(part) => total.merge(part),
            Err(e) => total.lost_worker(e.to_string()),
        }
    }
    total
}

/// `glair-bench client`: runs the warm-up and the measured phase, prints one JSON line.
pub(crate) fn run(args: &ClientArgs) -> Result<ClientReport, BoxError> {
    let sids = Arc::new(match (&args.sids_file, args.workload) {
        (Some(path), _) => read_sids(path)?,
        (None, Workload::Retrieve) => return Err("--workload retrieve needs --sids-file".into()),
        (None, Workload::Pairs | Workload::Upload) => Vec::new(),
    });
    if args.implementation.is_blocking() {
        return crate::blocking_client::run(args, &sids);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let driver = Driver::new(args.implementation, &args.base_url)?;
    let per_op = args.workload.requests_per_op();
    runtime.block_on(async {
        let ops = |requests: u64| requests.div_ceil(per_op);
        let warm = run_phase(
            &driver,
            args.workload,
            &sids,
            args.concurrency,
            ops(args.warmup),
        )
        .await;
        check_warm_up(&warm)?;
        let mark = Mark::now();
        let result = run_phase(
            &driver,
            args.workload,
            &sids,
            args.concurrency,
            ops(args.requests),
        )
        .await;
        Ok(mark.report(args, result))
    })
}

/// Refuses to measure a server that failed every warm-up request.
pub(crate) fn check_warm_up(warm: &PhaseResult) -> Result<(), BoxError> {
    if warm.requests > 0 && warm.errors == warm.requests {
        return Err(format!(
            "every warm-up request failed: {}",
            warm.first_error.clone().unwrap_or_default()
        )
        .into());
    }
    Ok(())
}

/// The clocks at the start of the measured phase.
pub(crate) struct Mark {
    started: Instant,
    cpu: procfs::CpuTimes,
    on_cpu: Option<f64>,
}

impl Mark {
    pub(crate) fn now() -> Self {
        Self {
            cpu: procfs::cpu_times("self").unwrap_or_default(),
            on_cpu: procfs::on_cpu_s("self"),
            started: Instant::now(),
        }
    }

    /// The on-CPU time from the mark to a reading `end` of `procfs::on_cpu_s("self")`.
    pub(crate) fn on_cpu_until(&self, end: Option<f64>) -> Option<f64> {
        Some(end? - self.on_cpu?)
    }

    /// The measured phase's report, from its result and the clocks since the mark.
    pub(crate) fn report(self, args: &ClientArgs, mut result: PhaseResult) -> ClientReport {
        let wall_s = self.started.elapsed().as_secs_f64();
        let cpu = procfs::cpu_times("self")
            .unwrap_or_default()
            .since(self.cpu);
        let on_cpu = match (self.on_cpu, procfs::on_cpu_s("self")) {
            (Some(before), Some(after)) => Some(after - before),
            _ => None,
        };
        result.latencies_ns.sort_unstable();
        ClientReport {
            implementation: args.implementation.name().to_owned(),
            workload: args.workload.name().to_owned(),
            concurrency: args.concurrency,
            requests: result.requests,
            errors: result.errors,
            first_error: result.first_error,
            wall_s,
            p50_us: quantile_us(&result.latencies_ns, 0.50),
            p99_us: quantile_us(&result.latencies_ns, 0.99),
            cpu_user_s: cpu.user_s,
            cpu_sys_s: cpu.sys_s,
            cpu_s: on_cpu,
            peak_rss_kib: procfs::peak_rss_kib(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glair_types::ocr::{OcrRequest, doc};
    use glair_types::{
        ApiConfig, Credentials, EndpointRequest as _, RetrievePassiveLivenessSession, SessionId,
    };

    fn same_request(ours: &Request<Bytes>, theirs: &Request<Bytes>) {
        assert_eq!(ours.method(), theirs.method());
        assert_eq!(ours.uri(), theirs.uri());
        let headers = |r: &Request<Bytes>| {
            r.headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect::<Vec<_>>()
        };
        assert_eq!(headers(ours), headers(theirs));
        assert_eq!(ours.body(), theirs.body());
    }

    /// The raw client sends exactly what the SDK builds: same method, URI, headers (names,
    /// values and order) and body.
    #[test]
    fn raw_requests_are_byte_identical_to_the_sdks() {
        let base = "http://127.0.0.1:8080";
        let raw = RawClient::new(base).unwrap();
        let config = ApiConfig::new(base).unwrap();
        let credentials = Credentials::new(API_KEY, USERNAME, PASSWORD).unwrap();

        let sdk_create = CreatePassiveLivenessSession::new(SUCCESS_URL)
            .cancel_url(CANCEL_URL)
            .to_http_request(&config, &credentials)
            .unwrap();
        same_request(&raw.create_request(), &sdk_create);

        let sid = "Ab3dEf9hIj1kLm5nOp7qRs2tUv4wXy6z";
        let sdk_retrieve = RetrievePassiveLivenessSession::new(SessionId::new(sid).unwrap())
            .to_http_request(&config, &credentials)
            .unwrap();
        same_request(&raw.retrieve_request(sid).unwrap(), &sdk_retrieve);
    }

    /// The raw upload is the SDK's KTP OCR request with another boundary: same method, URI,
    /// headers (the boundary in `Content-Type` aside) and body once the SDK's boundary is
    /// replaced by the raw one.
    #[test]
    fn raw_upload_is_the_sdks_but_for_the_boundary() {
        let base = "http://127.0.0.1:8080";
        let raw = RawRequests::new(base).unwrap().upload_request();
        let config = ApiConfig::new(base).unwrap();
        let credentials = Credentials::new(API_KEY, USERNAME, PASSWORD).unwrap();
        let sdk = OcrRequest::<doc::Ktp>::new(ImageInput::from_bytes(upload_image()))
            .to_http_request(&config, &credentials)
            .unwrap();

        let boundary = |r: &Request<Bytes>| {
            let content_type = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
            content_type
                .strip_prefix("multipart/form-data; boundary=")
                .unwrap()
                .to_owned()
        };
        let sdk_boundary = boundary(&sdk);
        assert_eq!(boundary(&raw), RAW_BOUNDARY);
        assert_ne!(sdk_boundary, RAW_BOUNDARY);
        let mut sdk_as_raw = sdk.clone();
        sdk_as_raw
            .headers_mut()
            .insert(CONTENT_TYPE, raw.headers()[CONTENT_TYPE].clone());
        let body = replace_all(sdk.body(), sdk_boundary.as_bytes(), RAW_BOUNDARY.as_bytes());
        *sdk_as_raw.body_mut() = Bytes::from(body);
        same_request(&raw, &sdk_as_raw);
        assert_eq!(raw.uri().path(), KTP_OCR);
        // The image is the part's content, whole.
        let head = raw
            .body()
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap()
            + 4;
        assert_eq!(raw.body()[head..head + UPLOAD_BYTES], upload_image()[..]);
        assert!(raw.body()[head + UPLOAD_BYTES..].starts_with(b"\r\n--"));
    }

    #[test]
    fn the_upload_image_is_a_200_kib_jpeg() {
        let image = upload_image();
        assert_eq!(image.len(), UPLOAD_BYTES);
        assert_eq!(image, upload_image(), "deterministic");
        assert_eq!(
            ImageInput::from_bytes(image).format(),
            Some(glair_types::ImageFormat::Jpeg)
        );
    }

    /// `haystack` with every `from` replaced by `to`.
    fn replace_all(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(haystack.len());
        let mut rest = haystack;
        while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(to);
            rest = &rest[at + from.len()..];
        }
        out.extend_from_slice(rest);
        out
    }
}
