//! End to end: a visitor books a new-passport session through the server's booking API (as the
//! booking page does), then checks in at the kiosk — once typing the code on the keypad, once
//! with a barcode scanner typing it into the window — and the ticket comes out of the `emupos`
//! printer emulator marked as booked, with the session and the masked NIK. A code used twice and
//! a booking for later today get their screens from the real server's answers.

mod common;

use std::time::Duration;

use antri_wire::booking::{BookRequest, BookingStatus, BookingView};
use common::*;
use kiosk::checkin::Refusal;
use kiosk::controller::{Outcome, Timings};

/// 09:40 WIB on the sample Tuesday: the 10:00–11:00 session's check-in window (09:30–10:15) is
/// open, the 13:00 one's is not yet.
const CLOCK: &str = "2026-11-24T09:40:00+07:00";
const SERVICE: &str = "paspor-baru";

/// `POST /api/v1/bookings` as the booking page sends it.
fn book(server: &Server, nik: &str, from: &str) -> BookingView {
    // The example's sessions of the new passport, in order.
    let session = ["08:00", "09:00", "10:00", "13:00", "14:00"]
        .iter()
        .position(|s| *s == from)
        .unwrap() as u32;
    let req = BookRequest {
        service: SERVICE.into(),
        date: CLOCK[..10].parse().unwrap(),
        session,
        nik: nik.into(),
        phone: None,
        reminders: false,
    };
    block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}/api/v1/bookings", server.url()))
            .json(&req)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body = r.text().await.unwrap();
        assert_eq!(status.as_u16(), 201, "booking refused: {body}");
        let view: BookingView = serde_json::from_str(&body).unwrap();
        assert_eq!(view.from, from, "{view:?}");
        view
    })
}

/// The ticket on screen, the emulator's text of it, and its picture.
fn printed_ticket(
    ui: &Ui,
    emu: &Emupos,
    before: usize,
) -> (antri_wire::IssuedTicket, String, std::path::PathBuf) {
    ui.pump_until("the result", Duration::from_secs(15), |u| u.screen() == 5);
    let ticket = match ui.outcome() {
        Outcome::Printed { ticket } => ticket,
        other => panic!("not printed: {other:?}"),
    };
    let id = emu.wait_receipt(before);
    (ticket, emu.receipt_text(&id), emu.receipt_png(&id))
}

#[test]
fn a_booked_visitor_checks_in_by_keypad_and_by_scanner() {
    let server = Server::start_at(CLOCK);
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();

    // By keypad.
    let first = book(&server, "3275045208850001", "10:00");
    assert_eq!(first.code.len(), 8);
    let before = emu.receipts().len();
    ui.tap("Punya kode booking?");
    for c in first.code.chars() {
        ui.tap(&c.to_string());
    }
    ui.tap("Lanjut");
    ui.pump_until("the category screen", Duration::from_secs(10), |u| {
        u.screen() == 3
    });
    let code = format!("{}-{}", &first.code[..4], &first.code[4..]);
    assert!(
        ui.find(&format!("Booking {code} · sesi 10.00–11.00 WIB"))
            .is_some(),
        "{:?}",
        ui.labels()
    );
    ui.tap("Umum");
    let (ticket, text, png) = printed_ticket(&ui, &emu, before);
    assert!(ticket.ticket.number.starts_with("PB-"), "{ticket:?}");
    // The booked ticket as the printer made it, for the README.
    let out = screenshot_path!("ticket-80mm-booked.png");
    std::fs::copy(&png, &out).unwrap();
    shots::publish(&out);
    assert_eq!(ticket.ticket.booked.as_deref(), Some("10:00–11:00"));
    assert_eq!(ui.adapter().get_result_booked(), "10.00–11.00 WIB");
    assert!(ui.find("Reservasi: sesi 10.00–11.00 WIB").is_some());
    assert!(
        text.contains("RESERVASI / BOOKED 10:00-11:00"),
        "the booked line on paper:\n{text}"
    );
    assert!(
        text.contains("NIK 3275********0001"),
        "the masked NIK on paper:\n{text}"
    );
    assert!(text.contains(&ticket.ticket.number), "{text}");
    let seen = block_on(server.client(None).booking(&first.code)).unwrap();
    assert_eq!(seen.status, BookingStatus::CheckedIn);
    ui.tap("Selesai");

    // By scanner: the QR of the booking page holds the code; the scanner types it and Enter.
    let second = book(&server, "3275041208850002", "10:00");
    let before = emu.receipts().len();
    ui.type_keys(&format!("{}\n", second.code));
    ui.pump_until("the category screen", Duration::from_secs(10), |u| {
        u.screen() == 3
    });
    ui.tap("Lansia");
    let (ticket, text, _) = printed_ticket(&ui, &emu, before);
    assert_eq!(ticket.ticket.booked.as_deref(), Some("10:00–11:00"));
    assert!(text.contains("PRIORITAS: Lansia"), "{text}");
    assert!(text.contains("RESERVASI / BOOKED 10:00-11:00"), "{text}");
    assert!(text.contains("NIK 3275********0002"), "{text}");
    ui.tap("Selesai");

    // The first code again, scanned on the start screen: already used.
    ui.type_keys(&format!("{code}\n").to_lowercase());
    ui.pump_until("the refusal", Duration::from_secs(10), |u| u.screen() == 5);
    assert_eq!(ui.outcome(), Outcome::BookingRefused(Refusal::NotActive));
    assert!(ui.find("Booking ini sudah digunakan").is_some());
    ui.tap("Selesai");

    // A booking for 13:00: too early at 09:40, come back at 12.30.
    let later = book(&server, "3275045208850003", "13:00");
    ui.type_keys(&format!("{}\n", later.code));
    ui.pump_until("the refusal", Duration::from_secs(10), |u| u.screen() == 5);
    assert_eq!(ui.outcome(), Outcome::BookingRefused(Refusal::TooEarly));
    assert!(ui.find("Silakan kembali mulai pukul 12.30 WIB").is_some());
    ui.tap("Selesai");

    // The server's check-in is the authority: asked directly, it refuses too early as well.
    let e = block_on(
        server
            .client(Some(KIOSK_TOKEN))
            .check_in(&later.code, antri_wire::Category::Regular),
    )
    .unwrap_err();
    assert_eq!(e.code(), Some("too_early"));
    assert_eq!(
        kiosk::controller::outcome_of_check_in_error(&e),
        Outcome::BookingRefused(Refusal::TooEarly)
    );
}
