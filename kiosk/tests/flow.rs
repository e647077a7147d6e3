//! A visitor taps through the kiosk against the real ticket server, and the ticket comes out of
//! the `emupos` printer emulator, over TCP and over a pty. The emulator's own rendering of the
//! ticket is read back: the number and service from its text, the QR code with zbarimg, and the
//! QR's link is followed to the server's tracking API.

mod common;

use std::time::Duration;

use common::*;
use kiosk::controller::Timings;
use kiosk::printer::ticket::PaperWidth;
use kiosk::printer::uri::PrinterUri;

const AGENCY: &str = "Dinas Kependudukan dan Pencatatan Sipil";
const SERVICE: &str = "KTP Elektronik";

fn take_ticket(
    server: &Server,
    emu: &Emupos,
    printer: PrinterUri,
    category: &str,
    paper: PaperWidth,
) -> String {
    let ui = Ui::start_with(&server.url(), printer, Timings::default(), paper);
    ui.wait_ready();
    let before = emu.receipts().len();

    ui.tap("Ambil nomor antrian");
    assert_eq!(ui.screen(), 1, "agencies");
    ui.tap(AGENCY);
    assert_eq!(ui.screen(), 2, "services of the agency");
    ui.tap(SERVICE);
    assert_eq!(ui.screen(), 3, "who is the ticket for");
    ui.tap(category);
    assert_eq!(ui.screen(), 4, "printing");
    ui.pump_until("the result screen", Duration::from_secs(15), |u| {
        u.screen() == 5
    });

    let a = ui.adapter();
    assert_eq!(a.get_result_kind(), 0, "printed");
    let number = a.get_result_number().to_string();
    assert!(number.starts_with("KTP-"), "{number}");
    assert!(
        ui.find("Silakan ambil tiket Anda di bawah").is_some(),
        "says to take the ticket"
    );

    // What the printer made of our bytes.
    let id = emu.wait_receipt(before);
    let text = emu.receipt_text(&id);
    assert!(
        text.contains(&number),
        "ticket text has the number {number}:\n{text}"
    );
    assert!(
        text.contains("KTP Elektronik"),
        "ticket names the service:\n{text}"
    );
    assert!(
        text.contains("Mal Pelayanan Publik Kota"),
        "building on top:\n{text}"
    );
    let url = zbarimg(&emu.receipt_png(&id));
    let issued = ui.kiosk.ctl.borrow().screen.clone();
    let kiosk::controller::Screen::Result { outcome, .. } = issued else {
        panic!("not a result")
    };
    let ticket = outcome.ticket().expect("a ticket").clone();
    assert_eq!(url, ticket.tracking_url, "QR payload is the tracking URL");
    // The estimated wait in one wording on the screen and on paper (and on the tracking page,
    // which the server words by the same rule).
    let wait = antri_wire::wait::estimated_wait(ticket.ahead, ticket.estimated_wait_secs);
    assert_eq!(
        a.get_result_wait_text(),
        wait.id.as_str(),
        "the screen's wait"
    );
    assert!(
        text.contains(&format!("{} / {}", wait.id, wait.en)),
        "the paper's wait is {wait:?}:\n{text}"
    );
    // The time as everywhere: "09.05 WIB", on paper and in the kiosk's header.
    let issued = antri_wire::calendar::clock_in_zone(&ticket.ticket.issued_at, "WIB");
    assert!(
        text.contains(&issued),
        "issued at {issued} on paper:\n{text}"
    );
    let header = a.get_time_text().to_string();
    assert!(
        header.len() == "09.05 WIB".len()
            && header.as_bytes()[2] == b'.'
            && header.ends_with(" WIB"),
        "the header's time {header:?}"
    );
    let code = url.rsplit('/').next().unwrap().to_string();
    let track =
        block_on(server.client(Some(KIOSK_TOKEN)).track(&code)).expect("tracking code resolves");
    assert_eq!(track.estimated_wait, wait, "the tracking page's words");
    // Follow the QR code: the tracking page's API knows this ticket.
    assert_eq!(track.number, number);

    // The number stays a few seconds, then the kiosk is ready for the next visitor by itself.
    let shown = std::time::Instant::now();
    ui.kiosk
        .tick(shown + Duration::from_secs(8) + Duration::from_millis(100));
    assert_eq!(ui.screen(), 0, "back to start");
    id
}

