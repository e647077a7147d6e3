//! The launcher's arguments. The roles are hidden: they are how the launcher starts the real kiosk
//! and display programs (the same `kiosk::app::run` and `counter_display::app::run` the `kiosk`
//! and `counter-display` binaries call) as child processes of its own executable.

use std::net::SocketAddr;
use std::path::PathBuf;

use antri_ui::screen::Area;
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "antri-demo",
    about = "Bring up a whole Antri hall on this machine: ticket server (sample building, SQLite), \
             kiosk and hall display windows, printer emulator; --simulate adds visitors and officers"
)]
pub struct Cli {
    /// Where the ticket server listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The printer emulator's raw ESC/POS port on 127.0.0.1 (where the kiosk prints; a network
    /// printer's is 9100).
    #[arg(long, default_value_t = 9100)]
    pub printer_port: u16,
    /// The printer emulator's own HTTP API port on 127.0.0.1 (status, faults).
    #[arg(long, default_value_t = 9101)]
    pub printer_api_port: u16,
    /// Database, printed tickets, configs and logs of the demo. Emptied of the last run's day at
    /// start: each run is a fresh morning.
    #[arg(long, default_value = "data/demo")]
    pub data_dir: PathBuf,
    /// Antri's assets/ folder (the printer logo; the printer emulator is found in `.venv/` beside
    /// it). Default: the assets/ of the checkout around the current directory, else around the
    /// executable.
    #[arg(long, env = "ANTRI_ASSETS")]
    pub assets: Option<PathBuf>,
    /// Simulated visitors take tickets and simulated officers serve them on six lokets.
    #[arg(long)]
    pub simulate: bool,
    /// No windows even when a display is available.
    #[arg(long)]
    pub no_windows: bool,
    /// No kiosk window (e.g. when a real kiosk, or a test's kiosk, prints to the emulator).
    #[arg(long)]
    pub no_kiosk: bool,
    /// Write the hall display's spoken calls as WAV files under the data dir instead of playing
    /// them.
    #[arg(long)]
    pub quiet: bool,
    /// Start the hall's clock here (RFC 3339) instead of 09:00 WIB of the last Monday–Thursday.
    #[arg(long, conflicts_with = "real_clock")]
    pub clock_start: Option<DateTime<FixedOffset>>,
    /// Use the machine's clock: services are closed outside the sample building's opening hours.
    #[arg(long)]
    pub real_clock: bool,
    #[command(subcommand)]
    pub role: Option<Role>,
}

#[derive(Subcommand, Debug)]
pub enum Role {
    /// (internal) Run the kiosk program.
    #[command(hide = true)]
    Kiosk {
        #[arg(long)]
        config: PathBuf,
        /// Where its window goes (X11 geometry); a plain desktop window without.
        #[arg(long)]
        geometry: Option<Area>,
        /// Simulated visitors take tickets through this kiosk, for these services
        /// (comma-separated ids).
        #[arg(long, value_delimiter = ',')]
        simulate_visitors: Option<Vec<String>>,
    },
    /// (internal) Run the counter-display program.
    #[command(hide = true)]
    Display {
        #[arg(long)]
        config: PathBuf,
        #[arg(long)]
        geometry: Option<Area>,
    },
}
