//! Load benchmark of the ticket server (not a test: it reports figures for docs/benchmarks.md).
//!
//! Starts the release `ticket-server` binary on 127.0.0.1 with a fresh database in a temp dir on
//! the same disk, and measures:
//! - the disk's own fsync latency (p50/p99), as the yardstick for durable commits;
//! - idle RSS of the server;
//! - ticket issue over HTTP (acknowledged after commit) at 1, 16 and 64 concurrent kiosks:
//!   throughput, p50/p99 latency;
//! - call → subscriber latency with 500 live event-stream subscribers: p50/p99/max from the
//!   officer's click to each subscriber reading the call; RSS with them connected.
//!
//! With `--backlog N` it measures instead whether issuing costs more late in the day: ticket issue
//! at 16 kiosks to one service on an empty queue, then again once N tickets wait in that same
//! service (filled by issuing, bounded by `--fill-limit` seconds).
//!
//! All load is bounded (a fixed duration per step) and goes to loopback only.
//!
//! Run: `cargo build --release -p ticket-server -p antri-bench && target/release/antri-bench`
//! (`target/release/antri-bench --backlog 100000` for the comparison).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antri_testkit::measure::{pct, rss_mb};
use antri_testkit::process::{start_without_quotas, ServerProcess};
use antri_testkit::{DISPLAY_HALL_TOKEN, KIOSK_TOKEN, PASSWORD};
use antri_wire::client::{Client, SseParser};
use antri_wire::Category;
use clap::Parser;
use futures_util::StreamExt;

#[derive(Parser)]
struct Args {
    /// The ticket-server binary (default: beside this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Seconds of load per concurrency level.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Event-stream subscribers for the fan-out measurement.
    #[arg(long, default_value_t = 500)]
    subscribers: usize,
    /// Calls made while they listen.
    #[arg(long, default_value_t = 40)]
    calls: usize,
    /// Instead of the full run: issue throughput on an empty queue and with this many waiting in
    /// one service.
    #[arg(long)]
    backlog: Option<u32>,
    /// Kiosks issuing during the backlog comparison.
    #[arg(long, default_value_t = 16)]
    backlog_kiosks: usize,
    /// At most this many seconds to fill the backlog; the run fails rather than go on longer.
    #[arg(long, default_value_t = 300)]
    fill_limit: u64,
    /// A control: fill this other service instead, so the second measurement sees a database and
    /// a day as large but an empty queue in the measured service (`ktp`).
    #[arg(long, value_parser = ["kk", "skck", "pkb", "npwp"])]
    backlog_in: Option<String>,
}

/// fsync after writing 4 KiB: appended (the file grows, as a fresh WAL does) or over existing blocks
/// (as a WAL does once it has wrapped). Disks differ a lot between the two.
fn fsync_latency(dir: &Path, append: bool) -> anyhow::Result<(f64, f64)> {
    use std::os::unix::fs::FileExt;
    let path = dir.join("fsync-probe");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&path)?;
    let block = [7u8; 4096];
    if !append {
        f.write_all(&[0u8; 64 * 1024])?;
        f.sync_all()?;
    }
    let mut ms = Vec::new();
    for i in 0..300u64 {
        if append {
            f.write_all(&block)?;
        } else {
            f.write_all_at(&block, (i % 16) * 4096)?;
        }
        let t = Instant::now();
        f.sync_all()?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    std::fs::remove_file(&path)?;
    ms.sort_by(f64::total_cmp);
    Ok((pct(&ms, 0.5), pct(&ms, 0.99)))
}

