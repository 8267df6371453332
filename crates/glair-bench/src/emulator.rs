//! The `glair-emulator` child process, and the orchestrator's own control client for it
//! (pre-creating and completing sessions, reading `GET /_emulator/stats`).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use crate::client::{COLLECTION, RawClient};
use crate::procfs::{self, CpuTimes};
use crate::{BoxError, client};
use base64::Engine as _;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A running `glair-emulator --addr 127.0.0.1:0`, killed when dropped.
#[derive(Debug)]
pub(crate) struct EmulatorProcess {
    child: Child,
    base_url: String,
}

impl EmulatorProcess {
    /// Starts the binary and waits for its `listening on http://HOST:PORT` line.
    pub(crate) fn start(binary: &Path) -> Result<Self, BoxError> {
        let mut child = Command::new(binary)
            // Five rounds of create+retrieve pairs create about 140,000 sessions, more than
            // the emulator's default cap of 100,000 (each takes a few KiB).
            .args(["--addr", "127.0.0.1:0", "--max-sessions", "1000000"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout from the emulator")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let Some(base_url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            return Err(format!("unexpected first line from the emulator: {line:?}").into());
        };
        if !base_url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            return Err(format!("the emulator is not on loopback: {base_url}").into());
        }
        Ok(Self {
            base_url: base_url.to_owned(),
            child,
        })
    }

    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The emulator's CPU time so far, seconds (per-thread `schedstat`, else `stat` ticks).
    pub(crate) fn cpu_s(&self) -> f64 {
        let pid = self.child.id().to_string();
        procfs::on_cpu_s(&pid)
            .or_else(|| procfs::cpu_times(&pid).map(CpuTimes::total_s))
            .unwrap_or(0.0)
    }

    /// The emulator's resident memory now, KiB.
    pub(crate) fn rss_kib(&self) -> u64 {
        procfs::status_kib(&self.child.id().to_string(), "VmRSS").unwrap_or(0)
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The orchestrator's client for setting up sessions and reading counters.
#[derive(Debug, Clone)]
pub(crate) struct Control {
    raw: Arc<RawClient>,
    http: HyperClient<HttpConnector, Full<Bytes>>,
    base_url: String,
    authorization: String,
}

/// The counters read from `GET /_emulator/stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// API requests of every kind.
    pub(crate) total: u64,
    /// `GET {collection}/{sid}` requests.
    pub(crate) retrieves: u64,
    /// `POST {collection}` requests.
    pub(crate) creates: u64,
}

impl Control {
    pub(crate) fn new(base_url: &str) -> Result<Self, BoxError> {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            client::USERNAME,
            client::PASSWORD
        ));
        Ok(Self {
            raw: Arc::new(RawClient::new(base_url)?),
            http: HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new()),
            base_url: base_url.to_owned(),
            authorization: format!("Basic {basic}"),
        })
    }

    async fn call(&self, method: Method, path: &str) -> Result<(StatusCode, Bytes), BoxError> {
        let request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base_url))
            .header("authorization", &self.authorization)
            .header("x-api-key", client::API_KEY)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::new()))?;
        let response = self.http.request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, body))
    }

    /// The emulator's request counters.
    pub(crate) async fn counts(&self) -> Result<Counts, BoxError> {
        let (status, body) = self.call(Method::GET, "/_emulator/stats").await?;
        if status != StatusCode::OK {
            return Err(format!("GET /_emulator/stats answered {status}").into());
        }
        let stats: serde_json::Value = serde_json::from_slice(&body)?;
        let get = |key: &str| stats["requests"][key].as_u64().unwrap_or(0);
        Ok(Counts {
            total: stats["requests_total"].as_u64().unwrap_or(0),
            retrieves: get(&format!("GET {COLLECTION}/{{sid}}")),
            creates: get(&format!("POST {COLLECTION}")),
        })
    }

    /// Creates `n` passive liveness sessions, 16 at a time; returns their sids.
    pub(crate) async fn create_sessions(&self, n: usize) -> Result<Vec<String>, BoxError> {
        let mut sids = Vec::with_capacity(n);
        for chunk in (0..n).collect::<Vec<_>>().chunks(16) {
            let mut tasks = Vec::new();
            for _ in chunk {
                let raw = Arc::clone(&self.raw);
                tasks.push(tokio::spawn(async move {
                    let response = raw
                        .send_plain(raw.create_request())
                        .await
                        .map_err(|e| format!("creating a session: {e}"))?;
                    Ok::<_, String>(
                        response
                            .url
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                }));
            }
            for task in tasks {
                sids.push(task.await??);
            }
        }
        Ok(sids)
    }

    /// Completes every session through `POST /_emulator/passive-liveness-sessions/{sid}/complete`,
    /// 16 at a time.
    pub(crate) async fn complete(&self, sids: &[String]) -> Result<(), BoxError> {
        for chunk in sids.chunks(16) {
            let mut tasks = Vec::new();
            for sid in chunk {
                let this = self.clone();
                let path = format!("/_emulator/passive-liveness-sessions/{sid}/complete");
                tasks.push(tokio::spawn(
                    async move { this.call(Method::POST, &path).await },
                ));
            }
            for task in tasks {
                let (status, body) = task.await??;
                if status != StatusCode::OK {
                    return Err(format!(
                        "completing a session answered {status}: {}",
                        String::from_utf8_lossy(&body)
                    )
                    .into());
                }
            }
        }
        Ok(())
    }
}
