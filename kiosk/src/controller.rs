//! The kiosk's flow as a pure state machine: which screen shows, what the visitor may tap, and
//! when the kiosk goes back to the start on its own.
//!
//! No window, no network, no clock reads: time comes in as `Instant` arguments and the answers of
//! the server and printer come in as calls, so every path (including the faults) is unit-tested
//! here and the adapter only copies this state into the Slint globals.
//!
//! A visitor with a booking comes in by the start screen's booking button (a keypad for the code)
//! or by a barcode scanner, which types the code and Enter into whatever screen shows: the
//! booking is looked up, then the category asked as for a walk-in, then the check-in issues the
//! ticket. Why a booking cannot be used now is an [`Outcome::BookingRefused`] with its own screen.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use antri_wire::booking::BookingView;
use antri_wire::client::ClientError;
use chrono::NaiveDateTime;

use crate::checkin::{self, Lookup, Refusal};
use antri_wire::{
    AgencyView, Availability, BuildingView, Category, IssuedTicket, PrinterStatus, ServiceView,
    ServicesResponse, Text,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn pick(self, t: &Text) -> &str {
        match self {
            Lang::Id => &t.id,
            Lang::En => &t.en,
        }
    }

    /// The bundled-translation name; English is the `.slint` source language.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
}

/// How the ticket attempt ended, as the visitor must be told.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// On paper. `warning` is set when the printer reported paper near end.
    Printed { ticket: IssuedTicket },
    /// The server issued the ticket but the printer failed: the number and QR stay on screen.
    NotPrinted {
        ticket: IssuedTicket,
        fault: PrinterStatus,
    },
    /// The server refused (closed, break, quota): no ticket exists.
    Refused {
        availability: Option<Availability>,
        message: String,
    },
    /// The server could not be reached: no number was issued, none is shown.
    ServerDown,
    /// The booking cannot be checked in now; the controller's `booking` (when known) says the
    /// details the screen shows (its date, its check-in window, its status).
    BookingRefused(Refusal),
}

impl Outcome {
    pub fn ticket(&self) -> Option<&IssuedTicket> {
        match self {
            Outcome::Printed { ticket } | Outcome::NotPrinted { ticket, .. } => Some(ticket),
            _ => None,
        }
    }
}

/// Map a failed issue request to what the visitor is told.
pub fn outcome_of_issue_error(e: &ClientError) -> Outcome {
    match e {
        ClientError::Api { body, .. } if !e.is_transient() => Outcome::Refused {
            availability: body.error.availability.clone(),
            message: body.error.message.clone(),
        },
        _ => Outcome::ServerDown,
    }
}

/// Map a failed check-in to what the visitor is told: the server's error code is the authority
/// on why a booking cannot be used, whatever the booking looked like a moment before.
pub fn outcome_of_check_in_error(e: &ClientError) -> Outcome {
    match e.code().and_then(Refusal::of_code) {
        Some(r) if !e.is_transient() => Outcome::BookingRefused(r),
        _ => outcome_of_issue_error(e),
    }
}

// The result carries the whole issued ticket; there is one `Screen` per kiosk, so the size
// difference between variants costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Start,
    Agencies,
    Services {
        agency: String,
    },
    Category {
        service: String,
    },
    /// Typing a booking code on the keypad; `code` holds the characters typed so far (no dash).
    BookingCode {
        code: String,
    },
    /// Asking the server about a booking (typed or scanned). Nothing may be tapped.
    LookingUp {
        code: String,
    },
    /// The category screen for a booked visitor: the check-in follows the choice.
    BookedCategory {
        code: String,
        service: String,
    },
    /// Waiting for the server and the printer. Nothing may be tapped: a second tap must never
    /// ask for a second ticket.
    Printing {
        service: String,
        category: Category,
    },
    /// `service`: the one the visitor chose (for a refusal, to say which).
    Result {
        outcome: Outcome,
        service: String,
        shown_at: Instant,
    },
}

/// What the worker must do after a tap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Issue { service: String, category: Category },
    LookUpBooking { code: String },
    CheckIn { code: String, category: Category },
}