#[test]
fn visitor_gets_a_printed_ticket_over_tcp() {
    let server = Server::start();
    let emu = Emupos::start();
    let id = take_ticket(&server, &emu, emu.tcp_uri(), "Lansia", PaperWidth::Mm80);
    let text = emu.receipt_text(&id);
    assert!(
        text.contains("PRIORITAS: Lansia"),
        "priority is printed:\n{text}"
    );
    assert_eq!(
        wait_report(&server, antri_wire::PrinterStatus::Ok).printer,
        antri_wire::PrinterStatus::Ok
    );
    // The emulator's picture of the ticket, for the README: white paper, black print, 80 mm
    // (576 dots) wide; and the photo of it, the paper on a dark desk.
    let out = screenshot_path!("ticket-80mm.png");
    std::fs::copy(emu.receipt_png(&id), &out).unwrap();
    let paper = shots::Picture::load(&out);
    assert_eq!(paper.width, 576, "the printer's 576 dots");
    assert_printed(&paper);
    shots::publish(&out);
    let photo = screenshot_path!("ticket-80mm-photo.png");
    ticket_photo(&out, &photo);
    let shown = shots::Picture::load(&photo);
    assert_eq!(shown.width, paper.width + 180);
    // The desk's corner, then the paper near the top-left of the print.
    assert!(shown.pixel(5, 5).iter().all(|c| *c < 80), "a dark desk");
    assert!(shown.pixel(92, 100).iter().all(|c| *c > 200), "warm paper");
    shots::publish(&photo);
}

/// A ticket as printed: mostly white paper, with a fair share of black print.
fn assert_printed(paper: &shots::Picture) {
    let white = paper.share([255, 255, 255], 30);
    let ink = paper.dark_share(100);
    assert!(white > 0.6, "mostly paper: {white:.2}");
    assert!(ink > 0.02, "something is printed: {ink:.3}");
}

#[test]
fn visitor_gets_a_printed_ticket_over_a_serial_pty() {
    let server = Server::start();
    let emu = Emupos::start();
    let id = take_ticket(&server, &emu, emu.serial_uri(), "Umum", PaperWidth::Mm58);
    let text = emu.receipt_text(&id);
    assert!(!text.contains("PRIORITAS"));
    // Laid out for 58 mm: no line longer than 32 characters (the number is magnified).
    // (The emulator's text dump writes pictures and codes as `[image ..]`/`[qr ..]` markers.)
    for line in text.lines().filter(|l| !l.starts_with('[')) {
        assert!(
            line.trim_end().chars().count() <= 32,
            "line too long for 58 mm: {line:?}"
        );
    }
    let out = screenshot_path!("ticket-58mm.png");
    std::fs::copy(emu.receipt_png(&id), &out).unwrap();
    assert_printed(&shots::Picture::load(&out));
    shots::publish(&out);
}

#[test]
fn counts_stay_live_while_the_visitor_looks_and_an_idle_kiosk_resets() {
    use slint::Model;
    let server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    ui.tap("English");
    ui.tap("Take a queue number");
    ui.tap("Population and Civil Registration Office");
    let ktp_waiting = |u: &Ui| {
        let services = u.adapter().get_services();
        let row = services.iter().find(|s| s.id == "ktp").expect("ktp listed");
        row.waiting
    };
    assert_eq!(ktp_waiting(&ui), 0);
    // Two visitors at other kiosks take KTP tickets meanwhile.
    for _ in 0..2 {
        block_on(
            server
                .client(Some(KIOSK_TOKEN))
                .issue("ktp", antri_wire::Category::Regular),
        )
        .unwrap();
    }
    ui.pump_until("the list to show 2 waiting", Duration::from_secs(10), |u| {
        ktp_waiting(u) == 2
    });
    assert_eq!(
        ui.screen(),
        2,
        "still on the list: nothing jumped under the visitor's finger"
    );
    assert!(ui.find("Electronic ID card (KTP-el)").is_some());

    // Nobody touches the screen for the idle time: back to the start, in Bahasa Indonesia.
    ui.kiosk
        .tick(std::time::Instant::now() + Duration::from_secs(59));
    assert_eq!(ui.screen(), 2);
    ui.kiosk
        .tick(std::time::Instant::now() + Duration::from_secs(61));
    assert_eq!(ui.screen(), 0);
    assert_eq!(ui.adapter().get_lang(), "id");
    assert!(ui.find("Ambil nomor antrian").is_some());
}
