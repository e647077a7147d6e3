//! The demo hall, put together: the ticket server in this process (the real
//! `ticket_server::server::run` on an embedded SQLite file), the printer emulator, the kiosk and
//! hall display windows as child processes when there is a display, the simulation on request;
//! then wait for Ctrl-C or SIGTERM and stop everything in order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{bail, Context};
use ticket_server::clock::Clock;
use ticket_server::server::ServerOptions;
use tokio::signal::unix::{signal, SignalKind};

use crate::assets::Assets;
use crate::children::Children;
use crate::cli::Cli;
use crate::{clock, layout, printer, simulate};

const KIOSK_TOKEN: &str = "demo-kiosk-1-token";
const DISPLAY_TOKEN: &str = "demo-display-hall-token";

/// Yesterday's run is gone: each run is a fresh day. Only the demo's own files are removed.
fn fresh_day(data: &Path) -> anyhow::Result<()> {
    for f in ["antri.db", "antri.db-wal", "antri.db-shm"] {
        let p = data.join(f);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    for d in ["tickets", "announcements"] {
        let p = data.join(d);
        if p.exists() {
            std::fs::remove_dir_all(&p).with_context(|| format!("removing {}", p.display()))?;
        }
    }
    std::fs::create_dir_all(data.join("logs"))
        .with_context(|| format!("creating {}", data.join("logs").display()))
}

fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    Ok(if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    })
}

/// Run the demo until Ctrl-C, SIGTERM or SIGHUP.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    // Before anything is removed or started: without its assets the demo stops here and says why.
    let assets = Assets::locate(cli.assets.as_deref())?;
    let data = absolute(&cli.data_dir)?;
    fresh_day(&data)?;
    // The server's log goes to a file: the terminal keeps the short summary of where to look.
    let server_log = std::fs::File::create(data.join("logs/server.log"))?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(false)
        .with_writer(Mutex::new(server_log))
        .init();

    let start = if cli.real_clock {
        None
    } else {
        Some(
            cli.clock_start
                .unwrap_or_else(|| clock::default_start(chrono::Utc::now())),
        )
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(hall(cli, assets, data, start))
}

