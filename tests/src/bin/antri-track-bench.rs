//! Load benchmark of the visitors' live tracking (not a test: it reports figures for
//! docs/benchmarks.md): a busy hour's phones all holding their ticket's stream while lokets call.
//!
//! Starts the release `ticket-server` on 127.0.0.1 with a fresh database, issues `--phones`
//! tickets over several services, opens one `/api/v1/track/{code}/stream` per ticket (at most
//! `--open-at-once` being opened at a time) and holds them all; then `--lokets` lokets call
//! (`--calls` in all, each loket pausing `--pause-ms` between a call and starting the service). For each call: the time
//! from the officer's request being sent to the `called` view arriving on that ticket's stream.
//! Also the server's RSS and CPU time (utime + stime from /proc) per phase.
//!
//! All load is bounded (a count of tickets, streams and calls, and `--limit` seconds) and goes to
//! loopback only.
//!
//! Run: `cargo build --release -p ticket-server -p antri-bench && target/release/antri-track-bench`

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use antri_testkit::measure::{pct, rss_mb};
use antri_testkit::process::{start_without_quotas, ServerProcess};
use antri_testkit::{KIOSK_TOKEN, PASSWORD};
use antri_wire::client::{Client, SseParser};
use antri_wire::{Category, TicketStatus, TrackView};
use clap::Parser;
use futures_util::StreamExt;
use tokio::sync::mpsc;

#[derive(Parser)]
struct Args {
    /// The ticket-server binary (default: beside this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Tickets issued, each followed by one phone.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    phones: u32,
    /// Streams being opened at once.
    #[arg(long, default_value_t = 64)]
    open_at_once: usize,
    /// Lokets calling (1 to 8: lokets 1–8 of the sample building, two per officer).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=8))]
    lokets: u32,
    /// Calls in all.
    #[arg(long, default_value_t = 400)]
    calls: usize,
    /// Each loket's pause between a call and starting the service (the next call follows at once).
    #[arg(long, default_value_t = 100)]
    pause_ms: u64,
    /// A control: the same tickets and calls with no phone listening (the calls' own cost).
    #[arg(long)]
    control: bool,
    /// The whole run stops after this many seconds, finished or not.
    #[arg(long, default_value_t = 180)]
    limit: u64,
}

/// The services of lokets 1–8 in the sample building, which the tickets are spread over.
const SERVICES: [&str; 9] = [
    "ktp",
    "kk",
    "kia",
    "akta-lahir",
    "pindah",
    "paspor-baru",
    "paspor-ganti",
    "pkb",
    "stnk",
];
/// Lokets 1–8 and their officers.
const OFFICERS: [&str; 4] = ["petugas1", "petugas2", "petugas3", "petugas4"];

fn start_server(bin: &Path, dir: &Path) -> anyhow::Result<ServerProcess> {
    start_without_quotas(bin, dir, "2026-11-24T08:00:00+07:00")
}

/// CPU seconds (user + system) the process has used, from /proc/<pid>/stat.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // pid (comm) state …: comm may hold spaces, so count the fields after ')'. utime and stime are
    // fields 14 and 15 of the line, the 12th and 13th after the state.
    let ticks: u64 = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|v| v.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    ticks as f64 / rustix::param::clock_ticks_per_second() as f64
}

/// A phase's cost to the server: wall time, CPU time, RSS after.
struct Phase {
    pid: u32,
    wall: Instant,
    cpu: f64,
}

impl Phase {
    fn start(pid: u32) -> Phase {
        Phase {
            pid,
            wall: Instant::now(),
            cpu: cpu_secs(pid),
        }
    }

    fn report(self, what: &str) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = cpu_secs(self.pid) - self.cpu;
        println!(
            "| {what} | {wall:.1} | {cpu:.2} | {:.0}% | {:.1} |",
            100.0 * cpu / wall,
            rss_mb(self.pid)
        );
    }
}

