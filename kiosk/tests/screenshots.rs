//! Every kiosk screen, standing (1080x1920) and lying (1920x1080), in Bahasa Indonesia and
//! English, rendered by Slint's software renderer to `$CARGO_TARGET_TMPDIR/screenshots/kiosk-*.png`
//! (and to docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`) while a visitor taps through
//! against the real server and the emulated printer. The README shows them; a person looks at them
//! as an elderly first-time visitor would. Each picture is checked for what it shows: the kiosk's
//! deep blue ground, white text, and the warm accent of the primary buttons.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use antri_wire::Text;
use common::*;
use kiosk::controller::{Outcome, Timings};

struct Words {
    code: &'static str,
    start: &'static str,
    agency: &'static str,
    service: &'static str,
    regular: &'static str,
    done: &'static str,
    /// Where the "not printed" screen sends the visitor for help.
    help: &'static str,
    paper_out: &'static str,
}

const ID: Words = Words {
    code: "id",
    start: "Ambil nomor antrian",
    agency: "Dinas Kependudukan dan Pencatatan Sipil",
    service: "KTP Elektronik",
    regular: "Umum",
    done: "Selesai",
    help: "Silakan minta bantuan petugas di meja informasi.",
    paper_out: "Printer: kertas habis",
};
const EN: Words = Words {
    code: "en",
    start: "Take a queue number",
    agency: "Population and Civil Registration Office",
    service: "Electronic ID card (KTP-el)",
    regular: "Regular",
    done: "Done",
    help: "Please ask an officer at the information desk for help.",
    paper_out: "Printer: out of paper",
};

/// Theme.background, Theme.accent (primary buttons) and white text.
const GROUND: [u8; 3] = [0x0b, 0x25, 0x45];
const ACCENT: [u8; 3] = [0xff, 0xc8, 0x45];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

fn shot(ui: &Ui, orientation: &str, lang: &str, name: &str) -> PathBuf {
    let path = screenshot_path!(&format!("kiosk-{orientation}-{lang}-{name}.png"));
    ui.snapshot(&path);
    shots::publish(&path);
    path
}

/// The picture is the whole window of the orientation and shows a kiosk screen: the deep blue
/// ground, white text on it, and the warm accent — a large area of it (the big button, the number,
/// the service tiles) on the screens that have one.
fn assert_kiosk_screen(path: &std::path::Path, (w, h): (u32, u32)) {
    let p = shots::Picture::load(path);
    let name = path.display().to_string();
    assert_eq!((p.width, p.height), (w, h), "{name}");
    let ground = p.share(GROUND, 8);
    let text = p.share(WHITE, 8);
    let accent = p.share(ACCENT, 8);
    assert!(ground > 0.2, "{name}: deep blue ground {ground:.3}");
    assert!(text > 0.005, "{name}: white text {text:.4}");
    let warm = [
        "-1-start",
        "-3-services",
        "-4-who",
        "-6-printed",
        "-7-start",
    ]
    .iter()
    .any(|s| name.contains(s));
    // A booking's refusal screens are calm on purpose: what to do, in white on blue.
    let calm = name.contains("-booking-") && !name.contains("-booking-1");
    let want = if warm {
        0.09
    } else if calm {
        0.0
    } else {
        0.002
    };
    assert!(accent > want, "{name}: warm accent {accent:.4}");
}

fn speak(ui: &Ui, w: &Words) {
    if ui.adapter().get_lang() != w.code {
        ui.tap(if w.code == "en" {
            "English"
        } else {
            "Bahasa Indonesia"
        });
    }
    assert_eq!(ui.adapter().get_lang(), w.code);
}