async fn hall(
    cli: Cli,
    assets: Assets,
    data: PathBuf,
    start: Option<chrono::DateTime<chrono::FixedOffset>>,
) -> anyhow::Result<()> {
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigterm = signal(SignalKind::terminate())?;
    // The terminal closing: stop cleanly rather than die and leave the printer emulator behind.
    let mut sighup = signal(SignalKind::hangup())?;
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (another Antri running?); pass e.g. --listen 127.0.0.1:8090",
                cli.listen
            )
        })?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let config = ticket_server::config::Config::example();
    let building = format!(
        "{} (the sample building: {} agencies, {} services, {} lokets)",
        config.building.name,
        config.agencies.len(),
        config.services.len(),
        config.counters.len()
    );
    let opts = ServerOptions {
        config,
        db_path: data.join("antri.db"),
        clock: start.map_or(Clock::System, Clock::starting_at),
    };
    let mut server = tokio::spawn(ticket_server::server::run(listener, opts, async move {
        let _ = stop_rx.await;
    }));
    let up = antri_wire::client::Client::new(&url, None);
    let mut tries = 0;
    while up.health().await.is_err() {
        if server.is_finished() || tries > 200 {
            let res = (&mut server).await;
            bail!("the ticket server did not start: {res:?}");
        }
        tries += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut children = Children::new(&data.join("logs"));
    let mut notes = Vec::new();
    let printer = match printer::ensure_emupos(&assets.checkout()).and_then(|exe| {
        let ports = (cli.printer_port, cli.printer_api_port);
        printer::start(&mut children, &exe, ports, &data, &data.join("tickets"))
            .map_err(|e| format!("{e:#}"))
    }) {
        Ok(p) => Some(p),
        Err(why) => {
            notes.push(format!(
                "NO PRINTER: the printer emulator is not available ({why}). The kiosk shows each \
                 number with its QR code on screen instead of printing it."
            ));
            None
        }
    };
    // Without the emulator the kiosk still needs a printer address; nothing listens on port 9 of
    // 127.0.0.1 (discard), so it reports the printer offline and shows the number on screen.
    let printer_uri = printer.as_ref().map_or("tcp:127.0.0.1:9".to_string(), |p| {
        format!("tcp:127.0.0.1:{}", p.tcp_port)
    });

    let display = std::env::var_os("DISPLAY").filter(|d| !d.is_empty());
    let mut windows = Vec::new();
    let mut kiosk_visitors = false;
    if cli.no_windows {
        notes.push("No windows (--no-windows).".into());
    } else if display.is_none() {
        notes.push(
            "NO DISPLAY: $DISPLAY is not set, so no kiosk or hall display window; everything \
             else runs. Take tickets with curl (README) or --simulate."
                .into(),
        );
    } else {
        // Side by side on this desktop; without an answer from X, plain windows of each shape.
        let layout = match antri_ui::screen::monitor() {
            Ok(desktop) => Some(layout::side_by_side(desktop)),
            Err(e) => {
                notes.push(format!(
                    "Window placement: {e}; the windows open at their own size."
                ));
                None
            }
        };
        let exe = std::env::current_exe()?;
        if !cli.no_kiosk {
            let cfg = data.join("kiosk.toml");
            std::fs::write(
                &cfg,
                format!(
                    "server = \"{url}\"\ntoken = \"{KIOSK_TOKEN}\"\nprinter = \"{printer_uri}\"\n\
                     logo = \"{}\"\nfooter = [\"Terima kasih atas kunjungan Anda\", \"Thank you for \
                     your visit\"]\n",
                    assets.logo().display()
                ),
            )?;
            let mut cmd = Command::new(&exe);
            cmd.arg("kiosk").arg("--config").arg(&cfg);
            if let Some(l) = &layout {
                cmd.arg("--geometry").arg(l.kiosk.to_string());
            }
            if cli.simulate {
                // Visitors tap through this kiosk, so their tickets are printed.
                match simulate::served_services(&url).await {
                    Ok(served) => {
                        let mut served: Vec<String> = served.into_iter().collect();
                        served.sort();
                        cmd.arg("--simulate-visitors").arg(served.join(","));
                        kiosk_visitors = true;
                    }
                    Err(e) => notes.push(format!("Simulated visitors: {e}; through the API.")),
                }
            }
            children.spawn("kiosk", cmd, true)?;
            windows.push("kiosk");
        }
        let player = which("aplay").filter(|_| !cli.quiet);
        let audio = match &player {
            Some(_) => "player = [\"aplay\", \"-q\"]".to_string(),
            None => format!("wav_dir = \"{}\"", data.join("announcements").display()),
        };
        let cfg = data.join("display.toml");
        std::fs::write(
            &cfg,
            format!(
                "server = \"{url}\"\ntoken = \"{DISPLAY_TOKEN}\"\nmode = \"hall\"\nrunning_text = \
                 \"Selamat datang di Mal Pelayanan Publik. Siapkan KTP-el Anda. · Welcome: please \
                 have your ID card ready.\"\n[audio]\n{audio}\n"
            ),
        )?;
        let mut cmd = Command::new(&exe);
        cmd.arg("display").arg("--config").arg(&cfg);
        if let Some(l) = &layout {
            cmd.arg("--geometry").arg(l.display.to_string());
        }
        children.spawn("display", cmd, true)?;
        windows.push("hall display");
        if player.is_none() {
            notes.push(format!(
                "Spoken calls are written as WAV files to {}.",
                data.join("announcements").display()
            ));
        }
    }
    let sim = if cli.simulate {
        if !kiosk_visitors {
            notes.push(
                "Simulated visitors take tickets through the API (no kiosk window), so nothing \
                 is printed."
                    .into(),
            );
        }
        simulate::start(&url, !kiosk_visitors)
    } else {
        Vec::new()
    };

    banner(
        &building,
        &url,
        &assets,
        &data,
        start,
        printer.as_ref(),
        &windows,
        cli.simulate,
        &notes,
    );

    let why = loop {
        tokio::select! {
            _ = sigint.recv() => break "Ctrl-C".to_string(),
            _ = sigterm.recv() => break "SIGTERM".to_string(),
            _ = sighup.recv() => break "SIGHUP".to_string(),
            res = &mut server => {
                // The server ended by itself: nothing else makes sense without it.
                for t in &sim { t.abort(); }
                tokio::task::block_in_place(|| children.stop_all());
                return match res {
                    Ok(Ok(())) => bail!("the ticket server stopped"),
                    Ok(Err(e)) => Err(e.context("the ticket server failed")),
                    Err(e) => bail!("the ticket server panicked: {e}"),
                };
            }
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                if let Some((name, status)) = children.ended() {
                    println!("antri-demo: the {name} ended ({status}); see {}; the rest keeps running",
                        children.log_path(&name).display());
                    // Forget it, so it is not reported again.
                    tokio::task::block_in_place(|| children.forget_ended());
                }
            }
        }
    };
    println!("antri-demo: {why}: stopping …");
    for t in &sim {
        t.abort();
    }
    // Windows and printer first, so they do not report the server gone; then the server, which
    // finishes its last write and closes the database.
    tokio::task::block_in_place(|| children.stop_all());
    let _ = stop_tx.send(());
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e.context("the ticket server failed while stopping")),
        Err(e) => bail!("the ticket server panicked while stopping: {e}"),
    }
    println!(
        "antri-demo: stopped; database closed: {}",
        data.join("antri.db").display()
    );
    Ok(())
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

