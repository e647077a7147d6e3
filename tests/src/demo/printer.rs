//! The ticket printer of the demo: `emupos`, a third-party ESC/POS printer emulator (PyPI), in
//! the workspace's `.venv/`, listening on TCP 127.0.0.1 like a network printer's raw port. It
//! saves every finished ticket as a picture (`.png`), its text (`.txt`) and a summary (`.json`).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use super::children::Children;

pub struct Printer {
    pub tcp_port: u16,
    pub tickets: PathBuf,
}

/// `$ANTRI_EMUPOS`, or `.venv/bin/emupos`, running `tests/setup-tools` first if it is missing.
/// The error says why it is not there.
pub fn ensure_emupos(workspace: &Path) -> Result<PathBuf, String> {
    // Another emulator install, as the kiosk tests accept it; not installed by us.
    if let Some(exe) = std::env::var_os("ANTRI_EMUPOS").map(PathBuf::from) {
        return if exe.exists() {
            Ok(exe)
        } else {
            Err(format!("ANTRI_EMUPOS={} does not exist", exe.display()))
        };
    }
    let exe = workspace.join(".venv/bin/emupos");
    if exe.exists() {
        return Ok(exe);
    }
    let setup = workspace.join("tests/setup-tools");
    println!(
        "antri-demo: the printer emulator is not installed yet; running {} …",
        setup.display()
    );
    match Command::new(&setup).status() {
        Ok(s) if s.success() && exe.exists() => Ok(exe),
        Ok(s) => Err(format!("{} failed ({s})", setup.display())),
        Err(e) => Err(format!("{} could not run: {e}", setup.display())),
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Start the emulator with its tickets saved under `tickets`.
pub fn start(
    children: &mut Children,
    emupos: &Path,
    work: &Path,
    tickets: &Path,
) -> anyhow::Result<Printer> {
    std::fs::create_dir_all(tickets).with_context(|| format!("creating {}", tickets.display()))?;
    let (api, tcp) = (free_port()?, free_port()?);
    let config = work.join("emupos.yaml");
    std::fs::write(
        &config,
        format!(
            "schema: 1\napi: {{ host: 127.0.0.1, port: {api} }}\ndevices:\n  - id: kiosk\n    \
             type: printer\n    profile: epson-tm-t20iii\n    connections:\n      - tcp: {{ host: \
             127.0.0.1, port: {tcp} }}\n    job_idle_timeout_ms: 500\n    receipts_dir: {}\n",
            tickets.display()
        ),
    )
    .with_context(|| format!("writing {}", config.display()))?;
    let mut cmd = Command::new(emupos);
    cmd.args(["run", "--config"])
        .arg(&config)
        .env("TMPDIR", work);
    children.spawn("printer", cmd, false)?;
    let up = |p: u16| TcpStream::connect(("127.0.0.1", p)).is_ok();
    // The emulator is another program starting (Python imports): wait, bounded.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !(up(api) && up(tcp)) {
        if let Some((name, status)) = children.ended() {
            bail!(
                "the {name} ended at start ({status}); see {}",
                children.log_path("printer").display()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "the printer emulator did not open its ports within 30 s; see {}",
                children.log_path("printer").display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Printer {
        tcp_port: tcp,
        tickets: tickets.to_path_buf(),
    })
}