/// A plain one-row SQLite commit in WAL mode with synchronous=FULL, one at a time: what a server
/// without group commit could do per ticket.
fn sqlite_commit_latency(dir: &Path) -> anyhow::Result<(f64, f64, f64)> {
    let conn = rusqlite::Connection::open(dir.join("baseline.db"))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")?;
    let mut ms = Vec::new();
    let started = Instant::now();
    for i in 0..500 {
        let t = Instant::now();
        conn.execute("INSERT INTO t (id, v) VALUES (?1, 'ticket')", [i])?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let per_sec = 500.0 / started.elapsed().as_secs_f64();
    ms.sort_by(f64::total_cmp);
    Ok((pct(&ms, 0.5), pct(&ms, 0.99), per_sec))
}

fn start_server(bin: &Path, dir: &Path) -> anyhow::Result<ServerProcess> {
    start_without_quotas(bin, dir, "2026-11-24T08:00:00+07:00")
}

const SERVICES: [&str; 6] = ["ktp", "kk", "skck", "pkb", "npwp", "jkn-daftar"];

async fn issue_load(url: &str, clients: usize, seconds: u64) -> (f64, Vec<f64>) {
    issue_load_to(url, &SERVICES, clients, seconds).await
}

/// `clients` kiosks issue tickets round-robin over `services` for `seconds`, each as fast as it is
/// answered: tickets per second and every latency in ms, sorted.
async fn issue_load_to(
    url: &str,
    services: &'static [&'static str],
    clients: usize,
    seconds: u64,
) -> (f64, Vec<f64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|k| {
            let c = Client::new(url, Some(KIOSK_TOKEN.into()));
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut i = k;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    c.issue(services[i % services.len()], Category::Regular)
                        .await
                        .expect("issue succeeds under load");
                    lat.push(t.elapsed().as_secs_f64() * 1e3);
                    i += 1;
                }
                lat
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    (all.len() as f64 / elapsed, all)
}

async fn fanout(url: &str, subscribers: usize, calls: usize) -> anyhow::Result<(Vec<f64>, usize)> {
    let origin = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u64, f64)>();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let mut tasks = Vec::new();
    for _ in 0..subscribers {
        let resp = http
            .get(format!("{url}/api/v1/events"))
            .bearer_auth(DISPLAY_HALL_TOKEN)
            .send()
            .await?;
        let tx = tx.clone();
        let ready = ready_tx.clone();
        tasks.push(tokio::spawn(async move {
            let mut body = resp.bytes_stream();
            let mut parser = SseParser::default();
            while let Some(Ok(chunk)) = body.next().await {
                for m in parser.push(&chunk) {
                    if m.event == "snapshot" {
                        let _ = ready.send(());
                    } else if m.data.contains("\"type\":\"ticket_called\"") {
                        let seq = m.id.and_then(|i| i.parse().ok()).unwrap_or(0);
                        let _ = tx.send((seq, origin.elapsed().as_secs_f64() * 1e3));
                    }
                }
            }
        }));
    }
    for _ in 0..subscribers {
        ready_rx.recv().await;
    }
    let kiosk = Client::new(url, Some(KIOSK_TOKEN.into()));
    let anon = Client::new(url, None);
    let officer = anon.with_token(anon.login("petugas1", PASSWORD).await?.token);
    for _ in 0..calls {
        kiosk.issue("ktp", Category::Regular).await?;
    }
    let mut clicks = Vec::new();
    for _ in 0..calls {
        let click = origin.elapsed().as_secs_f64() * 1e3;
        let r = officer.call_next(1).await?;
        officer.counter_action(1, "start").await?;
        clicks.push((r.ticket.map(|t| t.id), click));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Collect: every subscriber must see every call.
    let expected = subscribers * calls;
    let mut received = Vec::with_capacity(expected);
    let deadline = Instant::now() + Duration::from_secs(10);
    while received.len() < expected && Instant::now() < deadline {
        if let Ok(Some(r)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            received.push(r);
        }
    }
    for t in tasks {
        t.abort();
    }
    // Calls are in sequence order; map each received call to its click by order of seq.
    let mut seqs: Vec<u64> = received.iter().map(|r| r.0).collect();
    seqs.sort_unstable();
    seqs.dedup();
    let mut lat = Vec::new();
    for (seq, at) in &received {
        let i = seqs.binary_search(seq).unwrap();
        if let Some((_, click)) = clicks.get(i) {
            lat.push(at - click);
        }
    }
    lat.sort_by(f64::total_cmp);
    Ok((lat, received.len()))
}

/// Tickets waiting in `service`, as the public services list says.
async fn waiting_in(url: &str, service: &str) -> anyhow::Result<u32> {
    let list = Client::new(url, Some(KIOSK_TOKEN.into()))
        .services()
        .await?;
    list.services
        .iter()
        .find(|s| s.id == service)
        .map(|s| s.waiting)
        .ok_or_else(|| anyhow::anyhow!("no service {service}"))
}

