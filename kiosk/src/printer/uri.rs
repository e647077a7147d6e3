//! Where the printer is: the `printer` URI of the kiosk's config.
//!
//! `serial:/dev/ttyUSB0?baud=19200`, `tcp:192.168.1.50:9100`, `file:/dev/usb/lp0`. A technician
//! types this by hand at the kiosk, so every mistake gets an error that says what was expected.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The default speed of most ESC/POS serial printers (and the usual DIP-switch setting).
pub const DEFAULT_BAUD: u32 = 9600;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrinterUri {
    Serial {
        path: PathBuf,
        baud: u32,
    },
    Tcp {
        host: String,
        port: u16,
    },
    /// A device file such as `/dev/usb/lp0`: one-way, so no status can be asked.
    File {
        path: PathBuf,
    },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UriError {
    #[error("printer URI `{0}` has no scheme; expected serial:/dev/ttyUSB0?baud=19200, tcp:HOST:9100 or file:/dev/usb/lp0")]
    NoScheme(String),
    #[error("printer URI scheme `{0}` is unknown; expected serial, tcp or file")]
    UnknownScheme(String),
    #[error("printer URI `{0}` names no device path")]
    MissingPath(String),
    #[error("printer URI `{0}`: expected tcp:HOST:PORT, e.g. tcp:192.168.1.50:9100")]
    MissingPort(String),
    #[error("printer URI `{uri}`: `{value}` is not a TCP port (1-65535)")]
    BadPort { uri: String, value: String },
    #[error("printer URI `{uri}`: `{value}` is not a baud rate (e.g. 9600, 19200, 115200)")]
    BadBaud { uri: String, value: String },
    #[error("printer URI `{uri}`: unknown option `{option}`; serial printers take only `baud`")]
    UnknownOption { uri: String, option: String },
}

impl PrinterUri {
    /// Whether the printer can answer status queries (DLE EOT) over this link.
    pub fn is_two_way(&self) -> bool {
        !matches!(self, PrinterUri::File { .. })
    }
}

impl FromStr for PrinterUri {
    type Err = UriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let uri = s.trim();
        let (scheme, rest) = uri
            .split_once(':')
            .ok_or_else(|| UriError::NoScheme(uri.to_string()))?;
        // Accept `tcp://host:port` too: people copy URLs.
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        match scheme.to_ascii_lowercase().as_str() {
            "serial" => {
                let (path, query) = match rest.split_once('?') {
                    Some((p, q)) => (p, Some(q)),
                    None => (rest, None),
                };
                if path.is_empty() {
                    return Err(UriError::MissingPath(uri.to_string()));
                }
                let mut baud = DEFAULT_BAUD;
                for pair in query
                    .into_iter()
                    .flat_map(|q| q.split('&'))
                    .filter(|p| !p.is_empty())
                {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    if key != "baud" {
                        return Err(UriError::UnknownOption {
                            uri: uri.to_string(),
                            option: key.to_string(),
                        });
                    }
                    baud =
                        value
                            .parse()
                            .ok()
                            .filter(|b| *b > 0)
                            .ok_or_else(|| UriError::BadBaud {
                                uri: uri.to_string(),
                                value: value.to_string(),
                            })?;
                }
                Ok(PrinterUri::Serial {
                    path: PathBuf::from(path),
                    baud,
                })
            }
            "tcp" => {
                let (host, port) = rest
                    .rsplit_once(':')
                    .filter(|(h, _)| !h.is_empty())
                    .ok_or_else(|| UriError::MissingPort(uri.to_string()))?;
                let port = port
                    .trim_end_matches('/')
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| UriError::BadPort {
                        uri: uri.to_string(),
                        value: port.to_string(),
                    })?;
                let host = host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string();
                Ok(PrinterUri::Tcp { host, port })
            }
            "file" => {
                if rest.is_empty() {
                    return Err(UriError::MissingPath(uri.to_string()));
                }
                Ok(PrinterUri::File {
                    path: PathBuf::from(rest),
                })
            }
            other => Err(UriError::UnknownScheme(other.to_string())),
        }
    }
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterUri::Serial { path, baud } => write!(f, "serial:{}?baud={baud}", path.display()),
            PrinterUri::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp:[{host}]:{port}")
            }
            PrinterUri::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            PrinterUri::File { path } => write!(f, "file:{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_kinds() {
        assert_eq!(
            "serial:/dev/ttyUSB0?baud=19200".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 19200
            })
        );
        assert_eq!(
            "serial:/dev/ttyS1".parse(),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyS1".into(),
                baud: DEFAULT_BAUD
            })
        );
        assert_eq!(
            "tcp:192.168.1.50:9100".parse(),
            Ok(PrinterUri::Tcp {
                host: "192.168.1.50".into(),
                port: 9100
            })
        );
        assert_eq!(
            "tcp://[::1]:9100".parse(),
            Ok(PrinterUri::Tcp {
                host: "::1".into(),
                port: 9100
            })
        );
        assert_eq!(
            "file:/dev/usb/lp0".parse(),
            Ok(PrinterUri::File {
                path: "/dev/usb/lp0".into()
            })
        );
    }

    #[test]
    fn round_trips_through_display() {
        for s in [
            "serial:/dev/ttyUSB0?baud=19200",
            "tcp:printer.local:9100",
            "file:/dev/usb/lp0",
        ] {
            let uri: PrinterUri = s.parse().unwrap();
            assert_eq!(uri.to_string(), s);
        }
    }

    #[test]
    fn mistakes_get_errors_that_say_what_was_expected() {
        let e = "/dev/ttyUSB0".parse::<PrinterUri>().unwrap_err();
        assert!(e.to_string().contains("expected serial:"), "{e}");
        assert!(
            matches!("usb:1234".parse::<PrinterUri>(), Err(UriError::UnknownScheme(s)) if s == "usb")
        );
        assert!(matches!(
            "tcp:192.168.1.50".parse::<PrinterUri>(),
            Err(UriError::MissingPort(_))
        ));
        assert!(matches!(
            "tcp:9100".parse::<PrinterUri>(),
            Err(UriError::MissingPort(_))
        ));
        assert!(matches!(
            "tcp:host:99999".parse::<PrinterUri>(),
            Err(UriError::BadPort { .. })
        ));
        assert!(matches!(
            "serial:?baud=9600".parse::<PrinterUri>(),
            Err(UriError::MissingPath(_))
        ));
        assert!(matches!(
            "serial:/dev/ttyS0?baud=fast".parse::<PrinterUri>(),
            Err(UriError::BadBaud { .. })
        ));
        assert!(matches!(
            "serial:/dev/ttyS0?speed=9600".parse::<PrinterUri>(),
            Err(UriError::UnknownOption { .. })
        ));
        assert!(matches!(
            "file:".parse::<PrinterUri>(),
            Err(UriError::MissingPath(_))
        ));
    }

    #[test]
    fn only_file_links_are_one_way() {
        assert!(!"file:/dev/usb/lp0"
            .parse::<PrinterUri>()
            .unwrap()
            .is_two_way());
        assert!("tcp:h:1".parse::<PrinterUri>().unwrap().is_two_way());
    }
}
