//! `ticket-server`: parses arguments, binds, and calls [`ticket_server::server::run`].

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};
use ticket_server::api::hygiene::{HttpLimits, DEFAULT_MAX_CONNECTIONS};
use ticket_server::auth::{AuthOptions, SessionPolicy};
use ticket_server::clock::Clock;
use ticket_server::config::{Config, EXAMPLE_TOML};
use ticket_server::server::{ServerOptions, Settings};

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
    /// Fill a new database with a realistic, seeded history (offline; refuses a database in use).
    History(HistoryArgs),
    /// Copy the database to a backup file; safe while the server runs and writes.
    Backup {
        /// The live database.
        #[arg(long, env = "ANTRI_DB", default_value = "data/antri.db")]
        db: PathBuf,
        /// The backup file to write (replaced only once the new copy is complete and checked).
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace a database by a backup: refuses while a server runs on it; checks and migrates.
    Restore {
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// The database to replace (created if missing).
        #[arg(long, env = "ANTRI_DB", default_value = "data/antri.db")]
        db: PathBuf,
    },
}

#[derive(clap::Args)]
struct HistoryArgs {
    /// Building configuration (TOML). Without it, the sample building in assets/ is used.
    #[arg(long, env = "ANTRI_CONFIG")]
    config: Option<PathBuf>,
    /// The new database file.
    #[arg(long)]
    db: PathBuf,
    /// Calendar days of history (closed days included).
    #[arg(long, default_value_t = 90)]
    days: u32,
    /// The last day of the history (YYYY-MM-DD, building's local date); default yesterday.
    #[arg(long)]
    end: Option<chrono::NaiveDate>,
    /// The same seed gives the same history.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Multiplies every service's demand (1.0: a typical MPP of this size).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
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
    /// Also serve the visitor-facing routes alone (booking and tracking pages and their API) on
    /// this address, for a TLS reverse proxy facing the internet (e.g. 127.0.0.1:8081; see
    /// docs/deploy.md). Nothing of the staff, devices or admin answers there.
    #[arg(long, env = "ANTRI_PUBLIC_LISTEN")]
    public_listen: Option<SocketAddr>,
    /// Start the server's clock at this instant (RFC 3339) and let it run at real speed: for demos
    /// and tests that must not depend on the hour they run at. Never in a real building.
    #[arg(long)]
    clock_start: Option<DateTime<FixedOffset>>,
    /// Log as JSON lines (for a log collector) instead of text.
    #[arg(long)]
    log_json: bool,
    /// Serve even though the configuration holds the sample's passwords or device tokens on a LAN
    /// address: for a demo on a LAN only, never in a building.
    #[arg(long)]
    allow_sample_credentials: bool,
    /// A session unused for this long ends (e.g. 4h, 90m).
    #[arg(long, default_value = "4h", value_parser = parse_duration)]
    session_idle: chrono::Duration,
    /// Every session ends this long after its login (e.g. 16h).
    #[arg(long, default_value = "16h", value_parser = parse_duration)]
    session_max: chrono::Duration,
    /// Connections served at once, per listener: every phone following its ticket holds one, and
    /// so does every display, kiosk and staff page. The open files limit is raised to fit (see
    /// LimitNOFILE in the systemd unit).
    #[arg(long, env = "ANTRI_MAX_CONNECTIONS", default_value_t = DEFAULT_MAX_CONNECTIONS,
          value_parser = parse_connections)]
    max_connections: usize,
}

fn parse_connections(s: &str) -> Result<usize, String> {
    let range = ticket_server::config::limits::MAX_CONNECTIONS;
    match s.parse::<usize>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{s:?}: use a number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

/// `90s`, `30m`, `4h` or `2d`.
fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = n
        .parse()
        .map_err(|_| format!("{s:?}: a number then s, m, h or d, e.g. 4h"))?;
    let secs_per_unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: the unit is s, m, h or d, e.g. 4h")),
    };
    if n <= 0 {
        return Err(format!("{s:?}: must be longer than nothing"));
    }
    // Range-checked before any arithmetic: chrono panics on a duration out of its range, and a
    // session longer than a year is a mistake, not a policy.
    const YEAR: i64 = 366 * 86_400;
    match n.checked_mul(secs_per_unit) {
        Some(secs) if secs <= YEAR => Ok(chrono::Duration::seconds(secs)),
        _ => Err(format!("{s:?}: at most a year (366d)")),
    }
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
            let checker = ticket_server::auth::password::Checker::default();
            let weak = ticket_server::security::findings(&c, |h, p| checker.verify(h, p));
            if !weak.is_empty() {
                println!(
                    "{}: {} secret(s) anyone can know or guess; the server refuses them on a LAN address:",
                    path.display(),
                    weak.len()
                );
                for f in &weak {
                    println!("  - {f}");
                }
                anyhow::bail!("{}: fix the secrets above", path.display());
            }
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
        Some(Cmd::History(args)) => history(args),
        Some(Cmd::Backup { db, to }) => {
            let s = ticket_server::store::backup::backup(&db, &to)?;
            println!(
                "backed up {} to {}: {} tickets, {} events, last day {}",
                db.display(),
                to.display(),
                s.tickets,
                s.events,
                s.last_day.as_deref().unwrap_or("-")
            );
            Ok(())
        }
        Some(Cmd::Restore { from, db }) => {
            let s = ticket_server::store::backup::restore(&from, &db)?;
            println!(
                "restored {} into {}: integrity ok, {} tickets, {} events, last day {}",
                from.display(),
                db.display(),
                s.tickets,
                s.events,
                s.last_day.as_deref().unwrap_or("-")
            );
            Ok(())
        }
        Some(Cmd::Serve(args)) => serve(args),
        None => serve(ServeArgs::default()),
    }
}