/// Timings the building can tune in the kiosk config.
#[derive(Clone, Copy, Debug)]
pub struct Timings {
    /// Back to start after this long without a tap.
    pub idle: Duration,
    /// How long the printed number stays on screen.
    pub result: Duration,
    /// How long a number that did not print stays (time to photograph the QR code).
    pub result_not_printed: Duration,
    /// A barcode scanner types a whole code within milliseconds: keys further apart than this
    /// are not a scan, and what was typed before the gap is forgotten.
    pub scan_gap: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            idle: Duration::from_secs(60),
            result: Duration::from_secs(8),
            result_not_printed: Duration::from_secs(60),
            scan_gap: Duration::from_millis(300),
        }
    }
}

/// The hall as the kiosk knows it, kept current by the event stream.
#[derive(Clone, Debug, Default)]
pub struct Hall {
    pub building: Option<BuildingView>,
    pub agencies: Vec<AgencyView>,
    pub services: Vec<ServiceView>,
}

pub struct Controller {
    pub screen: Screen,
    pub lang: Lang,
    pub hall: Hall,
    /// False while the server cannot be reached; the start screen then says so.
    pub server_ok: bool,
    /// Last status the printer reported; `None` until first asked.
    pub printer: Option<PrinterStatus>,
    /// What the server says a technician must fix (e.g. QR codes that no phone can open).
    pub server_warnings: Vec<Text>,
    /// The booking being checked in, as the server showed it (for the category and refusal
    /// screens); cleared when the kiosk goes back to start.
    pub booking: Option<BookingView>,
    /// Keys typed outside the keypad (a scanner) since the last gap, and when the last came.
    scan: String,
    scan_at: Option<Instant>,
    timings: Timings,
    last_touch: Instant,
    default_lang: Lang,
}

impl Controller {
    pub fn new(timings: Timings, lang: Lang, now: Instant) -> Controller {
        Controller {
            screen: Screen::Start,
            lang,
            hall: Hall::default(),
            server_ok: false,
            printer: None,
            server_warnings: Vec::new(),
            booking: None,
            scan: String::new(),
            scan_at: None,
            timings,
            last_touch: now,
            default_lang: lang,
        }
    }

    // ---- what the server and the printer say -------------------------------------------------

    pub fn on_services(&mut self, r: ServicesResponse) {
        self.server_warnings = r.warnings;
        self.hall = Hall {
            building: Some(r.building),
            agencies: r.agencies,
            services: r.services,
        };
        self.server_ok = true;
    }

    /// Waiting counts from one event of the stream.
    pub fn on_waiting(&mut self, waiting: &BTreeMap<String, u32>) {
        for s in &mut self.hall.services {
            if let Some(n) = waiting.get(&s.id) {
                s.waiting = *n;
            }
        }
    }

    pub fn on_server_reachable(&mut self, ok: bool) {
        self.server_ok = ok;
    }

    pub fn on_printer(&mut self, status: Option<PrinterStatus>) {
        self.printer = status;
    }

    pub fn on_outcome(&mut self, outcome: Outcome, now: Instant) {
        // A result only belongs to the attempt that is waiting for it.
        let Screen::Printing { service, .. } = &self.screen else {
            return;
        };
        let service = service.clone();
        if matches!(outcome, Outcome::ServerDown) {
            self.server_ok = false;
        }
        if let Outcome::NotPrinted { fault, .. } = &outcome {
            self.printer = Some(*fault);
        }
        self.screen = Screen::Result {
            outcome,
            service,
            shown_at: now,
        };
    }

    /// The booking the server showed for a code typed or scanned, `local` the building's clock
    /// (when known) to judge the check-in window by.
    pub fn on_lookup(&mut self, lookup: Lookup, local: Option<NaiveDateTime>, now: Instant) {
        let Screen::LookingUp { code } = &self.screen else {
            return;
        };
        let code = code.clone();
        let outcome = match lookup {
            Lookup::Found(view) => {
                let refusal = checkin::judge(&view, local);
                let service = view.service.id.clone();
                self.booking = Some(*view);
                match refusal {
                    None => {
                        self.screen = Screen::BookedCategory { code, service };
                        return;
                    }
                    Some(r) => Outcome::BookingRefused(r),
                }
            }
            Lookup::Refused(r) => Outcome::BookingRefused(r),
            Lookup::ServerDown => {
                self.server_ok = false;
                Outcome::ServerDown
            }
        };
        let service = self
            .booking
            .as_ref()
            .map(|b| b.service.id.clone())
            .unwrap_or_default();
        self.screen = Screen::Result {
            outcome,
            service,
            shown_at: now,
        };
    }

