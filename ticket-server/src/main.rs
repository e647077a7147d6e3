//! `ticket-server`: parses arguments, binds, and calls [`ticket_server::server::run`].

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};
use ticket_server::server::{run, ServerOptions};

#[derive(Parser)]
#[command(
    name = "ticket-server",
    version,
    about = "Antri ticket server: the one authority for a building's queues"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API (the default).
    Serve(ServeArgs),
    /// Print the commented example configuration.
    ExampleConfig,
    /// Check a configuration file and report every problem.
    CheckConfig { path: PathBuf },
    /// Read a password from standard input and print its argon2 hash for the config file.
    HashPassword,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Building configuration (TOML). Without it, the sample building in assets/ is used.
    #[arg(long, env = "ANTRI_CONFIG")]
    config: Option<PathBuf>,
    /// SQLite database file; created if missing.
    #[arg(long, env = "ANTRI_DB", default_value = "data/antri.db")]
    db: PathBuf,
    /// Address to listen on. In a building, the server's LAN address (e.g. 0.0.0.0:8080).
    #[arg(long, env = "ANTRI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Start the server's clock at this instant (RFC 3339) and let it run at real speed: for demos
    /// and tests that must not depend on the hour they run at. Never in a real building.
    #[arg(long)]
    clock_start: Option<DateTime<FixedOffset>>,
    /// Log as JSON lines (for a log collector) instead of text.
    #[arg(long)]
    log_json: bool,
}

impl Default for ServeArgs {
    /// `ticket-server` with no subcommand serves with the defaults (and the environment).
    fn default() -> Self {
        match Cli::parse_from(["ticket-server", "serve"]).command {
            Some(Cmd::Serve(args)) => args,
            _ => unreachable!("\"serve\" parses as the serve subcommand"),
        }
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Cmd::ExampleConfig) => {
            print!("{EXAMPLE_TOML}");
            Ok(())
        }
        Some(Cmd::CheckConfig { path }) => {
            let c = Config::load(&path)?;
            println!(
                "{}: ok — {} agencies, {} services, {} lokets, {} users, {} devices",
                path.display(),
                c.agencies.len(),
                c.services.len(),
                c.counters.len(),
                c.users.len(),
                c.devices.len()
            );
            Ok(())
        }
        Some(Cmd::HashPassword) => {
            if std::io::stdin().is_terminal() {
                eprint!("password: ");
                std::io::stderr().flush()?;
            }
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let pw = line.trim_end_matches(['\n', '\r']);
            anyhow::ensure!(!pw.is_empty(), "empty password");
            println!(
                "{}",
                ticket_server::auth::hash_password(pw).map_err(|e| anyhow::anyhow!("{e}"))?
            );
            Ok(())
        }
        Some(Cmd::Serve(args)) => serve(args),
        None => serve(ServeArgs::default()),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        builder.json().init();
    } else {
        builder.init();
    }
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::example(),
    };
    if let Some(dir) = args.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let clock = args.clock_start.map_or(Clock::System, Clock::starting_at);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let addr = listener.local_addr()?;
        // Scripts and tests wait for this line to know the port.
        println!("listening on http://{addr}");
        std::io::stdout().flush()?;
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        };
        run(
            listener,
            ServerOptions {
                config,
                db_path: args.db,
                clock,
            },
            shutdown,
        )
        .await
    })
}
