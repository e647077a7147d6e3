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

// Longer than most: one discrete-event loop whose arms all push onto the same agenda and draw
// from the same seeded rng in a fixed order, which the generator's determinism depends on. The
// decisions themselves live in `next_for_free_loket`, `lokets_of` and `model`.
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
    let mut report = DayReport::default();
    let at = |t: NaiveTime| utc(config, date.and_time(t));
    let kiosk = Actor {
        kind: ActorKind::Device,
        id: config
            .devices
            .iter()
            .find(|d| d.kind == antri_wire::DeviceKind::Kiosk)
            .map_or("kiosk-1".to_string(), |d| d.id.clone()),
    };
    let lokets = lokets_of(config, date);
    let by_number: HashMap<u32, &Loket> = lokets.iter().map(|l| (l.number, l)).collect();
    // The service of the ticket each loket has in hand.
    let mut in_hand: HashMap<u32, usize> = HashMap::new();

    // The day's agenda, earliest first; the sequence number keeps equal times in insertion order.
    let mut agenda: BinaryHeap<Reverse<(i64, u64, Action)>> = BinaryHeap::new();
    let mut order = 0u64;
    let mut push = |agenda: &mut BinaryHeap<Reverse<(i64, u64, Action)>>, t: i64, a: Action| {
        order += 1;
        agenda.push(Reverse((t, order, a)));
    };
    for (t, service, category) in model.arrivals(rng, date, opts.scale) {
        push(
            &mut agenda,
            at(t).timestamp(),
            Action::Arrive { service, category },
        );
    }
    for l in &lokets {
        let first = l.windows[0].0;
        // Officers sit down within a few minutes of opening.
        let t = at(first).timestamp() + rng.range(0, 240) as i64;
        push(&mut agenda, t, Action::Free(l.number));
    }

    while let Some(Reverse((t, _, action))) = agenda.pop() {
        let now = DateTime::<Utc>::from_timestamp(t, 0).expect("in range");
        let local = now.with_timezone(&config.building.zone.offset()).time();
        let mut run = |hall: &mut Hall, cmd: Command, actor: &Actor| {
            let o = hall.execute(cmd, now, actor);
            out.extend(o.events);
            o.result
        };
        match action {
            Action::Arrive { service, category } => {
                *code_counter += 1;
                let cmd = Command::Issue {
                    service: config.services[service].id.clone(),
                    category: Category::ALL[category as usize],
                    tracking_code: tracking_code(*code_counter),
                };
                match run(hall, cmd, &kiosk) {
                    Ok(_) => report.tickets += 1,
                    Err(_) => report.turned_away += 1,
                }
            }
            Action::Free(n) => {
                let l = by_number[&n];
                match next_for_free_loket(l, local, date) {
                    Free::Pause { reason, back } => {
                        let _ = run(
                            hall,
                            Command::Pause {
                                counter: n,
                                reason,
                                note: None,
                            },
                            &l.officer,
                        );
                        let back = at(back).timestamp() + rng.range(0, 120) as i64;
                        push(&mut agenda, back, Action::Resume(n));
                    }
                    Free::Close => {
                        let _ = run(hall, Command::Close(n), &l.officer);
                    }
                    Free::Wait(end) => push(&mut agenda, at(end).timestamp(), Action::Free(n)),
                    Free::Call(end) => {
                        let left = (at(end).timestamp() - t).max(0) as u32;
                        match run(hall, Command::CallNext(n), &l.officer) {
                            Ok(Reply::Counter(r)) => {
                                let Some(ticket) = r.ticket else { continue };
                                let service = config
                                    .services
                                    .iter()
                                    .position(|s| s.id == ticket.service)
                                    .unwrap_or(0);
                                in_hand.insert(n, service);
                                let (action, after) = model.at_loket(rng, left);
                                push(&mut agenda, t + after as i64, action_for(n, action));
                            }
                            Ok(_) => {}
                            Err(QueueError::QueueEmpty(_)) => {
                                push(&mut agenda, t + rng.range(30, 120) as i64, Action::Free(n))
                            }
                            Err(_) => push(&mut agenda, t + 60, Action::Free(n)),
                        }
                    }
                }
            }
            Action::Recall(n) => {
                let l = by_number[&n];
                let _ = run(hall, Command::Recall(n), &l.officer);
                push(&mut agenda, t + rng.range(45, 90) as i64, Action::NoShow(n));
            }
            Action::NoShow(n) => {
                let l = by_number[&n];
                let _ = run(hall, Command::NoShow(n), &l.officer);
                push(&mut agenda, t + rng.range(5, 20) as i64, Action::Free(n));
            }
            Action::Start(n) => {
                let l = by_number[&n];
                let _ = run(hall, Command::Start(n), &l.officer);
                let end = l
                    .windows
                    .iter()
                    .find(|(a, z)| *a <= local && local < *z)
                    .map_or(t, |w| at(w.1).timestamp());
                let left = (end - t).max(1) as u32;
                let service = in_hand.get(&n).copied().unwrap_or(0);
                let (action, after) = model.serving(rng, service, left);
                push(&mut agenda, t + after as i64, action_for(n, action));
            }
            Action::Finish(n) => {
                let l = by_number[&n];
                let _ = run(hall, Command::Finish(n), &l.officer);
                push(&mut agenda, t + rng.range(5, 40) as i64, Action::Free(n));
            }
            Action::Transfer(n, to) => {
                let l = by_number[&n];
                let _ = run(
                    hall,
                    Command::Transfer {
                        counter: n,
                        service: config.services[to].id.clone(),
                    },
                    &l.officer,
                );
                push(&mut agenda, t + rng.range(5, 40) as i64, Action::Free(n));
            }
            Action::Resume(n) => {
                let l = by_number[&n];
                let _ = run(hall, Command::Resume(n), &l.officer);
                push(&mut agenda, t, Action::Free(n));
            }
        }
    }
    report
}

/// The lokets that work on `date`, each with its officer and working windows.
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

/// What a loket that has just become free does at `local`.
enum Free {
    /// Between working windows: a break (prayer on Fridays) until `back`.
    Pause {
        reason: PauseReason,
        back: NaiveTime,
    },
    /// After its last window.
    Close,
    /// Too close to the window's end to serve anyone: wait for it.
    Wait(NaiveTime),
    /// Call the next ticket; the window ends at the time given.
    Call(NaiveTime),
}

fn next_for_free_loket(l: &Loket, local: NaiveTime, date: NaiveDate) -> Free {
    let Some(&(_, end)) = l.windows.iter().find(|(a, z)| *a <= local && local < *z) else {
        return match l.windows.iter().find(|(a, _)| *a > local) {
            Some(&(back, _)) => Free::Pause {
                reason: if date.weekday() == chrono::Weekday::Fri {
                    PauseReason::Prayer
                } else {
                    PauseReason::Break
                },
                back,
            },
            None => Free::Close,
        };
    };
    // Not worth calling someone who cannot be finished before the break or closing.
    if (end - local).num_seconds() < 240 {
        Free::Wait(end)
    } else {
        Free::Call(end)
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
