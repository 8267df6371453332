//! What every load client reports, and how latencies are summarised.

use serde::{Deserialize, Serialize};

/// The JSON line a load client (`glair-bench client`, `node driver.mjs`) prints last on stdout.
///
/// Times cover the measured phase only (warm-up excluded); `peak_rss_kib` is the process's
/// high-water mark over its whole life.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ClientReport {
    /// `facade`, `raw` or `node`.
    #[serde(rename = "impl")]
    pub(crate) implementation: String,
    /// `pairs` or `retrieve`.
    pub(crate) workload: String,
    /// Requests in flight at once.
    pub(crate) concurrency: u32,
    /// HTTP requests sent in the measured phase (a create+retrieve pair counts 2).
    pub(crate) requests: u64,
    /// Requests that failed (no response, or a response that was not a success).
    pub(crate) errors: u64,
    /// The first failure, for diagnosis.
    #[serde(default)]
    pub(crate) first_error: Option<String>,
    /// Wall time of the measured phase, seconds.
    pub(crate) wall_s: f64,
    /// Median request latency, microseconds.
    pub(crate) p50_us: f64,
    /// 99th percentile request latency, microseconds.
    pub(crate) p99_us: f64,
    /// User CPU time of the measured phase, seconds.
    pub(crate) cpu_user_s: f64,
    /// System CPU time of the measured phase, seconds.
    pub(crate) cpu_sys_s: f64,
    /// Total CPU time of the measured phase at fine resolution (Rust: summed per-thread
    /// `schedstat`; Node: `process.cpuUsage()`), seconds; when absent, user + system is used.
    #[serde(default)]
    pub(crate) cpu_s: Option<f64>,
    /// Peak resident set of the process, KiB.
    pub(crate) peak_rss_kib: u64,
}

impl ClientReport {
    /// Requests per second of the measured phase.
    pub(crate) fn throughput(&self) -> f64 {
        if self.wall_s > 0.0 {
            self.requests as f64 / self.wall_s
        } else {
            0.0
        }
    }

    /// CPU time (user + system) per request, microseconds.
    pub(crate) fn cpu_us_per_request(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        let cpu = self.cpu_s.unwrap_or(self.cpu_user_s + self.cpu_sys_s);
        cpu * 1e6 / self.requests as f64
    }
}

/// The `q` quantile (0..=1) of `sorted` nanosecond samples by the nearest-rank method, in
/// microseconds; 0 for no samples.
pub(crate) fn quantile_us(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    sorted[index] as f64 / 1000.0
}

/// The median of some numbers (the lower middle one for an even count); `None` if empty.
pub(crate) fn median_index_by<T>(items: &[T], key: impl Fn(&T) -> f64) -> Option<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| key(&items[a]).total_cmp(&key(&items[b])));
    let mid = order.len().checked_sub(1)? / 2;
    order.get(mid).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let samples: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(quantile_us(&samples, 0.5), 50.0);
        assert_eq!(quantile_us(&samples, 0.99), 99.0);
        assert_eq!(quantile_us(&samples, 1.0), 100.0);
        assert_eq!(quantile_us(&[7000], 0.99), 7.0);
        assert_eq!(quantile_us(&[], 0.5), 0.0);
    }

    #[test]
    fn medians() {
        assert_eq!(median_index_by(&[3.0, 1.0, 2.0], |x| *x), Some(2));
        assert_eq!(median_index_by(&[4.0, 1.0, 3.0, 2.0], |x| *x), Some(3));
        assert_eq!(median_index_by::<f64>(&[], |x| *x), None);
    }

    #[test]
    fn reports_round_trip_through_json() {
        let line = r#"{"impl":"node","workload":"pairs","concurrency":64,"requests":4000,
            "errors":0,"wall_s":2.0,"p50_us":900.5,"p99_us":4000.0,"cpu_user_s":1.5,
            "cpu_sys_s":0.5,"peak_rss_kib":65536}"#;
        let report: ClientReport = serde_json::from_str(line).unwrap();
        assert_eq!(report.throughput(), 2000.0);
        assert_eq!(report.cpu_us_per_request(), 500.0);
        assert_eq!(report.first_error, None);
    }
}
