//! Connects the Slint `KioskAdapter` global to the [`Controller`]: callbacks become controller
//! calls (and worker commands), and after every change the controller's state is copied into the
//! global's properties. No decisions are made here.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use antri_wire::booking::{BookingStatus, BookingView, LateArrival};
use antri_wire::{Availability, Category, PrinterStatus, ServiceView};
use chrono::{FixedOffset, TimeDelta, Utc};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::checkin::{self, Refusal};
use crate::controller::{Command, Controller, Lang, Outcome, Screen};
use crate::worker::ToUi;
use crate::{qr, AgencyItem, KioskAdapter, KioskWindow, ServiceItem};

const CATEGORIES: [Category; 4] = [
    Category::Regular,
    Category::Elderly,
    Category::Disability,
    Category::PregnantOrInfant,
];

/// The building's clock as the server keeps it: the kiosk shows server time in the building's
/// zone, so a kiosk whose own clock drifted (no NTP on the LAN) still shows the hall's time.
#[derive(Clone, Copy, Debug)]
struct ClockSync {
    skew: TimeDelta,
    offset: FixedOffset,
}

pub struct Kiosk {
    pub window: KioskWindow,
    pub ctl: RefCell<Controller>,
    send: Box<dyn Fn(Command, Instant)>,
    clock: RefCell<Option<ClockSync>>,
    lang_applied: RefCell<Option<Lang>>,
    /// Set while the visitor is choosing, so live updates do not rebuild the list under a finger
    /// needlessly; rebuilt only when the content changed.
    last_services: RefCell<Vec<ServiceItem>>,
    last_agencies: RefCell<Vec<AgencyItem>>,
    qr_for: RefCell<String>,
}

impl Kiosk {
    /// `send` hands a command to the worker together with the moment of the tap.
    pub fn new(
        window: KioskWindow,
        ctl: Controller,
        send: impl Fn(Command, Instant) + 'static,
    ) -> Rc<Kiosk> {
        let k = Rc::new(Kiosk {
            window,
            ctl: RefCell::new(ctl),
            send: Box::new(send),
            clock: RefCell::new(None),
            lang_applied: RefCell::new(None),
            last_services: RefCell::new(Vec::new()),
            last_agencies: RefCell::new(Vec::new()),
            qr_for: RefCell::new(String::new()),
        });
        let g = k.window.global::<KioskAdapter>();
        let w = Rc::downgrade(&k);
        let with = move |f: &dyn Fn(&Kiosk, Instant)| {
            if let Some(k) = w.upgrade() {
                f(&k, Instant::now());
                k.refresh();
            }
        };
        let h = with.clone();
        g.on_start(move || h(&|k, now| k.ctl.borrow_mut().start(now)));
        let h = with.clone();
        g.on_choose_agency(move |id| h(&|k, now| k.ctl.borrow_mut().choose_agency(&id, now)));
        let h = with.clone();
        g.on_choose_service(move |id| h(&|k, now| k.ctl.borrow_mut().choose_service(&id, now)));
        let h = with.clone();
        g.on_choose_category(move |i| {
            h(&|k, now| {
                let Some(category) = usize::try_from(i).ok().and_then(|i| CATEGORIES.get(i)) else {
                    return;
                };
                let cmd = k.ctl.borrow_mut().choose_category(*category, now);
                if let Some(cmd) = cmd {
                    (k.send)(cmd, now);
                }
            })
        });
        let h = with.clone();
        g.on_back(move || h(&|k, now| k.ctl.borrow_mut().back(now)));
        let h = with.clone();
        g.on_home(move || h(&|k, now| k.ctl.borrow_mut().home(now)));
        let h = with.clone();
        g.on_set_language(move |code| {
            let lang = if code == "en" { Lang::En } else { Lang::Id };
            h(&|k, now| k.ctl.borrow_mut().set_lang(lang, now))
        });
        let h = with.clone();
        g.on_open_booking(move || {
            h(&|k, now| {
                let mut c = k.ctl.borrow_mut();
                // "Type the code again" after an unknown code is the keypad, afresh.
                if matches!(c.screen, Screen::Result { .. }) {
                    c.home(now);
                }
                c.open_booking(now)
            })
        });
        let h = with.clone();
        g.on_booking_key(move |key| h(&|k, now| k.ctl.borrow_mut().booking_key(&key, now)));
        let h = with.clone();
        g.on_booking_backspace(move || h(&|k, now| k.ctl.borrow_mut().booking_backspace(now)));
        let h = with.clone();
        g.on_booking_continue(move || {
            h(&|k, now| {
                let cmd = k.ctl.borrow_mut().booking_continue(now);
                if let Some(cmd) = cmd {
                    (k.send)(cmd, now);
                }
            })
        });
        let h = with;
        g.on_walk_in(move || h(&|k, now| k.ctl.borrow_mut().walk_in(now)));
        let w = Rc::downgrade(&k);
        g.on_key_typed(move |text| {
            if let Some(k) = w.upgrade() {
                k.key(&text, Instant::now());
            }
        });
        k.refresh();
        k
    }

