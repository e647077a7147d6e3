//! Renders the screens to `$CARGO_TARGET_TMPDIR/screenshots/display-*.png` (and docs/screenshots/
//! with `ANTRI_UPDATE_SCREENSHOTS=1`) from the demo building, as the README shows them: hall mode
//! with few and with many lokets, loket mode called and on break. Each picture is also checked for
//! what a visitor must see in it.

mod common;

use std::time::Duration;

use antri_wire::client::StreamItem;
use antri_wire::event::StreamMessage;
use antri_wire::{CounterState, EventKind, PauseReason};
use chrono::{DateTime, Utc};
use common::shots::Picture;
use counter_display::adapter::{self, HallScreen};
use counter_display::demo;
use counter_display::worker::Controller;
use counter_display::{HallWindow, LoketWindow};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

/// Save the window's picture under `name`, and check it shows the display: its deep blue ground
/// and the warm accent of the call (the newest call in hall mode, the loket's number in loket mode).
fn shot(window: &slint::Window, name: &str) -> Picture {
    let path = common::screenshot_path!(name);
    common::screenshot(window, &path);
    common::shots::publish(&path);
    Picture::load(&path)
}

/// Theme.background and Theme.accent.
const GROUND: [u8; 3] = [0x0b, 0x25, 0x45];
const ACCENT: [u8; 3] = [0xff, 0xc8, 0x45];

/// The hall's newest call: the wide warm panel under the header, dark digits on it.
fn assert_newest_call_lit(p: &Picture) {
    assert_eq!((p.width, p.height), (1920, 1080));
    let panel = (60, 160, 1860, 480);
    let lit = p.share_in(panel, ACCENT, 8);
    let digits = p.share_in(panel, GROUND, 8);
    assert!(lit > 0.5, "the newest call's panel is lit: {lit:.3}");
    assert!(digits > 0.05, "its number is written on it: {digits:.3}");
    let below = p.share_in((0, 560, 1920, 980), GROUND, 8);
    assert!(
        below > 0.2,
        "the lists below on the deep blue ground: {below:.3}"
    );
}

/// The display's local clock at 09:41:00 WIB on the demo day.
fn local(secs: i64) -> DateTime<Utc> {
    "2026-11-24T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::seconds(secs)
}

/// A controller fed the demo building and `calls` (number, service index, loket).
fn hall(
    lokets: u32,
    services: usize,
    calls: &[(&str, usize, u32)],
    loket: Option<u32>,
) -> Controller {
    let mut c = Controller::new(loket, running_text(), Duration::from_secs(5), local(0));
    let snap = demo::building(lokets, services);
    c.handle(&StreamItem::Connected, local(0));
    c.handle(
        &StreamItem::Message(StreamMessage::Snapshot(Box::new(snap))),
        local(0),
    );
    let t = demo::opening_time();
    for (i, (number, svc, l)) in calls.iter().enumerate() {
        let e = demo::call(
            101 + i as u64,
            t,
            number,
            &demo::service_id(*svc),
            *l,
            false,
        );
        c.handle(
            &StreamItem::Message(StreamMessage::Event(Box::new(e))),
            local(1),
        );
    }
    c
}

fn running_text() -> String {
    "Selamat datang di Mal Pelayanan Publik Kota Contoh. Siapkan KTP-el dan berkas Anda sebelum dipanggil. \
     · Welcome: please have your ID card and documents ready."
        .into()
}

fn value(w: &impl ComponentHandle, label: &str) -> Option<String> {
    ElementHandle::find_by_accessible_label(w, label)
        .next()
        .and_then(|e| e.accessible_value())
        .map(|v| v.to_string())
}

