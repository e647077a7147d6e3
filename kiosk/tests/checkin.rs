//! Check-in with a booking code at the real kiosk UI (Slint's testing backend), tapped by the
//! accessible labels a visitor reads and typed into as a USB barcode scanner types: the keypad,
//! scanner input on different screens, stray keys, and each refusal's screen. The booking as the
//! server shows it is handed to the kiosk the way its worker hands it over, so these run against
//! any server; the end-to-end check-in against the server's booking API is in `booking.rs`.

mod common;

use std::time::{Duration, Instant};

use antri_wire::booking::{BookingStatus, BookingView, LateArrival, Named};
use antri_wire::Text;
use common::*;
use kiosk::checkin::{Lookup, Refusal};
use kiosk::controller::{Outcome, Screen, Timings};
use kiosk::worker::ToUi;

/// A booking for the example's KTP service today (the test server's clock starts on
/// 2026-11-24 09:00 WIB), with a check-in window around now.
fn booking(status: BookingStatus) -> BookingView {
    let named = |id: &str, name: &str| Named {
        id: id.into(),
        name: Text {
            id: name.into(),
            en: name.into(),
        },
    };
    BookingView {
        code: "ABCD2345".into(),
        status,
        service: named("ktp", SERVICE),
        agency: named("dukcapil", AGENCY),
        date: OPEN_TUESDAY[..10].parse().unwrap(),
        session: 1,
        from: "09:00".into(),
        to: "10:00".into(),
        checkin_from: "08:00".into(),
        checkin_until: "12:00".into(),
        nik_masked: "3275********0001".into(),
        reminders: false,
        bring: Vec::new(),
        late: LateArrival::WalkIn,
    }
}

/// A kiosk that knows the hall, on a printer nobody listens to (these tests print nothing).
fn kiosk(server: &Server) -> Ui {
    let printer = "tcp:127.0.0.1:9".parse().unwrap();
    let ui = Ui::start(&server.url(), printer, Timings::default());
    ui.wait_ready();
    ui
}

fn value(ui: &Ui, label: &str) -> String {
    ui.find(label)
        .unwrap_or_else(|| panic!("no {label:?}; visible: {:?}", ui.labels()))
        .accessible_value()
        .unwrap_or_default()
        .to_string()
}

fn looking_up(ui: &Ui) -> Option<String> {
    match &ui.kiosk.ctl.borrow().screen {
        Screen::LookingUp { code } => Some(code.clone()),
        _ => None,
    }
}

#[test]
fn the_keypad_types_the_code_in_its_groups() {
    let server = Server::start();
    let ui = kiosk(&server);
    assert!(ui.find("Ambil nomor antrian").is_some());
    ui.tap("Punya kode booking?");
    assert_eq!(ui.screen(), 6, "the keypad");
    assert!(ui
        .find("Atau dekatkan kode QR booking Anda ke pemindai")
        .is_some());
    // "Lanjut" waits for the whole code.
    let next = ui.find("Lanjut").expect("continue");
    assert_eq!(next.accessible_enabled(), Some(false));
    for k in ["A", "B", "C", "D", "2", "3", "4"] {
        ui.tap(k);
    }
    assert_eq!(value(&ui, "Kode booking"), "ABCD-234");
    ui.tap("9");
    ui.tap("Hapus");
    ui.tap("5");
    assert_eq!(value(&ui, "Kode booking"), "ABCD-2345");
    assert_eq!(ui.find("Lanjut").unwrap().accessible_enabled(), Some(true));
    // A ninth key changes nothing.
    ui.tap("Z");
    assert_eq!(value(&ui, "Kode booking"), "ABCD-2345");
    ui.tap("Lanjut");
    assert_eq!(ui.screen(), 7, "checking the booking");
    assert_eq!(looking_up(&ui).as_deref(), Some("ABCD2345"));
    assert!(ui
        .find("Mohon tunggu, booking Anda sedang diperiksa…")
        .is_some());

    // The booking is good now: the category screen, as for a walk-in, with the booking on it.
    ui.kiosk.apply(ToUi::Booking(Lookup::Found(Box::new(booking(
        BookingStatus::Active,
    )))));
    assert_eq!(ui.screen(), 3);
    assert!(
        ui.find("Booking ABCD-2345 · sesi 09.00–10.00 WIB")
            .is_some(),
        "{:?}",
        ui.labels()
    );
    for c in ["Umum", "Lansia"] {
        assert!(ui.find(c).is_some(), "{c}");
    }
    // Back: the code again, not a walk-in's list.
    ui.tap("Kembali");
    assert_eq!(ui.screen(), 6);
    assert_eq!(value(&ui, "Kode booking"), "ABCD-2345");
    ui.tap("Kembali");
    assert_eq!(ui.screen(), 0);
}

