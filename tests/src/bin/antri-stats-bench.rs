//! Benchmark of the supervisor dashboard's history queries over a year of one big building (not a
//! test: it reports figures for docs/benchmarks.md, "Statistics over a year").
//!
//! 1. Writes the bench building: the sample building scaled up (`--lokets-per` copies of every
//!    loket, daily quotas multiplied by the same factor), beside the database.
//! 2. Generates a year of history with `ticket-server history` (skipped when the database already
//!    exists: pass the same `--db` to reuse it) and reports the time and the database size.
//! 3. Starts the release `ticket-server` on it (127.0.0.1) and times `GET /api/v1/stats` by
//!    service, agency, loket and officer, and `GET /api/v1/stats/hourly`, for a year, a calendar
//!    month, the last 30 days and a week: p50/p99/max over `--runs` runs after one warm-up.
//!
//! Run: `cargo build --release -p ticket-server -p antri-bench &&
//!       target/release/antri-stats-bench --db /tmp/antri-year.db`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use antri_testkit::measure::pct;
use antri_testkit::process::{serve_command, ServerProcess};
use antri_testkit::{PASSWORD, SUPERVISOR};
use antri_wire::client::Client;
use chrono::{Datelike, Days, NaiveDate};
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The year database: generated if missing, reused if present.
    #[arg(long, default_value = "/tmp/antri-stats-year.db")]
    db: PathBuf,
    /// The ticket-server binary (default: beside this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Calendar days of history.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// The last day of the history.
    #[arg(long, default_value = "2026-11-20")]
    end: NaiveDate,
    /// Copies of every loket of the sample building (and its quotas multiplied by as much).
    #[arg(long, default_value_t = 10)]
    lokets_per: u32,
    /// Timed runs per query.
    #[arg(long, default_value_t = 30)]
    runs: usize,
}

