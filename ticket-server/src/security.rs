//! What the server refuses or warns about at start, before anyone on the LAN can use it:
//!
//! - **sample secrets**: the sample building's password (`antri`) or its device tokens, and device
//!   tokens too short or too plain to be secret. On a LAN address the server refuses to start
//!   with them (unless told `--allow-sample-credentials`, for a LAN demo); on loopback it warns.
//!   `ticket-server check-config` reports the same, each with the field it is in.
//! - **a QR code that cannot work**: `building.public_url` is what every printed ticket's QR code
//!   opens on a visitor's phone. A loopback host while listening on the LAN, another port than the
//!   one listened on, or a name that does not resolve is said loudly in the log, on the dashboard
//!   and on the kiosk's status line.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};

use antri_wire::Text;

use crate::config::{Config, EXAMPLE_TOML};

/// The sample building's password for every user.
pub const SAMPLE_PASSWORD: &str = "antri";
/// The messages' secret written (commented out) in the sample file: known to anyone.
pub const SAMPLE_MESSAGES_SECRET: &str = "sample-messages-secret-change-me-0123456789";
/// Device tokens at least this long.
pub const MIN_TOKEN_CHARS: usize = 32;
/// A random token of this length has many different characters; fewer means it is not random.
const MIN_DISTINCT_CHARS: usize = 10;

/// One secret that must not be served on a LAN, with the field it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

/// Is `token` fit to be a device's secret? `Err` says why not.
pub fn check_token(token: &str) -> Result<(), String> {
    let chars = token.chars().count();
    if chars < MIN_TOKEN_CHARS {
        return Err(format!(
            "{chars} characters; a device token needs at least {MIN_TOKEN_CHARS} random characters (e.g. `openssl rand -hex 24`)"
        ));
    }
    if let Some(c) = token
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.~+/=".contains(*c)))
    {
        return Err(format!(
            "contains {c:?}; use only letters A–Z a–z, digits and - _ . ~ + / ="
        ));
    }
    let distinct = token.chars().collect::<HashSet<_>>().len();
    if distinct < MIN_DISTINCT_CHARS {
        return Err(format!(
            "only {distinct} different characters; that is not a random token"
        ));
    }
    Ok(())
}

/// Every sample or weak secret in `config`. `verify(hash, password)` checks a password against a
/// configured hash (argon2; the sample's own hashes are recognised without it).
pub fn findings(config: &Config, verify: impl Fn(&str, &str) -> bool) -> Vec<Finding> {
    let sample = Config::from_toml_str(EXAMPLE_TOML).ok();
    let sample_hashes: HashSet<&str> = sample
        .iter()
        .flat_map(|c| c.users.iter().map(|u| u.password_hash.as_str()))
        .collect();
    let sample_tokens: HashSet<&str> = sample
        .iter()
        .flat_map(|c| c.devices.iter().map(|d| d.token.as_str()))
        .collect();
    let mut out = Vec::new();
    for (i, u) in config.users.iter().enumerate() {
        if sample_hashes.contains(u.password_hash.as_str())
            || verify(&u.password_hash, SAMPLE_PASSWORD)
        {
            out.push(Finding {
                path: format!("users[{i}].password_hash"),
                problem: format!(
                    "user {:?} has the sample password \"{SAMPLE_PASSWORD}\"; give them their own (`ticket-server hash-password`)",
                    u.username
                ),
            });
        }
    }
    for (i, d) in config.devices.iter().enumerate() {
        let problem = if sample_tokens.contains(d.token.as_str()) {
            Some("the sample building's token, known to anyone who read the example".to_string())
        } else {
            check_token(&d.token).err()
        };
        if let Some(problem) = problem {
            out.push(Finding {
                path: format!("devices[{i}].token"),
                problem: format!("device {:?}: {problem}", d.id),
            });
        }
    }
    if let Some(problem) = messages_secret_problem(config) {
        out.push(Finding {
            path: "messages.secret".into(),
            problem,
        });
    }
    out
}

/// Why the messages' secret (when a webhook is set) is not a secret: the sample's, or weak.
pub fn messages_secret_problem(config: &Config) -> Option<String> {
    let m = &config.messages;
    if !m.enabled() {
        return None;
    }
    check_messages_secret(&m.secret).err()
}

/// Is `secret` fit to sign the messages? `Err` says why not.
pub fn check_messages_secret(secret: &str) -> Result<(), String> {
    if secret == SAMPLE_MESSAGES_SECRET {
        return Err("the sample file's messages secret, known to anyone who read it".into());
    }
    check_token(secret).map_err(|why| format!("messages secret: {why}"))
}