#[test]
fn a_scanner_types_the_code_into_any_screen() {
    let server = Server::start();
    let ui = kiosk(&server);

    // The start screen: the QR code of the booking page, typed with its dash, lower case even.
    ui.type_keys("abcd-2345\n");
    assert_eq!(looking_up(&ui).as_deref(), Some("ABCD2345"));
    // No booking has this code: the worker asked the server, the kiosk says so.
    ui.pump_until("the answer", Duration::from_secs(10), |u| u.screen() == 5);
    assert_eq!(ui.outcome(), Outcome::BookingRefused(Refusal::Unknown));
    assert!(ui.find("Kode booking tidak ditemukan").is_some());
    assert!(ui.find("Periksa kembali kodenya, lalu coba lagi").is_some());
    // And it offers the keypad.
    ui.tap("Ketik ulang kode");
    assert_eq!(ui.screen(), 6);
    assert_eq!(value(&ui, "Kode booking"), "");

    // The keypad screen, with keys half typed: the scan wins.
    ui.tap("Q");
    ui.type_keys("WXYZ2345\n");
    assert_eq!(looking_up(&ui).as_deref(), Some("WXYZ2345"));
    ui.pump_until("the answer", Duration::from_secs(10), |u| u.screen() == 5);

    // In the middle of a walk-in's choice: agencies, services, category.
    for taps in [
        &["Selesai", "Ambil nomor antrian"][..],
        &["Selesai", "Ambil nomor antrian", AGENCY],
        &["Selesai", "Ambil nomor antrian", AGENCY, SERVICE],
    ] {
        for t in taps {
            ui.tap(t);
        }
        let screen = ui.screen();
        ui.type_keys("HJKL6789\n");
        assert_eq!(
            looking_up(&ui).as_deref(),
            Some("HJKL6789"),
            "from screen {screen}"
        );
        ui.pump_until("the answer", Duration::from_secs(10), |u| u.screen() == 5);
    }
}

#[test]
fn stray_keys_are_ignored() {
    let server = Server::start();
    let ui = kiosk(&server);
    ui.tap("Ambil nomor antrian");
    // Keys without Enter: nothing happens, the visitor's screen stays.
    ui.type_keys("QWERTY");
    assert_eq!(ui.screen(), 1);
    // The Enter comes, but a second later: not a scanner.
    ui.kiosk.key("\n", Instant::now() + Duration::from_secs(1));
    assert_eq!(ui.screen(), 1);
    // A short code and Enter, a code with a letter the alphabet has not (O): nothing.
    ui.type_keys("ABC\n");
    ui.type_keys("ABCD234O\n");
    assert_eq!(ui.screen(), 1);
    // A real scan still works after all that.
    ui.type_keys("ABCD2345\n");
    assert_eq!(ui.screen(), 7);
}

/// Look a booking up (as scanned) and let the kiosk see it as the server showed it.
fn scan_and_show(ui: &Ui, lookup: Lookup) {
    ui.type_keys("ABCD2345\n");
    assert_eq!(ui.screen(), 7);
    ui.kiosk.apply(ToUi::Booking(lookup));
}

