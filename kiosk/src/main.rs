//! The kiosk program: parses its arguments and runs [`kiosk::app::run`] (the window and the
//! wiring live in the library so the `antri-demo` launcher runs the very same program).
//! `kiosk example-config` prints a commented config.

use std::path::PathBuf;
use std::time::Instant;

use antri_ui::screen::{Area, Placement};
use clap::{Parser, Subcommand};
use kiosk::config::EXAMPLE;

#[derive(Parser)]
#[command(about = "Antri touchscreen kiosk: visitors take a queue ticket")]
struct Args {
    /// Kiosk config file (see `kiosk example-config`).
    #[arg(long, short, env = "ANTRI_KIOSK_CONFIG", default_value = "kiosk.toml")]
    config: PathBuf,
    /// Run in a normal window instead of full screen (for trying it on a desktop): the kiosk's
    /// shape, as large as fits the monitor.
    #[arg(long)]
    windowed: bool,
    /// Open the window at this place instead of full screen, in X11 geometry syntax
    /// (WIDTHxHEIGHT+X+Y, e.g. 540x960+0+0); the screens are scaled to fit.
    #[arg(long, value_name = "WxH+X+Y", conflicts_with = "windowed")]
    geometry: Option<Area>,
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
    let placement = match (args.geometry, args.windowed) {
        (Some(area), _) => Placement::Window(area),
        (None, true) => Placement::Windowed,
        (None, false) => Placement::FullScreen,
    };
    kiosk::app::run(&args.config, placement, None, started)
}