#[test]
fn every_screen_in_both_orientations_and_languages() {
    let mut server = Server::start();
    // A second building clock at the lunch break: the services screen shows why nothing is open.
    let lunch = Server::start_at("2026-11-24T12:30:00+07:00");
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    let ui_lunch = Ui::start(&lunch.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    ui_lunch.wait_ready();
    let mut written = Vec::new();

    for (orientation, w, h) in [("portrait", 1080, 1920), ("landscape", 1920, 1080)] {
        ui.resize(w, h);
        ui_lunch.resize(w, h);
        for words in [&ID, &EN] {
            let lang = words.code;
            speak(&ui, words);
            written.push(shot(&ui, orientation, lang, "1-start"));
            ui.tap(words.start);
            written.push(shot(&ui, orientation, lang, "2-agencies"));
            ui.tap(words.agency);
            written.push(shot(&ui, orientation, lang, "3-services"));
            ui.tap(words.service);
            written.push(shot(&ui, orientation, lang, "4-who"));
            ui.tap(words.regular);
            written.push(shot(&ui, orientation, lang, "5-printing"));
            ui.pump_until("the result", Duration::from_secs(15), |u| u.screen() == 5);
            assert!(matches!(ui.outcome(), Outcome::Printed { .. }));
            // The wait in the words of the paper and the phone; the time as "09.00 WIB".
            let t = ui.outcome().ticket().expect("a ticket").clone();
            let wait = antri_wire::wait::estimated_wait(t.ahead, t.estimated_wait_secs);
            let wait = if lang == "id" { wait.id } else { wait.en };
            assert_eq!(ui.adapter().get_result_wait_text(), wait.as_str());
            // The building's clock started at 09.00 and runs on: "09.mm WIB".
            let time = ui.adapter().get_time_text().to_string();
            assert!(
                time.starts_with("09.")
                    && time.len() == "09.00 WIB".len()
                    && time.ends_with(" WIB"),
                "{time:?}"
            );
            written.push(shot(&ui, orientation, lang, "6-printed"));
            ui.tap(words.done);

            // Printer out of paper: the start screen warns, the number comes on screen.
            emu.fault(true, "paper-out");
            ui.pump_until("the printer warning", Duration::from_secs(10), |u| {
                u.adapter().get_printer_state() == 2
            });
            speak(&ui, words);
            written.push(shot(&ui, orientation, lang, "7-start-printer-fault"));
            ui.tap(words.start);
            ui.tap(words.agency);
            ui.tap(words.service);
            ui.tap(words.regular);
            ui.pump_until("the result", Duration::from_secs(15), |u| u.screen() == 5);
            assert!(matches!(ui.outcome(), Outcome::NotPrinted { .. }));
            assert!(
                ui.find(words.help).is_some(),
                "sends the visitor to the desk"
            );
            // The reason in body type (38 px), not the caption size: its line is a body line high.
            let reason = ui.find(words.paper_out).expect("the reason is shown");
            assert!(
                reason.size().height >= 38.0 * 1.3,
                "the reason's line is {} px high",
                reason.size().height
            );
            written.push(shot(&ui, orientation, lang, "8-not-printed"));
            ui.tap(words.done);
            emu.fault(false, "paper-out");
            ui.pump_until("the printer to recover", Duration::from_secs(10), |u| {
                u.adapter().get_printer_state() == 0
            });

            // Lunch break at the other kiosk's building.
            speak(&ui_lunch, words);
            ui_lunch.tap(words.start);
            ui_lunch.tap(words.agency);
            written.push(shot(&ui_lunch, orientation, lang, "9-services-on-break"));
            ui_lunch.tap(words.done_or_start_over());

            // The server goes away while the visitor chooses.
            speak(&ui, words);
            ui.tap(words.start);
            ui.tap(words.agency);
            ui.tap(words.service);
            server.stop();
            ui.tap(words.regular);
            ui.pump_until("the result", Duration::from_secs(20), |u| u.screen() == 5);
            assert_eq!(ui.outcome(), Outcome::ServerDown);
            written.push(shot(&ui, orientation, lang, "10-server-down-no-number"));
            ui.tap(words.done);
            speak(&ui, words);
            written.push(shot(&ui, orientation, lang, "11-start-server-down"));
            server.restart();
            ui.pump_until("the server to be back", Duration::from_secs(10), |u| {
                u.adapter().get_server_ok()
            });
        }
    }
    for p in &written {
        let size = if p.to_string_lossy().contains("portrait") {
            (1080, 1920)
        } else {
            (1920, 1080)
        };
        assert_kiosk_screen(p, size);
    }
}

impl Words {
    fn booking(&self) -> &'static str {
        if self.code == "id" {
            "Punya kode booking?"
        } else {
            "I have a booking"
        }
    }

    fn continue_(&self) -> &'static str {
        if self.code == "id" {
            "Lanjut"
        } else {
            "Continue"
        }
    }

    fn done_or_start_over(&self) -> &'static str {
        if self.code == "id" {
            "Ulangi dari awal"
        } else {
            "Start over"
        }
    }
}

