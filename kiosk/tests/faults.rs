//! Printer faults, switched on and off in the `emupos` emulator with its own CLI: the visitor
//! still gets a number (on screen, with its QR code), the ticket is neither lost nor issued twice,
//! the fault reaches the server (the supervisor's dashboard), and the kiosk recovers by itself.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use antri_wire::PrinterStatus;
use common::*;
use kiosk::controller::{Outcome, Timings};
use kiosk::printer::uri::PrinterUri;

/// Faulted ticket: number and QR on screen, not printed, and nothing left to print later.
fn assert_on_screen_only(
    ui: &Ui,
    emu: &Emupos,
    receipts_before: usize,
    want: PrinterStatus,
) -> String {
    let Outcome::NotPrinted { ticket, fault } = ui.outcome() else {
        panic!("expected a number on screen, got {:?}", ui.outcome())
    };
    assert_eq!(fault, want);
    let a = ui.adapter();
    assert_eq!(a.get_result_kind(), 1);
    assert_eq!(
        a.get_result_number(),
        ticket.ticket.number.as_str(),
        "the number is on screen"
    );
    assert!(a.get_result_qr().size().width > 0, "a QR code is on screen");
    assert!(
        ui.find("Tiket tidak dapat dicetak").is_some(),
        "says it did not print"
    );
    assert!(
        ui.find("Silakan ambil tiket Anda di bawah").is_none(),
        "never says take your ticket"
    );
    assert!(ui.find("Kode QR tiket Anda").is_some());
    assert_eq!(emu.receipts().len(), receipts_before, "nothing printed");
    ticket.ticket.number
}

#[test]
fn paper_out_cover_open_and_offline_each_show_the_number_report_and_recover() {
    let server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    let mut numbers = Vec::new();
    for (fault, status) in [
        ("paper-out", PrinterStatus::PaperOut),
        ("cover-open", PrinterStatus::CoverOpen),
        ("offline", PrinterStatus::Offline),
    ] {
        emu.fault(true, fault);
        // Between visitors the kiosk polls the printer: the dashboard learns of it without a ticket.
        wait_report(&server, status);
        ui.pump_until("the start screen to warn", Duration::from_secs(5), |u| {
            u.adapter().get_printer_state() == 2
        });
        assert!(ui
            .find("Printer tiket sedang bermasalah. Nomor antrian Anda akan ditampilkan di layar.")
            .is_some());

        let before = emu.receipts().len();
        ui.take_ticket(AGENCY, SERVICE, "Umum");
        numbers.push(assert_on_screen_only(&ui, &emu, before, status));
        ui.done();

        emu.fault(false, fault);
        wait_report(&server, PrinterStatus::Ok);
        ui.pump_until("the warning to go", Duration::from_secs(5), |u| {
            u.adapter().get_printer_state() == 0
        });
        // Nothing was held back in the printer: clearing the fault prints no stray ticket.
        assert_eq!(
            emu.receipts().len(),
            before,
            "no stray ticket after the repair"
        );

        ui.take_ticket(AGENCY, SERVICE, "Umum");
        assert!(
            matches!(ui.outcome(), Outcome::Printed { .. }),
            "prints again after {fault}"
        );
        let id = emu.wait_receipt(before);
        let printed = ui.adapter().get_result_number().to_string();
        assert!(emu.receipt_text(&id).contains(&printed));
        numbers.push(printed);
        ui.done();
    }
    // Every attempt got its own number: none lost, none issued twice.
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), numbers.len(), "{numbers:?}");
}

#[test]
fn paper_near_end_is_reported_as_a_warning_and_still_prints() {
    let server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.serial_uri(), Timings::default());
    ui.wait_ready();
    emu.fault(true, "paper-near-end");
    let report = wait_report(&server, PrinterStatus::PaperNearEnd);
    assert!(report.detail.unwrap_or_default().contains("near end"));
    let before = emu.receipts().len();
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    assert!(matches!(ui.outcome(), Outcome::Printed { .. }));
    emu.wait_receipt(before);
    assert_eq!(
        ui.adapter().get_printer_state(),
        1,
        "a warning, not a fault"
    );
    assert!(ui.find("Silakan ambil tiket Anda di bawah").is_some());
}

