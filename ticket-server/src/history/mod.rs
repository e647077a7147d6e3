//! A realistic history for a building: days of visitors and lokets, simulated through the real
//! queue ([`crate::queue::Hall`]) and written with the real [`crate::store::log::append`], so the
//! dashboard reads it exactly as it reads live data (and the statistics rollup is built by the same
//! triggers).
//!
//! - [`model`]: who comes when (morning peak, lunch dip, busy and quiet services, priority share)
//!   and how long things take at a loket.
//! - [`rng`]: a small seeded generator, so a seed always gives the same history.
//!
//! The simulation is a discrete-event loop per day: visitors arrive and take tickets (the queue
//! refuses them outside hours, in breaks and over quota, as it would at the kiosk); each loket, when
//! free, calls the next ticket, and the officer starts, finishes, transfers or marks a no-show.
//! A loket works only inside the hours and outside the breaks of every service it serves, so no
//! ticket is served when its service is closed.
//!
//! It writes directly in large transactions (one per simulated day): it is an offline tool, and
//! it takes the same lock as the server, so it refuses a database a server has open.

pub mod model;
pub mod rng;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::Path;
use std::sync::Arc;

use antri_wire::event::{Actor, ActorKind};
use antri_wire::{Category, PauseReason};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::config::{Config, Service};
use crate::queue::{Command, Hall, Logged, QueueError, Reply};
use crate::store::{self, log, StoreError};
use model::Model;
use rng::Rng;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0} already holds events; history fills a new, empty database")]
    NotEmpty(String),
    #[error("days must be at least 1")]
    NoDays,
    #[error("days: {0} is out of range; use 1 to {MAX_DAYS}")]
    TooManyDays(u32),
    #[error("end: {0} is too early for {1} days of history")]
    TooEarly(NaiveDate, u32),
}

/// The longest history one run generates: ten years.
pub const MAX_DAYS: u32 = 3660;

#[derive(Clone, Debug)]
pub struct Options {
    /// How many calendar days (closed days included).
    pub days: u32,
    /// The last day of the history (building's local date).
    pub end: NaiveDate,
    pub seed: u64,
    /// Multiplies every service's demand (1.0: a typical MPP of this size).
    pub scale: f64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub open_days: u32,
    pub tickets: u64,
    pub events: u64,
    /// Visitors the queue refused (quota reached, closed, break).
    pub turned_away: u64,
}

/// What happens next in the simulated hall.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Arrive {
        service: usize,
        category: u8,
    },
    /// The loket is free (or woke up) and looks for the next ticket.
    Free(u32),
    Start(u32),
    Finish(u32),
    Transfer(u32, usize),
    Recall(u32),
    NoShow(u32),
    Resume(u32),
}

struct Loket {
    number: u32,
    officer: Actor,
    /// Working windows of the day (local times): inside every service's hours, outside breaks.
    windows: Vec<(NaiveTime, NaiveTime)>,
}

