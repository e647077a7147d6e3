//! The server is stopped and started again in the middle of the day: the display shows a discreet
//! offline mark meanwhile, reconnects by itself, resumes after the last event it saw, and no call
//! is lost or spoken twice — including calls made before it has reconnected.

mod common;

use std::time::Duration;

use common::{Display, Hall, Server};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn a_server_restart_loses_no_call() {
    let mut server = Server::start();
    let hall = Hall::new(&server, 4);
    let mut display = Display::start(&server.url(), Duration::from_secs(1));
    hall.open(4);
    // Lokets 1-2 serve ktp, 3-4 serve akta-lahir (among others).
    hall.issue(&[
        "ktp",
        "ktp",
        "ktp",
        "ktp",
        "akta-lahir",
        "akta-lahir",
        "akta-lahir",
    ]);

    let mut called = vec![(hall.call_next(1), 1), (hall.call_next(3), 3)];
    let newest = |c: &(String, u32)| Some(format!("{} ke loket {}", c.0, c.1));
    let want = newest(&called[1]);
    display.until("the first calls are shown", WAIT, |d| {
        d.value("Panggilan terbaru") == want
    });
    assert!(display.value("Offline").is_none());

    server.stop();
    display.until("the offline mark shows", WAIT, |d| {
        d.value("Offline").is_some()
    });
    // While the server was away the screen kept its picture.
    assert_eq!(display.value("Panggilan terbaru"), want);

    server.restart();
    // Calls made at once, before the display has reconnected: it must fetch them on resume.
    // A fresh login: sessions may not survive the restart.
    let hall = Hall::new(&server, 4);
    called.push((hall.call_next(2), 2));
    called.push((hall.call_next(4), 4));
    let want = newest(&called[3]);
    display.until("the calls made during reconnection are shown", WAIT, |d| {
        d.value("Panggilan terbaru") == want && d.value("Offline").is_none()
    });
    hall.action(1, "start");
    hall.action(1, "finish");
    called.push((hall.call_next(1), 1));
    let want = newest(&called[4]);
    display.until("a call after reconnection is shown", WAIT, |d| {
        d.value("Panggilan terbaru") == want
    });
    assert_eq!(
        display.value("Loket 2").as_deref(),
        Some(called[2].0.as_str())
    );
    assert_eq!(
        display.value("Loket 4").as_deref(),
        Some(called[3].0.as_str())
    );

    let (spoken, _wavs) = display.finish();
    let said: Vec<(String, u32)> = spoken
        .iter()
        .map(|s| (s.call.number.clone(), s.call.counter))
        .collect();
    assert_eq!(
        said, called,
        "every call spoken once, in order, across the restart"
    );
}
