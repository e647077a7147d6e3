//! The display's settings: one TOML file, checked at start with clear errors.
//!
//! The commented example ([`EXAMPLE`], printed by `counter-display example-config`) is the
//! documentation of every setting, and a test parses it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The commented example configuration.
pub const EXAMPLE: &str = include_str!("../display.example.toml");

#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Base URL of the ticket server, e.g. `http://192.168.1.10:8080`.
    pub server: String,
    /// The display's device token (`[[devices]]` of kind `display` in the server's config).
    pub token: String,
    #[serde(default)]
    pub mode: Mode,
    /// The loket this display hangs above (loket mode).
    pub loket: Option<u32>,
    #[serde(default)]
    pub running_text: String,
    /// A PNG or SVG shown beside the building's name.
    pub logo: Option<PathBuf>,
    /// Seconds without the server before the "offline" mark shows.
    #[serde(default = "default_offline_after")]
    pub offline_after_secs: u64,
    #[serde(default)]
    pub audio: Audio,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Hall,
    Loket,
}

#[derive(Debug, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Audio {
    /// Announce calls at all: the hall display every call, a loket display only its own loket's.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Repeat each call in English after the Indonesian.
    #[serde(default = "yes")]
    pub english: bool,
    /// 0–100.
    #[serde(default = "default_volume")]
    pub volume: u8,
    /// Keep the queue running but play nothing (e.g. during a ceremony).
    #[serde(default)]
    pub mute: bool,
    /// The player fed each announcement as a WAV on stdin.
    #[serde(default = "default_player")]
    pub player: Vec<String>,
    /// Instead of playing, write each announcement as a WAV file here.
    pub wav_dir: Option<PathBuf>,
    /// Recorded clips that replace the built-in ones (same names, 16 kHz mono 16-bit).
    pub clips_dir: Option<PathBuf>,
}

impl Default for Audio {
    fn default() -> Self {
        Audio {
            enabled: true,
            english: true,
            volume: default_volume(),
            mute: false,
            player: default_player(),
            wav_dir: None,
            clips_dir: None,
        }
    }
}

fn yes() -> bool {
    true
}
fn default_volume() -> u8 {
    90
}
fn default_offline_after() -> u64 {
    5
}
fn default_player() -> Vec<String> {
    vec!["aplay".into(), "-q".into()]
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    /// The loket whose calls this display shows large and speaks: its `loket` in loket mode,
    /// `None` for the hall display (which speaks every call, whatever `loket` says).
    pub fn own_loket(&self) -> Option<u32> {
        match self.mode {
            Mode::Hall => None,
            Mode::Loket => self.loket,
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text).map_err(|source| ConfigError::Parse {
            path: path.into(),
            source: Box::new(source),
        })?;
        let invalid = |message: &str| ConfigError::Invalid {
            path: path.into(),
            message: message.into(),
        };
        if !(c.server.starts_with("http://") || c.server.starts_with("https://")) {
            return Err(invalid(
                "`server` must be a URL like http://192.168.1.10:8080",
            ));
        }
        if c.token.trim().is_empty() {
            return Err(invalid("`token` is empty: use the display's device token"));
        }
        if c.mode == Mode::Loket && c.loket.is_none() {
            return Err(invalid(
                "mode = \"loket\" needs `loket = N` (the loket this display hangs above)",
            ));
        }
        if c.audio.volume > 100 {
            return Err(invalid("`audio.volume` is 0–100"));
        }
        if c.audio.player.is_empty() {
            return Err(invalid("`audio.player` is empty; e.g. [\"aplay\", \"-q\"]"));
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let c = Config::parse(EXAMPLE, Path::new("display.example.toml")).unwrap();
        assert_eq!(c.mode, Mode::Hall);
        assert_eq!(c.token, "demo-display-hall-token");
        assert!(c.audio.enabled && c.audio.english);
    }

    #[test]
    fn mistakes_get_clear_errors() {
        let p = Path::new("d.toml");
        let err = |t: &str| Config::parse(t, p).unwrap_err().to_string();
        assert!(err("server = \"x\"\ntoken = \"t\"").contains("must be a URL"));
        assert!(
            err("server = \"http://a\"\ntoken = \"t\"\nmode = \"loket\"").contains("loket = N")
        );
        assert!(
            err("server = \"http://a\"\ntoken = \"t\"\n[audio]\nvolume = 150").contains("0–100")
        );
        assert!(err("server = \"http://a\"\ntoken = \"t\"\nmode = \"wall\"")
            .contains("unknown variant"));
        assert!(err("server = \"http://a\"\ntokn = \"t\"").contains("tokn"));
        let ok = Config::parse(
            "server = \"http://a\"\ntoken = \"t\"\nmode = \"loket\"\nloket = 3",
            p,
        )
        .unwrap();
        assert_eq!((ok.mode, ok.loket), (Mode::Loket, Some(3)));
        assert_eq!(ok.own_loket(), Some(3));
        let hall = Config::parse(
            "server = \"http://a\"\ntoken = \"t\"\nmode = \"hall\"\nloket = 3",
            Path::new("d.toml"),
        )
        .unwrap();
        assert_eq!(hall.own_loket(), None, "the hall speaks every call");
    }
}