pub fn generate(config: Arc<Config>, db: &Path, opts: &Options) -> Result<Report, HistoryError> {
    if opts.days == 0 {
        return Err(HistoryError::NoDays);
    }
    if opts.days > MAX_DAYS {
        return Err(HistoryError::TooManyDays(opts.days));
    }
    let start = opts
        .end
        .checked_sub_days(chrono::Days::new(u64::from(opts.days) - 1))
        .ok_or(HistoryError::TooEarly(opts.end, opts.days))?;
    let _lock = store::lock_for_writing(db)?;
    let mut conn = store::open_writer(db)?;
    let (_, max_seq) = log::seq_range(&conn)?;
    if max_seq > 0 {
        return Err(HistoryError::NotEmpty(db.display().to_string()));
    }
    // A year is millions of rows in a few indexes: a bigger page cache keeps their upper levels in
    // memory (the server's default is sized for its small transactions).
    conn.pragma_update(None, "cache_size", -262_144)
        .map_err(StoreError::from)?;
    // Offline and on a new database: no rollback journal and no fsync while filling it (each page
    // is written once instead of twice through the WAL). If the machine fails mid-way, generate
    // again. The server's settings (WAL, synchronous=FULL) are restored at the end.
    conn.pragma_update(None, "journal_mode", "OFF")
        .map_err(StoreError::from)?;
    conn.pragma_update(None, "synchronous", "OFF")
        .map_err(StoreError::from)?;
    let mut hall = log::load_hall(&conn, config.clone())?;
    // The simulation and the writing each take about half the time, so they run on two threads:
    // this one simulates day after day, the writer appends each finished day in one transaction.
    // The order of events is the simulation's, so a seed still gives the same database.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Logged>>(2);
    let in_force = config.clone();
    let writer = std::thread::spawn(move || -> Result<(), StoreError> {
        for events in rx {
            log::append(&mut conn, &events, &in_force)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(())
    });
    let mut rng = Rng::new(opts.seed);
    let model = Model::new(&config);
    let mut report = Report::default();
    let mut code_counter: u64 = 0;
    let mut day = start;
    while day <= opts.end {
        let mut events = Vec::new();
        let day_report = simulate_day(
            &config,
            &model,
            &mut hall,
            &mut rng,
            day,
            opts,
            &mut code_counter,
            &mut events,
        );
        if !events.is_empty() {
            report.open_days += 1;
            report.events += events.len() as u64;
            report.tickets += day_report.tickets;
            report.turned_away += day_report.turned_away;
            if tx.send(events).is_err() {
                break; // the writer stopped on an error: reported below
            }
        }
        day = day.succ_opt().expect("dates do not run out");
    }
    drop(tx);
    writer.join().map_err(|_| StoreError::Corrupt {
        seq: 0,
        reason: "the history writer thread panicked".into(),
    })??;
    Ok(report)
}

#[derive(Default)]
struct DayReport {
    tickets: u64,
    turned_away: u64,
}

fn utc(config: &Config, t: NaiveDateTime) -> DateTime<Utc> {
    config
        .building
        .zone
        .offset()
        .from_local_datetime(&t)
        .single()
        .expect("a fixed offset maps every local time")
        .with_timezone(&Utc)
}

/// Inside the hours and outside the breaks of every service in `services`, on `date`.
fn working_windows(services: &[&Service], date: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
    let wd = date.weekday();
    let mut open = NaiveTime::MIN;
    let mut close = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
    for s in services {
        match s.hours.on(wd) {
            Some((o, c)) => {
                open = open.max(o);
                close = close.min(c);
            }
            None => return Vec::new(),
        }
    }
    let mut windows = vec![(open, close)];
    for s in services {
        for b in s.hours.breaks.iter().filter(|b| b.days.contains(&wd)) {
            windows = windows
                .into_iter()
                .flat_map(|(a, z)| {
                    if b.to <= a || b.from >= z {
                        vec![(a, z)]
                    } else {
                        [(a, b.from), (b.to, z)]
                            .into_iter()
                            .filter(|(x, y)| x < y)
                            .collect()
                    }
                })
                .collect();
        }
    }
    windows.retain(|(a, z)| a < z);
    windows
}

fn tracking_code(n: u64) -> String {
    // A bijection of the counter onto 31^9 values, so codes are unique by construction and do not
    // read as a sequence. 'H' marks generated history.
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    const SPACE: u64 = 26_439_622_160_671; // 31^9
    let mut x = (n.wrapping_mul(7_919_000_003) + 12_345) % SPACE;
    let mut code = String::with_capacity(10);
    code.push('H');
    for _ in 0..9 {
        code.push(ALPHABET[(x % 31) as usize] as char);
        x /= 31;
    }
    code
}

#[allow(clippy::too_many_arguments)]
fn simulate_day(
    config: &Arc<Config>,
    model: &Model,
    hall: &mut Hall,
    rng: &mut Rng,
    date: NaiveDate,
    opts: &Options,
    code_counter: &mut u64,
    out: &mut Vec<Logged>,
) -> DayReport {
    let kiosk = Actor {
        kind: ActorKind::Device,
        id: config
            .devices
            .iter()
            .find(|d| d.kind == antri_wire::DeviceKind::Kiosk)
            .map_or("kiosk-1".to_string(), |d| d.id.clone()),
    };
    let lokets = lokets_of(config, date);
    let mut day = Day {
        config,
        model,
        hall,
        rng,
        date,
        out,
        kiosk,
        code_counter,
        lokets: HashMap::new(),
        in_hand: HashMap::new(),
        agenda: BinaryHeap::new(),
        order: 0,
        report: DayReport::default(),
    };
    for (t, service, category) in model.arrivals(day.rng, date, opts.scale) {
        day.push(day.at(t), Action::Arrive { service, category });
    }
    for l in &lokets {
        let first = l.windows[0].0;
        // Officers sit down within a few minutes of opening.
        let t = day.at(first) + day.rng.range(0, 240) as i64;
        day.push(t, Action::Free(l.number));
    }
    day.lokets = lokets.into_iter().map(|l| (l.number, l)).collect();
    while let Some(Reverse((t, _, action))) = day.agenda.pop() {
        day.step(t, action);
    }
    day.report
}

/// The lokets that work on `date`, each with its officer and working windows, in the
/// configuration's order.
fn lokets_of(config: &Config, date: NaiveDate) -> Vec<Loket> {
    config
        .counters
        .iter()
        .map(|c| {
            let services: Vec<&Service> = c
                .services
                .iter()
                .filter_map(|s| config.service(s))
                .collect();
            let officer = config
                .users
                .iter()
                .find(|u| u.role == antri_wire::Role::Officer && u.counters.contains(&c.number))
                .map_or(format!("petugas-loket-{}", c.number), |u| {
                    u.username.clone()
                });
            Loket {
                number: c.number,
                officer: Actor {
                    kind: ActorKind::User,
                    id: officer,
                },
                windows: working_windows(&services, date),
            }
        })
        .filter(|l| !l.windows.is_empty())
        .collect()
}

/// One simulated day in progress: what every step of its event loop needs, so each kind of step
/// is a method rather than one arm of a 200-line loop.
struct Day<'a> {
    config: &'a Config,
    model: &'a Model,
    hall: &'a mut Hall,
    rng: &'a mut Rng,
    date: NaiveDate,
    out: &'a mut Vec<Logged>,
    kiosk: Actor,
    code_counter: &'a mut u64,
    lokets: HashMap<u32, Loket>,
    /// The service of the ticket each loket has in hand.
    in_hand: HashMap<u32, usize>,
    /// The day's agenda, earliest first; `order` keeps equal times in insertion order.
    agenda: BinaryHeap<Reverse<(i64, u64, Action)>>,
    order: u64,
    report: DayReport,
}