/// Whether the server may start on `listen` with these findings. `Err` is the message that says
/// how to fix it.
pub fn startup_verdict(
    listen: SocketAddr,
    findings: &[Finding],
    allow_sample_credentials: bool,
) -> Result<(), String> {
    if findings.is_empty() || listen.ip().is_loopback() || allow_sample_credentials {
        return Ok(());
    }
    let list: Vec<String> = findings.iter().map(|f| format!("  - {f}")).collect();
    Err(format!(
        "refusing to serve on {listen}: the configuration holds secrets anyone can know, and this address is reachable from the LAN:\n{}\n\
         Fix: write your building's file (`ticket-server example-config > building.toml`), give every user a password of their own \
         (`ticket-server hash-password`) and every device a long random token (`openssl rand -hex 24`), check it with \
         `ticket-server check-config building.toml`, and start with `--config building.toml`. \
         For a demo on a LAN only: `--allow-sample-credentials`.",
        list.join("\n")
    ))
}

/// Why visitors' phones could not open `public_url`, in Bahasa Indonesia and English; empty when
/// nothing is wrong. `resolve(host, port)` looks a name up (the server passes DNS; tests pass
/// their own).
pub fn public_url_warnings(
    listen: SocketAddr,
    public_url: &str,
    resolve: impl Fn(&str, u16) -> Result<Vec<IpAddr>, String>,
) -> Vec<Text> {
    // Listening on loopback, no phone reaches the server whatever the URL says: a demo or a test
    // on one machine, nothing to warn about.
    if listen.ip().is_loopback() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let (https, rest) = if let Some(r) = public_url.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = public_url.strip_prefix("http://") {
        (false, r)
    } else {
        return vec![Text {
            id: format!("public_url {public_url} bukan alamat http(s); kode QR tiket tidak dapat dibuka"),
            en: format!("public_url {public_url} is not an http(s) address; ticket QR codes cannot be opened"),
        }];
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = split_host_port(authority);
    let port = match port {
        Some(p) => match p.parse::<u16>() {
            Ok(p) => p,
            Err(_) => {
                return vec![Text {
                    id: format!("public_url {public_url}: port tidak sah"),
                    en: format!("public_url {public_url}: the port is not a number"),
                }]
            }
        },
        None if https => 443,
        None => 80,
    };
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) if host.eq_ignore_ascii_case("localhost") => vec![IpAddr::from([127, 0, 0, 1])],
        Err(_) => match resolve(host, port) {
            Ok(a) if !a.is_empty() => a,
            Ok(_) | Err(_) => {
                out.push(Text {
                    id: format!("Nama {host} di public_url tidak dapat ditemukan (DNS); ponsel pengunjung tidak dapat membuka kode QR tiket"),
                    en: format!("The name {host} in public_url does not resolve; visitors' phones cannot open the tickets' QR codes"),
                });
                Vec::new()
            }
        },
    };
    if !addrs.is_empty() && addrs.iter().all(IpAddr::is_loopback) {
        out.push(Text {
            id: format!("public_url {public_url} menunjuk ke komputer server sendiri (loopback), padahal server mendengarkan di {listen}: kode QR tiket tidak dapat dibuka di ponsel pengunjung. Isi building.public_url dengan alamat LAN server"),
            en: format!("public_url {public_url} points at the server machine itself (loopback) while it listens on {listen}: ticket QR codes will not open on visitors' phones. Set building.public_url to the server's LAN address"),
        });
    }
    // Behind a reverse proxy (https, or the usual 80) the public port may differ by design.
    if !https && port != 80 && port != listen.port() {
        out.push(Text {
            id: format!("public_url {public_url} memakai port {port}, tetapi server mendengarkan di port {}: kode QR tiket tidak akan tersambung", listen.port()),
            en: format!("public_url {public_url} uses port {port} but the server listens on port {}: ticket QR codes will not connect", listen.port()),
        });
    }
    out
}

fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        // [v6]:port
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (host, after.strip_prefix(':'));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    }
}