/// Issue `n` tickets round-robin over [`SERVICES`] from 16 kiosks: their tracking codes.
async fn issue(url: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let kiosk = Client::new(url, Some(KIOSK_TOKEN.into()));
            let next = next.clone();
            tokio::spawn(async move {
                let mut codes = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        return anyhow::Ok(codes);
                    }
                    let t = kiosk
                        .issue(SERVICES[i % SERVICES.len()], Category::Regular)
                        .await?;
                    codes.push(t.tracking_code);
                }
            })
        })
        .collect();
    let mut codes = Vec::with_capacity(n);
    for t in tasks {
        codes.extend(t.await??);
    }
    Ok(codes)
}

/// What the phones report: a stream held (its first view in), or a ticket's call seen.
enum Seen {
    Holding,
    Called {
        number: String,
        /// Seen first as serving, not as called.
        serving: bool,
        at: Instant,
    },
}

/// Open one phone's stream and read it on a task of its own until the stream or the run ends.
async fn phone(
    http: reqwest::Client,
    url: String,
    code: String,
    tx: mpsc::UnboundedSender<Seen>,
    frames: Arc<AtomicUsize>,
) -> anyhow::Result<()> {
    let resp = http
        .get(format!("{url}/api/v1/track/{code}/stream"))
        .send()
        .await?;
    anyhow::ensure!(
        resp.status().is_success(),
        "stream refused: {}",
        resp.status()
    );
    tokio::spawn(async move {
        let mut body = resp.bytes_stream();
        let mut parser = SseParser::default();
        let mut first = true;
        let mut called_seen = false;
        while let Some(Ok(chunk)) = body.next().await {
            let at = Instant::now();
            for m in parser.push(&chunk) {
                let view: TrackView = serde_json::from_str(&m.data).expect("a TrackView");
                if first {
                    first = false;
                    let _ = tx.send(Seen::Holding);
                }
                frames.fetch_add(1, Ordering::Relaxed);
                // The first view naming a loket: called, or already serving when the officer
                // started before this stream looked (a view is the state now, not every step).
                if !called_seen && view.counter.is_some() {
                    called_seen = true;
                    let _ = tx.send(Seen::Called {
                        number: view.number,
                        serving: view.status != TicketStatus::Called,
                        at,
                    });
                }
            }
        }
    });
    Ok(())
}

