//! Login storm benchmark of the ticket server (not a test: it reports figures for
//! docs/benchmarks.md). Issue 11: a visitor on the hall's LAN must not be able to use the login
//! against the hall, neither by guessing nor by memory.
//!
//! Starts the `ticket-server` binary on 127.0.0.1 with a fresh database and, all on loopback:
//! 1. 100 parallel wrong passwords for `petugas1` from one address (127.0.0.2): how many were
//!    checked (argon2 runs, from `/metrics`), and whether the officer's own PC (127.0.0.1) still
//!    logs in at once;
//! 2. 300 parallel logins with unknown usernames from one address (127.0.0.3);
//! 3. 300 parallel logins with unknown usernames, each from its own address (127.0.1.x–127.0.2.x),
//!    so the per-address throttle does not stop them and only the bound on checks at once does.
//!
//! For each: the answers by status, the passwords checked, and the server's RSS before, at its
//! peak (sampled every 10 ms) and after. The load is bounded: each step sends its requests once.
//!
//! Run: `cargo build --release -p ticket-server --bin ticket-server --example login_storm &&
//! target/release/examples/login_storm --server target/release/ticket-server`

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antri_testkit::measure::rss_mb;
use antri_testkit::process::{serve_command, ServerProcess};
use antri_testkit::PASSWORD;
use clap::Parser;

#[derive(Parser)]
struct Args {
    /// The ticket-server binary.
    #[arg(long, default_value = "target/release/ticket-server")]
    server: PathBuf,
    /// Parallel logins per storm with unknown names.
    #[arg(long, default_value_t = 300)]
    logins: usize,
    /// Parallel wrong passwords for one user.
    #[arg(long, default_value_t = 100)]
    guesses: usize,
}

fn start_server(bin: &Path, dir: &Path) -> anyhow::Result<ServerProcess> {
    ServerProcess::start(
        serve_command(bin, "2026-11-24T08:00:00+07:00")
            .arg("--db")
            .arg(dir.join("bench.db"))
            .env("RUST_LOG", "error"),
    )
}

async fn password_checks(url: &str) -> anyhow::Result<u64> {
    let text = reqwest::get(format!("{url}/metrics")).await?.text().await?;
    text.lines()
        .find_map(|l| l.strip_prefix("antri_password_checks_total "))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no antri_password_checks_total in /metrics"))
}

async fn login(from: IpAddr, url: &str, user: &str, password: &str) -> u16 {
    let Ok(client) = reqwest::Client::builder().local_address(from).build() else {
        return 0;
    };
    match client
        .post(format!("{url}/api/v1/login"))
        .json(&serde_json::json!({ "username": user, "password": password }))
        .send()
        .await
    {
        Ok(r) => r.status().as_u16(),
        Err(_) => 0,
    }
}

struct Storm {
    statuses: BTreeMap<u16, usize>,
    checks: u64,
    rss_before: f64,
    rss_peak: f64,
    rss_after: f64,
    secs: f64,
}

/// Send every `(address, username, password)` at once; sample the server's RSS meanwhile.
async fn storm(
    url: &str,
    pid: u32,
    attempts: Vec<(IpAddr, String, String)>,
) -> anyhow::Result<Storm> {
    let rss_before = rss_mb(pid);
    let checks_before = password_checks(url).await?;
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss_mb(pid));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak
        })
    };
    let started = Instant::now();
    let tasks: Vec<_> = attempts
        .into_iter()
        .map(|(from, user, pw)| {
            let url = url.to_string();
            tokio::spawn(async move { login(from, &url, &user, &pw).await })
        })
        .collect();
    let mut statuses = BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap_or(0)).or_insert(0) += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let rss_peak = sampler.await.unwrap_or(f64::NAN);
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(Storm {
        statuses,
        checks: password_checks(url).await? - checks_before,
        rss_before,
        rss_peak,
        rss_after: rss_mb(pid),
        secs,
    })
}

fn report(name: &str, s: &Storm) {
    let statuses: Vec<String> = s
        .statuses
        .iter()
        .map(|(code, n)| format!("{n}× {code}"))
        .collect();
    println!("{name}");
    println!("  answers: {} in {:.2} s", statuses.join(", "), s.secs);
    println!("  passwords checked: {}", s.checks);
    println!(
        "  server RSS: {:.1} MB before, {:.1} MB peak, {:.1} MB after (+{:.1} MB at peak)",
        s.rss_before,
        s.rss_peak,
        s.rss_after,
        s.rss_peak - s.rss_before
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = args.server;
    let dir = tempfile::tempdir()?;
    let server = start_server(&bin, dir.path())?;
    let pid = server.pid();
    let url = server.url.clone();
    // Settle: the first requests allocate what a server always holds.
    for _ in 0..3 {
        reqwest::get(format!("{url}/api/v1/services")).await?;
    }
    println!("server {} (pid {pid}), idle RSS {:.1} MB", url, rss_mb(pid));

    let guesser = IpAddr::from([127, 0, 0, 2]);
    let s = storm(
        &url,
        pid,
        (0..args.guesses)
            .map(|i| (guesser, "petugas1".to_string(), format!("tebakan{i}")))
            .collect(),
    )
    .await?;
    report(
        &format!(
            "{} parallel wrong passwords for petugas1 from 127.0.0.2",
            args.guesses
        ),
        &s,
    );
    let t = Instant::now();
    let own = login(IpAddr::from([127, 0, 0, 1]), &url, "petugas1", PASSWORD).await;
    println!(
        "  petugas1 from 127.0.0.1 right after: {own} in {:.0} ms; from 127.0.0.2: {}",
        t.elapsed().as_secs_f64() * 1e3,
        login(guesser, &url, "petugas1", PASSWORD).await
    );

    let one = IpAddr::from([127, 0, 0, 3]);
    let s = storm(
        &url,
        pid,
        (0..args.logins)
            .map(|i| (one, format!("siapa{i}"), "x".to_string()))
            .collect(),
    )
    .await?;
    report(
        &format!(
            "{} parallel logins, unknown names, one address",
            args.logins
        ),
        &s,
    );

    let s = storm(
        &url,
        pid,
        (0..args.logins)
            .map(|i| {
                let from = IpAddr::from([127, 0, 1 + (i / 250) as u8, 1 + (i % 250) as u8]);
                (from, format!("tamu{i}"), "x".to_string())
            })
            .collect(),
    )
    .await?;
    report(
        &format!(
            "{} parallel logins, unknown names, each from its own address",
            args.logins
        ),
        &s,
    );
    let t = Instant::now();
    let own = login(IpAddr::from([127, 0, 0, 1]), &url, "petugas2", PASSWORD).await;
    println!(
        "  petugas2 from 127.0.0.1 right after: {own} in {:.0} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
