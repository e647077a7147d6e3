//! The launcher's child processes: each in its own process group, so a Ctrl-C in the terminal
//! reaches only the launcher, which then stops them in order (windows first, the printer last)
//! instead of all dying at once mid-write.
//!
//! Kiosk and display children get a pipe as stdin and end when it closes (see
//! [`exit_when_parent_goes`]): that happens when the launcher closes it on purpose, and also when
//! the launcher dies without cleaning up, so no window outlives it.

use std::fs::File;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

struct Running {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    /// Ends by itself when its stdin closes (our roles); others get SIGTERM.
    ends_on_eof: bool,
}

pub struct Children {
    logs: PathBuf,
    running: Vec<Running>,
}

impl Children {
    pub fn new(logs: &Path) -> Children {
        Children {
            logs: logs.to_path_buf(),
            running: Vec::new(),
        }
    }

    /// Start `cmd` with its output in `<logs>/<name>.log`; returns its process id.
    pub fn spawn(
        &mut self,
        name: &str,
        mut cmd: Command,
        ends_on_eof: bool,
    ) -> anyhow::Result<u32> {
        let log_path = self.log_path(name);
        let log =
            File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
        cmd.process_group(0)
            .stdin(Stdio::piped())
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting the {name} ({:?})", cmd.get_program()))?;
        let id = child.id();
        let stdin = child.stdin.take();
        self.running.push(Running {
            name: name.to_string(),
            child,
            stdin,
            ends_on_eof,
        });
        Ok(id)
    }

    pub fn log_path(&self, name: &str) -> PathBuf {
        self.logs.join(format!("{name}.log"))
    }

    /// Process ids of the children still running.
    pub fn ids(&self) -> Vec<u32> {
        self.running.iter().map(|r| r.child.id()).collect()
    }

    /// A child that has ended by itself: its name and exit status.
    pub fn ended(&mut self) -> Option<(String, std::process::ExitStatus)> {
        self.running.iter_mut().find_map(|r| {
            r.child
                .try_wait()
                .ok()
                .flatten()
                .map(|s| (r.name.clone(), s))
        })
    }

    /// Stop every child, newest first, and reap it: a closed stdin or SIGTERM, then after 5 s
    /// SIGKILL.
    pub fn stop_all(&mut self) {
        while let Some(mut r) = self.running.pop() {
            drop(r.stdin.take());
            if !r.ends_on_eof {
                // SIGTERM lets the emulator close its files (rustix sends it without unsafe code,
                // and without a `kill` program, which a minimal Debian lacks).
                let _ = rustix::process::kill_process(
                    rustix::process::Pid::from_child(&r.child),
                    rustix::process::Signal::TERM,
                );
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                match r.child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    _ => {
                        eprintln!("antri-demo: the {} did not stop; killing it", r.name);
                        let _ = r.child.kill();
                        let _ = r.child.wait();
                        break;
                    }
                }
            }
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// In a role child: end the process when stdin reaches EOF, i.e. when the launcher closes the
/// pipe or is gone.
pub fn exit_when_parent_goes() {
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
}

impl Children {
    /// Drop the children that have ended by themselves (already reaped by [`Children::ended`]).
    pub fn forget_ended(&mut self) {
        self.running
            .retain_mut(|r| !matches!(r.child.try_wait(), Ok(Some(_))));
    }
}
