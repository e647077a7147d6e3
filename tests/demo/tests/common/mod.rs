//! Real parts for the end-to-end tests: the `antri-demo` launcher as a real process (which runs the
//! ticket server, the `emupos` printer emulator and the hall display program), Xvfb for windows,
//! and a look at /proc to see which processes it left behind.
#![allow(dead_code, unused_imports)] // each test file uses a different part of this kit

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use antri_testkit::{block_on, receipts, wait_for, OPEN_TUESDAY, OPEN_TUESDAY_DATE as DAY};

/// Send signal `sig` ("INT", "TERM" or "KILL") to `pid`, through rustix: no unsafe code (the
/// workspace forbids it) and no `kill` program (a minimal Debian has none).
pub fn signal(pid: u32, sig: &str) {
    use rustix::process::{kill_process, Pid, Signal};
    let signal = match sig {
        "INT" => Signal::INT,
        "TERM" => Signal::TERM,
        "KILL" => Signal::KILL,
        other => panic!("signal {other} is not one the tests send"),
    };
    let target = i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .unwrap_or_else(|| panic!("{pid} is not a process id"));
    if let Err(e) = kill_process(target, signal) {
        panic!("kill -{sig} {pid}: {e}");
    }
}

/// [`signal`] for clean-up paths: a process that is already gone is not an error there.
pub fn signal_quietly(pid: u32, sig: rustix::process::Signal) {
    if let Some(target) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process(target, sig);
    }
}

/// Every process whose parent is `pid`, and theirs (from /proc).
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(p) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) {
            // After the ")" closing the command name: state, then the parent's id.
            if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
                if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
                    parent_of.push((p, ppid));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(q) = todo.pop() {
        for &(p, pp) in &parent_of {
            if pp == q {
                out.push(p);
                todo.push(p);
            }
        }
    }
    out
}

/// The process is gone (or only a zombie nobody has reaped yet is not possible: its parent, the
/// launcher, has exited, so init reaps it).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

// ---- Xvfb -------------------------------------------------------------------------------------

/// A virtual X display for the real windows (a 1920×1080 desktop with no window manager).
pub fn xvfb() -> antri_ui::xvfb::Xvfb {
    antri_ui::xvfb::Xvfb::start(1920, 1080).expect("Xvfb runs")
}

// ---- the launcher -----------------------------------------------------------------------------

pub struct Demo {
    child: Option<Child>,
    pub pid: u32,
    out: Arc<Mutex<String>>,
    pub dir: tempfile::TempDir,
    pub url: String,
    pub printer_port: u16,
}

impl Demo {
    /// `antri-demo` on a free port of 127.0.0.1 with its data in a temp dir, the hall clock on a
    /// Tuesday morning; `display`: the X display for its windows, or none ($DISPLAY unset).
    pub fn start(display: Option<&str>, extra: &[&str]) -> Demo {
        Demo::start_with(display, extra, &[])
    }

    pub fn start_with(display: Option<&str>, extra: &[&str], env: &[(&str, &str)]) -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_antri-demo"));
        cmd.envs(env.iter().copied());
        cmd.args([
            "--listen",
            "127.0.0.1:0",
            "--printer-port",
            "0",
            "--printer-api-port",
            "0",
            "--clock-start",
            OPEN_TUESDAY,
            "--data-dir",
        ])
        .arg(dir.path())
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
        match display {
            Some(d) => cmd.env("DISPLAY", d),
            None => cmd.env_remove("DISPLAY"),
        };
        let mut child = cmd.spawn().expect("antri-demo starts");
        let out = Arc::new(Mutex::new(String::new()));
        let mut stdout = child.stdout.take().unwrap();
        let sink = out.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let pid = child.id();
        let mut demo = Demo {
            child: Some(child),
            pid,
            out,
            dir,
            url: String::new(),
            printer_port: 0,
        };
        // The first run may install the emulator (tests/setup-tools): generous, but bounded.
        wait_for("the launcher's summary", Duration::from_secs(180), || {
            demo.output()
                .contains("Ctrl-C stops everything")
                .then_some(())
        });
        let out = demo.output();
        demo.url = word_after(&out, "ticket server").expect("the summary names the server's URL");
        demo.printer_port = out
            .split("tcp:127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        demo
    }

    pub fn output(&self) -> String {
        self.out.lock().unwrap().clone()
    }

    pub fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    pub fn log(&self, part: &str) -> String {
        std::fs::read_to_string(self.path(&format!("logs/{part}.log"))).unwrap_or_default()
    }

    /// Ctrl-C, and its exit status.
    pub fn interrupt(&mut self) -> ExitStatus {
        signal(self.pid, "INT");
        self.wait_exit()
    }

    /// Its exit status, once it has exited.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let child = self.child.as_mut().unwrap();
        let status = wait_for("the launcher to exit", Duration::from_secs(30), || {
            child.try_wait().unwrap()
        });
        self.child = None;
        status
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        // A failed test still stops what it started: Ctrl-C first, so the children go too.
        if let Some(mut c) = self.child.take() {
            signal_quietly(self.pid, rustix::process::Signal::INT);
            let deadline = Instant::now() + Duration::from_secs(15);
            while c.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The first `http://…` word on the line that starts with `label` (after spaces).
pub fn word_after(text: &str, label: &str) -> Option<String> {
    text.lines()
        .find(|l| l.trim_start().starts_with(label))
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("http://")))
        .map(String::from)
}
