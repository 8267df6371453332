//! Process figures from Linux `/proc`: CPU time and peak resident memory.
//!
//! The user/system split comes from `/proc/<pid>/stat` fields 14 (`utime`) and 15 (`stime`),
//! in clock ticks of `USER_HZ`, which is 100 on every mainstream Linux ABI (x86, x86-64,
//! arm64): a resolution of 10 ms. The total, used for CPU per request, is read with nanosecond
//! resolution from the first field (time spent on a CPU) of every thread's
//! `/proc/<pid>/task/<tid>/schedstat`, summed; threads that exit in between would be missed,
//! which is why it is only compared across phases in which the runtime's threads live on.
//! Peak memory is `VmHWM` ("high water mark" of the resident set) from `/proc/<pid>/status`,
//! in KiB.

use std::fs;

/// Clock ticks per second of `/proc/<pid>/stat` times (`USER_HZ`).
const USER_HZ: f64 = 100.0;

/// User and system CPU time of a process, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CpuTimes {
    pub(crate) user_s: f64,
    pub(crate) sys_s: f64,
}

impl CpuTimes {
    /// User plus system time.
    pub(crate) fn total_s(self) -> f64 {
        self.user_s + self.sys_s
    }

    /// The CPU time spent since `earlier`.
    pub(crate) fn since(self, earlier: CpuTimes) -> CpuTimes {
        CpuTimes {
            user_s: self.user_s - earlier.user_s,
            sys_s: self.sys_s - earlier.sys_s,
        }
    }
}

/// The CPU times of process `pid` (`"self"` for this one).
pub(crate) fn cpu_times(pid: &str) -> Option<CpuTimes> {
    parse_stat(&fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Reads `utime` and `stime` from the text of a `/proc/<pid>/stat` file.
pub(crate) fn parse_stat(stat: &str) -> Option<CpuTimes> {
    // The command name (field 2) is parenthesised and may hold spaces: skip past its last `)`.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // `rest` starts at field 3 (state); utime and stime are fields 14 and 15.
    let utime: f64 = fields.nth(11)?.parse().ok()?;
    let stime: f64 = fields.next()?.parse().ok()?;
    Some(CpuTimes {
        user_s: utime / USER_HZ,
        sys_s: stime / USER_HZ,
    })
}

/// Time process `pid` (`"self"` for this one) has spent on a CPU, summed over its live
/// threads, in seconds (nanosecond resolution).
pub(crate) fn on_cpu_s(pid: &str) -> Option<f64> {
    let mut total: u64 = 0;
    for entry in fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let Ok(entry) = entry else { continue };
        let Ok(text) = fs::read_to_string(entry.path().join("schedstat")) else {
            continue;
        };
        total += parse_schedstat(&text).unwrap_or(0);
    }
    Some(total as f64 / 1e9)
}

/// The on-CPU nanoseconds (first field) of a `schedstat` file.
pub(crate) fn parse_schedstat(text: &str) -> Option<u64> {
    text.split_whitespace().next()?.parse().ok()
}

/// A `kB` field (such as `VmHWM` or `VmRSS`) of `/proc/<pid>/status`, in KiB.
pub(crate) fn status_kib(pid: &str, field: &str) -> Option<u64> {
    parse_status_kib(
        &fs::read_to_string(format!("/proc/{pid}/status")).ok()?,
        field,
    )
}

/// Reads a `kB` field from the text of a `/proc/<pid>/status` file.
pub(crate) fn parse_status_kib(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let value = line.strip_prefix(field)?.strip_prefix(':')?;
        value.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// A `kB` field of `/proc/meminfo` (such as `MemTotal`), in KiB.
pub(crate) fn status_kib_from_meminfo(field: &str) -> Option<u64> {
    parse_status_kib(&fs::read_to_string("/proc/meminfo").ok()?, field)
}

/// Peak resident memory of this process so far, in KiB.
pub(crate) fn peak_rss_kib() -> u64 {
    status_kib("self", "VmHWM").unwrap_or(0)
}

/// Current resident memory of this process, in KiB.
pub(crate) fn rss_kib() -> u64 {
    status_kib("self", "VmRSS").unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_from_stat_even_with_spaces_in_the_name() {
        let stat = "1234 (my (odd) prog) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 3 0 \
                    5000 1000000 200 18446744073709551615";
        let cpu = parse_stat(stat).unwrap();
        assert!((cpu.user_s - 2.5).abs() < 1e-9);
        assert!((cpu.sys_s - 0.37).abs() < 1e-9);
    }

    #[test]
    fn reads_status_fields() {
        let status = "Name:\tx\nVmHWM:\t   12345 kB\nVmRSS:\t    999 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM"), Some(12345));
        assert_eq!(parse_status_kib(status, "VmRSS"), Some(999));
        assert_eq!(parse_status_kib(status, "VmPeak"), None);
    }

    #[test]
    fn reads_schedstat() {
        assert_eq!(parse_schedstat("1190426 0 1\n"), Some(1_190_426));
        assert_eq!(parse_schedstat(""), None);
    }

    #[test]
    fn this_process_is_readable() {
        assert!(cpu_times("self").is_some());
        assert!(on_cpu_s("self").is_some_and(|s| s > 0.0));
        assert!(peak_rss_kib() > 0);
    }
}
