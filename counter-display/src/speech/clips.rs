//! The recorded clips an announcement is assembled from: 16 kHz mono 16-bit PCM, held in memory.
//!
//! The clips made by `assets/audio/make-clips.sh` are embedded in the program at build time, so a
//! display needs no files, network or speech engine to speak. A building that records a real voice
//! points `audio.clips_dir` at a directory with WAVs of the same names (`chime.wav`, `id/dua.wav`…);
//! any clip missing there falls back to the embedded one.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use super::words;

/// The one format every clip has, so they concatenate without resampling.
pub const SAMPLE_RATE: u32 = 16_000;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/clips.rs"));
}

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error("clip {name}: not a readable WAV: {source}")]
    Unreadable { name: String, source: hound::Error },
    #[error(
        "clip {name}: must be 16 kHz mono 16-bit PCM, found {rate} Hz, {channels} channel(s), \
         {bits} bit (convert with: sox in.wav -r 16000 -c 1 -b 16 out.wav)"
    )]
    WrongFormat {
        name: String,
        rate: u32,
        channels: u16,
        bits: u16,
    },
    #[error("clip {0} is missing")]
    Missing(String),
}

/// All clips, decoded, by name (`id/dua`).
#[derive(Clone, Debug)]
pub struct ClipSet {
    clips: HashMap<String, Vec<i16>>,
}

impl ClipSet {
    /// The clips built into the program.
    pub fn embedded() -> Result<ClipSet, ClipError> {
        let mut clips = HashMap::new();
        for (name, bytes) in embedded::CLIPS {
            clips.insert(name.to_string(), decode(name, bytes)?);
        }
        let set = ClipSet { clips };
        set.check()?;
        Ok(set)
    }

    /// The embedded clips, each replaced by the same-named WAV in `dir` where there is one.
    pub fn with_overrides(dir: &Path) -> Result<ClipSet, ClipError> {
        let mut set = ClipSet::embedded()?;
        for name in words::all_clips() {
            let path = dir.join(format!("{name}.wav"));
            if let Ok(bytes) = std::fs::read(&path) {
                set.clips.insert(name.to_string(), decode(name, &bytes)?);
            }
        }
        Ok(set)
    }

    /// Every clip an announcement can ask for is there (so a call is never half spoken).
    pub fn check(&self) -> Result<(), ClipError> {
        match words::all_clips()
            .into_iter()
            .find(|n| !self.clips.contains_key(*n))
        {
            Some(missing) => Err(ClipError::Missing(missing.to_string())),
            None => Ok(()),
        }
    }

    pub fn get(&self, name: &str) -> Option<&[i16]> {
        self.clips.get(name).map(Vec::as_slice)
    }
}

fn decode(name: &str, bytes: &[u8]) -> Result<Vec<i16>, ClipError> {
    let unreadable = |source| ClipError::Unreadable {
        name: name.to_string(),
        source,
    };
    let reader = hound::WavReader::new(Cursor::new(bytes)).map_err(unreadable)?;
    let spec = reader.spec();
    if spec.sample_rate != SAMPLE_RATE
        || spec.channels != 1
        || spec.bits_per_sample != 16
        || spec.sample_format != hound::SampleFormat::Int
    {
        return Err(ClipError::WrongFormat {
            name: name.to_string(),
            rate: spec.sample_rate,
            channels: spec.channels,
            bits: spec.bits_per_sample,
        });
    }
    reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_clips_are_complete_and_not_silent() {
        let set = ClipSet::embedded().unwrap();
        for name in words::all_clips() {
            let s = set.get(name).unwrap();
            // At least 0.1 s and a real signal: a failed synthesis would give silence.
            assert!(s.len() > SAMPLE_RATE as usize / 10, "{name} too short");
            let peak = s.iter().map(|x| x.unsigned_abs()).max().unwrap();
            assert!(peak > 8_000, "{name} nearly silent (peak {peak})");
        }
    }

    #[test]
    fn an_override_in_the_wrong_format_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("id")).unwrap();
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(dir.path().join("id/dua.wav"), spec).unwrap();
        w.write_sample(0i16).unwrap();
        w.write_sample(0i16).unwrap();
        w.finalize().unwrap();
        let err = ClipSet::with_overrides(dir.path()).unwrap_err().to_string();
        assert!(err.contains("id/dua") && err.contains("44100 Hz"), "{err}");
    }

    #[test]
    fn an_override_replaces_the_embedded_clip() {
        let dir = tempfile::tempdir().unwrap();
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: SAMPLE_RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(dir.path().join("chime.wav"), spec).unwrap();
        for i in 0..1600 {
            w.write_sample(if i % 2 == 0 { 1000i16 } else { -1000 })
                .unwrap();
        }
        w.finalize().unwrap();
        let set = ClipSet::with_overrides(dir.path()).unwrap();
        assert_eq!(set.get("chime").unwrap().len(), 1600);
        assert!(set.get("id/dua").unwrap().len() > 1600);
    }
}
