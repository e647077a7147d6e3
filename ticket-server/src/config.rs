//! The building's configuration: one TOML file, checked completely at start.
//!
//! `assets/antri.example.toml` is the commented reference; it is embedded here, printed by
//! `ticket-server example-config`, and loaded by the tests. Every problem is reported with the path of
//! the field (`services[3].prefix`) and what is wrong with it, all at once, so an operator fixes the
//! file in one go.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use antri_wire::{DeviceKind, Role, Text};
use chrono::{NaiveTime, Weekday};

use crate::zone::Zone;

/// The sample building, also the documentation of every setting.
pub const EXAMPLE_TOML: &str = include_str!("../../assets/antri.example.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Syntax(String),
    #[error("the configuration has {} problem(s):\n  - {}", .0.len(), .0.join("\n  - "))]
    Invalid(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Config {
    pub building: Building,
    pub queue: QueuePolicy,
    pub agencies: Vec<Agency>,
    pub services: Vec<Service>,
    pub counters: Vec<Counter>,
    pub users: Vec<User>,
    pub devices: Vec<Device>,
    pub booking: BookingRules,
    pub alerts: AlertRules,
    /// Messages through the building's SMS/WhatsApp gateway (`[messages]`; off without a URL).
    pub messages: MessageRules,
    /// The document this was checked from (what the admin page edits and the database keeps).
    pub document: Arc<raw::File>,
}

/// The building's booking rules (`[booking]`), with their defaults when the section is absent.
#[derive(Clone, Debug, PartialEq)]
pub struct BookingRules {
    pub max_active_per_person: u32,
    pub walk_in_percent: u32,
    pub retention_days: u32,
    pub closed_dates: Vec<chrono::NaiveDate>,
}

/// When the supervisor is alerted (`[alerts]`), with defaults when the section is absent.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertRules {
    /// A loket paused longer than this.
    pub pause_limit_secs: u32,
    /// A device with no live connection for this long, while the building is open.
    pub device_silent_secs: u32,
    /// A quota with this share (%) or less left.
    pub quota_low_percent: u32,
}

/// `[messages]`: where and how visitors' messages are handed to the building's gateway (see
/// `messages`). Without `webhook_url` no message is sent and visitors cannot opt in.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageRules {
    pub webhook_url: Option<String>,
    /// The shared secret of the `X-Antri-Signature` HMAC.
    pub secret: String,
    pub timeout: std::time::Duration,
    pub max_attempts: u32,
    pub backoff_secs: u32,
    pub backoff_max_secs: u32,
    pub reminder_minutes: u32,
    /// "Turn near" when this many or fewer wait ahead, unless the visitor chose otherwise.
    pub near_places: u32,
    /// The supervisor's alerts go to the gateway too (`to: "supervisor"`).
    pub alerts: bool,
}