/// The sample building scaled: `k` lokets for each of its lokets, quotas times `k`, 4-digit numbers.
fn bench_config(example: &str, k: u32) -> String {
    let mut out = String::new();
    let mut counters = Vec::new();
    let mut lines = example.lines().peekable();
    while let Some(l) = lines.next() {
        if let Some(q) = l.strip_prefix("quota = ") {
            let q: u32 = q.trim().parse().unwrap_or(100);
            out.push_str(&format!("quota = {}\n", q * k));
        } else if l.starts_with("number_digits") {
            out.push_str("number_digits = 4\n");
        } else if l == "[[counters]]" {
            // number = N / services = [...]
            let n = lines.next().unwrap_or_default().to_string();
            let s = lines.next().unwrap_or_default().to_string();
            out.push_str(&format!("{l}\n{n}\n{s}\n"));
            counters.push((n, s));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    for copy in 1..k {
        for (n, s) in &counters {
            let num: u32 = n
                .trim_start_matches("number = ")
                .trim()
                .parse()
                .unwrap_or(0);
            out.push_str(&format!(
                "\n[[counters]]\nnumber = {}\n{s}\n",
                num + 100 * copy
            ));
        }
    }
    out
}

/// The ranges timed, each ending at `end` but the calendar month: the whole history of `days`
/// days, the last whole calendar month before `end`, the last 30 days and the last week.
fn ranges(end: NaiveDate, days: u32) -> anyhow::Result<[(&'static str, NaiveDate, NaiveDate); 4]> {
    let days_before = |n: u32| end - Days::new(u64::from(n));
    let prev_month_end = end
        .with_day(1)
        .and_then(|first| first.pred_opt())
        .ok_or_else(|| anyhow::anyhow!("no month before {end}"))?;
    let prev_month_start = prev_month_end.with_day(1).expect("every month has a day 1");
    Ok([
        ("year", days_before(days.saturating_sub(1)), end),
        ("calendar month", prev_month_start, prev_month_end),
        ("last 30 days", days_before(29), end),
        ("week", days_before(6), end),
    ])
}

fn file_mb(p: &Path) -> f64 {
    std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = match args.server {
        Some(p) => p,
        None => std::env::current_exe()?
            .parent()
            .ok_or_else(|| anyhow::anyhow!("no directory beside this binary"))?
            .join("ticket-server"),
    };
    let example = String::from_utf8(Command::new(&bin).arg("example-config").output()?.stdout)?;
    let config_path = args.db.with_extension("toml");
    std::fs::write(&config_path, bench_config(&example, args.lokets_per))?;
    // Checked as the server reads it. Not with `check-config`: that also refuses the sample's
    // well-known passwords and tokens, which this loopback-only benchmark keeps on purpose.
    let c = ticket_server::config::Config::load(&config_path)
        .map_err(|e| anyhow::anyhow!("bench config rejected: {e:#}"))?;
    println!(
        "{}: {} services, {} lokets",
        config_path.display(),
        c.services.len(),
        c.counters.len()
    );

    if args.db.exists() {
        println!("reusing {}", args.db.display());
    } else {
        let started = Instant::now();
        let out = Command::new(&bin)
            .args(["history", "--seed", "1", "--scale"])
            .arg(args.lokets_per.to_string())
            .arg("--days")
            .arg(args.days.to_string())
            .arg("--end")
            .arg(args.end.to_string())
            .arg("--config")
            .arg(&config_path)
            .arg("--db")
            .arg(&args.db)
            .output()?;
        anyhow::ensure!(
            out.status.success(),
            "history failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
        println!("generated in {:.1} s", started.elapsed().as_secs_f64());
    }
    let wal = PathBuf::from(format!("{}-wal", args.db.display()));
    println!(
        "database {:.0} MB (+ WAL {:.0} MB)",
        file_mb(&args.db),
        file_mb(&wal)
    );

    let clock = format!("{}T09:00:00+07:00", args.end + Days::new(4));
    let server = ServerProcess::start(
        serve_command(&bin, &clock)
            .arg("--config")
            .arg(&config_path)
            .arg("--db")
            .arg(&args.db)
            .env("RUST_LOG", "warn"),
    )?;
    let anon = Client::new(&server.url, None);
    let login = anon
        .login(SUPERVISOR, PASSWORD)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let http = reqwest::Client::new();

    let ranges = ranges(args.end, args.days)?;
    println!();
    println!("| range | query | rows | p50 ms | p99 ms | max ms |");
    println!("|---|---|---:|---:|---:|---:|");
    for (name, from, to) in ranges {
        for by in ["service", "agency", "counter", "officer", "hourly"] {
            let (path, q): (&str, Vec<(&str, String)>) = if by == "hourly" {
                (
                    "/api/v1/stats/hourly",
                    vec![("from", from.to_string()), ("to", to.to_string())],
                )
            } else {
                (
                    "/api/v1/stats",
                    vec![
                        ("from", from.to_string()),
                        ("to", to.to_string()),
                        ("by", by.to_string()),
                    ],
                )
            };
            let mut times = Vec::with_capacity(args.runs);
            let mut rows = 0;
            for i in 0..=args.runs {
                let started = Instant::now();
                let resp = http
                    .get(format!("{}{path}", server.url))
                    .query(&q)
                    .bearer_auth(&login.token)
                    .timeout(Duration::from_secs(30))
                    .send()
                    .await?;
                anyhow::ensure!(resp.status().is_success(), "{path} {by}: {}", resp.status());
                let body: serde_json::Value = resp.json().await?;
                let elapsed = started.elapsed().as_secs_f64() * 1e3;
                rows = body
                    .get("rows")
                    .and_then(|r| r.as_array())
                    .or_else(|| body.as_array())
                    .map_or(0, |a| a.len());
                if i > 0 {
                    times.push(elapsed);
                }
            }
            times.sort_by(f64::total_cmp);
            println!(
                "| {name} {from}..{to} | {by} | {rows} | {:.1} | {:.1} | {:.1} |",
                pct(&times, 0.5),
                pct(&times, 0.99),
                times.last().copied().unwrap_or(f64::NAN)
            );
        }
    }
    drop(server);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_a_year_to_the_20th_of_november() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let r = ranges(d("2026-11-20"), 365).unwrap();
        assert_eq!(r[0], ("year", d("2025-11-21"), d("2026-11-20")));
        assert_eq!(r[1], ("calendar month", d("2026-10-01"), d("2026-10-31")));
        assert_eq!(r[2], ("last 30 days", d("2026-10-22"), d("2026-11-20")));
        assert_eq!(r[3], ("week", d("2026-11-14"), d("2026-11-20")));
        // Across a year and a leap day.
        let r = ranges(d("2024-03-01"), 2).unwrap();
        assert_eq!(r[0].1, d("2024-02-29"));
        assert_eq!(r[1], ("calendar month", d("2024-02-01"), d("2024-02-29")));
        let r = ranges(d("2026-01-15"), 1).unwrap();
        assert_eq!(r[1], ("calendar month", d("2025-12-01"), d("2025-12-31")));
    }
}
