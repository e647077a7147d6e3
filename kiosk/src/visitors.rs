//! Simulated visitors for the demo hall: they take their tickets through the kiosk itself, so each
//! one walks the screens a person would (start → agency → service → who the ticket is for) and the
//! ticket is printed. Each step is a tap on the same `KioskAdapter` callbacks a finger triggers,
//! at a pace a watcher can follow.
//!
//! A simulated visitor only walks up to an idle kiosk (the start screen, untouched for a while),
//! so a person trying the demo kiosk is never interrupted.

use std::time::Duration;

use crate::controller::{Controller, Screen};

/// One tap of a simulated visitor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tap {
    Start,
    Agency(String),
    Service(String),
    /// Index into the kiosk's category buttons (0: regular).
    Category(i32),
    /// Leave the result screen (the "done" button) instead of waiting for it to time out.
    Home,
}

/// How simulated visitors behave.
#[derive(Clone, Debug)]
pub struct Pace {
    /// Time between one visitor leaving the kiosk and the next walking up, at least…
    pub gap_min: Duration,
    /// … and at most.
    pub gap_max: Duration,
    /// How long a visitor looks at a screen before tapping.
    pub think: Duration,
    /// How long the result screen stays before the visitor leaves with the ticket.
    pub read_result: Duration,
    /// Share of visitors who need priority service (elderly, disability, pregnant/infant), in %.
    pub priority_percent: u32,
    /// The services visitors come for (so that the demo's simulated officers serve them); empty:
    /// any open service.
    pub services: Vec<String>,
    /// Nobody else joins while this many wait in the whole hall (the demo stays bounded).
    pub max_waiting: u32,
}

impl Pace {
    /// The demo hall's visitors: one every 4–12 s, a tenth of them with priority.
    pub fn demo(services: Vec<String>) -> Pace {
        Pace {
            gap_min: Duration::from_secs(4),
            gap_max: Duration::from_secs(12),
            think: Duration::from_millis(900),
            read_result: Duration::from_secs(3),
            priority_percent: 10,
            services,
            max_waiting: 40,
        }
    }

    fn wants(&self, service: &str) -> bool {
        self.services.is_empty() || self.services.iter().any(|s| s == service)
    }
}