impl MessageRules {
    pub fn enabled(&self) -> bool {
        self.webhook_url.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct Building {
    pub name: String,
    pub zone: Zone,
    pub public_url: String,
    pub hours: Hours,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriorityPolicy {
    /// Priority tickets always before regular ones.
    First,
    /// After every `n` regular tickets one priority ticket, when one waits.
    Ratio(u32),
}

#[derive(Clone, Copy, Debug)]
pub struct QueuePolicy {
    pub priority: PriorityPolicy,
    pub number_digits: usize,
    /// "No choosing": an officer may only call next; calling a specific number needs a supervisor
    /// (or an admin), so nobody picks the easy cases out of turn.
    pub no_choosing: bool,
}

#[derive(Clone, Debug)]
pub struct Agency {
    pub id: String,
    pub name: Text,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub id: String,
    pub agency: String,
    pub prefix: String,
    pub name: Text,
    pub quota: Option<u32>,
    pub target_wait_secs: u32,
    pub service_secs: u32,
    pub hours: Hours,
    /// Online booking, if this service takes it.
    pub booking: Option<crate::booking::plan::Plan>,
    /// What a visitor brings (the agency's published requirements), shown when they book.
    pub bring: Vec<Text>,
    /// The cost as the agency publishes it ("Gratis", "Rp350.000 …"); shown on the public
    /// transparency page. `None`: not published.
    pub cost: Option<Text>,
}

#[derive(Clone, Debug)]
pub struct Counter {
    pub number: u32,
    pub name: String,
    pub services: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct User {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub counters: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct Device {
    pub id: String,
    pub kind: DeviceKind,
    pub name: String,
    pub token: String,
    /// The loket of a rating tablet.
    pub counter: Option<u32>,
}

/// Opening hours per weekday, with breaks.
#[derive(Clone, Debug, Default)]
pub struct Hours {
    pub days: BTreeMap<u8, (NaiveTime, NaiveTime)>,
    pub breaks: Vec<Break>,
}

#[derive(Clone, Debug)]
pub struct Break {
    pub days: Vec<Weekday>,
    pub from: NaiveTime,
    pub to: NaiveTime,
    pub name: Text,
}

impl Hours {
    pub fn on(&self, day: Weekday) -> Option<(NaiveTime, NaiveTime)> {
        self.days.get(&(day.num_days_from_monday() as u8)).copied()
    }
}

impl Config {
    /// The embedded sample building.
    pub fn example() -> Config {
        Config::from_toml_str(EXAMPLE_TOML).expect("the embedded example configuration is valid")
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml_str(&text).map_err(|e| match e {
            ConfigError::Syntax(m) => ConfigError::Syntax(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    pub fn from_toml_str(text: &str) -> Result<Config, ConfigError> {
        let raw: raw::File =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        validate(raw)
    }

    /// Check an edited document (from the admin page or the database).
    pub fn from_document(doc: raw::File) -> Result<Config, ConfigError> {
        validate(doc)
    }

    /// Check a document sent as JSON (the admin page): a value of the wrong type or size is named
    /// by its path (`services[3].quota: invalid value: integer `-1`, expected u32`).
    pub fn from_json(doc: serde_json::Value) -> Result<Config, ConfigError> {
        let raw: raw::File = serde_path_to_error::deserialize(doc).map_err(|e| {
            let path = e.path().to_string();
            ConfigError::Invalid(vec![format!("{path}: {}", e.into_inner())])
        })?;
        validate(raw)
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.id == id)
    }

    pub fn counter(&self, number: u32) -> Option<&Counter> {
        self.counters.iter().find(|c| c.number == number)
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }
}

/// The file as written, before checking. The admin page edits this form (as JSON), and the
/// database keeps admin-edited versions of it; [`validate`] turns it into a [`Config`].
pub mod raw {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Serialize};

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        pub building: Building,
        #[serde(default)]
        pub queue: Queue,
        #[serde(default)]
        pub hours: Hours,
        #[serde(default)]
        pub agencies: Vec<Agency>,
        #[serde(default)]
        pub services: Vec<Service>,
        #[serde(default)]
        pub counters: Vec<Counter>,
        #[serde(default)]
        pub users: Vec<User>,
        #[serde(default)]
        pub devices: Vec<Device>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub booking: Option<Booking>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub alerts: Option<Alerts>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub messages: Option<Messages>,
    }

    /// `[alerts]`: when the supervisor is alerted.
    #[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Alerts {
        /// A loket paused longer than this many minutes.
        #[serde(default = "thirty_minutes")]
        pub pause_limit_minutes: u32,
        /// A kiosk, display or rating tablet with no live connection for this many seconds while
        /// the building is open.
        #[serde(default = "two_minutes")]
        pub device_silent_seconds: u32,
        /// A service's quota with this share (%) or less left.
        #[serde(default = "ten_percent")]
        pub quota_low_percent: u32,
    }

    impl Default for Alerts {
        fn default() -> Self {
            Alerts {
                pause_limit_minutes: thirty_minutes(),
                device_silent_seconds: two_minutes(),
                quota_low_percent: ten_percent(),
            }
        }
    }

    fn thirty_minutes() -> u32 {
        30
    }
    fn two_minutes() -> u32 {
        120
    }
    fn ten_percent() -> u32 {
        10
    }

    /// `[messages]`: the building's SMS/WhatsApp gateway (see `config::MessageRules`).
    #[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
    #[serde(deny_unknown_fields)]
    pub struct Messages {
        /// Where each message is POSTed (`http://…`); absent: no messages.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub webhook_url: Option<String>,
        /// The HMAC secret shared with the gateway (at least 32 random characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub secret: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub timeout_ms: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max_attempts: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub backoff_seconds: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub backoff_max_seconds: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reminder_minutes: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub near_places: Option<u32>,
        /// Send the supervisor's alerts to the gateway as well (off by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub alerts: Option<bool>,
    }

    /// `[booking]`: the building's booking rules (each service's sessions are in its own
    /// `[services.booking]`).
    #[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Booking {
        /// Active bookings one person (NIK) may hold at once, over all services.
        #[serde(default = "three_bookings")]
        pub max_active_per_person: u32,
        /// Share (%) of a service's daily quota kept for walk-ins.
        #[serde(default = "half")]
        pub walk_in_percent: u32,
        /// Days after the visit when a booking's masked NIK and phone number are deleted.
        #[serde(default = "thirty_days")]
        pub retention_days: u32,
        /// Dates the whole building takes no bookings ("YYYY-MM-DD").
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub closed_dates: Vec<String>,
    }

    fn three_bookings() -> u32 {
        3
    }
    fn half() -> u32 {
        50
    }
    fn thirty_days() -> u32 {
        30
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Building {
        pub name: String,
        #[serde(default = "jakarta")]
        pub timezone: String,
        #[serde(default = "local_url")]
        pub public_url: String,
    }

    fn jakarta() -> String {
        "Asia/Jakarta".into()
    }

    fn local_url() -> String {
        "http://127.0.0.1:8080".into()
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Queue {
        #[serde(default = "first")]
        pub priority: String,
        #[serde(default = "two")]
        pub regular_per_priority: u32,
        #[serde(default = "three")]
        pub number_digits: usize,
        /// Absent (false) in every document written before the setting existed.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub no_choosing: bool,
    }

    impl Default for Queue {
        fn default() -> Self {
            Queue {
                priority: first(),
                regular_per_priority: 2,
                number_digits: 3,
                no_choosing: false,
            }
        }
    }

    fn first() -> String {
        "first".into()
    }
    fn two() -> u32 {
        2
    }
    fn three() -> usize {
        3
    }

    #[derive(Deserialize, Serialize, Default, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Hours {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mon: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tue: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub wed: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub thu: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fri: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sat: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sun: Option<String>,
        #[serde(default)]
        pub breaks: Vec<Break>,
    }

    impl Hours {
        pub fn days(&self) -> BTreeMap<&'static str, &String> {
            [
                ("mon", &self.mon),
                ("tue", &self.tue),
                ("wed", &self.wed),
                ("thu", &self.thu),
                ("fri", &self.fri),
                ("sat", &self.sat),
                ("sun", &self.sun),
            ]
            .into_iter()
            .filter_map(|(d, v)| Some((d, v.as_ref()?)))
            .collect()
        }
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Break {
        #[serde(default)]
        pub days: Vec<String>,
        pub from: String,
        pub to: String,
        pub name_id: String,
        pub name_en: String,
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Agency {
        pub id: String,
        pub name_id: String,
        pub name_en: String,
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Service {
        pub id: String,
        pub agency: String,
        pub prefix: String,
        pub name_id: String,
        pub name_en: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub quota: Option<u32>,
        pub target_wait_minutes: u32,
        #[serde(default = "ten")]
        pub service_minutes: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub hours: Option<Hours>,
        /// Online booking for this service; absent: walk-in only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub booking: Option<crate::booking::plan::RawPlan>,
        /// What to bring, one line per document, in both languages (the two lists pair up).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub bring_id: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pub bring_en: Vec<String>,
        /// The cost in words, in both languages (the service standard the agency publishes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cost_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cost_en: Option<String>,
    }

    fn ten() -> u32 {
        10
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Counter {
        pub number: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub services: Vec<String>,
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct User {
        pub username: String,
        pub name: String,
        pub role: String,
        pub password_hash: String,
        #[serde(default)]
        pub counters: Vec<u32>,
    }

    #[derive(Deserialize, Serialize, Clone, Debug)]
    #[serde(deny_unknown_fields)]
    pub struct Device {
        pub id: String,
        pub kind: String,
        pub name: String,
        pub token: String,
        /// The loket a rating tablet stands at.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub counter: Option<u32>,
    }
}

/// The ranges of the numbers a configuration may hold. Each is checked (and named by its field)
/// before it is used, so no arithmetic on them can overflow: `target_wait_minutes = 71582789`
/// once became 44 seconds through `* 60` in `u32`.
pub mod limits {
    /// `queue.regular_per_priority`.
    pub const REGULAR_PER_PRIORITY: std::ops::RangeInclusive<u32> = 1..=100;
    /// `queue.number_digits`.
    pub const NUMBER_DIGITS: std::ops::RangeInclusive<usize> = 3..=5;
    /// `services[].target_wait_minutes` and `services[].service_minutes`: at most a day.
    pub const MINUTES: std::ops::RangeInclusive<u32> = 1..=1440;
    /// `services[].quota`: tickets a day.
    pub const QUOTA: std::ops::RangeInclusive<u32> = 1..=99_999;
    /// `counters[].number`.
    pub const COUNTER: std::ops::RangeInclusive<u32> = 1..=999;
    /// `messages.timeout_ms`: one request to the gateway.
    pub const MESSAGE_TIMEOUT_MS: std::ops::RangeInclusive<u32> = 100..=60_000;
    /// `messages.max_attempts`.
    pub const MESSAGE_ATTEMPTS: std::ops::RangeInclusive<u32> = 1..=50;
    /// `messages.backoff_seconds` and `messages.backoff_max_seconds`: at most a day.
    pub const MESSAGE_BACKOFF_SECS: std::ops::RangeInclusive<u32> = 1..=86_400;
    /// `messages.reminder_minutes`: before a booked session, at most two days.
    pub const REMINDER_MINUTES: std::ops::RangeInclusive<u32> = 1..=2880;
    /// `messages.near_places`, and the places a visitor chooses.
    pub const NEAR_PLACES: std::ops::RangeInclusive<u32> = 1..=20;
    /// `serve --max-connections`: connections at once per listener.
    pub const MAX_CONNECTIONS: std::ops::RangeInclusive<usize> = 16..=100_000;
}

/// `"{at}: {n} is out of range; use {lo} to {hi}"` unless `n` is in `range`.
fn in_range<T: PartialOrd + std::fmt::Display>(
    at: &str,
    n: T,
    range: &std::ops::RangeInclusive<T>,
    errs: &mut Vec<String>,
) -> bool {
    let ok = range.contains(&n);
    if !ok {
        errs.push(format!(
            "{at}: {n} is out of range; use {} to {}",
            range.start(),
            range.end()
        ));
    }
    ok
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

fn weekday(s: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| *n == s).map(|(_, d)| *d)
}

fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

fn hours(raw: &raw::Hours, at: &str, errs: &mut Vec<String>) -> Hours {
    let mut out = Hours::default();
    for (day, span) in raw.days() {
        let Some(wd) = weekday(day) else {
            errs.push(format!(
                "{at}.{day}: not a weekday; use mon, tue, wed, thu, fri, sat or sun"
            ));
            continue;
        };
        let parsed = span
            .split_once('-')
            .and_then(|(a, b)| Some((time(a.trim())?, time(b.trim())?)));
        match parsed {
            Some((open, close)) if open < close => {
                out.days
                    .insert(wd.num_days_from_monday() as u8, (open, close));
            }
            Some(_) => errs.push(format!("{at}.{day}: \"{span}\" closes before it opens")),
            None => errs.push(format!(
                "{at}.{day}: \"{span}\" is not a time range like \"08:00-15:00\""
            )),
        }
    }
    for (i, b) in raw.breaks.iter().enumerate() {
        let at = format!("{at}.breaks[{i}]");
        let (from, to) = (time(&b.from), time(&b.to));
        if from.is_none() {
            errs.push(format!(
                "{at}.from: \"{}\" is not a time like \"12:00\"",
                b.from
            ));
        }
        if to.is_none() {
            errs.push(format!(
                "{at}.to: \"{}\" is not a time like \"13:00\"",
                b.to
            ));
        }
        let mut days = Vec::new();
        for d in &b.days {
            match weekday(d) {
                Some(wd) => days.push(wd),
                None => errs.push(format!("{at}.days: \"{d}\" is not a weekday")),
            }
        }
        if b.days.is_empty() {
            days = WEEKDAYS.iter().map(|(_, d)| *d).collect();
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                errs.push(format!("{at}: ends before it starts"));
            }
            out.breaks.push(Break {
                days,
                from,
                to,
                name: Text {
                    id: b.name_id.clone(),
                    en: b.name_en.clone(),
                },
            });
        }
    }
    out
}

/// Check a whole document. Each section has its own validator, called in the file's order so the
/// problems are listed as an operator reads the file; a later section gets what it refers to from
/// the earlier ones (services name agencies, lokets name services, users and devices name lokets).
fn validate(raw: raw::File) -> Result<Config, ConfigError> {
    let mut errs = Vec::new();
    let document = Arc::new(raw.clone());
    let building = building(&raw, &mut errs);
    let booking = booking_rules(raw.booking.as_ref(), &mut errs);
    let alerts = alert_rules(raw.alerts.clone().unwrap_or_default(), &mut errs);
    let queue = queue_policy(&raw.queue, &mut errs);
    let agencies = agencies(&raw.agencies, &mut errs);
    let agency_ids: HashSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
    let services = services(&raw, &building.hours, &agency_ids, &booking, &mut errs);
    let service_ids: HashSet<&str> = services.iter().map(|s| s.id.as_str()).collect();
    let counters = counters(&raw.counters, &service_ids, &mut errs);
    let numbers: HashSet<u32> = counters.iter().map(|c| c.number).collect();
    let users = users(&raw.users, &numbers, &mut errs);
    let devices = devices(&raw.devices, &numbers, &mut errs);
    let messages = message_rules(raw.messages.as_ref(), &mut errs);
    if !errs.is_empty() {
        return Err(ConfigError::Invalid(errs));
    }
    Ok(Config {
        building,
        queue,
        agencies,
        services,
        counters,
        users,
        devices,
        booking,
        alerts,
        messages,
        document,
    })
}

/// `[alerts]`: the limits, defaults when absent.
fn alert_rules(raw: raw::Alerts, errs: &mut Vec<String>) -> AlertRules {
    in_range(
        "alerts.pause_limit_minutes",
        raw.pause_limit_minutes,
        &(1..=480),
        errs,
    );
    in_range(
        "alerts.device_silent_seconds",
        raw.device_silent_seconds,
        &(30..=3600),
        errs,
    );
    in_range(
        "alerts.quota_low_percent",
        raw.quota_low_percent,
        &(1..=50),
        errs,
    );
    AlertRules {
        // In range (checked above), so no overflow; out of range the file is refused.
        pause_limit_secs: raw.pause_limit_minutes.saturating_mul(60),
        device_silent_secs: raw.device_silent_seconds,
        quota_low_percent: raw.quota_low_percent,
    }
}

/// `[messages]`: defaults for what is left out; off without `webhook_url`.
fn message_rules(raw: Option<&raw::Messages>, errs: &mut Vec<String>) -> MessageRules {
    let raw = raw.cloned().unwrap_or_default();
    let mut number = |field: &str, v: Option<u32>, default: u32, range| {
        let v = v.unwrap_or(default);
        in_range(&format!("messages.{field}"), v, &range, errs);
        v
    };
    let timeout_ms = number(
        "timeout_ms",
        raw.timeout_ms,
        5000,
        limits::MESSAGE_TIMEOUT_MS,
    );
    let max_attempts = number(
        "max_attempts",
        raw.max_attempts,
        8,
        limits::MESSAGE_ATTEMPTS,
    );
    let backoff_secs = number(
        "backoff_seconds",
        raw.backoff_seconds,
        30,
        limits::MESSAGE_BACKOFF_SECS,
    );
    let backoff_max_secs = number(
        "backoff_max_seconds",
        raw.backoff_max_seconds,
        3600,
        limits::MESSAGE_BACKOFF_SECS,
    );
    let reminder_minutes = number(
        "reminder_minutes",
        raw.reminder_minutes,
        60,
        limits::REMINDER_MINUTES,
    );
    let near_places = number("near_places", raw.near_places, 3, limits::NEAR_PLACES);
    if backoff_max_secs < backoff_secs {
        errs.push(format!(
            "messages.backoff_max_seconds: {backoff_max_secs} is less than messages.backoff_seconds ({backoff_secs})"
        ));
    }
    let secret = raw.secret.clone().unwrap_or_default();
    let webhook_url = raw
        .webhook_url
        .as_deref()
        .map(str::trim)
        .map(str::to_string);
    match webhook_url.as_deref() {
        None => {}
        Some(u) if u.starts_with("https://") => errs.push(format!(
            "messages.webhook_url: \"{u}\": this server speaks plain http only; put an HTTPS relay beside it (docs/deploy.md) and give its http:// address"
        )),
        Some(u) if !u.starts_with("http://") || u.len() <= "http://".len() => errs.push(format!(
            "messages.webhook_url: \"{u}\" must be an http:// address"
        )),
        Some(_) if secret.chars().count() < 16 => errs.push(
            "messages.secret: a webhook needs a shared secret of at least 16 characters (32 random ones: `openssl rand -hex 24`)".into(),
        ),
        Some(_) => {}
    }
    MessageRules {
        webhook_url,
        secret,
        timeout: std::time::Duration::from_millis(u64::from(timeout_ms)),
        max_attempts,
        backoff_secs,
        backoff_max_secs,
        reminder_minutes,
        near_places,
        alerts: raw.alerts.unwrap_or(false),
    }
}

/// `[booking]`: the building's rules, defaults when absent.
fn booking_rules(raw: Option<&raw::Booking>, errs: &mut Vec<String>) -> BookingRules {
    let raw = raw.cloned().unwrap_or(raw::Booking {
        max_active_per_person: 3,
        walk_in_percent: 50,
        retention_days: 30,
        closed_dates: Vec::new(),
    });
    in_range(
        "booking.max_active_per_person",
        raw.max_active_per_person,
        &(1..=20),
        errs,
    );
    in_range(
        "booking.walk_in_percent",
        raw.walk_in_percent,
        &(0..=100),
        errs,
    );
    in_range(
        "booking.retention_days",
        raw.retention_days,
        &(1..=3650),
        errs,
    );
    let mut closed_dates = Vec::new();
    for (i, d) in raw.closed_dates.iter().enumerate() {
        match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => closed_dates.push(d),
            Err(_) => errs.push(format!(
                "booking.closed_dates[{i}]: \"{d}\" is not a date like \"2026-12-25\""
            )),
        }
    }
    BookingRules {
        max_active_per_person: raw.max_active_per_person,
        walk_in_percent: raw.walk_in_percent,
        retention_days: raw.retention_days,
        closed_dates,
    }
}

/// `[building]` and the building's `[hours]`.
fn building(raw: &raw::File, errs: &mut Vec<String>) -> Building {
    let zone = Zone::parse(&raw.building.timezone).unwrap_or_else(|| {
        errs.push(format!(
            "building.timezone: \"{}\" is not an Indonesian time zone; use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)",
            raw.building.timezone
        ));
        Zone::Wib
    });
    if raw.building.name.trim().is_empty() {
        errs.push("building.name: must not be empty".into());
    }
    let public_url = raw.building.public_url.trim_end_matches('/').to_string();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        errs.push(format!(
            "building.public_url: \"{}\" must start with http:// or https://",
            raw.building.public_url
        ));
    }
    Building {
        name: raw.building.name.clone(),
        zone,
        public_url,
        hours: hours(&raw.hours, "hours", errs),
    }
}

/// `[queue]`.
fn queue_policy(raw: &raw::Queue, errs: &mut Vec<String>) -> QueuePolicy {
    let ratio_ok = in_range(
        "queue.regular_per_priority",
        raw.regular_per_priority,
        &limits::REGULAR_PER_PRIORITY,
        errs,
    );
    let priority = match raw.priority.as_str() {
        "first" => PriorityPolicy::First,
        "ratio" if ratio_ok => PriorityPolicy::Ratio(raw.regular_per_priority),
        "ratio" => PriorityPolicy::First,
        other => {
            errs.push(format!(
                "queue.priority: \"{other}\" is not \"first\" or \"ratio\""
            ));
            PriorityPolicy::First
        }
    };
    in_range(
        "queue.number_digits",
        raw.number_digits,
        &limits::NUMBER_DIGITS,
        errs,
    );
    QueuePolicy {
        priority,
        number_digits: raw.number_digits,
        no_choosing: raw.no_choosing,
    }
}

/// `[[agencies]]`.
fn agencies(raw: &[raw::Agency], errs: &mut Vec<String>) -> Vec<Agency> {
    let mut ids = HashSet::new();
    raw.iter()
        .enumerate()
        .map(|(i, a)| {
            if !is_slug(&a.id) {
                errs.push(format!(
                    "agencies[{i}].id: \"{}\" must be lowercase letters, digits, - or _",
                    a.id
                ));
            }
            if !ids.insert(a.id.as_str()) {
                errs.push(format!("agencies[{i}].id: \"{}\" is used twice", a.id));
            }
            Agency {
                id: a.id.clone(),
                name: Text {
                    id: a.name_id.clone(),
                    en: a.name_en.clone(),
                },
            }
        })
        .collect()
}

/// `[[services]]`: each checked alone, then prefixes and ids across them.
fn services(
    raw: &raw::File,
    building_hours: &Hours,
    agency_ids: &HashSet<&str>,
    booking: &BookingRules,
    errs: &mut Vec<String>,
) -> Vec<Service> {
    let mut ids = HashSet::new();
    let mut prefixes = HashMap::new();
    let mut services = Vec::new();
    for (i, s) in raw.services.iter().enumerate() {
        let at = format!("services[{i}]");
        if !is_slug(&s.id) {
            errs.push(format!(
                "{at}.id: \"{}\" must be lowercase letters, digits, - or _",
                s.id
            ));
        }
        if !ids.insert(s.id.as_str()) {
            errs.push(format!("{at}.id: \"{}\" is used twice", s.id));
        }
        if !agency_ids.contains(s.agency.as_str()) {
            errs.push(format!(
                "{at}.agency: \"{}\" is not one of the agencies",
                s.agency
            ));
        }
        if s.prefix.is_empty()
            || s.prefix.len() > 3
            || !s.prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            errs.push(format!(
                "{at}.prefix: \"{}\" must be 1–3 capital letters A–Z",
                s.prefix
            ));
        } else if let Some(other) = prefixes.insert(s.prefix.as_str(), s.id.as_str()) {
            errs.push(format!(
                "{at}.prefix: \"{}\" is already the prefix of service \"{other}\"",
                s.prefix
            ));
        }
        let mut service = service(&at, s, raw, building_hours, errs);
        service.booking = s.booking.as_ref().and_then(|plan| {
            plan.check(
                &format!("{at}.booking"),
                s.quota,
                booking.walk_in_percent,
                errs,
            )
        });
        services.push(service);
    }
    services
}

/// One service's numbers and hours (what does not depend on the other services).
fn service(
    at: &str,
    s: &raw::Service,
    raw: &raw::File,
    building_hours: &Hours,
    errs: &mut Vec<String>,
) -> Service {
    match s.quota {
        Some(0) => errs.push(format!(
            "{at}.quota: 0 would never issue a ticket; leave it out for no limit"
        )),
        Some(q) => {
            in_range(&format!("{at}.quota"), q, &limits::QUOTA, errs);
        }
        None => {}
    }
    for (field, minutes) in [
        ("target_wait_minutes", s.target_wait_minutes),
        ("service_minutes", s.service_minutes),
    ] {
        in_range(&format!("{at}.{field}"), minutes, &limits::MINUTES, errs);
    }
    let hours = match &s.hours {
        Some(h) => {
            let mut h = h.clone();
            // A service's own hours without breaks keep the building's breaks.
            if h.breaks.is_empty() {
                h.breaks = raw.hours.breaks.clone();
            }
            self::hours(&h, &format!("{at}.hours"), errs)
        }
        None => building_hours.clone(),
    };
    Service {
        id: s.id.clone(),
        agency: s.agency.clone(),
        prefix: s.prefix.clone(),
        name: Text {
            id: s.name_id.clone(),
            en: s.name_en.clone(),
        },
        quota: s.quota,
        // In range (checked above) these cannot overflow; out of range the file is refused.
        target_wait_secs: s.target_wait_minutes.saturating_mul(60),
        service_secs: s.service_minutes.saturating_mul(60),
        hours,
        booking: None,
        bring: bring(at, s, errs),
        cost: cost(at, s, errs),
    }
}

/// A service's published cost: both languages or neither, each 1–120 characters.
fn cost(at: &str, s: &raw::Service, errs: &mut Vec<String>) -> Option<Text> {
    match (&s.cost_id, &s.cost_en) {
        (None, None) => None,
        (Some(id), Some(en)) => {
            for (field, v) in [("cost_id", id), ("cost_en", en)] {
                let n = v.trim().chars().count();
                if n == 0 || n > 120 {
                    errs.push(format!("{at}.{field}: 1 to 120 characters, not {n}"));
                }
            }
            Some(Text {
                id: id.trim().to_string(),
                en: en.trim().to_string(),
            })
        }
        (Some(_), None) => {
            errs.push(format!(
                "{at}.cost_en: the cost in English is missing (cost_id is set)"
            ));
            None
        }
        (None, Some(_)) => {
            errs.push(format!(
                "{at}.cost_id: the cost in Indonesian is missing (cost_en is set)"
            ));
            None
        }
    }
}

/// A service's "what to bring": the Indonesian and English lists pair up line by line.
fn bring(at: &str, s: &raw::Service, errs: &mut Vec<String>) -> Vec<Text> {
    const LINES: usize = 15;
    const CHARS: usize = 160;
    if s.bring_id.len() != s.bring_en.len() {
        errs.push(format!(
            "{at}.bring_en: {} lines, but bring_id has {}; each document is named in both languages",
            s.bring_en.len(),
            s.bring_id.len()
        ));
    }
    if s.bring_id.len() > LINES {
        errs.push(format!("{at}.bring_id: at most {LINES} lines"));
    }
    for (field, lines) in [("bring_id", &s.bring_id), ("bring_en", &s.bring_en)] {
        for (i, line) in lines.iter().enumerate() {
            let n = line.trim().chars().count();
            if n == 0 || n > CHARS {
                errs.push(format!(
                    "{at}.{field}[{i}]: 1 to {CHARS} characters, not {n}"
                ));
            }
        }
    }
    s.bring_id
        .iter()
        .zip(&s.bring_en)
        .map(|(id, en)| Text {
            id: id.trim().to_string(),
            en: en.trim().to_string(),
        })
        .collect()
}

/// `[[counters]]` (lokets).
fn counters(
    raw: &[raw::Counter],
    service_ids: &HashSet<&str>,
    errs: &mut Vec<String>,
) -> Vec<Counter> {
    let mut numbers = HashSet::new();
    let mut counters = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let at = format!("counters[{i}]");
        if c.number == 0 {
            errs.push(format!("{at}.number: lokets are numbered from 1"));
        } else {
            in_range(&format!("{at}.number"), c.number, &limits::COUNTER, errs);
        }
        if !numbers.insert(c.number) {
            errs.push(format!("{at}.number: loket {} is defined twice", c.number));
        }
        if c.services.is_empty() {
            errs.push(format!(
                "{at}.services: a loket must serve at least one service"
            ));
        }
        for s in &c.services {
            if !service_ids.contains(s.as_str()) {
                errs.push(format!("{at}.services: \"{s}\" is not one of the services"));
            }
        }
        counters.push(Counter {
            number: c.number,
            name: c
                .name
                .clone()
                .unwrap_or_else(|| format!("Loket {}", c.number)),
            services: c.services.clone(),
        });
    }
    counters
}

/// `[[users]]`.
fn users(raw: &[raw::User], numbers: &HashSet<u32>, errs: &mut Vec<String>) -> Vec<User> {
    let mut usernames = HashSet::new();
    let mut users = Vec::new();
    for (i, u) in raw.iter().enumerate() {
        let at = format!("users[{i}]");
        if !usernames.insert(u.username.as_str()) {
            errs.push(format!("{at}.username: \"{}\" is used twice", u.username));
        }
        let role = match u.role.as_str() {
            "officer" => Role::Officer,
            "supervisor" => Role::Supervisor,
            "admin" => Role::Admin,
            other => {
                errs.push(format!(
                    "{at}.role: \"{other}\" is not officer, supervisor or admin"
                ));
                Role::Officer
            }
        };
        if argon2::PasswordHash::new(&u.password_hash).is_err() {
            errs.push(format!(
                "{at}.password_hash: not an argon2 hash string; make one with `ticket-server hash-password`"
            ));
        }
        for n in &u.counters {
            if !numbers.contains(n) {
                errs.push(format!("{at}.counters: loket {n} is not defined"));
            }
        }
        if role == Role::Officer && u.counters.is_empty() {
            errs.push(format!(
                "{at}.counters: an officer needs at least one loket"
            ));
        }
        users.push(User {
            username: u.username.clone(),
            name: u.name.clone(),
            role,
            password_hash: u.password_hash.clone(),
            counters: u.counters.clone(),
        });
    }
    users
}

/// `[[devices]]`: kiosks, displays and rating tablets.
fn devices(raw: &[raw::Device], numbers: &HashSet<u32>, errs: &mut Vec<String>) -> Vec<Device> {
    let mut ids = HashSet::new();
    let mut tokens = HashSet::new();
    let mut devices = Vec::new();
    for (i, d) in raw.iter().enumerate() {
        let at = format!("devices[{i}]");
        if !ids.insert(d.id.as_str()) {
            errs.push(format!("{at}.id: \"{}\" is used twice", d.id));
        }
        let kind = match d.kind.as_str() {
            "kiosk" => DeviceKind::Kiosk,
            "display" => DeviceKind::Display,
            "rating" => DeviceKind::Rating,
            other => {
                errs.push(format!(
                    "{at}.kind: \"{other}\" is not kiosk, display or rating"
                ));
                DeviceKind::Display
            }
        };
        match (kind, d.counter) {
            (DeviceKind::Rating, None) => errs.push(format!(
                "{at}.counter: a rating tablet needs the loket it stands at"
            )),
            (DeviceKind::Rating, Some(n)) if !numbers.contains(&n) => {
                errs.push(format!("{at}.counter: loket {n} is not defined"))
            }
            (DeviceKind::Rating, Some(_)) | (_, None) => {}
            (_, Some(_)) => errs.push(format!(
                "{at}.counter: only a rating tablet stands at a loket"
            )),
        }
        if d.token.chars().count() < 16 {
            errs.push(format!("{at}.token: must be at least 16 characters"));
        }
        if !tokens.insert(d.token.as_str()) {
            errs.push(format!(
                "{at}.token: the same token is given to another device"
            ));
        }
        devices.push(Device {
            id: d.id.clone(),
            kind,
            name: d.name.clone(),
            token: d.token.clone(),
            counter: d.counter,
        });
    }
    devices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_loads_with_the_promised_size() {
        let c = Config::example();
        assert!(c.agencies.len() >= 10);
        assert!(c.services.len() >= 30);
        assert!(c.counters.len() >= 20);
        assert_eq!(c.building.zone, Zone::Wib);
        let fri = c
            .building
            .hours
            .breaks
            .iter()
            .find(|b| b.days == vec![Weekday::Fri]);
        assert_eq!(fri.unwrap().name.id, "Istirahat salat Jumat");
    }

    #[test]
    fn errors_name_the_field_and_the_problem() {
        let bad = EXAMPLE_TOML
            .replace("prefix = \"KTP\"", "prefix = \"ktp1\"")
            .replace("timezone = \"Asia/Jakarta\"", "timezone = \"Europe/Paris\"")
            .replace("services = [\"skck\"]", "services = [\"skck\", \"nope\"]");
        let err = Config::from_toml_str(&bad).unwrap_err().to_string();
        assert!(
            err.contains("services[0].prefix: \"ktp1\" must be 1–3 capital letters"),
            "{err}"
        );
        assert!(err.contains("building.timezone: \"Europe/Paris\""), "{err}");
        assert!(
            err.contains("services: \"nope\" is not one of the services"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = Config::from_toml_str("[building]\nname = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        let err = Config::from_toml_str("[building]\nname = \"x\"\ncolour = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour"), "{err}");
    }

    #[test]
    fn a_target_wait_that_overflowed_is_refused_by_name() {
        // 71582789 * 60 wraps to 44 in u32: once a 44-second target.
        let bad = EXAMPLE_TOML.replacen(
            "target_wait_minutes = 30",
            "target_wait_minutes = 71582789",
            1,
        );
        assert!(bad != EXAMPLE_TOML);
        let err = Config::from_toml_str(&bad).unwrap_err().to_string();
        assert!(
            err.contains("].target_wait_minutes: 71582789 is out of range; use 1 to 1440"),
            "{err}"
        );
    }

    /// Where a generated number goes in the document, and the range it must have.
    #[derive(Clone, Copy, Debug)]
    enum Field {
        RegularPerPriority,
        NumberDigits,
        TargetWait(usize),
        ServiceMinutes(usize),
        Quota(usize),
        Counter(usize),
        /// A number of `[messages]` (the section is absent from the example: this adds it).
        Message(&'static str),
    }

    /// `[messages]`' numbers and their ranges.
    const MESSAGE_FIELDS: [(&str, std::ops::RangeInclusive<u32>); 6] = [
        ("timeout_ms", limits::MESSAGE_TIMEOUT_MS),
        ("max_attempts", limits::MESSAGE_ATTEMPTS),
        ("backoff_seconds", limits::MESSAGE_BACKOFF_SECS),
        ("backoff_max_seconds", limits::MESSAGE_BACKOFF_SECS),
        ("reminder_minutes", limits::REMINDER_MINUTES),
        ("near_places", limits::NEAR_PLACES),
    ];

    impl Field {
        fn path(self) -> String {
            match self {
                Field::RegularPerPriority => "queue.regular_per_priority".into(),
                Field::NumberDigits => "queue.number_digits".into(),
                Field::TargetWait(i) => format!("services[{i}].target_wait_minutes"),
                Field::ServiceMinutes(i) => format!("services[{i}].service_minutes"),
                Field::Quota(i) => format!("services[{i}].quota"),
                Field::Counter(i) => format!("counters[{i}].number"),
                Field::Message(name) => format!("messages.{name}"),
            }
        }

        fn slot(self, doc: &mut serde_json::Value) -> &mut serde_json::Value {
            match self {
                Field::RegularPerPriority => &mut doc["queue"]["regular_per_priority"],
                Field::NumberDigits => &mut doc["queue"]["number_digits"],
                Field::TargetWait(i) => &mut doc["services"][i]["target_wait_minutes"],
                Field::ServiceMinutes(i) => &mut doc["services"][i]["service_minutes"],
                Field::Quota(i) => &mut doc["services"][i]["quota"],
                Field::Counter(i) => &mut doc["counters"][i]["number"],
                Field::Message(name) => &mut doc["messages"][name],
            }
        }

        fn in_range(self, n: i128) -> bool {
            let within = |r: &std::ops::RangeInclusive<u32>| {
                n >= i128::from(*r.start()) && n <= i128::from(*r.end())
            };
            match self {
                Field::RegularPerPriority => within(&limits::REGULAR_PER_PRIORITY),
                Field::NumberDigits => (3..=5).contains(&n),
                Field::TargetWait(_) | Field::ServiceMinutes(_) => within(&limits::MINUTES),
                Field::Quota(_) => within(&limits::QUOTA),
                Field::Counter(_) => within(&limits::COUNTER),
                Field::Message(name) => MESSAGE_FIELDS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .is_some_and(|(_, r)| within(r)),
            }
        }
    }

    fn field() -> impl proptest::strategy::Strategy<Value = Field> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Field::RegularPerPriority),
            Just(Field::NumberDigits),
            (0usize..30).prop_map(Field::TargetWait),
            (0usize..30).prop_map(Field::ServiceMinutes),
            (0usize..30).prop_map(Field::Quota),
            (0usize..23).prop_map(Field::Counter),
            (0usize..MESSAGE_FIELDS.len()).prop_map(|i| Field::Message(MESSAGE_FIELDS[i].0)),
        ]
    }

    fn number() -> impl proptest::strategy::Strategy<Value = i128> {
        use proptest::prelude::*;
        prop_oneof![
            (-2i128..3000),
            any::<i64>().prop_map(i128::from),
            any::<u64>().prop_map(i128::from),
            Just(71_582_789),
            Just(i128::from(u32::MAX)),
            Just(i128::from(u32::MAX) + 1),
            Just(i128::from(u64::MAX)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any number in any numeric field, through the admin page's JSON and through the file:
        /// refused with its field named, or taken exactly (nothing wraps, nothing panics).
        #[test]
        fn every_number_is_taken_exactly_or_refused_by_name(f in field(), n in number()) {
            let example = Config::example();
            let mut doc = serde_json::to_value(example.document.as_ref()).unwrap();
            *f.slot(&mut doc) = match i64::try_from(n) {
                Ok(v) => serde_json::json!(v),
                Err(_) => serde_json::json!(u64::try_from(n).unwrap()),
            };
            let path = f.path();
            match Config::from_json(doc.clone()) {
                Ok(c) => {
                    proptest::prop_assert!(f.in_range(n), "{path} = {n} was accepted");
                    if let Field::Message(name) = f {
                        let m = &c.messages;
                        let taken = match name {
                            "timeout_ms" => m.timeout.as_millis() as i128,
                            "max_attempts" => m.max_attempts.into(),
                            "backoff_seconds" => m.backoff_secs.into(),
                            "backoff_max_seconds" => m.backoff_max_secs.into(),
                            "reminder_minutes" => m.reminder_minutes.into(),
                            _ => m.near_places.into(),
                        };
                        proptest::prop_assert_eq!(taken, n, "{}", path);
                    }
                    for s in &c.services {
                        let raw = c.document.services.iter().find(|r| r.id == s.id).unwrap();
                        proptest::prop_assert_eq!(
                            u64::from(s.target_wait_secs),
                            u64::from(raw.target_wait_minutes) * 60
                        );
                        proptest::prop_assert_eq!(
                            u64::from(s.service_secs),
                            u64::from(raw.service_minutes) * 60
                        );
                    }
                }
                Err(e) => {
                    let e = e.to_string();
                    // A loket renumbered within range is refused for the users and tablets that
                    // still name the old number: those are the fields named then.
                    let renumbered = matches!(f, Field::Counter(_)) && f.in_range(n);
                    proptest::prop_assert!(
                        e.contains(&path) || (renumbered && e.contains("counter")),
                        "{path} = {n}: {e}"
                    );
                    // A backoff in range may still be refused against the other (base over cap).
                    let backoff = matches!(f, Field::Message(m) if m.starts_with("backoff"))
                        && e.contains("is less than messages.backoff_seconds");
                    proptest::prop_assert!(
                        !f.in_range(n) || renumbered || backoff || matches!(f, Field::Quota(_)),
                        "{path} = {n} is in range but refused: {e}"
                    );
                }
            }
            // The file: TOML's integers are i64, so larger ones are a syntax error naming the key.
            let toml = toml::to_string(&serde_json::from_value::<raw::File>(
                serde_json::to_value(example.document.as_ref()).unwrap(),
            ).unwrap()).unwrap();
            let key = path.rsplit('.').next().unwrap();
            if let Field::TargetWait(0) | Field::ServiceMinutes(0) = f {
                let line = format!("{key} = {}", match f {
                    Field::TargetWait(_) => example.document.services[0].target_wait_minutes,
                    _ => example.document.services[0].service_minutes,
                });
                let edited = toml.replacen(&line, &format!("{key} = {n}"), 1);
                proptest::prop_assert!(edited != toml, "{line} not found");
                match Config::from_toml_str(&edited) {
                    Ok(c) => proptest::prop_assert!(
                        f.in_range(n)
                            && u64::from(c.services[0].target_wait_secs)
                                == u64::from(c.document.services[0].target_wait_minutes) * 60
                    ),
                    Err(e) => {
                        let e = e.to_string();
                        proptest::prop_assert!(e.contains(key), "{key} = {n}: {e}");
                    }
                }
            }
        }
    }

    #[test]
    fn what_to_bring_pairs_up_in_both_languages() {
        let c = Config::example();
        let passport = c.service("paspor-baru").unwrap();
        assert_eq!(passport.bring.len(), 3);
        assert_eq!(passport.bring[0].en, "Original e-KTP");
        let bad = EXAMPLE_TOML.replace("bring_en = [\"Original e-KTP\", ", "bring_en = [");
        let err = Config::from_toml_str(&bad).unwrap_err().to_string();
        assert!(
            err.contains("bring_en: 2 lines, but bring_id has 3"),
            "{err}"
        );
        let empty = EXAMPLE_TOML.replace("\"KTP-el asli\", \"Kartu", "\" \", \"Kartu");
        let err = Config::from_toml_str(&empty).unwrap_err().to_string();
        assert!(
            err.contains(".bring_id[0]: 1 to 160 characters, not 0"),
            "{err}"
        );
    }

    #[test]
    fn messages_are_off_by_default_and_every_setting_is_checked_by_name() {
        assert!(!Config::example().messages.enabled());
        let with =
            |extra: &str| Config::from_toml_str(&format!("{EXAMPLE_TOML}\n[messages]\n{extra}\n"));
        let on =
            with("webhook_url = \"http://127.0.0.1:9/antri\"\nsecret = \"0123456789abcdefghij\"")
                .unwrap();
        assert!(on.messages.enabled());
        assert_eq!((on.messages.near_places, on.messages.max_attempts), (3, 8));
        let err = with(
            "webhook_url = \"https://gw.example/antri\"\nsecret = \"0123456789abcdefghij\"\n\
             timeout_ms = 5\nmax_attempts = 0\nnear_places = 21\nreminder_minutes = 0\n\
             backoff_seconds = 100\nbackoff_max_seconds = 10",
        )
        .unwrap_err()
        .to_string();
        for needle in [
            "messages.webhook_url: \"https://gw.example/antri\": this server speaks plain http only",
            "messages.timeout_ms: 5 is out of range; use 100 to 60000",
            "messages.max_attempts: 0 is out of range",
            "messages.near_places: 21 is out of range; use 1 to 20",
            "messages.reminder_minutes: 0 is out of range",
            "messages.backoff_max_seconds: 10 is less than messages.backoff_seconds (100)",
        ] {
            assert!(err.contains(needle), "{needle}: {err}");
        }
        let err = with("webhook_url = \"http://127.0.0.1:9/antri\"")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("messages.secret: a webhook needs a shared secret"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_prefix_is_refused() {
        let bad = EXAMPLE_TOML.replace("prefix = \"KK\"", "prefix = \"KTP\"");
        let err = Config::from_toml_str(&bad).unwrap_err().to_string();
        assert!(
            err.contains("is already the prefix of service \"ktp\""),
            "{err}"
        );
    }
}