/// The system's resolver, for [`public_url_warnings`] (blocking: call it off the async threads).
pub fn resolve_with_dns(host: &str, port: u16) -> Result<Vec<IpAddr>, String> {
    use std::net::ToSocketAddrs;
    (host, port)
        .to_socket_addrs()
        .map(|a| a.map(|a| a.ip()).collect())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listen(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn no_dns(_: &str, _: u16) -> Result<Vec<IpAddr>, String> {
        Err("no such name".into())
    }

    fn lan_dns(host: &str, _: u16) -> Result<Vec<IpAddr>, String> {
        match host {
            "antri.mpp.local" => Ok(vec![IpAddr::from([192, 168, 1, 10])]),
            "loop.local" => Ok(vec![IpAddr::from([127, 0, 1, 1])]),
            _ => Err("NXDOMAIN".into()),
        }
    }

    #[test]
    fn a_public_url_visitors_can_reach_gives_no_warning() {
        for (l, url) in [
            ("0.0.0.0:8080", "http://192.168.1.10:8080"),
            ("192.168.1.10:8080", "http://antri.mpp.local:8080/"),
            // Behind a reverse proxy on the usual ports.
            ("127.0.0.1:8080", "https://antri.mpp.local"),
            ("0.0.0.0:8080", "http://antri.mpp.local"),
            // A demo on one machine: loopback both sides.
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("127.0.0.1:8080", "http://localhost:8080"),
            ("127.0.0.1:41234", "http://127.0.0.1:8080"),
        ] {
            let w = public_url_warnings(listen(l), url, lan_dns);
            assert!(w.is_empty(), "{l} {url}: {w:?}");
        }
    }

    #[test]
    fn loopback_on_a_lan_wrong_port_and_unknown_names_are_said() {
        let w = public_url_warnings(listen("0.0.0.0:8080"), "http://127.0.0.1:8080", lan_dns);
        assert_eq!(w.len(), 1);
        assert!(w[0].en.contains("loopback"), "{w:?}");
        assert!(w[0].id.contains("alamat LAN server"), "{w:?}");

        let w = public_url_warnings(listen("0.0.0.0:8080"), "http://loop.local:8080", lan_dns);
        assert!(w[0].en.contains("loopback"), "{w:?}");

        let w = public_url_warnings(
            listen("192.168.1.10:9000"),
            "http://192.168.1.10:8080",
            no_dns,
        );
        assert_eq!(w.len(), 1);
        assert!(
            w[0].en.contains("port 8080") && w[0].en.contains("port 9000"),
            "{w:?}"
        );

        let w = public_url_warnings(listen("0.0.0.0:8080"), "http://antri.typo:8080", lan_dns);
        assert_eq!(w.len(), 1);
        assert!(w[0].en.contains("does not resolve"), "{w:?}");
        // The resolver is asked only for names.
        let w = public_url_warnings(listen("0.0.0.0:8080"), "http://[::1]:8080/x", no_dns);
        assert!(w[0].en.contains("loopback"), "{w:?}");
    }

    #[test]
    fn tokens_must_be_long_random_ascii() {
        assert!(check_token("0123456789abcdef0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_token("demo-kiosk-1-token")
            .unwrap_err()
            .contains("18 characters"));
        assert!(check_token(&"ab".repeat(20))
            .unwrap_err()
            .contains("2 different"));
        assert!(check_token("0123456789abcdef0123456789abcdef0123 é")
            .unwrap_err()
            .contains("contains"));
    }

    #[test]
    fn the_sample_is_found_and_refused_on_a_lan_only() {
        let c = Config::example();
        let f = findings(&c, |_, _| false);
        assert!(
            f.iter().any(|f| f.path == "users[0].password_hash"),
            "{f:?}"
        );
        assert!(
            f.iter()
                .any(|f| f.path == "devices[0].token" && f.problem.contains("sample")),
            "{f:?}"
        );
        assert_eq!(f.len(), c.users.len() + c.devices.len());
        assert!(startup_verdict(listen("127.0.0.1:8080"), &f, false).is_ok());
        let err = startup_verdict(listen("0.0.0.0:8080"), &f, false).unwrap_err();
        assert!(
            err.contains("--config") && err.contains("--allow-sample-credentials"),
            "{err}"
        );
        assert!(startup_verdict(listen("0.0.0.0:8080"), &f, true).is_ok());
        assert!(startup_verdict(listen("0.0.0.0:8080"), &[], false).is_ok());
    }

    #[test]
    fn the_sample_or_a_weak_messages_secret_is_found() {
        // The sample file documents the secret it refuses (commented out).
        assert!(EXAMPLE_TOML.contains(SAMPLE_MESSAGES_SECRET));
        let with = |secret: &str| {
            let mut c = Config::example();
            c.messages.webhook_url = Some("http://127.0.0.1:9000/antri".into());
            c.messages.secret = secret.into();
            messages_secret_problem(&c)
        };
        assert!(with(SAMPLE_MESSAGES_SECRET).unwrap().contains("sample"));
        assert!(with("short-but-16-chars").unwrap().contains("characters"));
        assert_eq!(with("b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b"), None);
        // Off, the secret is not used: nothing to say.
        assert_eq!(messages_secret_problem(&Config::example()), None);
    }
}