    // ---- taps -------------------------------------------------------------------------------

    fn touch(&mut self, now: Instant) {
        self.last_touch = now;
    }

    /// Any tap on the screen, even one that does nothing, means someone is there.
    pub fn on_touch(&mut self, now: Instant) {
        self.touch(now);
    }

    pub fn set_lang(&mut self, lang: Lang, now: Instant) {
        self.touch(now);
        self.lang = lang;
    }

    pub fn start(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Start && self.server_ok && !self.hall.services.is_empty() {
            self.screen = Screen::Agencies;
        }
    }

    pub fn choose_agency(&mut self, agency: &str, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Agencies && self.hall.agencies.iter().any(|a| a.id == agency) {
            self.screen = Screen::Services {
                agency: agency.to_string(),
            };
        }
    }

    pub fn choose_service(&mut self, service: &str, now: Instant) {
        self.touch(now);
        let Screen::Services { agency } = &self.screen else {
            return;
        };
        // A closed service cannot be chosen, whatever the UI shows.
        if let Some(s) = self.service(service) {
            if &s.agency == agency && s.availability.is_open() {
                self.screen = Screen::Category {
                    service: service.to_string(),
                };
            }
        }
    }

    pub fn choose_category(&mut self, category: Category, now: Instant) -> Option<Command> {
        self.touch(now);
        let (service, cmd) = match &self.screen {
            Screen::Category { service } => (
                service.clone(),
                Command::Issue {
                    service: service.clone(),
                    category,
                },
            ),
            Screen::BookedCategory { code, service } => (
                service.clone(),
                Command::CheckIn {
                    code: code.clone(),
                    category,
                },
            ),
            _ => return None,
        };
        self.screen = Screen::Printing { service, category };
        Some(cmd)
    }

    /// "I have a booking" on the start screen: the keypad.
    pub fn open_booking(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Start && self.server_ok {
            self.booking = None;
            self.screen = Screen::BookingCode {
                code: String::new(),
            };
        }
    }

    /// A keypad key: one character of the alphabet, up to the code's length.
    pub fn booking_key(&mut self, key: &str, now: Instant) {
        self.touch(now);
        let Screen::BookingCode { code } = &mut self.screen else {
            return;
        };
        for c in key.chars().filter_map(checkin::code_char) {
            if code.chars().count() < checkin::CODE_LEN {
                code.push(c);
            }
        }
    }

    pub fn booking_backspace(&mut self, now: Instant) {
        self.touch(now);
        if let Screen::BookingCode { code } = &mut self.screen {
            code.pop();
        }
    }

    /// "Continue" under the keypad: look the booking up once the code is whole.
    pub fn booking_continue(&mut self, now: Instant) -> Option<Command> {
        self.touch(now);
        let Screen::BookingCode { code } = &self.screen else {
            return None;
        };
        let code = checkin::normalize(code)?;
        self.look_up(code)
    }

    /// A key typed into the window (a barcode scanner is a keyboard): characters collect while
    /// they come quickly, and Enter right after a whole code starts its check-in from whatever
    /// screen shows. Stray keys, or keys slower than a scanner, are forgotten.
    pub fn on_key(&mut self, text: &str, now: Instant) -> Option<Command> {
        let mut cmd = None;
        for c in text.chars() {
            let recent = self
                .scan_at
                .is_some_and(|at| now.saturating_duration_since(at) <= self.timings.scan_gap);
            if !recent {
                self.scan.clear();
            }
            if c == '\n' || c == '\r' {
                let scanned = std::mem::take(&mut self.scan);
                self.scan_at = None;
                if let Some(code) = checkin::scanned(&scanned) {
                    self.touch(now);
                    cmd = self.look_up(code).or(cmd);
                }
            } else if !c.is_control() && self.scan.chars().count() < 32 {
                self.scan.push(c);
                self.scan_at = Some(now);
            }
        }
        cmd
    }

    fn look_up(&mut self, code: String) -> Option<Command> {
        // One attempt at a time: a scan while a ticket prints must not start another.
        if matches!(
            self.screen,
            Screen::Printing { .. } | Screen::LookingUp { .. }
        ) {
            return None;
        }
        self.booking = None;
        self.screen = Screen::LookingUp { code: code.clone() };
        Some(Command::LookUpBooking { code })
    }