#[test]
fn each_refusal_says_what_to_do() {
    let server = Server::start();
    let ui = kiosk(&server);
    let today = booking(BookingStatus::Active);
    let early = BookingView {
        checkin_from: "11:30".into(),
        checkin_until: "12:15".into(),
        from: "12:00".into(),
        to: "13:00".into(),
        ..today.clone()
    };
    let late = BookingView {
        checkin_from: "07:30".into(),
        checkin_until: "08:15".into(),
        from: "08:00".into(),
        to: "09:00".into(),
        ..today.clone()
    };
    let tomorrow = BookingView {
        date: today.date.succ_opt().unwrap(),
        ..today.clone()
    };
    let status = |s| BookingView {
        status: s,
        ..today.clone()
    };
    let found = |v: BookingView| Lookup::Found(Box::new(v));
    let cases: Vec<(Lookup, i32, &[&str])> = vec![
        (
            Lookup::Refused(Refusal::Unknown),
            0,
            &["Kode booking tidak ditemukan", "Ketik ulang kode"],
        ),
        (
            found(early),
            1,
            &[
                "Belum waktunya check-in",
                "Silakan kembali mulai pukul 11.30 WIB",
                "Check-in di kiosk dibuka pukul 11.30 WIB dan ditutup pukul 12.15 WIB.",
            ],
        ),
        (
            found(late.clone()),
            2,
            &[
                "Waktu check-in booking Anda sudah lewat",
                "Check-in hanya sampai pukul 08.15 WIB. Atau tanyakan petugas di meja informasi.",
                "Ambil nomor antrian biasa",
            ],
        ),
        // Where the service gives late bookings nothing, the kiosk says so and offers no ticket.
        (
            found(BookingView {
                late: LateArrival::Refused,
                ..late.clone()
            }),
            8,
            &[
                "Waktu check-in booking Anda sudah lewat",
                "Reservasi ini tidak berlaku lagi: silakan buat reservasi baru",
            ],
        ),
        (
            found(tomorrow),
            3,
            &[
                "Booking Anda untuk hari lain",
                "Booking Anda untuk Rabu, 25 November 2026.",
            ],
        ),
        (
            found(status(BookingStatus::CheckedIn)),
            4,
            &["Booking ini sudah digunakan"],
        ),
        (
            found(status(BookingStatus::Cancelled)),
            5,
            &["Booking ini sudah dibatalkan", "Ambil nomor antrian biasa"],
        ),
        (
            found(status(BookingStatus::NoShow)),
            6,
            &["Booking ini hangus: tidak check-in tepat waktu"],
        ),
    ];
    for (lookup, refusal, says) in cases {
        scan_and_show(&ui, lookup);
        assert_eq!(ui.screen(), 5);
        let a = ui.adapter();
        assert_eq!((a.get_result_kind(), a.get_booking_refusal()), (4, refusal));
        for s in says {
            assert!(
                ui.find(s).is_some(),
                "refusal {refusal}: {s:?} in {:?}",
                ui.labels()
            );
        }
        if refusal == 8 {
            assert!(
                ui.find("Ambil nomor antrian biasa").is_none(),
                "no normal ticket offered where late bookings get none: {:?}",
                ui.labels()
            );
        }
        ui.tap("Selesai");
        assert_eq!(ui.screen(), 0);
    }

    // Too late: the walk-in ticket of the same service, one tap away.
    let late = BookingView {
        checkin_until: "08:15".into(),
        checkin_from: "07:30".into(),
        ..today.clone()
    };
    scan_and_show(&ui, Lookup::Found(Box::new(late)));
    ui.tap("Ambil nomor antrian biasa");
    assert_eq!(
        ui.kiosk.ctl.borrow().screen,
        Screen::Category {
            service: "ktp".into()
        }
    );
    assert!(
        !ui.adapter().get_booking_checkin(),
        "a walk-in's ticket now"
    );

    // In English too.
    ui.tap("Ulangi dari awal");
    ui.tap("English");
    scan_and_show(&ui, Lookup::Refused(Refusal::Unknown));
    assert!(ui.find("Booking code not found").is_some());
    assert!(ui.find("Please check the code and try again").is_some());
}