/// Issue into `service` with 64 kiosks until `target` tickets wait there, within `limit`.
async fn fill(
    url: &str,
    service: &'static str,
    target: u32,
    limit: Duration,
) -> anyhow::Result<()> {
    let missing = target.saturating_sub(waiting_in(url, service).await?);
    let left = Arc::new(std::sync::atomic::AtomicI64::new(i64::from(missing)));
    let deadline = Instant::now() + limit;
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let c = Client::new(url, Some(KIOSK_TOKEN.into()));
            let left = left.clone();
            tokio::spawn(async move {
                while left.fetch_sub(1, Ordering::Relaxed) > 0 && Instant::now() < deadline {
                    c.issue(service, Category::Regular)
                        .await
                        .expect("issue succeeds while filling");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await?;
    }
    let waiting = waiting_in(url, service).await?;
    anyhow::ensure!(
        waiting >= target,
        "only {waiting} of {target} waiting after {limit:?}"
    );
    Ok(())
}

/// The backlog comparison (see the module's comment).
async fn backlog(bin: &Path, dir: &Path, args: &Args, target: u32) -> anyhow::Result<()> {
    const ONE: [&str; 1] = ["ktp"];
    let filled: &'static str = match args.backlog_in.as_deref() {
        Some(s) => SERVICES.iter().find(|x| **x == s).expect("checked by clap"),
        None => ONE[0],
    };
    let server = start_server(bin, dir)?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!("| waiting in ktp before → after | kiosks | tickets/s | p50 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut rates = Vec::new();
    for fill_to in [None, Some(target)] {
        if let Some(target) = fill_to {
            let t = Instant::now();
            fill(
                &server.url,
                filled,
                target,
                Duration::from_secs(args.fill_limit),
            )
            .await?;
            println!(
                "filled {filled} to {target} waiting in {:.1} s",
                t.elapsed().as_secs_f64()
            );
        }
        let before = waiting_in(&server.url, ONE[0]).await?;
        let (tps, lat) = issue_load_to(&server.url, &ONE, args.backlog_kiosks, args.seconds).await;
        let after = waiting_in(&server.url, ONE[0]).await?;
        println!(
            "| {before} → {after} | {} | {tps:.0} | {:.2} | {:.2} | {:.2} |",
            args.backlog_kiosks,
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN)
        );
        rates.push(tps);
    }
    println!(
        "with the backlog: {:.0}% of the empty queue's throughput",
        100.0 * rates[1] / rates[0]
    );
    println!("server RSS: {:.1} MB", rss_mb(server.pid()));
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bin = match &args.server {
        Some(b) => b.clone(),
        None => std::env::current_exe()?.with_file_name("ticket-server"),
    };
    let dir = tempfile::tempdir_in(std::env::current_dir()?)?;
    if let Some(target) = args.backlog {
        return backlog(&bin, dir.path(), &args, target).await;
    }
    let (fs50, fs99) = fsync_latency(dir.path(), true)?;
    let (ow50, ow99) = fsync_latency(dir.path(), false)?;
    println!("disk fsync, 4 KiB appended (300 samples): p50 {fs50:.2} ms, p99 {fs99:.2} ms");
    println!("disk fsync, 4 KiB overwritten (300 samples): p50 {ow50:.2} ms, p99 {ow99:.2} ms");
    let (sq50, sq99, sq_rate) = sqlite_commit_latency(dir.path())?;
    println!("plain SQLite one-row commit (WAL, synchronous=FULL, 500 in a row): p50 {sq50:.2} ms, p99 {sq99:.2} ms, {sq_rate:.0}/s");

    let server = start_server(&bin, dir.path())?;
    let pid = server.pid();
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!("server idle RSS: {:.1} MB", rss_mb(pid));

    println!("\n| kiosks | tickets/s | p50 ms | p99 ms | max ms |");
    println!("|---:|---:|---:|---:|---:|");
    for clients in [1, 16, 64] {
        let (tps, lat) = issue_load(&server.url, clients, args.seconds).await;
        println!(
            "| {clients} | {tps:.0} | {:.2} | {:.2} | {:.2} |",
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            lat.last().copied().unwrap_or(f64::NAN)
        );
    }
    println!("server RSS after issue load: {:.1} MB", rss_mb(pid));

    let (lat, got) = fanout(&server.url, args.subscribers, args.calls).await?;
    println!(
        "\ncall -> {} subscribers, {} calls: received {got}/{}; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        args.subscribers,
        args.calls,
        args.subscribers * args.calls,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "server RSS with {} subscribers: {:.1} MB",
        args.subscribers,
        rss_mb(pid)
    );
    let (fs50, fs99) = fsync_latency(dir.path(), true)?;
    println!("disk fsync, appended, again after the load: p50 {fs50:.2} ms, p99 {fs99:.2} ms");
    Ok(())
}
