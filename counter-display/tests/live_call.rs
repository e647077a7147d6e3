//! A call made by an officer on the real server shows up on the hall screen and is spoken; a
//! recall is spoken again; a paused loket says so.

mod common;

use std::time::Duration;

use common::{Display, Hall, Server};
use counter_display::speech::queue::Outcome;

const WAIT: Duration = Duration::from_secs(15);

#[test]
fn a_call_shows_up_on_the_hall_screen_and_is_spoken() {
    let server = Server::start();
    let hall = Hall::new(&server, 3);
    let mut display = Display::start(&server.url(), Duration::from_secs(5));
    display.until("the hall is on screen", WAIT, |d| {
        d.value("Jam").is_some_and(|t| t.ends_with("WIB"))
            && d.value("Tanggal").as_deref() == Some("Selasa, 24 November 2026")
    });

    hall.open(3);
    let issued = hall.issue(&["kk", "ktp"]); // loket 3 serves kk, loket 1 ktp
    display.until("loket 3 is listed as open", WAIT, |d| {
        d.value("Loket 3").is_some()
    });
    let called = hall.call_next(3);
    assert_eq!(called, issued[0]);
    display.until("the call is the newest on screen", WAIT, |d| {
        d.value("Panggilan terbaru") == Some(format!("{called} ke loket 3"))
    });
    assert_eq!(display.value("Loket 3").as_deref(), Some(called.as_str()));
    assert_eq!(
        display.value("Loket 1").as_deref(),
        Some(""),
        "loket 1 has called nobody"
    );
    assert!(display.value("Offline").is_none());

    // A second call pushes the first into the "previous" list; a recall brings it back on top.
    let second = hall.call_next(1);
    assert_eq!(second, issued[1]);
    display.until("the second call is newest", WAIT, |d| {
        d.value("Panggilan terbaru") == Some(format!("{second} ke loket 1"))
    });
    assert_eq!(
        display.values("Panggilan sebelumnya"),
        [format!("{called} ke loket 3")]
    );
    hall.action(3, "recall");
    display.until("the recall is newest again", WAIT, |d| {
        d.value("Panggilan terbaru") == Some(format!("{called} ke loket 3"))
    });
    assert_eq!(
        display.values("Panggilan sebelumnya"),
        [format!("{second} ke loket 1")]
    );

    // A loket on break says so instead of a number.
    common::block_on(
        hall.officer(2)
            .pause(2, antri_wire::PauseReason::Prayer, None),
    )
    .expect("pause");
    display.until("loket 2 shows its break", WAIT, |d| {
        d.value("Loket 2").as_deref() == Some("istirahat")
    });

    let (spoken, wavs) = display.finish();
    let said: Vec<_> = spoken
        .iter()
        .map(|s| (s.call.number.clone(), s.call.counter, s.call.recall))
        .collect();
    assert_eq!(
        said,
        [
            (called.clone(), 3, false),
            (second, 1, false),
            (called, 3, true)
        ]
    );
    assert!(spoken.iter().all(|s| s.outcome == Outcome::Played));
    assert_eq!(
        std::fs::read_dir(wavs.path()).unwrap().count(),
        3,
        "one WAV per announcement"
    );
}