#[test]
fn printer_switched_off_then_on_again_over_the_pty() {
    let server = Server::start();
    let mut emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.serial_uri(), Timings::default());
    ui.wait_ready();
    emu.kill();
    wait_report(&server, PrinterStatus::Disconnected);
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    let Outcome::NotPrinted { fault, .. } = ui.outcome() else {
        panic!("{:?}", ui.outcome())
    };
    assert_eq!(fault, PrinterStatus::Disconnected);
    ui.done();

    emu.restart();
    wait_report(&server, PrinterStatus::Ok);
    let before = emu.receipts().len();
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    assert!(
        matches!(ui.outcome(), Outcome::Printed { .. }),
        "{:?}",
        ui.outcome()
    );
    emu.wait_receipt(before);
}

/// A cable between kiosk and printer that is pulled once, after `cut_after` bytes of the first
/// ticket: status queries (3 bytes each) pass, the ticket is cut off midway.
struct FlakyCable {
    port: u16,
}

impl FlakyCable {
    fn start(printer_port: u16, cut_after: usize) -> FlakyCable {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let pulled = Arc::new(AtomicBool::new(false));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let Ok(mut printer) = TcpStream::connect(("127.0.0.1", printer_port)) else {
                    continue;
                };
                let (mut c2, mut p2) = (client.try_clone().unwrap(), printer.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut p2, &mut c2);
                });
                let pulled = pulled.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 256];
                    let mut total = 0usize;
                    while let Ok(n) = client.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        let mut n = n;
                        if !pulled.load(Ordering::SeqCst) && total + n > cut_after {
                            n = cut_after - total;
                            let _ = printer.write_all(&buf[..n]);
                            pulled.store(true, Ordering::SeqCst);
                            let _ = printer.shutdown(std::net::Shutdown::Both);
                            let _ = client.shutdown(std::net::Shutdown::Both);
                            return;
                        }
                        total += n;
                        if printer.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = printer.shutdown(std::net::Shutdown::Both);
                });
            }
        });
        FlakyCable { port }
    }

    fn uri(&self) -> PrinterUri {
        format!("tcp:127.0.0.1:{}", self.port).parse().unwrap()
    }
}

#[test]
fn cable_pulled_in_the_middle_of_a_ticket() {
    let server = Server::start();
    let emu = Emupos::start();
    // A few polls (9 bytes each) then ~600 bytes into the ticket.
    let cable = FlakyCable::start(emu.tcp_port, 2000);
    let ui = Ui::start(&server.url(), cable.uri(), Timings::default());
    ui.wait_ready();
    wait_report(&server, PrinterStatus::Ok);
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    let Outcome::NotPrinted { ticket, fault } = ui.outcome() else {
        panic!("{:?}", ui.outcome())
    };
    assert_eq!(fault, PrinterStatus::Disconnected);
    assert_eq!(
        ui.adapter().get_result_number(),
        ticket.ticket.number.as_str()
    );
    ui.done();
    // Cable back in (the next connection passes everything): the kiosk carries on by itself.
    wait_report(&server, PrinterStatus::Ok);
    let before = emu.receipts().len();
    ui.take_ticket(AGENCY, SERVICE, "Umum");
    assert!(
        matches!(ui.outcome(), Outcome::Printed { .. }),
        "{:?}",
        ui.outcome()
    );
    let id = emu.wait_receipt(before);
    let second = ui.adapter().get_result_number().to_string();
    assert_ne!(second, ticket.ticket.number, "a new visitor, a new number");
    assert!(emu.receipt_text(&id).contains(&second));
}
