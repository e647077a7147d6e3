//! Operator metrics in the Prometheus text format, written by hand: a handful of series do not
//! need a metrics framework.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the commit-latency histogram buckets.
const BUCKETS: [f64; 10] = [
    0.001, 0.002, 0.004, 0.006, 0.008, 0.012, 0.016, 0.025, 0.05, 0.1,
];

#[derive(Default)]
pub struct Metrics {
    commit_buckets: [AtomicU64; BUCKETS.len()],
    commit_count: AtomicU64,
    commit_micros: AtomicU64,
    events: AtomicU64,
}

impl Metrics {
    pub fn observe_commit(&self, took: Duration, events: usize) {
        let secs = took.as_secs_f64();
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.commit_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.commit_count.fetch_add(1, Ordering::Relaxed);
        self.commit_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        self.events.fetch_add(events as u64, Ordering::Relaxed);
    }

    /// Render all series; `per_service` is (service id, issued today, waiting now).
    pub fn render(&self, per_service: &[(String, u32, u32)], subscribers: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP antri_tickets_issued_today Tickets issued today per service."
        );
        let _ = writeln!(out, "# TYPE antri_tickets_issued_today gauge");
        for (s, issued, _) in per_service {
            let _ = writeln!(
                out,
                "antri_tickets_issued_today{{service=\"{s}\"}} {issued}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP antri_tickets_waiting Tickets waiting now per service."
        );
        let _ = writeln!(out, "# TYPE antri_tickets_waiting gauge");
        for (s, _, waiting) in per_service {
            let _ = writeln!(out, "antri_tickets_waiting{{service=\"{s}\"}} {waiting}");
        }
        let _ = writeln!(
            out,
            "# HELP antri_commit_seconds Time of one durable commit (one fsync) of the event log."
        );
        let _ = writeln!(out, "# TYPE antri_commit_seconds histogram");
        let count = self.commit_count.load(Ordering::Relaxed);
        for (i, b) in BUCKETS.iter().enumerate() {
            let n = self.commit_buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "antri_commit_seconds_bucket{{le=\"{b}\"}} {n}");
        }
        let _ = writeln!(out, "antri_commit_seconds_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.commit_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "antri_commit_seconds_sum {sum}");
        let _ = writeln!(out, "antri_commit_seconds_count {count}");
        let _ = writeln!(
            out,
            "# HELP antri_events_committed_total Events written to the log since start."
        );
        let _ = writeln!(out, "# TYPE antri_events_committed_total counter");
        let _ = writeln!(
            out,
            "antri_events_committed_total {}",
            self.events.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP antri_event_subscribers Connected live streams: the event stream's subscribers (displays, kiosks, pages) and the phones following their ticket."
        );
        let _ = writeln!(out, "# TYPE antri_event_subscribers gauge");
        let _ = writeln!(out, "antri_event_subscribers {subscribers}");
        out
    }
}
