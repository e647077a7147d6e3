//! Where a rendered announcement goes: a player process (the loudspeaker) or WAV files.
//!
//! Playback runs an external player (`aplay` from alsa-utils by default) and feeds it the WAV on
//! stdin, rather than linking an audio library (rodio/cpal). Why: the display then builds with no
//! ALSA headers; the player is chosen in config (`aplay -D hw:1,0`, `paplay`, `pw-play -`…) to suit
//! whatever sound stack the TV box has; a wedged sound device cannot hang or crash the display (the
//! player is killed after a deadline); and the display's own process never holds an audio device
//! that might need resetting. `play` returns only when the player has finished, which is what keeps
//! announcements from overlapping.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::queue::Announcement;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("audio player {command:?} could not start: {source}")]
    Spawn {
        command: String,
        source: std::io::Error,
    },
    #[error("audio player {command:?} failed: {detail}")]
    Player { command: String, detail: String },
    #[error("writing {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Plays one announcement to the end before returning.
pub trait Sink: Send + 'static {
    fn play(&mut self, call: &Announcement, wav: &[u8], secs: f32) -> Result<(), SinkError>;
}

/// An external player reading a WAV on stdin.
pub struct Player {
    pub command: Vec<String>,
}

impl Sink for Player {
    fn play(&mut self, _call: &Announcement, wav: &[u8], secs: f32) -> Result<(), SinkError> {
        let shown = self.command.join(" ");
        let (program, args) = self
            .command
            .split_first()
            .ok_or_else(|| SinkError::Player {
                command: shown.clone(),
                detail: "empty command".into(),
            })?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| SinkError::Spawn {
                command: shown.clone(),
                source,
            })?;
        if let Some(mut stdin) = child.stdin.take() {
            // A player that exits early closes the pipe; its exit status says why.
            let _ = stdin.write_all(wav);
        }
        // Generous deadline: the sound's length plus time for a slow device to open.
        let deadline = Instant::now() + Duration::from_secs_f32(secs) + Duration::from_secs(10);
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = std::io::Read::read_to_string(&mut e, &mut err);
                    }
                    return Err(SinkError::Player {
                        command: shown,
                        detail: format!("{status}: {}", err.trim()),
                    });
                }
                Ok(None) if Instant::now() > deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(SinkError::Player {
                        command: shown,
                        detail: "did not finish in time; killed".into(),
                    });
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => {
                    return Err(SinkError::Player {
                        command: shown,
                        detail: e.to_string(),
                    })
                }
            }
        }
    }
}

/// Each announcement written as `NNN-<number>-loket<N>.wav` in a directory (for checking what
/// the hall would hear, and for CI). Names cycle after 1000 files, so disk use stays bounded.
pub struct WavDir {
    pub dir: PathBuf,
    pub next: u32,
}

impl Sink for WavDir {
    fn play(&mut self, call: &Announcement, wav: &[u8], _secs: f32) -> Result<(), SinkError> {
        let safe: String = call
            .number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!(
            "{:03}-{safe}-loket{}.wav",
            self.next % 1000,
            call.counter
        ));
        self.next += 1;
        std::fs::write(&path, wav).map_err(|source| SinkError::File { path, source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Announcement {
        Announcement {
            seq: 1,
            number: "KTP-012".into(),
            counter: 3,
            recall: false,
        }
    }

    #[test]
    fn a_player_gets_the_whole_wav_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("heard.wav");
        let mut p = Player {
            command: vec!["sh".into(), "-c".into(), format!("cat > {}", out.display())],
        };
        p.play(&call(), b"RIFF-test-bytes", 0.1).unwrap();
        assert_eq!(std::fs::read(out).unwrap(), b"RIFF-test-bytes");
    }

    #[test]
    fn a_missing_or_failing_player_is_an_error_not_a_panic() {
        let mut p = Player {
            command: vec!["/nonexistent/player".into()],
        };
        assert!(matches!(
            p.play(&call(), b"x", 0.1),
            Err(SinkError::Spawn { .. })
        ));
        let mut p = Player {
            command: vec![
                "sh".into(),
                "-c".into(),
                "echo no device >&2; exit 3".into(),
            ],
        };
        let err = p.play(&call(), b"x", 0.1).unwrap_err().to_string();
        assert!(err.contains("no device"), "{err}");
    }

    #[test]
    fn wav_dir_names_files_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = WavDir {
            dir: dir.path().to_path_buf(),
            next: 0,
        };
        s.play(&call(), b"a", 0.1).unwrap();
        s.play(&call(), b"b", 0.1).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("000-KTP-012-loket3.wav")).unwrap(),
            b"a"
        );
        assert_eq!(
            std::fs::read(dir.path().join("001-KTP-012-loket3.wav")).unwrap(),
            b"b"
        );
    }
}