    /// "Take a normal ticket" on a refusal (too late for the booking): the walk-in path, at the
    /// booked service when it hands out tickets now.
    pub fn walk_in(&mut self, now: Instant) {
        self.touch(now);
        let Screen::Result {
            outcome: Outcome::BookingRefused(_),
            ..
        } = &self.screen
        else {
            return;
        };
        let service = self.booking.take().map(|b| b.service.id);
        self.screen = match service.as_deref().and_then(|s| self.service(s)) {
            Some(s) if s.availability.is_open() => Screen::Category {
                service: s.id.clone(),
            },
            _ => Screen::Agencies,
        };
    }

    pub fn back(&mut self, now: Instant) {
        self.touch(now);
        self.screen = match &self.screen {
            Screen::Agencies | Screen::BookingCode { .. } => Screen::Start,
            Screen::BookedCategory { code, .. } => Screen::BookingCode { code: code.clone() },
            Screen::Services { .. } => Screen::Agencies,
            Screen::Category { service } => match self.service(service) {
                Some(s) => Screen::Services {
                    agency: s.agency.clone(),
                },
                None => Screen::Agencies,
            },
            other => other.clone(),
        };
    }

    /// "Selesai" on the result screen, or the home button.
    pub fn home(&mut self, now: Instant) {
        self.touch(now);
        if !matches!(
            self.screen,
            Screen::Printing { .. } | Screen::LookingUp { .. }
        ) {
            self.go_start();
        }
    }

    fn go_start(&mut self) {
        self.screen = Screen::Start;
        self.booking = None;
        // The next visitor starts in Bahasa Indonesia again.
        self.lang = self.default_lang;
    }

