//! Clips joined into one announcement, as samples and as a WAV file (testable with no sound card).

use super::clips::{ClipSet, SAMPLE_RATE};
use super::words::Part;

/// Silence between two clips with no explicit pause: words of one phrase stay apart but together.
const WORD_GAP_MS: u32 = 60;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no clip named {0}")]
    MissingClip(String),
    #[error("writing WAV: {0}")]
    Wav(#[from] hound::Error),
}

fn silence(ms: u32) -> usize {
    (SAMPLE_RATE as usize * ms as usize) / 1000
}

/// The announcement's samples at `volume` (0–100 % of the clips' level).
pub fn render(parts: &[Part], clips: &ClipSet, volume: u8) -> Result<Vec<i16>, RenderError> {
    let gain = f32::from(volume.min(100)) / 100.0;
    let mut out: Vec<i16> = Vec::new();
    let mut previous_was_clip = false;
    for part in parts {
        match *part {
            Part::Clip(name) => {
                let clip = clips
                    .get(name)
                    .ok_or_else(|| RenderError::MissingClip(name.to_string()))?;
                if previous_was_clip {
                    out.resize(out.len() + silence(WORD_GAP_MS), 0);
                }
                out.extend(clip.iter().map(|&s| (f32::from(s) * gain) as i16));
                previous_was_clip = true;
            }
            Part::Pause(ms) => {
                out.resize(out.len() + silence(ms), 0);
                previous_was_clip = false;
            }
        }
    }
    Ok(out)
}

/// Samples as a complete 16 kHz mono 16-bit WAV file.
pub fn to_wav(samples: &[i16]) -> Result<Vec<u8>, RenderError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut buf = std::io::Cursor::new(Vec::with_capacity(44 + samples.len() * 2));
    {
        let mut w = hound::WavWriter::new(&mut buf, spec)?;
        let mut w16 = w.get_i16_writer(samples.len() as u32);
        for &s in samples {
            w16.write_sample(s);
        }
        w16.flush()?;
        w.finalize()?;
    }
    Ok(buf.into_inner())
}

/// Length of rendered samples in seconds.
pub fn duration_secs(samples: &[i16]) -> f32 {
    samples.len() as f32 / SAMPLE_RATE as f32
}

#[cfg(test)]
mod tests {
    use super::super::words::announcement;
    use super::*;

    #[test]
    fn a_call_renders_to_seconds_of_sound_not_silence() {
        let clips = ClipSet::embedded().unwrap();
        let samples = render(&announcement("KTP-012", 3, false), &clips, 100).unwrap();
        let secs = duration_secs(&samples);
        // Chime + about ten words: a few seconds, not a blip and not a minute.
        assert!((3.0..15.0).contains(&secs), "{secs} s");
        let loud = samples.iter().filter(|s| s.unsigned_abs() > 3000).count();
        assert!(
            loud > samples.len() / 10,
            "mostly silent: {loud} loud samples"
        );

        let english = render(&announcement("KTP-012", 3, true), &clips, 100).unwrap();
        assert!(duration_secs(&english) > secs + 2.0);
    }

    #[test]
    fn volume_scales_and_zero_is_silent() {
        let clips = ClipSet::embedded().unwrap();
        let parts = announcement("A-001", 1, false);
        let full = render(&parts, &clips, 100).unwrap();
        let half = render(&parts, &clips, 50).unwrap();
        let peak = |v: &[i16]| v.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert_eq!(full.len(), half.len());
        let ratio = f32::from(peak(&half)) / f32::from(peak(&full));
        assert!((0.45..0.55).contains(&ratio), "{ratio}");
        assert_eq!(peak(&render(&parts, &clips, 0).unwrap()), 0);
    }

    #[test]
    fn the_wav_file_reads_back_with_the_same_samples() {
        let clips = ClipSet::embedded().unwrap();
        let samples = render(&announcement("T-007", 5, false), &clips, 80).unwrap();
        let wav = to_wav(&samples).unwrap();
        let r = hound::WavReader::new(std::io::Cursor::new(wav)).unwrap();
        assert_eq!(r.spec().sample_rate, SAMPLE_RATE);
        let back: Vec<i16> = r.into_samples().map(Result::unwrap).collect();
        assert_eq!(back, samples);
    }

    #[test]
    fn a_missing_clip_is_an_error_not_a_panic() {
        let clips = ClipSet::embedded().unwrap();
        let err = render(&[Part::Clip("id/tidak-ada")], &clips, 100).unwrap_err();
        assert!(err.to_string().contains("id/tidak-ada"));
    }
}