#[allow(clippy::too_many_arguments)] // one summary of everything that was started
fn banner(
    building: &str,
    url: &str,
    assets: &Assets,
    data: &Path,
    start: Option<chrono::DateTime<chrono::FixedOffset>>,
    printer: Option<&printer::Printer>,
    windows: &[&str],
    simulate: bool,
    notes: &[String],
) {
    let clock = match start {
        Some(s) => format!(
            "hall clock starts {} and runs at real speed",
            s.format("%a %Y-%m-%d %H:%M %:z")
        ),
        None => "hall clock is this machine's clock".into(),
    };
    let mut out = format!(
        "\nAntri demo: {building}\n\
         \n  ticket server    {url}   ({clock})\n\
         \x20 officer console  {url}/officer     petugas1 … petugas12 / antri\n\
         \x20 dashboard        {url}/dashboard   supervisor / antri   (admin / antri)\n\
         \x20 database         {}\n",
        data.join("antri.db").display()
    );
    match printer {
        Some(p) => out.push_str(&format!(
            "  printed tickets  {}/   (PNG picture + text of each ticket)\n\
             \x20 printer          emulator on tcp:127.0.0.1:{} (ESC/POS), its API on http://127.0.0.1:{}\n",
            p.tickets.display(),
            p.tcp_port,
            p.api_port
        )),
        None => out.push_str("  printed tickets  none: no printer emulator\n"),
    }
    if !windows.is_empty() {
        out.push_str(&format!("  windows          {}\n", windows.join(", ")));
    }
    if simulate {
        let lokets: Vec<String> = simulate::OFFICERS
            .iter()
            .map(|(u, n)| format!("{u}@{n}"))
            .collect();
        out.push_str(&format!(
            "  simulation       visitors every 4–12 s (at the kiosk when it has a window); officers {} (petugas7 … petugas12 are yours)\n",
            lokets.join(" ")
        ));
    }
    out.push_str(&format!(
        "  logs             {}/\n",
        data.join("logs").display()
    ));
    out.push_str(&format!("  assets           {}/\n", assets.dir().display()));
    for n in notes {
        out.push_str(&format!("\n  {n}\n"));
    }
    out.push_str("\nCtrl-C stops everything.\n");
    print!("{out}");
    let _ = std::io::stdout().flush();
}
