//! Server trouble: the kiosk says so plainly, never invents a number, keeps retrying and carries
//! on by itself when the server is back. And a refusal (quota used up) says why.

mod common;

use std::time::Duration;

use common::*;
use kiosk::controller::{Outcome, Timings};

const DOWN: &str = "Layanan antrian sedang gangguan, silakan hubungi petugas";

#[test]
fn server_down_at_the_start_screen_and_back_again() {
    let mut server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    assert!(ui.find("Ambil nomor antrian").is_some());

    server.stop();
    ui.pump_until("the kiosk to notice", Duration::from_secs(10), |u| {
        !u.adapter().get_server_ok()
    });
    assert!(
        ui.find(DOWN).is_some(),
        "the plain message is shown: {:?}",
        ui.labels()
    );
    assert!(
        ui.find("Ambil nomor antrian").is_none(),
        "no ticket is offered"
    );
    ui.tap("English");
    assert!(ui
        .find("The queue service is having problems, please contact an officer")
        .is_some());
    ui.tap("Bahasa Indonesia");

    server.restart();
    ui.pump_until("the kiosk to reconnect", Duration::from_secs(10), |u| {
        u.adapter().get_server_ok()
    });
    assert!(ui.find(DOWN).is_none());
    let before = emu.receipts().len();
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    assert!(
        matches!(ui.outcome(), Outcome::Printed { .. }),
        "{:?}",
        ui.outcome()
    );
    emu.wait_receipt(before);
}

#[test]
fn server_gone_while_the_visitor_chooses_gives_no_number() {
    let mut server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    ui.tap("Ambil nomor antrian");
    ui.tap(AGENCY);
    ui.tap(SERVICE);
    server.stop();
    let before = emu.receipts().len();
    ui.tap("Umum");
    ui.pump_until("the result screen", Duration::from_secs(20), |u| {
        u.screen() == 5
    });
    assert_eq!(ui.outcome(), Outcome::ServerDown);
    let a = ui.adapter();
    assert_eq!(a.get_result_kind(), 3);
    assert!(ui.find(DOWN).is_some());
    assert!(ui.find("Nomor antrian").is_none(), "no number is shown");
    assert!(
        ui.find("Kode QR tiket Anda").is_none(),
        "no QR code is shown"
    );
    assert_eq!(emu.receipts().len(), before, "nothing printed");
    ui.done();
    assert!(
        ui.find("Ambil nomor antrian").is_none(),
        "start screen does not offer tickets while down"
    );

    server.restart();
    ui.pump_until("the kiosk to reconnect", Duration::from_secs(10), |u| {
        u.adapter().get_server_ok()
    });
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    let Outcome::Printed { ticket } = ui.outcome() else {
        panic!("{:?}", ui.outcome())
    };
    // The failed attempt made no ticket: this is the day's first KTP number.
    assert_eq!(ticket.ticket.number, "KTP-001");
}

#[test]
fn a_service_that_ran_out_of_quota_meanwhile_is_refused_with_the_reason() {
    let server = Server::start_with(OPEN_TUESDAY, |c| {
        for s in &mut c.services {
            if s.id == "kk" {
                s.quota = Some(1);
            }
        }
    });
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    ui.tap("Ambil nomor antrian");
    ui.tap(AGENCY);
    // Another kiosk takes the last ticket while this visitor reads the list.
    block_on(
        server
            .client(Some(KIOSK_TOKEN))
            .issue("kk", antri_wire::Category::Regular),
    )
    .expect("the last KK ticket");
    ui.tap("Kartu Keluarga");
    let before = emu.receipts().len();
    ui.tap("Umum");
    ui.pump_until("the result screen", Duration::from_secs(15), |u| {
        u.screen() == 5
    });
    assert!(
        matches!(ui.outcome(), Outcome::Refused { .. }),
        "{:?}",
        ui.outcome()
    );
    let a = ui.adapter();
    assert_eq!(a.get_result_kind(), 2);
    assert_eq!(a.get_refused_state(), 4, "quota used up");
    assert!(ui
        .find("Tidak ada tiket: layanan ini sedang tidak menerima antrian")
        .is_some());
    assert_eq!(emu.receipts().len(), before);
    ui.done();
    // Back in the list, the service is now shown as unavailable (the kiosk fetched it again).
    ui.pump_until("kk to show as full", Duration::from_secs(5), |u| {
        u.kiosk
            .ctl
            .borrow()
            .service("kk")
            .is_some_and(|s| !s.availability.is_open())
    });
}

#[test]
fn services_on_break_are_shown_switched_off_with_when_they_return() {
    use slint::Model;
    let server = Server::start_at("2026-11-24T12:30:00+07:00");
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    ui.tap("Ambil nomor antrian");
    let agencies = ui.adapter().get_agencies();
    assert!(
        agencies.iter().all(|a| !a.open),
        "every agency is on its lunch break"
    );
    let button = ui.find(AGENCY).unwrap();
    assert_eq!(
        button.accessible_description().unwrap(),
        "Sedang tidak menerima antrian"
    );
    ui.tap(AGENCY);
    let services = ui.adapter().get_services();
    let ktp = services.iter().find(|s| s.id == "ktp").unwrap();
    assert_eq!(
        (ktp.state, ktp.time.as_str(), ktp.break_name.as_str()),
        (2, "13.00 WIB", "Istirahat siang")
    );
    // Tapping it does nothing: no ticket for a service on break.
    ui.tap(SERVICE);
    assert_eq!(ui.screen(), 2);
}