impl Day<'_> {
    /// A local time of this day as a UTC timestamp.
    fn at(&self, t: NaiveTime) -> i64 {
        utc(self.config, self.date.and_time(t)).timestamp()
    }

    fn push(&mut self, t: i64, a: Action) {
        self.order += 1;
        self.agenda.push(Reverse((t, self.order, a)));
    }

    /// Loket `n`'s officer does `cmd` at `now`.
    fn officer(&mut self, now: DateTime<Utc>, n: u32, cmd: Command) -> Result<Reply, QueueError> {
        let o = self.hall.execute(cmd, now, &self.lokets[&n].officer);
        self.out.extend(o.events);
        o.result
    }

    fn step(&mut self, t: i64, action: Action) {
        let now = DateTime::<Utc>::from_timestamp(t, 0).expect("in range");
        let local = now
            .with_timezone(&self.config.building.zone.offset())
            .time();
        match action {
            Action::Arrive { service, category } => self.arrive(now, service, category),
            Action::Free(n) => self.free(t, now, local, n),
            Action::Recall(n) => {
                let _ = self.officer(now, n, Command::Recall(n));
                let after = self.rng.range(45, 90) as i64;
                self.push(t + after, Action::NoShow(n));
            }
            Action::NoShow(n) => {
                let _ = self.officer(now, n, Command::NoShow(n));
                let after = self.rng.range(5, 20) as i64;
                self.push(t + after, Action::Free(n));
            }
            Action::Start(n) => self.start(t, now, local, n),
            Action::Finish(n) => {
                let _ = self.officer(now, n, Command::Finish(n));
                let after = self.rng.range(5, 40) as i64;
                self.push(t + after, Action::Free(n));
            }
            Action::Transfer(n, to) => {
                let service = self.config.services[to].id.clone();
                let _ = self.officer(
                    now,
                    n,
                    Command::Transfer {
                        counter: n,
                        service,
                    },
                );
                let after = self.rng.range(5, 40) as i64;
                self.push(t + after, Action::Free(n));
            }
            Action::Resume(n) => {
                let _ = self.officer(now, n, Command::Resume(n));
                self.push(t, Action::Free(n));
            }
        }
    }

    /// A visitor takes a ticket at the kiosk (or is turned away by the queue).
    fn arrive(&mut self, now: DateTime<Utc>, service: usize, category: u8) {
        *self.code_counter += 1;
        let cmd = Command::Issue {
            service: self.config.services[service].id.clone(),
            category: Category::ALL[category as usize],
            tracking_code: tracking_code(*self.code_counter),
        };
        let o = self.hall.execute(cmd, now, &self.kiosk);
        self.out.extend(o.events);
        match o.result {
            Ok(_) => self.report.tickets += 1,
            Err(_) => self.report.turned_away += 1,
        }
    }

    /// Loket `n` is free: call the next ticket, or pause for a break, or close for the day.
    fn free(&mut self, t: i64, now: DateTime<Utc>, local: NaiveTime, n: u32) {
        let l = &self.lokets[&n];
        // Which window are we in, and how long is left of it?
        let Some(&(_, end)) = l.windows.iter().find(|(a, z)| *a <= local && local < *z) else {
            match l.windows.iter().find(|(a, _)| *a > local) {
                // Between windows: a break. Pause (if working) and come back after it.
                Some(&(next, _)) => {
                    let reason = if self.date.weekday() == chrono::Weekday::Fri {
                        PauseReason::Prayer
                    } else {
                        PauseReason::Break
                    };
                    let pause = Command::Pause {
                        counter: n,
                        reason,
                        note: None,
                    };
                    let _ = self.officer(now, n, pause);
                    let back = self.at(next) + self.rng.range(0, 120) as i64;
                    self.push(back, Action::Resume(n));
                }
                None => {
                    let _ = self.officer(now, n, Command::Close(n));
                }
            }
            return;
        };
        let left = (self.at(end) - t).max(0) as u32;
        // Not worth calling someone who cannot be finished before the break or closing.
        if left < 240 {
            self.push(self.at(end), Action::Free(n));
            return;
        }
        match self.officer(now, n, Command::CallNext(n)) {
            Ok(Reply::Counter(r)) => {
                let Some(ticket) = r.ticket else { return };
                let service = self
                    .config
                    .services
                    .iter()
                    .position(|s| s.id == ticket.service)
                    .unwrap_or(0);
                self.in_hand.insert(n, service);
                let (action, after) = self.model.at_loket(self.rng, left);
                self.push(t + after as i64, action_for(n, action));
            }
            Ok(_) => {}
            Err(QueueError::QueueEmpty(_)) => {
                let after = self.rng.range(30, 120) as i64;
                self.push(t + after, Action::Free(n))
            }
            Err(_) => self.push(t + 60, Action::Free(n)),
        }
    }

    /// The visitor reached loket `n`: serving starts, and how it ends is drawn.
    fn start(&mut self, t: i64, now: DateTime<Utc>, local: NaiveTime, n: u32) {
        let _ = self.officer(now, n, Command::Start(n));
        let end = self.lokets[&n]
            .windows
            .iter()
            .find(|(a, z)| *a <= local && local < *z)
            .map_or(t, |w| self.at(w.1));
        let left = (end - t).max(1) as u32;
        let service = self.in_hand.get(&n).copied().unwrap_or(0);
        let (action, after) = self.model.serving(self.rng, service, left);
        self.push(t + after as i64, action_for(n, action));
    }
}

