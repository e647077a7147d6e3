//! Other programs a test or a benchmark runs: killed when it ends, whatever way it ends.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A child process killed (and reaped) when dropped, even by a failed assertion.
pub struct Reaped(pub Child);

impl Reaped {
    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `ticket-server` binary as its own process (`serve --listen 127.0.0.1:0 …`), killed when
/// dropped; `url` is where it listens.
pub struct ServerProcess {
    pub child: Reaped,
    pub url: String,
}

impl ServerProcess {
    /// Start `serve` (its arguments in `cmd`) and wait for its first line, `listening on <url>`.
    pub fn start(cmd: &mut Command) -> anyhow::Result<ServerProcess> {
        let (child, url) = listening(cmd)?;
        Ok(ServerProcess {
            child: Reaped(child),
            url,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// `<bin> serve --listen 127.0.0.1:0 --clock-start <clock_start>`: add the database, the config
/// and the environment, then [`ServerProcess::start`] or [`listening`].
pub fn serve_command(bin: &std::path::Path, clock_start: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--clock-start",
        clock_start,
    ]);
    cmd
}

/// The `ticket-server` at `bin` serving the sample building without its daily quotas (so a
/// benchmark's load is not cut short by them), config and database in `dir`, its clock starting at
/// `clock_start`, logging warnings only.
pub fn start_without_quotas(
    bin: &std::path::Path,
    dir: &std::path::Path,
    clock_start: &str,
) -> anyhow::Result<ServerProcess> {
    let example = Command::new(bin).arg("example-config").output()?.stdout;
    let config: String = String::from_utf8(example)?
        .lines()
        .filter(|l| !l.starts_with("quota ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let config_path = dir.join("bench.toml");
    std::fs::write(&config_path, config)?;
    ServerProcess::start(
        serve_command(bin, clock_start)
            .arg("--config")
            .arg(&config_path)
            .arg("--db")
            .arg(dir.join("bench.db"))
            .env("RUST_LOG", "warn"),
    )
}

/// Spawn `cmd` (a `ticket-server serve`) with its stdout piped and read its first line,
/// `listening on <url>`: the child and the URL. The caller owns the child (it is not killed here).
pub fn listening(cmd: &mut Command) -> anyhow::Result<(Child, String)> {
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Ok((child, url.to_string())),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!("the server said {line:?}, not \"listening on …\"")
        }
    }
}
