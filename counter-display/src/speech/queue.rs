//! The spoken queue: calls are announced one at a time, in the order they were made.
//!
//! One thread owns the sink and plays each announcement to its end before taking the next, so a
//! new call never interrupts or overlaps the one being spoken. A recall arrives as its own call and
//! is spoken again. The queue is bounded (a burst beyond it is still shown on screen, but not all
//! of it spoken), so memory cannot grow if the sound device stalls.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::Instant;

use super::clips::ClipSet;
use super::render::{duration_secs, render, to_wav};
use super::sink::Sink;
use super::words::announcement;

/// How many calls may wait to be spoken. At ~6 s each that is ten minutes of speech: more than
/// any real burst, small enough that a stalled sound device cannot eat memory.
pub const QUEUE_LIMIT: usize = 100;

/// A call to announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    /// The event's sequence number (for tests and logs; the order of speaking is arrival order).
    pub seq: u64,
    pub number: String,
    pub counter: u32,
    pub recall: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpeechSettings {
    pub english: bool,
    /// 0–100 % of the clips' level.
    pub volume: u8,
    /// Shown but not heard (e.g. a loket display next to the hall's loudspeakers).
    pub mute: bool,
}

/// What became of one announcement (reported to an optional observer: tests, benchmark, logs).
#[derive(Clone, Debug)]
pub struct Spoken {
    pub call: Announcement,
    pub started: Instant,
    pub finished: Instant,
    pub secs: f32,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Played,
    Muted,
    Failed(String),
}

pub struct SpeechQueue {
    tx: Option<SyncSender<Announcement>>,
    thread: Option<JoinHandle<()>>,
}

impl SpeechQueue {
    pub fn start(
        clips: ClipSet,
        settings: SpeechSettings,
        mut sink: Box<dyn Sink>,
        observer: Option<Sender<Spoken>>,
    ) -> SpeechQueue {
        let (tx, rx) = mpsc::sync_channel(QUEUE_LIMIT);
        let thread = std::thread::Builder::new()
            .name("speech".into())
            .spawn(move || speak_all(rx, &clips, settings, sink.as_mut(), observer))
            .expect("spawning the speech thread");
        SpeechQueue {
            tx: Some(tx),
            thread: Some(thread),
        }
    }

    /// Queue a call; false (and a warning) if the queue is full.
    pub fn say(&self, call: Announcement) -> bool {
        self.sender().say(call)
    }

    /// A handle for queueing calls from another thread (the event worker).
    pub fn sender(&self) -> SpeechSender {
        SpeechSender(self.tx.clone())
    }

    /// Speak what is queued, then stop.
    pub fn finish(mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Queues calls on a [`SpeechQueue`]; cheap to clone, usable from any thread.
#[derive(Clone)]
pub struct SpeechSender(Option<SyncSender<Announcement>>);

impl SpeechSender {
    /// Queue a call; false (and a warning) if the queue is full or stopped.
    pub fn say(&self, call: Announcement) -> bool {
        let Some(tx) = &self.0 else { return false };
        match tx.try_send(call) {
            Ok(()) => true,
            Err(TrySendError::Full(call)) => {
                tracing::warn!(number = %call.number, "speech queue full; call shown but not spoken");
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }
}

fn speak_all(
    rx: Receiver<Announcement>,
    clips: &ClipSet,
    settings: SpeechSettings,
    sink: &mut dyn Sink,
    observer: Option<Sender<Spoken>>,
) {
    let mut last_error: Option<String> = None;
    for call in rx {
        let started = Instant::now();
        let parts = announcement(&call.number, call.counter, settings.english);
        let (secs, outcome) = match render(&parts, clips, settings.volume) {
            Err(e) => (0.0, Outcome::Failed(e.to_string())),
            Ok(samples) => {
                let secs = duration_secs(&samples);
                if settings.mute {
                    (secs, Outcome::Muted)
                } else {
                    let played = to_wav(&samples)
                        .map_err(|e| e.to_string())
                        .and_then(|wav| sink.play(&call, &wav, secs).map_err(|e| e.to_string()));
                    match played {
                        Ok(()) => (secs, Outcome::Played),
                        Err(e) => (secs, Outcome::Failed(e)),
                    }
                }
            }
        };
        if let Outcome::Failed(e) = &outcome {
            // Log a broken sound device once, not once per call all day.
            if last_error.as_ref() != Some(e) {
                tracing::error!(error = %e, number = %call.number, "announcement not heard");
                last_error = Some(e.clone());
            }
        } else {
            last_error = None;
        }
        tracing::info!(number = %call.number, loket = call.counter, recall = call.recall, ?outcome, "announced");
        if let Some(obs) = &observer {
            let _ = obs.send(Spoken {
                call,
                started,
                finished: Instant::now(),
                secs,
                outcome,
            });
        }
    }
}