fn action_for(n: u32, a: model::Next) -> Action {
    match a {
        model::Next::Start => Action::Start(n),
        model::Next::Recall => Action::Recall(n),
        model::Next::Finish => Action::Finish(n),
        model::Next::Transfer(to) => Action::Transfer(n, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_of_days_is_range_checked_before_any_date_arithmetic() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let config = Arc::new(Config::example());
        let opts = |days, end| Options {
            days,
            end,
            seed: 1,
            scale: 1.0,
        };
        let end = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let err = generate(config.clone(), &db, &opts(4_000_000_000, end)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "days: 4000000000 is out of range; use 1 to 3660"
        );
        let err = generate(config, &db, &opts(2, NaiveDate::MIN)).unwrap_err();
        assert!(err.to_string().starts_with("end: "), "{err}");
        assert!(!db.exists(), "refused before the database is made");
    }

    #[test]
    fn tracking_codes_are_unique_and_well_formed() {
        let codes: std::collections::HashSet<String> = (1..200_000).map(tracking_code).collect();
        assert_eq!(codes.len(), 199_999);
        assert!(codes.iter().all(|c| c.len() == 10));
    }

    #[test]
    fn a_loket_works_inside_hours_and_outside_breaks() {
        let c = Config::example();
        let ktp = c.service("ktp").unwrap();
        // 2026-11-27 is a Friday: 08:00-11:30 and 13:00-15:30.
        let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let w = working_windows(&[ktp], friday);
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(w, vec![(t(8, 0), t(11, 30)), (t(13, 0), t(15, 30))]);
        let sunday = friday + chrono::Duration::days(2);
        assert!(working_windows(&[ktp], sunday).is_empty());
    }
}