#[test]
fn screenshots_of_hall_and_loket_modes() {
    common::init_ui();

    // Hall, a small building: every loket and service fits one page.
    let window = HallWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    let mut screen = HallScreen::new(window.clone_strong());
    let few = hall(
        6,
        8,
        &[
            ("KK-004", 1, 2),
            ("AKL-002", 2, 4),
            ("KTP-011", 0, 1),
            ("PDH-001", 3, 5),
            ("KTP-012", 0, 3),
        ],
        None,
    );
    screen.show(few.frame(local(41 * 60)));
    assert_eq!(
        value(&window, "Panggilan terbaru").as_deref(),
        Some("KTP-012 ke loket 3")
    );
    assert_eq!(value(&window, "Jam").as_deref(), Some("09.41 WIB"));
    assert_eq!(value(&window, "Loket 6").as_deref(), Some(""));
    assert!(
        value(&window, "Menunggu KTP").is_some(),
        "per service in a small building"
    );
    // Booked visitors are marked in their service's count (the demo books two for KK).
    assert_eq!(
        value(&window, "Menunggu KK").as_deref(),
        Some("7 (termasuk 2 reservasi)")
    );
    assert_newest_call_lit(&shot(window.window(), "display-hall-few.png"));

    // The server gone for longer than a few seconds: the picture stays, with a discreet mark.
    let mut gone = few;
    gone.handle(&StreamItem::Disconnected, local(41 * 60));
    screen.show(gone.frame(local(41 * 60 + 3)));
    assert!(
        value(&window, "Offline").is_none(),
        "a blip is not worth a mark"
    );
    screen.show(gone.frame(local(41 * 60 + 6)));
    assert!(value(&window, "Offline").is_some());
    assert_eq!(
        value(&window, "Panggilan terbaru").as_deref(),
        Some("KTP-012 ke loket 3")
    );
    assert_newest_call_lit(&shot(window.window(), "display-hall-offline.png"));

    // Hall, a big building: 32 lokets and 64 services page, waiting is per agency.
    let calls: Vec<(String, usize, u32)> = (1..=32u32)
        .map(|l| {
            let svc = (l as usize - 1) % 30;
            let prefix = demo::building(1, 30).services[svc].prefix.clone();
            (format!("{prefix}-{:03}", 10 + l), svc, l)
        })
        .collect();
    let refs: Vec<(&str, usize, u32)> =
        calls.iter().map(|(n, s, l)| (n.as_str(), *s, *l)).collect();
    let mut many = hall(32, 64, &refs, None);
    // One loket on a break.
    let mut c7 = demo::building(32, 64).counters[6].clone();
    c7.state = CounterState::Paused {
        reason: PauseReason::Prayer,
        note: None,
        since: demo::opening_time(),
    };
    let e = demo::event(
        200,
        demo::opening_time(),
        EventKind::CounterChanged { counter: c7 },
    );
    many.handle(
        &StreamItem::Message(StreamMessage::Event(Box::new(e))),
        local(2),
    );
    let window = HallWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    let mut screen = HallScreen::new(window.clone_strong());
    screen.show(many.frame(local(41 * 60)));
    // Past the attention blink: the steady look of the newest call.
    for _ in 0..10 {
        i_slint_backend_testing::mock_elapsed_time(Duration::from_millis(500));
    }
    assert_eq!(value(&window, "Loket 7").as_deref(), Some("istirahat"));
    assert!(
        value(&window, "Loket 11").is_none(),
        "page 1 holds lokets 1-10"
    );
    assert!(
        value(&window, "Menunggu Kantor Imigrasi").is_some(),
        "per agency in a big building"
    );
    // Steady: the panel outlined, the number in the warm colour, the loket in white.
    let p = shot(window.window(), "display-hall-many.png");
    let panel = (60, 160, 1860, 480);
    let number = p.share_in(panel, ACCENT, 8);
    let loket = p.share_in(panel, [0xff, 0xff, 0xff], 8);
    assert!(
        (0.05..0.4).contains(&number),
        "the number, warm on the dark panel: {number:.3}"
    );
    assert!(loket > 0.02, "the loket in white: {loket:.3}");
    screen.next_page();
    assert!(value(&window, "Loket 11").is_some() && value(&window, "Loket 1").is_none());

    // Loket mode: a visitor called here, then the loket on a break.
    let window = LoketWindow::new().unwrap();
    window
        .window()
        .set_size(slint::PhysicalSize::new(1024, 600));
    let loket = hall(6, 8, &[("KTP-012", 0, 3)], Some(3));
    adapter::show_loket(&window, &loket.frame(local(41 * 60)));
    assert_eq!(value(&window, "Nomor dilayani").as_deref(), Some("KTP-012"));
    assert_eq!(
        value(&window, "Status loket").as_deref(),
        Some("Silakan ke loket ini")
    );
    // The number called here, dark on the warm band across the middle.
    let p = shot(window.window(), "display-loket.png");
    assert_eq!((p.width, p.height), (1024, 600));
    let band = (0, 170, 1024, 470);
    let lit = p.share_in(band, ACCENT, 8);
    let digits = p.share_in(band, GROUND, 8);
    assert!(lit > 0.5, "the called number's band is lit: {lit:.3}");
    assert!(digits > 0.1, "the number is written on it: {digits:.3}");

    let mut paused = hall(6, 8, &[], Some(3));
    let mut c3 = demo::building(6, 8).counters[2].clone();
    c3.state = CounterState::Paused {
        reason: PauseReason::Break,
        note: None,
        since: demo::opening_time(),
    };
    let e = demo::event(
        300,
        demo::opening_time(),
        EventKind::CounterChanged { counter: c3 },
    );
    paused.handle(
        &StreamItem::Message(StreamMessage::Event(Box::new(e))),
        local(2),
    );
    adapter::show_loket(&window, &paused.frame(local(41 * 60)));
    assert_eq!(
        value(&window, "Status loket").as_deref(),
        Some("Mohon menunggu")
    );
    assert_eq!(value(&window, "Nomor dilayani").as_deref(), Some(""));
    // On a break nothing is lit: white words on the deep blue ground.
    let p = shot(window.window(), "display-loket-paused.png");
    let band = (0, 170, 1024, 470);
    let ground = p.share_in(band, GROUND, 8);
    let lit = p.share_in(band, ACCENT, 8);
    let words = p.share_in(band, [0xff, 0xff, 0xff], 8);
    assert!(ground > 0.6, "the middle is deep blue: {ground:.3}");
    assert!(lit < 0.01, "nothing is lit: {lit:.3}");
    assert!(words > 0.02, "the break is written: {words:.3}");
}
