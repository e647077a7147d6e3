//! A burst of 20 calls within one second on the real server: every one is shown (each loket's row,
//! the newest, the previous calls in order) and spoken once, in the order made, never overlapping.

mod common;

use std::time::{Duration, Instant};

use common::{Display, Hall, Server};
use counter_display::speech::queue::Outcome;

const WAIT: Duration = Duration::from_secs(30);
const LOKETS: u32 = 20;

#[test]
fn a_burst_of_20_calls_is_shown_and_spoken_in_order_without_overlap() {
    let server = Server::start();
    let hall = Hall::new(&server, LOKETS);
    let mut display = Display::start(&server.url(), Duration::from_secs(5));
    hall.open(LOKETS);

    // One waiting ticket for each loket, of the first service it serves. Issued in loket order, so
    // each loket's oldest eligible ticket is its own.
    let counters = common::block_on(hall.kiosk.counters()).expect("counters");
    let services: Vec<String> = (1..=LOKETS)
        .map(|n| counters.iter().find(|c| c.number == n).unwrap().services[0].clone())
        .collect();
    let refs: Vec<&str> = services.iter().map(String::as_str).collect();
    let issued = hall.issue(&refs);
    display.until("all 20 lokets are open on screen", WAIT, |d| {
        d.value("Loket 10").is_some()
    });

    let start = Instant::now();
    let called: Vec<String> = (1..=LOKETS).map(|n| hall.call_next(n)).collect();
    let burst = start.elapsed();
    assert!(burst < Duration::from_secs(1), "the burst took {burst:?}");
    assert_eq!(called, issued);

    let last = format!("{} ke loket {LOKETS}", called[19]);
    display.until("the last call of the burst is newest", WAIT, |d| {
        d.value("Panggilan terbaru") == Some(last.clone())
    });
    // The previous calls, newest first: lokets 19, 18, 17, 16, 15.
    let previous: Vec<String> = (15..19)
        .rev()
        .map(|i| format!("{} ke loket {}", called[i], i + 1))
        .collect();
    assert_eq!(display.values("Panggilan sebelumnya")[..4], previous[..]);
    // Every loket shows the number it called, over two pages of ten.
    for page in 0..2 {
        for n in (page * 10 + 1)..=(page * 10 + 10) {
            assert_eq!(
                display.value(&format!("Loket {n}")).as_deref(),
                Some(called[n as usize - 1].as_str()),
                "loket {n} on page {}",
                page + 1
            );
        }
        display.screen.next_page();
    }

    let (spoken, wavs) = display.finish();
    let said: Vec<(String, u32)> = spoken
        .iter()
        .map(|s| (s.call.number.clone(), s.call.counter))
        .collect();
    let made: Vec<(String, u32)> = called.iter().cloned().zip(1..=LOKETS).collect();
    assert_eq!(said, made, "spoken once each, in the order called");
    for pair in spoken.windows(2) {
        assert!(
            pair[1].started >= pair[0].finished,
            "{} overlapped {}",
            pair[1].call.number,
            pair[0].call.number
        );
    }
    assert!(spoken.iter().all(|s| s.outcome == Outcome::Played));

    // What the loudspeaker would have played: 20 WAVs, in order, each a few seconds of sound.
    let mut files: Vec<_> = std::fs::read_dir(wavs.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 20);
    for (i, f) in files.iter().enumerate() {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(&format!("{i:03}-{}-loket{}", called[i], i + 1)),
            "{name}"
        );
        let r = hound::WavReader::open(f).unwrap();
        let secs = r.duration() as f32 / r.spec().sample_rate as f32;
        assert!((3.0..15.0).contains(&secs), "{name}: {secs} s");
        let loud = r
            .into_samples::<i16>()
            .filter(|s| s.as_ref().unwrap().unsigned_abs() > 3000)
            .count();
        assert!(loud > 16_000, "{name} is nearly silent");
    }
}