    /// Called about once a second; returns true when the screen changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        let back = match &self.screen {
            Screen::Start | Screen::Printing { .. } | Screen::LookingUp { .. } => false,
            Screen::Result {
                outcome, shown_at, ..
            } => {
                let hold = match outcome {
                    Outcome::NotPrinted { .. } => self.timings.result_not_printed,
                    // What to do next takes a while to read (and to find the paper with the code).
                    Outcome::BookingRefused(_) => self.timings.idle,
                    _ => self.timings.result,
                };
                now.duration_since(*shown_at) >= hold && now.duration_since(self.last_touch) >= hold
            }
            _ => now.duration_since(self.last_touch) >= self.timings.idle,
        };
        if back {
            self.go_start();
        }
        back
    }

    // ---- what the screens show ------------------------------------------------------------------

    pub fn service(&self, id: &str) -> Option<&ServiceView> {
        self.hall.services.iter().find(|s| s.id == id)
    }

    pub fn agency(&self, id: &str) -> Option<&AgencyView> {
        self.hall.agencies.iter().find(|a| a.id == id)
    }

    pub fn services_of(&self, agency: &str) -> Vec<&ServiceView> {
        self.hall
            .services
            .iter()
            .filter(|s| s.agency == agency)
            .collect()
    }

    /// Agencies with at least one service, in the server's order.
    pub fn agencies(&self) -> Vec<&AgencyView> {
        self.hall
            .agencies
            .iter()
            .filter(|a| self.hall.services.iter().any(|s| s.agency == a.id))
            .collect()
    }

    /// Whether any service of the agency hands out tickets now.
    pub fn agency_open(&self, agency: &str) -> bool {
        self.services_of(agency)
            .iter()
            .any(|s| s.availability.is_open())
    }

    pub fn agency_waiting(&self, agency: &str) -> u32 {
        self.services_of(agency).iter().map(|s| s.waiting).sum()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use antri_wire::{ErrorBody, ErrorDetail, Text, TicketStatus, TicketView};

    fn text(s: &str) -> Text {
        Text {
            id: s.into(),
            en: format!("{s} (en)"),
        }
    }

    fn service(id: &str, agency: &str, availability: Availability) -> ServiceView {
        ServiceView {
            id: id.into(),
            agency: agency.into(),
            prefix: id.to_uppercase(),
            name: text(id),
            availability,
            waiting: 2,
            waiting_booked: 0,
            estimated_wait_secs: 600,
            quota: None,
            quota_left: None,
            target_wait_secs: 1800,
        }
    }

    pub(crate) fn hall() -> ServicesResponse {
        let now: antri_wire::Timestamp = "2026-11-24T09:00:00+07:00".parse().unwrap();
        ServicesResponse {
            building: BuildingView {
                name: "MPP".into(),
                timezone: "Asia/Jakarta".into(),
                timezone_abbrev: "WIB".into(),
                now,
                day: now.date_naive(),
                public_url: "http://127.0.0.1:8080".into(),
                no_choosing: false,
            },
            agencies: vec![
                AgencyView {
                    id: "dukcapil".into(),
                    name: text("Dukcapil"),
                },
                AgencyView {
                    id: "empty".into(),
                    name: text("Empty"),
                },
            ],
            services: vec![
                service("ktp", "dukcapil", Availability::Open),
                service("kk", "dukcapil", Availability::QuotaReached { quota: 50 }),
            ],
            seq: 1,
            warnings: Vec::new(),
        }
    }

    fn ticket() -> IssuedTicket {
        let at: antri_wire::Timestamp = "2026-11-24T09:05:00+07:00".parse().unwrap();
        IssuedTicket {
            ticket: TicketView {
                id: 1,
                number: "KTP-001".into(),
                service: "ktp".into(),
                category: Category::Regular,
                status: TicketStatus::Waiting,
                day: at.date_naive(),
                issued_at: at,
                queued_at: at,
                called_at: None,
                counter: None,
                calls: 0,
                transferred_from: None,
                booked: None,
            },
            tracking_code: "x".into(),
            ahead: 2,
            estimated_wait_secs: 600,
            service_name: text("ktp"),
            agency_name: text("Dukcapil"),
            tracking_url: "http://127.0.0.1:8080/t/x".into(),
        }
    }

    fn ready(now: Instant) -> Controller {
        let mut c = Controller::new(Timings::default(), Lang::Id, now);
        c.on_services(hall());
        c
    }

    fn to_category(c: &mut Controller, now: Instant) {
        c.start(now);
        c.choose_agency("dukcapil", now);
        c.choose_service("ktp", now);
        assert_eq!(
            c.screen,
            Screen::Category {
                service: "ktp".into()
            }
        );
    }

    #[test]
    fn three_taps_and_a_category_ask_for_exactly_one_ticket() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        to_category(&mut c, t0);
        let cmd = c.choose_category(Category::Elderly, t0);
        assert_eq!(
            cmd,
            Some(Command::Issue {
                service: "ktp".into(),
                category: Category::Elderly
            })
        );
        // A second tap while printing asks for nothing.
        assert_eq!(c.choose_category(Category::Elderly, t0), None);
        c.home(t0);
        assert!(
            matches!(c.screen, Screen::Printing { .. }),
            "cannot leave while printing"
        );
        c.on_outcome(Outcome::Printed { ticket: ticket() }, t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::Printed { .. },
                ..
            }
        ));
        // The number stays for the configured time, then the start screen returns.
        assert!(!c.tick(t0 + Duration::from_secs(7)));
        assert!(c.tick(t0 + Duration::from_secs(8)));
        assert_eq!(c.screen, Screen::Start);
    }

    #[test]
    fn closed_services_and_empty_agencies_cannot_be_chosen() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.start(t0);
        assert_eq!(
            c.agencies().len(),
            1,
            "an agency without services is not offered"
        );
        c.choose_agency("nope", t0);
        assert_eq!(c.screen, Screen::Agencies);
        c.choose_agency("dukcapil", t0);
        c.choose_service("kk", t0);
        assert_eq!(
            c.screen,
            Screen::Services {
                agency: "dukcapil".into()
            }
        );
    }

    #[test]
    fn nothing_starts_while_the_server_is_unreachable() {
        let t0 = Instant::now();
        let mut c = Controller::new(Timings::default(), Lang::Id, t0);
        c.start(t0);
        assert_eq!(c.screen, Screen::Start, "no services known yet");
        c.on_services(hall());
        c.on_server_reachable(false);
        c.start(t0);
        assert_eq!(c.screen, Screen::Start);
        c.on_server_reachable(true);
        c.start(t0);
        assert_eq!(c.screen, Screen::Agencies);
    }

    #[test]
    fn server_down_while_issuing_shows_no_number_and_marks_server_down() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        to_category(&mut c, t0);
        c.choose_category(Category::Regular, t0);
        let e = ClientError::Unreachable("connection refused".into());
        c.on_outcome(outcome_of_issue_error(&e), t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::ServerDown,
                ..
            }
        ));
        assert!(!c.server_ok);
        assert!(c.tick(t0 + Duration::from_secs(8)));
    }

    #[test]
    fn a_refusal_carries_the_reason() {
        let e = ClientError::Api {
            status: 409,
            body: ErrorBody {
                error: ErrorDetail {
                    code: "service_closed".into(),
                    message: "closed".into(),
                    availability: Some(Availability::Closed),
                },
            },
        };
        assert_eq!(
            outcome_of_issue_error(&e),
            Outcome::Refused {
                availability: Some(Availability::Closed),
                message: "closed".into()
            }
        );
        let e500 = ClientError::Api {
            status: 503,
            body: ErrorBody {
                error: ErrorDetail {
                    code: "x".into(),
                    message: "y".into(),
                    availability: None,
                },
            },
        };
        assert_eq!(outcome_of_issue_error(&e500), Outcome::ServerDown);
    }

    #[test]
    fn a_number_that_did_not_print_stays_long_enough_to_photograph() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        to_category(&mut c, t0);
        c.choose_category(Category::Regular, t0);
        c.on_outcome(
            Outcome::NotPrinted {
                ticket: ticket(),
                fault: PrinterStatus::PaperOut,
            },
            t0,
        );
        assert_eq!(c.printer, Some(PrinterStatus::PaperOut));
        assert!(!c.tick(t0 + Duration::from_secs(30)));
        assert!(c.tick(t0 + Duration::from_secs(60)));
    }

    #[test]
    fn idle_kiosk_returns_to_start_in_the_default_language() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.set_lang(Lang::En, t0);
        c.start(t0);
        c.choose_agency("dukcapil", t0 + Duration::from_secs(30));
        assert!(!c.tick(t0 + Duration::from_secs(89)));
        assert!(c.tick(t0 + Duration::from_secs(90)));
        assert_eq!((c.screen.clone(), c.lang), (Screen::Start, Lang::Id));
    }

    #[test]
    fn back_walks_the_flow_backwards() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        to_category(&mut c, t0);
        c.back(t0);
        assert_eq!(
            c.screen,
            Screen::Services {
                agency: "dukcapil".into()
            }
        );
        c.back(t0);
        assert_eq!(c.screen, Screen::Agencies);
        c.back(t0);
        assert_eq!(c.screen, Screen::Start);
    }

    #[test]
    fn live_counts_update_services() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_waiting(&BTreeMap::from([("ktp".to_string(), 9)]));
        assert_eq!(c.service("ktp").unwrap().waiting, 9);
        assert_eq!(c.agency_waiting("dukcapil"), 11);
    }

    // ---- check-in with a booking ----------------------------------------------------------

    use crate::checkin::tests::view;
    use antri_wire::booking::BookingStatus;

    fn local(s: &str) -> Option<NaiveDateTime> {
        Some(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
    }

    fn look_up(code: &str) -> Option<Command> {
        Some(Command::LookUpBooking { code: code.into() })
    }

    #[test]
    fn the_keypad_types_a_code_and_continue_looks_it_up() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.open_booking(t0);
        assert_eq!(c.screen, Screen::BookingCode { code: "".into() });
        assert_eq!(c.booking_continue(t0), None, "nothing typed yet");
        for k in ["A", "b", "C", "D", "0", "I", "2", "3", "4", "6"] {
            c.booking_key(k, t0);
        }
        assert_eq!(
            c.screen,
            Screen::BookingCode {
                code: "ABCD2346".into()
            },
            "lower case is upper case; 0 and I are not in the alphabet"
        );
        c.booking_key("7", t0);
        c.booking_backspace(t0);
        c.booking_key("5", t0);
        assert_eq!(
            c.screen,
            Screen::BookingCode {
                code: "ABCD2345".into()
            },
            "no ninth character; backspace takes the last"
        );
        assert_eq!(c.booking_continue(t0), look_up("ABCD2345"));
        assert!(matches!(c.screen, Screen::LookingUp { .. }));
        c.home(t0);
        assert!(
            matches!(c.screen, Screen::LookingUp { .. }),
            "waits for the answer"
        );
        assert!(!c.tick(t0 + Duration::from_secs(600)));
    }

    #[test]
    fn back_from_the_keypad_is_the_start() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.open_booking(t0);
        c.back(t0);
        assert_eq!(c.screen, Screen::Start);
    }

    #[test]
    fn a_booking_that_looks_good_asks_the_category_then_checks_in() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_key("ABCD2345\n", t0);
        let v = view(BookingStatus::Active);
        c.on_lookup(
            Lookup::Found(Box::new(v.clone())),
            local("2026-11-24 08:45"),
            t0,
        );
        assert_eq!(
            c.screen,
            Screen::BookedCategory {
                code: "ABCD2345".into(),
                service: "ktp".into()
            }
        );
        assert_eq!(c.booking, Some(v));
        // Back goes to the code, not to a walk-in's service list.
        c.back(t0);
        assert_eq!(
            c.screen,
            Screen::BookingCode {
                code: "ABCD2345".into()
            }
        );
        assert_eq!(c.booking_continue(t0), look_up("ABCD2345"));
        c.on_lookup(
            Lookup::Found(Box::new(view(BookingStatus::Active))),
            local("2026-11-24 08:45"),
            t0,
        );
        assert_eq!(
            c.choose_category(Category::Elderly, t0),
            Some(Command::CheckIn {
                code: "ABCD2345".into(),
                category: Category::Elderly
            })
        );
        assert!(matches!(c.screen, Screen::Printing { .. }));
        assert_eq!(c.choose_category(Category::Elderly, t0), None);
        let mut t = ticket();
        t.ticket.booked = Some("09:00–10:00".into());
        c.on_outcome(Outcome::Printed { ticket: t }, t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::Printed { .. },
                ..
            }
        ));
        assert!(c.tick(t0 + Duration::from_secs(8)));
        assert_eq!(c.booking, None, "the next visitor starts afresh");
    }

    #[test]
    fn the_view_picks_the_refusal_screen_before_anything_is_posted() {
        let cases = [
            (BookingStatus::Active, "2026-11-24 08:00", Refusal::TooEarly),
            (BookingStatus::Active, "2026-11-24 09:30", Refusal::TooLate),
            (BookingStatus::Active, "2026-11-23 08:45", Refusal::WrongDay),
            (
                BookingStatus::CheckedIn,
                "2026-11-24 08:45",
                Refusal::NotActive,
            ),
            (
                BookingStatus::Cancelled,
                "2026-11-24 08:45",
                Refusal::NotActive,
            ),
            (
                BookingStatus::NoShow,
                "2026-11-24 08:45",
                Refusal::NotActive,
            ),
        ];
        for (status, at, refusal) in cases {
            let t0 = Instant::now();
            let mut c = ready(t0);
            c.on_key("abcd-2345\n", t0);
            c.on_lookup(Lookup::Found(Box::new(view(status))), local(at), t0);
            assert_eq!(
                c.screen,
                Screen::Result {
                    outcome: Outcome::BookingRefused(refusal),
                    service: "ktp".into(),
                    shown_at: t0
                },
                "{status:?} at {at}"
            );
            assert_eq!(c.booking.as_ref().map(|b| b.status), Some(status));
            // Long enough to read what to do, then the start again.
            assert!(!c.tick(t0 + Duration::from_secs(30)));
            assert!(c.tick(t0 + Duration::from_secs(60)));
        }
    }

    #[test]
    fn an_unknown_code_and_a_lost_server_have_their_screens() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_key("ABCD2345\n", t0);
        c.on_lookup(Lookup::Refused(Refusal::Unknown), None, t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::BookingRefused(Refusal::Unknown),
                ..
            }
        ));
        c.on_key("ABCD2345\n", t0);
        c.on_lookup(Lookup::ServerDown, None, t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::ServerDown,
                ..
            }
        ));
        assert!(!c.server_ok);
    }

    #[test]
    fn the_check_ins_error_code_is_the_authority() {
        let api = |status: u16, code: &str| ClientError::Api {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    code: code.into(),
                    message: code.into(),
                    availability: None,
                },
            },
        };
        for (code, refusal) in [
            ("unknown_booking", Refusal::Unknown),
            ("too_early", Refusal::TooEarly),
            ("too_late", Refusal::TooLate),
            ("wrong_day", Refusal::WrongDay),
            ("booking_not_active", Refusal::NotActive),
        ] {
            let status = if code == "unknown_booking" { 404 } else { 409 };
            assert_eq!(
                outcome_of_check_in_error(&api(status, code)),
                Outcome::BookingRefused(refusal)
            );
        }
        assert_eq!(
            outcome_of_check_in_error(&api(503, "too_late")),
            Outcome::ServerDown
        );
        assert!(matches!(
            outcome_of_check_in_error(&api(409, "service_closed")),
            Outcome::Refused { .. }
        ));
        // A check-in the view allowed but the server refused: its screen, from the POST.
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_key("ABCD2345\n", t0);
        c.on_lookup(
            Lookup::Found(Box::new(view(BookingStatus::Active))),
            None,
            t0,
        );
        c.choose_category(Category::Regular, t0);
        c.on_outcome(outcome_of_check_in_error(&api(409, "too_late")), t0);
        assert!(matches!(
            c.screen,
            Screen::Result {
                outcome: Outcome::BookingRefused(Refusal::TooLate),
                ..
            }
        ));
    }

    #[test]
    fn too_late_offers_the_walk_in_ticket_of_the_booked_service() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_key("ABCD2345\n", t0);
        c.on_lookup(
            Lookup::Found(Box::new(view(BookingStatus::Active))),
            local("2026-11-24 10:00"),
            t0,
        );
        c.walk_in(t0);
        assert_eq!(
            c.screen,
            Screen::Category {
                service: "ktp".into()
            }
        );
        assert_eq!(
            c.choose_category(Category::Regular, t0),
            Some(Command::Issue {
                service: "ktp".into(),
                category: Category::Regular
            }),
            "a walk-in's ticket, not a check-in"
        );
    }

    #[test]
    fn a_scanner_types_into_any_screen() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut c = ready(t0);
        to_category(&mut c, t0);
        // Eight characters and Enter, 10 ms apart, with the dash of the printed code.
        let mut cmd = None;
        for (i, k) in "abcd-2345\n".chars().enumerate() {
            cmd = c.on_key(&k.to_string(), ms(10 * i as u64)).or(cmd);
        }
        assert_eq!(cmd, look_up("ABCD2345"));
        assert_eq!(
            c.screen,
            Screen::LookingUp {
                code: "ABCD2345".into()
            }
        );
        // While one is being looked up, another scan starts nothing.
        assert_eq!(c.on_key("WXYZ2345\n", ms(200)), None);
        // On the keypad screen, and on the result screen too.
        for start in [Screen::BookingCode { code: "AB".into() }, Screen::Start] {
            let mut c = ready(t0);
            c.screen = start;
            assert_eq!(c.on_key("WXYZ2345\n", t0), look_up("WXYZ2345"));
        }
    }

    #[test]
    fn stray_keys_without_a_quick_enter_are_forgotten() {
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        let mut c = ready(t0);
        // Someone leans on a keyboard: keys, no Enter.
        assert_eq!(c.on_key("QWER", ms(0)), None);
        // Enter long after the keys: not a scan.
        assert_eq!(c.on_key("TYUP", ms(10)), None);
        assert_eq!(c.on_key("\n", ms(1000)), None);
        assert_eq!(c.screen, Screen::Start);
        // Stray keys, then a scan after a pause: only the scan counts.
        assert_eq!(c.on_key("ZZZ", ms(2000)), None);
        assert_eq!(c.on_key("ABCD2345\n", ms(3000)), look_up("ABCD2345"));
        // A stray key right before the scan does not spoil it.
        let mut c = ready(t0);
        assert_eq!(c.on_key("Q", ms(0)), None);
        assert_eq!(c.on_key("WXYZ2345\n", ms(5)), look_up("WXYZ2345"));
        // Keys slower than a scanner: forgotten before the Enter.
        let mut c = ready(t0);
        for (i, k) in "ABCD2345".chars().enumerate() {
            assert_eq!(c.on_key(&k.to_string(), ms(400 * i as u64)), None);
        }
        assert_eq!(c.on_key("\n", ms(400 * 8)), None);
        // Not a code (too short, letters outside the alphabet): nothing happens.
        assert_eq!(c.on_key("ABC\n", ms(5000)), None);
        assert_eq!(c.on_key("OOOO1111\n", ms(6000)), None);
        assert_eq!(c.screen, Screen::Start);
    }

    #[test]
    fn a_late_outcome_is_ignored() {
        let t0 = Instant::now();
        let mut c = ready(t0);
        c.on_outcome(Outcome::Printed { ticket: ticket() }, t0);
        assert_eq!(c.screen, Screen::Start);
    }
}
