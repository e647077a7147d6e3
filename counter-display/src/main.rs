//! `counter-display`: the hall's wall display or the display above one loket.
//!
//! This file only parses arguments; the program itself is [`counter_display::app::run`], in the
//! library so the `antri-demo` launcher runs the very same program (see `lib.rs` for the map).
//!
//! ```text
//! counter-display --config display.toml          run (mode from the config)
//! counter-display example-config                 print the commented example config
//! counter-display say KTP-012 3 --out call.wav   render one announcement to a WAV file
//! ```

use std::path::PathBuf;

use antri_ui::screen::{Area, Placement};
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use counter_display::app::{load_clips, run};
use counter_display::config::Config;
use counter_display::speech::render::{render, to_wav};
use counter_display::speech::words::announcement;

#[derive(Parser)]
#[command(
    name = "counter-display",
    about = "Antri wall display and loket display"
)]
struct Args {
    /// The display's TOML config (see `example-config`).
    #[arg(long, env = "ANTRI_DISPLAY_CONFIG", default_value = "display.toml")]
    config: PathBuf,
    /// Run in a window instead of full screen (for trying it on a desktop).
    #[arg(long)]
    windowed: bool,
    /// Open the window at this place instead of full screen, in X11 geometry syntax
    /// (WIDTHxHEIGHT+X+Y, e.g. 960x540+0+0); the screen is scaled to fit.
    #[arg(long, value_name = "WxH+X+Y", conflicts_with = "windowed")]
    geometry: Option<Area>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the commented example configuration.
    ExampleConfig,
    /// Render the announcement of one call to a WAV file (to listen to it, or to check clips).
    Say {
        /// The ticket number as printed, e.g. KTP-012.
        number: String,
        /// The loket it is called to.
        loket: u32,
        #[arg(long)]
        out: PathBuf,
        /// Add the English part.
        #[arg(long)]
        english: bool,
        #[arg(long, default_value_t = 90)]
        volume: u8,
        /// Recorded clips replacing the built-in ones.
        #[arg(long)]
        clips_dir: Option<PathBuf>,
    },
}

fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,counter_display=info".into()),
        )
        .init();
    let args = Args::parse();
    match args.command {
        Some(Command::ExampleConfig) => {
            print!("{}", counter_display::config::EXAMPLE);
            Ok(())
        }
        Some(Command::Say {
            number,
            loket,
            out,
            english,
            volume,
            clips_dir,
        }) => {
            if volume > 100 {
                bail!("--volume is 0–100");
            }
            let clips = load_clips(clips_dir.as_deref())?;
            let samples = render(&announcement(&number, loket, english), &clips, volume)?;
            std::fs::write(&out, to_wav(&samples)?)
                .with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{}: {:.2} s",
                out.display(),
                samples.len() as f32 / 16_000.0
            );
            Ok(())
        }
        None => {
            let placement = match (args.geometry, args.windowed) {
                (Some(area), _) => Placement::Window(area),
                (None, true) => Placement::Windowed,
                (None, false) => Placement::FullScreen,
            };
            run(Config::load(&args.config)?, placement)
        }
    }
}
