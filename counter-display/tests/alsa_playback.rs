//! The real playback path: an announcement goes through the speech queue to `aplay` (alsa-utils),
//! whose output is captured by ALSA's `file` plugin (no sound card needed), and what ALSA received
//! is checked: the whole call, at its length, not silent.

use std::sync::mpsc;
use std::time::Duration;

use counter_display::speech::clips::ClipSet;
use counter_display::speech::queue::{Announcement, Outcome, SpeechQueue, SpeechSettings};
use counter_display::speech::render::{duration_secs, render};
use counter_display::speech::sink::Player;
use counter_display::speech::words::announcement;

#[test]
fn an_announcement_plays_through_alsa() {
    let dir = tempfile::tempdir().unwrap();
    let captured = dir.path().join("alsa.wav");
    let player = Player {
        command: vec![
            "aplay".into(),
            "-q".into(),
            "-D".into(),
            format!("file:FILE={},FORMAT=wav", captured.display()),
        ],
    };
    let (tx, rx) = mpsc::channel();
    let settings = SpeechSettings {
        english: true,
        volume: 90,
        mute: false,
    };
    let queue = SpeechQueue::start(
        ClipSet::embedded().unwrap(),
        settings,
        Box::new(player),
        Some(tx),
    );
    assert!(queue.say(Announcement {
        seq: 1,
        number: "KTP-012".into(),
        counter: 3,
        recall: false,
    }));
    let spoken = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the queue reports the call");
    queue.finish();
    assert_eq!(
        spoken.outcome,
        Outcome::Played,
        "aplay (Debian: alsa-utils) must be installed and play to ALSA's file plugin"
    );

    let expected = duration_secs(
        &render(
            &announcement("KTP-012", 3, true),
            &ClipSet::embedded().unwrap(),
            90,
        )
        .unwrap(),
    );
    let r = hound::WavReader::open(&captured).expect("ALSA captured a WAV");
    assert_eq!((r.spec().sample_rate, r.spec().channels), (16_000, 1));
    let secs = r.duration() as f32 / 16_000.0;
    // aplay pads the last period; nothing may be cut.
    assert!(
        secs >= expected && secs < expected + 0.5,
        "{secs} s captured, {expected} s rendered"
    );
    let loud = r
        .into_samples::<i16>()
        .filter(|s| s.as_ref().unwrap().unsigned_abs() > 3000)
        .count();
    assert!(loud > 16_000 * 2, "mostly silent: {loud} loud samples");
}