    /// A key typed into the window at `now` (a barcode scanner types a booking code and Enter).
    /// Public so tests can type with the moments they choose.
    pub fn key(&self, text: &str, now: Instant) {
        let cmd = self.ctl.borrow_mut().on_key(text, now);
        if let Some(cmd) = cmd {
            (self.send)(cmd, now);
            self.refresh();
        }
    }

    /// A message from the worker.
    pub fn apply(&self, msg: ToUi) {
        let now = Instant::now();
        {
            let mut c = self.ctl.borrow_mut();
            match msg {
                ToUi::Services(r) => {
                    let local = Utc::now();
                    *self.clock.borrow_mut() = Some(ClockSync {
                        skew: r.building.now.with_timezone(&Utc) - local,
                        offset: *r.building.now.offset(),
                    });
                    c.on_services(*r);
                }
                ToUi::Waiting(w) => c.on_waiting(&w),
                ToUi::ServerReachable(ok) => c.on_server_reachable(ok),
                ToUi::Printer(s) => c.on_printer(s),
                ToUi::Outcome(o) => c.on_outcome(*o, now),
                ToUi::Booking(lookup) => {
                    let local = self.building_now().map(|d| d.naive_local());
                    c.on_lookup(lookup, local, now)
                }
                ToUi::Timing {
                    issue,
                    last_byte,
                    done,
                } => {
                    tracing::info!(
                        ?issue,
                        ?last_byte,
                        ?done,
                        "from the tap: server answer, last printer byte, checked"
                    );
                }
            }
        }
        self.refresh();
    }

    /// About once a second: the clock on screen, and going back to start when nobody is there.
    pub fn tick(&self, now: Instant) {
        self.ctl.borrow_mut().tick(now);
        self.refresh();
    }

    fn building_now(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let c = (*self.clock.borrow())?;
        Some((Utc::now() + c.skew).with_timezone(&c.offset))
    }

    /// Copy the controller's state into the global.
    pub fn refresh(&self) {
        let c = self.ctl.borrow();
        let g = self.window.global::<KioskAdapter>();
        let lang = c.lang;
        if *self.lang_applied.borrow() != Some(lang) {
            // English is the .slint source language; `select_bundled_translation("en")` picks it.
            if let Err(e) = slint::select_bundled_translation(lang.code()) {
                tracing::warn!(error = %e, "translation not selected");
            }
            *self.lang_applied.borrow_mut() = Some(lang);
        }
        g.set_lang(lang.code().into());
        g.set_server_ok(c.server_ok);
        // For the technician: what the server says is wrong with this installation.
        let note: Vec<String> = c
            .server_warnings
            .iter()
            .map(|w| lang.pick(w).to_string())
            .collect();
        g.set_technician_note(note.join(" · ").into());
        g.set_printer_state(match c.printer {
            Some(PrinterStatus::PaperNearEnd) => 1,
            Some(s) if s.is_fault() => 2,
            _ => 0,
        });
        if let Some(b) = &c.hall.building {
            g.set_building_name(b.name.as_str().into());
            if let Some(now) = self.building_now() {
                g.set_date_text(format_date(now, lang).into());
                g.set_time_text(
                    antri_wire::calendar::clock_in_zone(&now, &b.timezone_abbrev).into(),
                );
            }
        }

        let agencies: Vec<AgencyItem> = c
            .agencies()
            .into_iter()
            .map(|a| AgencyItem {
                id: a.id.as_str().into(),
                name: lang.pick(&a.name).into(),
                waiting: c.agency_waiting(&a.id) as i32,
                open: c.agency_open(&a.id),
            })
            .collect();
        set_if_changed(&self.last_agencies, agencies, |m| g.set_agencies(m));

        let (screen, agency, service) = match &c.screen {
            Screen::Start => (0, None, None),
            Screen::Agencies => (1, None, None),
            Screen::Services { agency } => (2, Some(agency.clone()), None),
            Screen::Category { service } => (3, None, Some(service.clone())),
            Screen::Printing { service, .. } => (4, None, Some(service.clone())),
            Screen::Result { .. } => (5, None, None),
            Screen::BookingCode { .. } => (6, None, None),
            Screen::LookingUp { .. } => (7, None, None),
            Screen::BookedCategory { service, .. } => (3, None, Some(service.clone())),
        };
        self.show_booking(&c, lang);
        if let Some(agency) = &agency {
            g.set_agency_name(
                c.agency(agency)
                    .map(|a| lang.pick(&a.name).to_string())
                    .unwrap_or_default()
                    .into(),
            );
            let items: Vec<ServiceItem> = c
                .services_of(agency)
                .into_iter()
                .map(|s| service_item(s, lang, zone(&c)))
                .collect();
            set_if_changed(&self.last_services, items, |m| g.set_services(m));
        }
        if let Some(service) = &service {
            // A booked service the kiosk's list does not hold (yet): the booking's own name.
            let name = c.service(service).map(|s| &s.name).or_else(|| {
                c.booking
                    .as_ref()
                    .filter(|b| &b.service.id == service)
                    .map(|b| &b.service.name)
            });
            g.set_service_name(name.map(|n| lang.pick(n)).unwrap_or_default().into());
        }
        if let Screen::Result { outcome, .. } = &c.screen {
            self.show_outcome(outcome, lang, &c);
        }
        if g.get_screen() != screen {
            // One line per screen change: what the visitor sees, for a technician's log (and the
            // tests that drive the real program with touches on its X screen).
            const NAMES: [&str; 8] = [
                "start",
                "agencies",
                "services",
                "category",
                "printing",
                "result",
                "booking-code",
                "booking-lookup",
            ];
            let name = usize::try_from(screen).ok().and_then(|i| NAMES.get(i));
            tracing::info!(screen = name.copied().unwrap_or("?"), "screen shown");
        }
        g.set_screen(screen);
    }

