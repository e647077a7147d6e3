//! The kiosk program: parses its arguments and runs [`kiosk::app::run`] (the window and the
//! wiring live in the library so the `antri-demo` launcher runs the very same program).
//! `kiosk example-config` prints a commented config.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, Subcommand};
use kiosk::config::EXAMPLE;

#[derive(Parser)]
#[command(about = "Antri touchscreen kiosk: visitors take a queue ticket")]
struct Args {
    /// Kiosk config file (see `kiosk example-config`).
    #[arg(long, short, env = "ANTRI_KIOSK_CONFIG", default_value = "kiosk.toml")]
    config: PathBuf,
    /// Run in a normal window instead of full screen (for trying it on a desktop).
    #[arg(long)]
    windowed: bool,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print a commented example config.
    ExampleConfig,
}

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    if let Some(Cmd::ExampleConfig) = args.command {
        print!("{EXAMPLE}");
        return Ok(());
    }
    kiosk::app::run(&args.config, args.windowed, started)
}