/// A small generator (xorshift): the demo needs variety, not cryptographic randomness.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(seed | 1)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The next tap a visitor makes, if any: `on_screen` is how long the current screen has been
/// shown without a tap, `gap` the pause before the next visitor walks up.
pub fn next_tap(
    ctl: &Controller,
    on_screen: Duration,
    gap: Duration,
    pace: &Pace,
    dice: &mut Dice,
) -> Option<Tap> {
    let ready = |wait: Duration| on_screen >= wait;
    let wanted = |s: &&antri_wire::ServiceView| s.availability.is_open() && pace.wants(&s.id);
    let agency_wanted = |agency: &str| ctl.services_of(agency).iter().any(wanted);
    match &ctl.screen {
        Screen::Start if ctl.server_ok && ready(gap) => {
            // Nobody walks up to a kiosk that has nothing to give, or joins an overfull hall.
            let waiting: u32 = ctl.hall.services.iter().map(|s| s.waiting).sum();
            let any = ctl.agencies().iter().any(|a| agency_wanted(&a.id));
            (any && waiting < pace.max_waiting).then_some(Tap::Start)
        }
        Screen::Agencies if ready(pace.think) => {
            let open: Vec<_> = ctl
                .agencies()
                .into_iter()
                .filter(|a| agency_wanted(&a.id))
                .collect();
            if open.is_empty() {
                return Some(Tap::Home);
            }
            Some(Tap::Agency(open[dice.below(open.len())].id.clone()))
        }
        Screen::Services { agency } if ready(pace.think) => {
            let open: Vec<_> = ctl.services_of(agency).into_iter().filter(wanted).collect();
            if open.is_empty() {
                return Some(Tap::Home);
            }
            Some(Tap::Service(open[dice.below(open.len())].id.clone()))
        }
        Screen::Category { .. } if ready(pace.think) => {
            let priority = dice.below(100) < pace.priority_percent as usize;
            Some(Tap::Category(if priority {
                1 + dice.below(3) as i32
            } else {
                0
            }))
        }
        Screen::Result { .. } if ready(pace.read_result) => Some(Tap::Home),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controller::tests::hall;
    use crate::controller::{Command, Lang, Timings};
    use antri_wire::Category;
    use std::time::Instant;

    const SEC: Duration = Duration::from_secs(1);

    fn kiosk(t0: Instant) -> Controller {
        let mut c = Controller::new(Timings::default(), Lang::Id, t0);
        c.on_services(hall());
        c.on_server_reachable(true);
        c
    }

    /// Apply a tap the way the adapter's callbacks do.
    fn tap(c: &mut Controller, tap: &Tap, now: Instant) -> Option<Command> {
        match tap {
            Tap::Start => c.start(now),
            Tap::Agency(a) => c.choose_agency(a, now),
            Tap::Service(s) => c.choose_service(s, now),
            Tap::Category(i) => {
                let cat = [
                    Category::Regular,
                    Category::Elderly,
                    Category::Disability,
                    Category::PregnantOrInfant,
                ][*i as usize];
                return c.choose_category(cat, now);
            }
            Tap::Home => c.home(now),
        }
        None
    }

    #[test]
    fn a_visitor_walks_up_only_to_an_idle_working_kiosk() {
        let demo = Pace::demo(vec![]);
        let t0 = Instant::now();
        let mut c = kiosk(t0);
        let mut dice = Dice::new(7);
        let gap = 5 * SEC;
        assert_eq!(next_tap(&c, 4 * SEC, gap, &demo, &mut dice), None);
        assert_eq!(
            next_tap(&c, 5 * SEC, gap, &demo, &mut dice),
            Some(Tap::Start)
        );
        c.on_server_reachable(false);
        assert_eq!(next_tap(&c, 60 * SEC, gap, &demo, &mut dice), None);
    }

    #[test]
    fn nobody_joins_a_full_hall_or_comes_for_a_service_nobody_serves() {
        let t0 = Instant::now();
        let mut c = kiosk(t0);
        let mut dice = Dice::new(5);
        let full = Pace {
            max_waiting: 0,
            ..Pace::demo(vec![])
        };
        assert_eq!(next_tap(&c, 60 * SEC, SEC, &full, &mut dice), None);
        let elsewhere = Pace::demo(vec!["paspor".into()]);
        assert_eq!(next_tap(&c, 60 * SEC, SEC, &elsewhere, &mut dice), None);
        let ktp = Pace::demo(vec!["ktp".into()]);
        assert_eq!(
            next_tap(&c, 60 * SEC, SEC, &ktp, &mut dice),
            Some(Tap::Start)
        );
        c.start(t0);
        assert_eq!(
            next_tap(&c, 60 * SEC, SEC, &ktp, &mut dice),
            Some(Tap::Agency("dukcapil".into()))
        );
    }

    #[test]
    fn a_visitor_takes_a_ticket_through_every_screen_choosing_only_open_services() {
        let demo = Pace::demo(vec![]);
        for seed in 1..40 {
            let t0 = Instant::now();
            let mut c = kiosk(t0);
            let mut dice = Dice::new(seed);
            let mut taps = Vec::new();
            let mut issued = None;
            for step in 0..10 {
                let Some(t) = next_tap(&c, 20 * SEC, SEC, &demo, &mut dice) else {
                    break;
                };
                taps.push(t.clone());
                if let Some(cmd) = tap(&mut c, &t, t0 + step * SEC) {
                    issued = Some(cmd);
                }
            }
            assert_eq!(taps[0], Tap::Start);
            // "empty" has no services and "kk" has reached its quota: never chosen.
            assert_eq!(taps[1], Tap::Agency("dukcapil".into()), "seed {seed}");
            assert_eq!(taps[2], Tap::Service("ktp".into()), "seed {seed}");
            let Some(Command::Issue { service, .. }) = issued else {
                panic!("seed {seed}: no ticket asked for after {taps:?}");
            };
            assert_eq!(service, "ktp");
            assert!(matches!(c.screen, Screen::Printing { .. }));
            // While printing nobody taps: a second tap must never ask for a second ticket.
            assert_eq!(next_tap(&c, 60 * SEC, SEC, &demo, &mut dice), None);
        }
    }

    #[test]
    fn the_priority_share_is_respected() {
        let t0 = Instant::now();
        let mut c = kiosk(t0);
        c.start(t0);
        c.choose_agency("dukcapil", t0);
        c.choose_service("ktp", t0);
        let mut dice = Dice::new(3);
        for (percent, priority) in [(0, false), (100, true)] {
            let pace = Pace {
                priority_percent: percent,
                ..Pace::demo(vec![])
            };
            for _ in 0..20 {
                let Some(Tap::Category(i)) = next_tap(&c, 5 * SEC, SEC, &pace, &mut dice) else {
                    panic!("no category chosen");
                };
                assert_eq!(i != 0, priority);
                assert!((0..4).contains(&i));
            }
        }
    }
}