    /// The code being typed or checked in, and the booking as the server showed it.
    fn show_booking(&self, c: &Controller, lang: Lang) {
        let g = self.window.global::<KioskAdapter>();
        let code = match &c.screen {
            Screen::BookingCode { code }
            | Screen::LookingUp { code }
            | Screen::BookedCategory { code, .. } => code.as_str(),
            _ => "",
        };
        g.set_booking_code_text(checkin::grouped(code).into());
        g.set_booking_code_complete(checkin::normalize(code).is_some());
        g.set_booking_checkin(matches!(c.screen, Screen::BookedCategory { .. }));
        let zone = zone(c);
        let b = c.booking.as_ref();
        let text = |f: &dyn Fn(&BookingView) -> String| b.map(f).unwrap_or_default().into();
        g.set_booking_service(text(&|b| lang.pick(&b.service.name).to_string()));
        g.set_booking_date_text(text(&|b| booking_date(b.date, lang)));
        g.set_booking_session_text(text(&|b| hall_clock(&format!("{}–{}", b.from, b.to), zone)));
        g.set_booking_checkin_from(text(&|b| hall_clock(&b.checkin_from, zone)));
        g.set_booking_checkin_until(text(&|b| hall_clock(&b.checkin_until, zone)));
    }

    fn show_outcome(&self, outcome: &Outcome, lang: Lang, c: &Controller) {
        let g = self.window.global::<KioskAdapter>();
        g.set_result_kind(match outcome {
            Outcome::Printed { .. } => 0,
            Outcome::NotPrinted { .. } => 1,
            Outcome::Refused { .. } => 2,
            Outcome::ServerDown => 3,
            Outcome::BookingRefused(_) => 4,
        });
        if let Outcome::BookingRefused(r) = outcome {
            g.set_booking_refusal(match r {
                Refusal::Unknown => 0,
                Refusal::TooEarly => 1,
                // A normal ticket only where the building gives late visitors one.
                Refusal::TooLate => match c.booking.as_ref().map(|b| b.late) {
                    Some(LateArrival::Refused) => 8,
                    _ => 2,
                },
                Refusal::WrongDay => 3,
                // Which way it is no longer active, as the booking showed it.
                Refusal::NotActive => match c.booking.as_ref().map(|b| b.status) {
                    Some(BookingStatus::CheckedIn) => 4,
                    Some(BookingStatus::Cancelled) => 5,
                    Some(BookingStatus::NoShow) => 6,
                    _ => 7,
                },
            });
        }
        let booked = outcome
            .ticket()
            .and_then(|t| t.ticket.booked.as_deref())
            .map(|s| hall_clock(s, zone(c)));
        g.set_result_booked(booked.unwrap_or_default().into());
        if let Some(t) = outcome.ticket() {
            g.set_result_number(t.ticket.number.as_str().into());
            g.set_result_service(lang.pick(&t.service_name).into());
            g.set_result_agency(lang.pick(&t.agency_name).into());
            g.set_result_ahead(t.ahead as i32);
            // The printed ticket and the tracking page say the wait in these same words.
            let wait = antri_wire::wait::estimated_wait(t.ahead, t.estimated_wait_secs);
            g.set_result_wait_text(lang.pick(&wait).into());
            g.set_result_priority(t.ticket.category.is_priority());
            if *self.qr_for.borrow() != t.tracking_url {
                g.set_result_qr(qr::image(&t.tracking_url, 8));
                *self.qr_for.borrow_mut() = t.tracking_url.clone();
            }
        }
        if let Outcome::NotPrinted { fault, .. } = outcome {
            g.set_result_fault(match fault {
                PrinterStatus::PaperOut => 0,
                PrinterStatus::CoverOpen => 1,
                PrinterStatus::Offline => 2,
                PrinterStatus::Disconnected => 3,
                _ => 4,
            });
        }
        if let Outcome::Refused { availability, .. } = outcome {
            let (state, name, time) = availability_parts(
                availability.as_ref().unwrap_or(&Availability::Closed),
                lang,
                zone(c),
            );
            g.set_refused_state(state);
            g.set_refused_break_name(name.into());
            g.set_refused_time(time.into());
            let name = match &c.screen {
                Screen::Result { service, .. } => {
                    c.service(service).map(|s| lang.pick(&s.name).to_string())
                }
                _ => None,
            };
            g.set_result_service(name.unwrap_or_default().into());
        }
    }
}

