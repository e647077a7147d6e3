//! The ticket printer of the demo: `emupos`, a third-party ESC/POS printer emulator (PyPI), in
//! the checkout's `.venv/`, listening on TCP 127.0.0.1 like a network printer's raw port. It
//! saves every finished ticket as a picture (`.png`), its text (`.txt`) and a summary (`.json`).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::children::Children;

pub struct Printer {
    pub tcp_port: u16,
    pub api_port: u16,
    pub tickets: PathBuf,
}

/// `$ANTRI_EMUPOS`, or `.venv/bin/emupos` of the `checkout`, running its `tests/setup-tools`
/// first if it is missing. The error says why it is not there.
pub fn ensure_emupos(checkout: &Path) -> Result<PathBuf, String> {
    // Another emulator install, as the kiosk tests accept it; not installed by us.
    if let Some(exe) = std::env::var_os("ANTRI_EMUPOS").map(PathBuf::from) {
        return if exe.exists() {
            Ok(exe)
        } else {
            Err(format!("ANTRI_EMUPOS={} does not exist", exe.display()))
        };
    }
    let exe = checkout.join(".venv/bin/emupos");
    if exe.exists() {
        return Ok(exe);
    }
    let setup = checkout.join("tests/setup-tools");
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

/// `port` on 127.0.0.1 if it is free (0: any free port), checked before the emulator is started
/// so a taken port gets a clear message rather than an emulator dying at start.
fn port(port: u16, option: &str) -> anyhow::Result<u16> {
    match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => Ok(l.local_addr()?.port()),
        Err(e) => bail!(
            "port 127.0.0.1:{port} for the printer emulator is not free ({e}); pass another with \
             {option} (0: any free port)"
        ),
    }
}

/// Start the emulator on the given ports (0: any free one) with its tickets saved under
/// `tickets`.
pub fn start(
    children: &mut Children,
    emupos: &Path,
    (tcp, api): (u16, u16),
    work: &Path,
    tickets: &Path,
) -> anyhow::Result<Printer> {
    std::fs::create_dir_all(tickets).with_context(|| format!("creating {}", tickets.display()))?;
    let tcp = port(tcp, "--printer-port")?;
    let api = port(api, "--printer-api-port")?;
    if tcp == api {
        bail!("--printer-port and --printer-api-port must differ (both {tcp})");
    }
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
        api_port: api,
        tickets: tickets.to_path_buf(),
    })
}
