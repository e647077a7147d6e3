//! The minute a day's booking quota opens (issue 14 item 7): 500 phones, each from its own
//! loopback address (127.0.x.y, so the per-address limit applies as it would to real phones), make
//! 10 booking attempts each — 5,000 attempts — for one session of 300 online seats. Exactly 300
//! must succeed and every other attempt must get a clear "full"; reported: the answers counted,
//! latency p50/p99/max, the server's RSS, and the seats counted again in the database.
//!
//! Run: `cargo build --release -p ticket-server -p antri-bench && target/release/antri-booking-bench`
//!
//! Bounded: 5,000 requests, each with a 30 s timeout; loopback only.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use antri_testkit::measure::{pct, rss_mb};
use antri_testkit::process::{serve_command, ServerProcess};
use clap::Parser;
use serde_json::json;
use ticket_server::config::Config;

#[derive(Parser)]
#[command(about = "Booking storm: N phones × M attempts for one session's seats")]
struct Args {
    #[arg(long, default_value_t = 500)]
    phones: u32,
    #[arg(long, default_value_t = 10)]
    attempts: u32,
    #[arg(long, default_value_t = 300)]
    seats: u32,
    /// The ticket-server binary (default: beside this one).
    #[arg(long)]
    server: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.phones <= 60_000 && args.attempts <= 100,
        "at most 60,000 phones × 100 attempts"
    );
    let bin = args.server.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .expect("own path")
            .with_file_name("ticket-server")
    });
    let dir = tempfile::tempdir()?;
    // The sample building, its new-passport 09:00 session with `seats` online seats.
    let mut doc = Config::example().document.as_ref().clone();
    let svc = doc
        .services
        .iter_mut()
        .find(|s| s.id == "paspor-baru")
        .expect("the sample has paspor-baru");
    svc.quota = None;
    svc.booking.as_mut().expect("bookable").seats_per_session = args.seats;
    Config::from_document(doc.clone())?;
    let config = dir.path().join("building.toml");
    std::fs::write(&config, toml::to_string(&doc)?)?;
    let db = dir.path().join("antri.db");
    // Monday 07:00 WIB, the moment Tuesday's seats are open (the clock runs from there).
    let mut cmd = serve_command(&bin, "2026-11-23T07:00:00+07:00");
    cmd.arg("--config")
        .arg(&config)
        .arg("--db")
        .arg(&db)
        // 4,700 refusals are the expected answer, not news.
        .env("RUST_LOG", "warn");
    let server = ServerProcess::start(&mut cmd)?;
    let url = server.url.clone();
    let idle = rss_mb(server.pid());

    let started = Instant::now();
    let mut phones = Vec::new();
    for p in 0..args.phones {
        let url = url.clone();
        let attempts = args.attempts;
        // 127.0.1.0 onwards: one address per phone.
        let ip = IpAddr::V4(Ipv4Addr::from(u32::from(Ipv4Addr::new(127, 0, 1, 0)) + p));
        phones.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .local_address(ip)
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client");
            let mut answers = Vec::new();
            for a in 0..attempts {
                // Each attempt another person (a family's phone), so refusals are about seats.
                let nik = format!("3275{:02}{:02}0885{:04}", 1 + p % 99, 1 + a, 1 + p / 99);
                let t = Instant::now();
                let r = http
                    .post(format!("{url}/api/v1/bookings"))
                    .json(&json!({"service": "paspor-baru", "date": "2026-11-24",
                                  "session": 1, "nik": nik}))
                    .send()
                    .await;
                let ms = t.elapsed().as_secs_f64() * 1e3;
                let answer = match r {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let body: serde_json::Value = r.json().await.unwrap_or_default();
                        let code = body["error"]["code"]
                            .as_str()
                            .unwrap_or("booked")
                            .to_string();
                        format!("{status} {code}")
                    }
                    Err(e) => format!("error {e}"),
                };
                answers.push((answer, ms));
            }
            answers
        }));
    }
    let mut counted: BTreeMap<String, u32> = BTreeMap::new();
    let mut ms = Vec::new();
    for p in phones {
        for (answer, t) in p.await? {
            *counted.entry(answer).or_default() += 1;
            ms.push(t);
        }
    }
    let elapsed = started.elapsed();
    let peak = rss_mb(server.pid());
    ms.sort_by(|a, b| a.total_cmp(b));
    drop(server);
    let stored: i64 = rusqlite::Connection::open(&db)?.query_row(
        "SELECT COUNT(*) FROM bookings WHERE date = '2026-11-24' AND session = 1",
        [],
        |r| r.get(0),
    )?;

    println!(
        "{} phones × {} attempts = {} booking attempts for {} seats, in {:.2} s",
        args.phones,
        args.attempts,
        ms.len(),
        args.seats,
        elapsed.as_secs_f64()
    );
    for (answer, n) in &counted {
        println!("  {answer}: {n}");
    }
    println!(
        "  latency p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} over 500 ms",
        pct(&ms, 0.5),
        pct(&ms, 0.95),
        pct(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN),
        ms.iter().filter(|t| **t > 500.0).count()
    );
    println!("  server RSS idle {idle:.1} MiB, after the storm {peak:.1} MiB");
    println!("  bookings stored for the session: {stored}");
    let booked = counted.get("201 booked").copied().unwrap_or(0);
    anyhow::ensure!(
        booked == args.seats && stored == args.seats as i64,
        "oversold or undersold: {booked} answered booked, {stored} stored, {} seats",
        args.seats
    );
    anyhow::ensure!(
        counted.len() == 2 && counted.contains_key("409 full"),
        "an attempt got something else than booked or full: {counted:?}"
    );
    Ok(())
}