fn set_if_changed<T: Clone + PartialEq + 'static>(
    last: &RefCell<Vec<T>>,
    items: Vec<T>,
    set: impl Fn(ModelRc<T>),
) {
    if *last.borrow() != items {
        set(ModelRc::new(VecModel::from(items.clone())));
        *last.borrow_mut() = items;
    }
}

/// The building's zone (WIB, WITA, WIT), written after every clock time; "" before the first
/// answer from the server.
fn zone(c: &Controller) -> &str {
    c.hall
        .building
        .as_ref()
        .map_or("", |b| b.timezone_abbrev.as_str())
}

/// The service's state, a break's name and a clock time ("08.00 WIB") for the screens.
fn availability_parts(a: &Availability, lang: Lang, zone: &str) -> (i32, String, String) {
    use antri_wire::calendar::clock_in_zone;
    match a {
        Availability::Open => (0, String::new(), String::new()),
        Availability::NotYetOpen { opens_at } => (1, String::new(), clock_in_zone(opens_at, zone)),
        Availability::OnBreak { name, until } => {
            (2, lang.pick(name).to_string(), clock_in_zone(until, zone))
        }
        Availability::Closed => (3, String::new(), String::new()),
        Availability::QuotaReached { .. } => (4, String::new(), String::new()),
    }
}

fn service_item(s: &ServiceView, lang: Lang, zone: &str) -> ServiceItem {
    let (state, break_name, time) = availability_parts(&s.availability, lang, zone);
    // A ticket taken now has everyone waiting ahead of it: the wait its paper would print.
    let wait = antri_wire::wait::estimated_wait(s.waiting, s.estimated_wait_secs);
    ServiceItem {
        id: s.id.as_str().into(),
        name: SharedString::from(lang.pick(&s.name)),
        waiting: s.waiting as i32,
        wait_text: lang.pick(&wait).into(),
        state,
        break_name: break_name.into(),
        time: time.into(),
    }
}

/// A booking's local "09:00" or "09:00–10:00" as the kiosk writes clock times: "09.00 WIB".
fn hall_clock(hhmm: &str, zone: &str) -> String {
    let t = hhmm.replace(':', ".");
    if zone.is_empty() {
        t
    } else {
        format!("{t} {zone}")
    }
}

/// A booking's date in the visitor's language (`Rabu, 25 November 2026`).
fn booking_date(d: chrono::NaiveDate, lang: Lang) -> String {
    let noon = d
        .and_hms_opt(12, 0, 0)
        .expect("noon exists")
        .and_utc()
        .fixed_offset();
    format_date(noon, lang)
}

/// `Selasa, 24 November 2026` / `Tuesday, 24 November 2026`.
pub fn format_date(d: chrono::DateTime<FixedOffset>, lang: Lang) -> String {
    match lang {
        Lang::Id => antri_wire::calendar::indonesian_date(&d),
        Lang::En => antri_wire::calendar::english_date(&d),
    }
}

/// Used by the program's timer; kept here so tests and the program tick the same way.
pub const TICK: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_both_languages() {
        let d: chrono::DateTime<FixedOffset> = "2026-11-24T09:05:00+07:00".parse().unwrap();
        assert_eq!(format_date(d, Lang::Id), "Selasa, 24 November 2026");
        assert_eq!(format_date(d, Lang::En), "Tuesday, 24 November 2026");
        let day = "2026-11-25".parse().unwrap();
        assert_eq!(booking_date(day, Lang::Id), "Rabu, 25 November 2026");
    }

    #[test]
    fn booking_times_read_like_the_hall_clock() {
        assert_eq!(hall_clock("09:00–10:00", "WIB"), "09.00–10.00 WIB");
        assert_eq!(hall_clock("08:30", "WITA"), "08.30 WITA");
        assert_eq!(hall_clock("08:30", ""), "08.30");
    }
}