/// The lokets call until `--calls` are made (or their queues run dry): each call's ticket number and
/// the instant its request was sent.
async fn call(url: &str, args: &Args) -> anyhow::Result<Vec<(String, Instant)>> {
    let (lokets, calls, pause) = (
        args.lokets,
        args.calls,
        Duration::from_millis(args.pause_ms),
    );
    let left = Arc::new(AtomicUsize::new(calls));
    let mut tasks = Vec::new();
    for loket in 1..=lokets {
        let anon = Client::new(url, None);
        let name = OFFICERS[(loket as usize - 1) / 2];
        let officer = anon.with_token(anon.login(name, PASSWORD).await?.token);
        let left = left.clone();
        tasks.push(tokio::spawn(async move {
            let mut made = Vec::new();
            while left
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let sent = Instant::now();
                let t = match officer.call_next(loket).await {
                    Ok(r) => r.ticket,
                    // This loket's services ran dry: it stops, the others go on.
                    Err(e) if e.code() == Some("queue_empty") => None,
                    Err(e) => return Err(e.into()),
                };
                let Some(t) = t else { break };
                made.push((t.number, sent));
                // The visitor walks to the loket, then the officer starts; the next call
                // finishes the visit.
                tokio::time::sleep(pause).await;
                officer.counter_action(loket, "start").await?;
            }
            anyhow::Ok(made)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    Ok(all)
}

async fn run(args: &Args, server: &ServerProcess) -> anyhow::Result<()> {
    let url = server.url.clone();
    let pid = server.pid();
    println!("| phase | wall s | server CPU s | of one core | server RSS after, MB |");
    println!("|---|---:|---:|---:|---:|");
    println!("| idle | – | – | – | {:.1} |", rss_mb(pid));
    let p = Phase::start(pid);
    let codes = issue(&url, args.phones as usize).await?;
    p.report(&format!("issue {} tickets", args.phones));

    if args.control {
        let p = Phase::start(pid);
        let made = call(&url, args).await?;
        p.report(&format!(
            "{} lokets make {} calls, no phone listening",
            args.lokets,
            made.len()
        ));
        return Ok(());
    }
    let p = Phase::start(pid);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let http = reqwest::Client::new();
    let frames = Arc::new(AtomicUsize::new(0));
    futures_util::stream::iter(codes)
        .map(|code| phone(http.clone(), url.clone(), code, tx.clone(), frames.clone()))
        .buffer_unordered(args.open_at_once)
        .collect::<Vec<anyhow::Result<()>>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<Vec<()>>>()?;
    let mut holding = 0;
    let mut called_at: HashMap<String, (Instant, bool)> = HashMap::new();
    while holding < args.phones as usize {
        match rx.recv().await {
            Some(Seen::Holding) => holding += 1,
            Some(Seen::Called {
                number,
                serving,
                at,
            }) => {
                called_at.entry(number).or_insert((at, serving));
            }
            None => anyhow::bail!("the phones' channel closed"),
        }
    }
    p.report(&format!("open {} streams", args.phones));
    let p = Phase::start(pid);
    tokio::time::sleep(Duration::from_secs(5)).await;
    p.report(&format!("{} streams held, nothing happens", args.phones));

    let p = Phase::start(pid);
    let frames_before = frames.load(Ordering::Relaxed);
    let made = call(&url, args).await?;
    p.report(&format!("{} lokets make {} calls", args.lokets, made.len()));
    // Every called ticket's phone must hear of it; wait a bounded while for the last ones.
    let deadline = Instant::now() + Duration::from_secs(10);
    while made.iter().any(|(n, _)| !called_at.contains_key(n)) {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(Seen::Called {
                number,
                serving,
                at,
            })) => {
                called_at.entry(number).or_insert((at, serving));
            }
            Ok(Some(Seen::Holding)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let sent = frames.load(Ordering::Relaxed) - frames_before;
    println!(
        "\nviews sent to phones during the calls: {sent} ({:.0} per call: the phones whose position changed)",
        sent as f64 / made.len().max(1) as f64
    );
    let mut ms: Vec<f64> = made
        .iter()
        .filter_map(|(n, sent)| {
            called_at
                .get(n)
                .map(|(at, _)| (*at - *sent).as_secs_f64() * 1e3)
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    let as_serving = made
        .iter()
        .filter(|(n, _)| called_at.get(n).is_some_and(|(_, s)| *s))
        .count();
    println!(
        "call → phone, {} calls to {} phones: received {}/{}; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        made.len(),
        args.phones,
        ms.len(),
        made.len(),
        pct(&ms, 0.5),
        pct(&ms, 0.95),
        pct(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "of which {as_serving} first seen as serving (the officer had started before the stream looked)"
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // One open file per phone here, and the server raises its own limit.
    let need = u64::from(args.phones) + 256;
    let soft = ticket_server::open_files::raise_soft_limit(need);
    anyhow::ensure!(
        soft.is_none_or(|s| s >= need),
        "{} open files allowed, {need} needed: raise the hard limit (ulimit -Hn)",
        soft.unwrap_or(0)
    );
    let bin = match &args.server {
        Some(b) => b.clone(),
        None => std::env::current_exe()?.with_file_name("ticket-server"),
    };
    let dir = tempfile::tempdir_in(std::env::current_dir()?)?;
    let server = start_server(&bin, dir.path())?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    tokio::time::timeout(Duration::from_secs(args.limit), run(&args, &server))
        .await
        .map_err(|_| anyhow::anyhow!("stopped after the {} s limit", args.limit))?
}