/// The check-in with a booking code: the keypad, the booked visitor's category screen and
/// printed number, and each refusal's screen (from the booking as the server shows it, handed to
/// the kiosk the way its worker does).
#[test]
fn booking_screens_in_both_orientations_and_languages() {
    use antri_wire::booking::{BookingStatus, BookingView, Named};
    use kiosk::checkin::{Lookup, Refusal};
    use kiosk::worker::ToUi;

    let server = Server::start();
    let emu = Emupos::start();
    let ui = Ui::start(&server.url(), emu.tcp_uri(), Timings::default());
    ui.wait_ready();
    let named = |id: &str, n: &Text| Named {
        id: id.into(),
        name: n.clone(),
    };
    let service = Text {
        id: ID.service.into(),
        en: EN.service.into(),
    };
    let agency = Text {
        id: ID.agency.into(),
        en: EN.agency.into(),
    };
    let today = BookingView {
        code: "ABCD2345".into(),
        status: BookingStatus::Active,
        service: named("ktp", &service),
        agency: named("dukcapil", &agency),
        date: OPEN_TUESDAY[..10].parse().unwrap(),
        session: 1,
        from: "09:00".into(),
        to: "10:00".into(),
        checkin_from: "08:30".into(),
        checkin_until: "23:00".into(),
        nik_masked: "3275********0001".into(),
        reminders: false,
        bring: Vec::new(),
        late: Default::default(),
    };
    let early = BookingView {
        from: "13:00".into(),
        to: "14:00".into(),
        checkin_from: "12:30".into(),
        checkin_until: "13:15".into(),
        ..today.clone()
    };
    let late = BookingView {
        from: "08:00".into(),
        to: "09:00".into(),
        checkin_from: "07:30".into(),
        checkin_until: "08:15".into(),
        ..today.clone()
    };
    let other_day = BookingView {
        date: today.date.succ_opt().unwrap(),
        ..today.clone()
    };
    let used = BookingView {
        status: BookingStatus::CheckedIn,
        ..today.clone()
    };
    let found = |v: &BookingView| Lookup::Found(Box::new(v.clone()));
    let refusals = [
        ("5-unknown", Lookup::Refused(Refusal::Unknown)),
        ("6-too-early", found(&early)),
        ("7-too-late", found(&late)),
        ("8-other-day", found(&other_day)),
        ("9-used", found(&used)),
    ];
    let mut written = Vec::new();
    for (orientation, w, h) in [("portrait", 1080, 1920), ("landscape", 1920, 1080)] {
        ui.resize(w, h);
        for words in [&ID, &EN] {
            let lang = words.code;
            speak(&ui, words);
            ui.tap(words.booking());
            for k in ["A", "B", "C", "D", "2", "3"] {
                ui.tap(k);
            }
            written.push(shot(&ui, orientation, lang, "booking-1-keypad"));
            ui.tap("4");
            ui.tap("5");
            ui.tap(words.continue_());
            ui.kiosk.apply(ToUi::Booking(found(&today)));
            assert_eq!(ui.screen(), 3);
            written.push(shot(&ui, orientation, lang, "booking-2-who"));
            ui.tap(words.regular);
            // The number the check-in would print, as the server issues it (a walk-in's ticket,
            // marked with the session as a booked one is).
            let mut t = block_on(
                server
                    .client(Some(KIOSK_TOKEN))
                    .issue("ktp", antri_wire::Category::Regular),
            )
            .unwrap();
            t.ticket.booked = Some("09:00–10:00".into());
            ui.kiosk
                .apply(ToUi::Outcome(Box::new(Outcome::Printed { ticket: t })));
            assert_eq!(ui.adapter().get_result_kind(), 0);
            written.push(shot(&ui, orientation, lang, "booking-3-printed"));
            ui.tap(words.done);
            for (name, lookup) in &refusals {
                // "Done" brought the next visitor's language back.
                speak(&ui, words);
                ui.type_keys("ABCD2345\n");
                ui.kiosk.apply(ToUi::Booking(lookup.clone()));
                assert_eq!(ui.adapter().get_result_kind(), 4, "{name}");
                written.push(shot(&ui, orientation, lang, &format!("booking-{name}")));
                ui.tap(words.done);
            }
        }
    }
    for p in &written {
        let size = if p.to_string_lossy().contains("portrait") {
            (1080, 1920)
        } else {
            (1920, 1080)
        };
        assert_kiosk_screen(p, size);
    }
}