fn history(args: HistoryArgs) -> anyhow::Result<()> {
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::example(),
    };
    anyhow::ensure!(
        args.scale > 0.0 && args.scale.is_finite(),
        "--scale must be a positive number, not {}",
        args.scale
    );
    let end = args.end.unwrap_or_else(|| {
        config
            .building
            .zone
            .local_date(chrono::Utc::now())
            .pred_opt()
            .expect("dates do not run out")
    });
    if let Some(dir) = args.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let started = std::time::Instant::now();
    let r = ticket_server::history::generate(
        std::sync::Arc::new(config),
        &args.db,
        &ticket_server::history::Options {
            days: args.days,
            end,
            seed: args.seed,
            scale: args.scale,
        },
    )?;
    println!(
        "{}: {} open days up to {end}, {} tickets, {} events, {} visitors turned away, in {:.1} s",
        args.db.display(),
        r.open_days,
        r.tickets,
        r.events,
        r.turned_away,
        started.elapsed().as_secs_f64()
    );
    Ok(())
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
        None => {
            tracing::warn!(
                "no --config given: serving the SAMPLE building with its well-known passwords and device tokens; \
                 write your own with `ticket-server example-config > building.toml` and start with --config building.toml"
            );
            Config::example()
        }
    };
    // Before binding, so a refused start never says "listening"; the server checks again the
    // configuration the database may hold.
    if !args.listen.ip().is_loopback() && !args.allow_sample_credentials {
        let checker = ticket_server::auth::password::Checker::default();
        let weak = ticket_server::security::findings(&config, |h, p| checker.verify(h, p));
        ticket_server::security::startup_verdict(args.listen, &weak, false)
            .map_err(|m| anyhow::anyhow!(m))?;
    }
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
        let public = match args.public_listen {
            Some(at) => Some(
                tokio::net::TcpListener::bind(at)
                    .await
                    .with_context(|| format!("cannot listen on {at} (--public-listen)"))?,
            ),
            None => None,
        };
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        };
        let settings = Settings {
            allow_sample_credentials: args.allow_sample_credentials,
            auth: AuthOptions {
                sessions: SessionPolicy {
                    idle: args.session_idle,
                    absolute: args.session_max,
                },
                ..AuthOptions::default()
            },
            http: HttpLimits {
                max_connections: args.max_connections,
                ..HttpLimits::default()
            },
            ..Settings::default()
        };
        ticket_server::server::run_with_public(
            listener,
            public,
            ServerOptions {
                config,
                db_path: args.db,
                clock,
            },
            settings,
            shutdown,
        )
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_connections, parse_duration};

    #[test]
    fn the_connection_limit_is_range_checked() {
        assert_eq!(parse_connections("4096"), Ok(4096));
        for bad in ["0", "15", "100001", "-1", "many", ""] {
            let e = parse_connections(bad).unwrap_err();
            assert!(e.contains("from 16 to 100000"), "{bad}: {e}");
        }
    }

    #[test]
    fn durations_are_read_and_range_checked_without_panicking() {
        assert_eq!(parse_duration("4h"), Ok(chrono::Duration::hours(4)));
        assert_eq!(parse_duration("90m"), Ok(chrono::Duration::minutes(90)));
        assert_eq!(parse_duration("366d"), Ok(chrono::Duration::days(366)));
        for (bad, says) in [
            ("9999999999999999h", "at most a year"),
            ("367d", "at most a year"),
            ("0h", "longer than nothing"),
            ("4w", "the unit"),
            ("h", "a number"),
            ("99999999999999999999s", "a number"),
        ] {
            let e = parse_duration(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
