//! Figures for the benchmarks: a process's memory and percentiles.

/// (VmRSS, VmHWM) of process `pid`, in KiB (0 where /proc does not say).
pub fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// VmRSS of process `pid` in MiB (NaN where /proc does not say).
pub fn rss_mb(pid: u32) -> f64 {
    match rss_kib(pid) {
        (0, _) => f64::NAN,
        (kib, _) => kib as f64 / 1024.0,
    }
}

/// The nearest-rank percentile `p` (0.0–1.0) of `sorted` (ascending): the smallest value with at
/// least `p` of the values at or below it. `None` for no values.
pub fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// [`percentile`] of milliseconds, NaN for none (what the benchmark tables print).
pub fn pct(sorted: &[f64], p: f64) -> f64 {
    percentile(sorted, p).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), Some(50));
        assert_eq!(percentile(&v, 0.99), Some(99));
        assert_eq!(percentile(&v, 1.0), Some(100));
        assert_eq!(percentile(&v, 0.0), Some(1));
        assert_eq!(percentile(&[7], 0.99), Some(7));
        assert_eq!(percentile::<u32>(&[], 0.5), None);
        assert!(pct(&[], 0.5).is_nan());
    }

    #[test]
    fn rss_of_this_process() {
        let (rss, hwm) = rss_kib(std::process::id());
        assert!(rss > 0 && hwm >= rss, "{rss} {hwm}");
    }
}
