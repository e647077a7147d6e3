#!/usr/bin/env bash
# Makes the announcement clips the counter-display speaks calls with.
#
# Each word is synthesised once with espeak-ng's Indonesian voice (English clips with its English
# voice), then trimmed of leading/trailing silence, resampled to 16 kHz mono 16-bit and normalised
# with sox, so clips join without gaps of different lengths and at one loudness. The WAVs are
# committed: the display needs neither espeak-ng nor a network at run time. A building that records a
# real voice drops WAVs with the same names into a directory and points `audio.clips_dir` at it.
#
# Needs: espeak-ng, sox (Debian: apt-get install espeak-ng sox).
# Usage: assets/audio/make-clips.sh   (rewrites assets/audio/{chime.wav,id/,en/})
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Speed in words per minute: slower than espeak's default 175, so the hall hears each word.
SPEED=135

# say VOICE NAME TEXT: synthesise TEXT into $here/NAME.wav.
say() {
    local voice="$1" name="$2" text="$3"
    mkdir -p "$(dirname "$here/$name.wav")"
    espeak-ng -v "$voice" -s "$SPEED" -w "$tmp/raw.wav" "$text"
    # silence 1 0.02 0.5%: drop leading silence; reverse twice to drop trailing silence too.
    sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$here/$name.wav" \
        silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse norm -3
}

# The chime that draws the hall's attention before each call: three falling tones (E5, C5, G4)
# with a bell-like decay.
chime() {
    local i=0
    for f in 659.25 523.25 392.00; do
        sox -n -r 16000 -c 1 -b 16 "$tmp/tone$i.wav" synth 0.55 sine "$f" fade q 0.01 0.55 0.45 vol 0.6
        i=$((i + 1))
    done
    sox "$tmp/tone0.wav" "$tmp/tone1.wav" "$tmp/tone2.wav" "$here/chime.wav" norm -6
}

chime

# --- Bahasa Indonesia -------------------------------------------------------------------------
say id id/nomor-antrian "nomor antrian"
say id id/silakan-menuju-loket "silakan menuju loket"

# Letter names as Indonesians spell them (a, be, ce, de, …), written out so the voice does not
# guess a word.
for pair in a:a b:be c:ce d:de e:e f:ef g:ge h:ha i:i j:je k:ka l:el m:em n:en o:o p:pe q:ki \
            r:er s:es t:te u:u v:ve w:we x:eks y:ye z:zet; do
    say id "id/huruf-${pair%%:*}" "${pair#*:}"
done

# The words numbers are built from: 0–9, sepuluh, sebelas, and the multipliers.
for w in nol satu dua tiga empat lima enam tujuh delapan sembilan \
         sepuluh sebelas belas puluh seratus ratus seribu ribu; do
    say id "id/$w" "$w"
done

# --- English ----------------------------------------------------------------------------------
say en en/number "number"
say en en/please-go-to-counter "please go to counter"
for pair in a:ay b:bee c:see d:dee e:ee f:ef g:gee h:aitch i:eye j:jay k:kay l:el m:em n:en o:oh \
            p:pee q:cue r:ar s:ess t:tee u:you v:vee w:"double you" x:ex y:why z:zed; do
    say en "en/letter-${pair%%:*}" "${pair#*:}"
done
names=(zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
       fifteen sixteen seventeen eighteen nineteen)
for n in "${!names[@]}"; do say en "en/$n" "${names[$n]}"; done
tens=([2]=twenty [3]=thirty [4]=forty [5]=fifty [6]=sixty [7]=seventy [8]=eighty [9]=ninety)
for t in "${!tens[@]}"; do say en "en/${t}0" "${tens[$t]}"; done
say en en/hundred "hundred"

echo "clips written under $here"
