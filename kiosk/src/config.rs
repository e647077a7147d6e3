//! The kiosk's TOML config. The commented example (`kiosk.example.toml`) is embedded, printed by
//! `kiosk example-config`, and parsed by a test, so the documentation of every setting cannot
//! drift from the code.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::controller::{Lang, Timings};
use crate::printer::ticket::PaperWidth;
use crate::printer::uri::PrinterUri;

pub const EXAMPLE: &str = include_str!("../kiosk.example.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    server: String,
    token: String,
    printer: String,
    #[serde(default = "default_paper")]
    paper_width: PaperWidth,
    #[serde(default)]
    logo: Option<PathBuf>,
    #[serde(default)]
    footer: Vec<String>,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_idle")]
    idle_timeout_secs: u64,
    #[serde(default = "default_result")]
    result_secs: u64,
    #[serde(default = "default_not_printed")]
    not_printed_secs: u64,
    #[serde(default = "default_poll")]
    printer_poll_secs: u64,
    #[serde(default = "default_scan_gap")]
    scanner_key_gap_ms: u64,
}

fn default_paper() -> PaperWidth {
    PaperWidth::Mm80
}
fn default_language() -> String {
    "id".into()
}
fn default_idle() -> u64 {
    60
}
fn default_result() -> u64 {
    8
}
fn default_not_printed() -> u64 {
    60
}
fn default_poll() -> u64 {
    5
}
fn default_scan_gap() -> u64 {
    300
}

#[derive(Clone, Debug)]
pub struct Config {
    pub server: String,
    pub token: String,
    pub printer: PrinterUri,
    pub paper: PaperWidth,
    /// Absolute path (resolved against the config file's directory).
    pub logo: Option<PathBuf>,
    pub footer: Vec<String>,
    pub language: Lang,
    pub timings: Timings,
    pub printer_poll: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read kiosk config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("kiosk config {path}: {source}")]
    Toml {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("kiosk config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// `path` names the file in errors and anchors a relative logo path.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: Raw = toml::from_str(text).map_err(|source| ConfigError::Toml {
            path: path.to_path_buf(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        if !(raw.server.starts_with("http://") || raw.server.starts_with("https://")) {
            return Err(invalid(format!(
                "server = \"{}\" must be an http:// or https:// URL",
                raw.server
            )));
        }
        if raw.token.trim().is_empty() {
            return Err(invalid(
                "token is empty; use this kiosk's device token from the server config".into(),
            ));
        }
        let printer = raw.printer.parse().map_err(|e| invalid(format!("{e}")))?;
        let language = match raw.language.as_str() {
            "id" => Lang::Id,
            "en" => Lang::En,
            other => {
                return Err(invalid(format!(
                    "language = \"{other}\": use \"id\" or \"en\""
                )))
            }
        };
        for (name, v) in [
            ("idle_timeout_secs", raw.idle_timeout_secs),
            ("result_secs", raw.result_secs),
            ("not_printed_secs", raw.not_printed_secs),
            ("printer_poll_secs", raw.printer_poll_secs),
            ("scanner_key_gap_ms", raw.scanner_key_gap_ms),
        ] {
            if v == 0 {
                return Err(invalid(format!("{name} must be at least 1")));
            }
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            server: raw.server,
            token: raw.token,
            printer,
            paper: raw.paper_width,
            logo: raw
                .logo
                .map(|l| if l.is_absolute() { l } else { base.join(l) }),
            footer: raw.footer,
            language,
            timings: Timings {
                idle: Duration::from_secs(raw.idle_timeout_secs),
                result: Duration::from_secs(raw.result_secs),
                result_not_printed: Duration::from_secs(raw.not_printed_secs),
                scan_gap: Duration::from_millis(raw.scanner_key_gap_ms),
            },
            printer_poll: Duration::from_secs(raw.printer_poll_secs),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_parses() {
        let c = Config::parse(EXAMPLE, Path::new("/etc/antri/kiosk.toml")).unwrap();
        assert_eq!(c.token, "demo-kiosk-1-token");
        assert_eq!(c.paper, PaperWidth::Mm80);
        assert_eq!(
            c.logo,
            Some(PathBuf::from("/etc/antri/../assets/printer/logo.png"))
        );
        assert_eq!(c.timings.idle, Duration::from_secs(60));
        assert_eq!(c.timings.scan_gap, Duration::from_millis(300));
        assert_eq!(c.language, Lang::Id);
    }

    #[test]
    fn mistakes_are_named() {
        let bad = EXAMPLE.replace("tcp:127.0.0.1:9100", "lpt1");
        let e = Config::parse(&bad, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("lpt1") && e.contains("expected serial:"), "{e}");
        let bad = EXAMPLE.replace("paper_width = \"80\"", "paper_width = \"76\"");
        assert!(Config::parse(&bad, Path::new("k.toml")).is_err());
        let bad = EXAMPLE.replace("language = \"id\"", "language = \"jv\"");
        let e = Config::parse(&bad, Path::new("k.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"jv\""), "{e}");
        let bad = format!("{EXAMPLE}\nprinter_timeout = 3\n");
        assert!(
            Config::parse(&bad, Path::new("k.toml")).is_err(),
            "unknown keys are refused"
        );
    }
}
