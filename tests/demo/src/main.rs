//! `antri-demo`: the whole hall on this machine (see the `antri_demo` library). Also runs, as hidden
//! roles of the same executable, the real kiosk and display programs for its windows.

use std::time::Instant;

use antri_demo::children::exit_when_parent_goes;
use antri_demo::cli::{Cli, Role};
use antri_demo::hall;
use antri_ui::screen::Placement;
use clap::Parser;

fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    let cli = Cli::parse();
    match cli.role {
        None => hall::run(cli),
        Some(role) => {
            tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| "info".into()),
                )
                .with_ansi(false)
                .init();
            exit_when_parent_goes();
            match role {
                Role::Kiosk {
                    config,
                    geometry,
                    simulate_visitors,
                } => kiosk::app::run(
                    &config,
                    geometry.map_or(Placement::Windowed, Placement::Window),
                    simulate_visitors.map(kiosk::visitors::Pace::demo),
                    started,
                ),
                Role::Display { config, geometry } => counter_display::app::run(
                    counter_display::config::Config::load(&config)?,
                    geometry.map_or(Placement::Windowed, Placement::Window),
                ),
            }
        }
    }
}
