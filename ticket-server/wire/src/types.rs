//! Resources and request/response bodies of the `/api/v1` HTTP API.
//!
//! Times are RFC 3339 with the building's own offset (`2026-11-24T08:05:00+07:00`), so a display can
//! show them as they are; durations are whole seconds.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A moment in the building's local time zone. The types below spell it out as
/// `DateTime<FixedOffset>`: the OpenAPI derive knows chrono's types by name, not through an alias.
pub type Timestamp = DateTime<FixedOffset>;

/// Visible text in Bahasa Indonesia (first) and English.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub id: String,
    pub en: String,
}

/// Who the ticket is for. UU 25/2009 asks for special treatment of vulnerable groups.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Regular,
    Elderly,
    Disability,
    PregnantOrInfant,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Regular,
        Category::Elderly,
        Category::Disability,
        Category::PregnantOrInfant,
    ];

    pub fn is_priority(self) -> bool {
        self != Category::Regular
    }

    /// What the category is called on the kiosk, the printed ticket and the tracking page.
    pub fn name(self) -> Text {
        let (id, en) = match self {
            Category::Regular => ("Umum", "Regular"),
            Category::Elderly => ("Lansia", "Elderly"),
            Category::Disability => ("Disabilitas", "Disability"),
            Category::PregnantOrInfant => ("Ibu hamil / membawa bayi", "Pregnant / with infant"),
        };
        Text {
            id: id.into(),
            en: en.into(),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Regular => "regular",
            Category::Elderly => "elderly",
            Category::Disability => "disability",
            Category::PregnantOrInfant => "pregnant_or_infant",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// In the queue of its service.
    Waiting,
    /// Called to a loket (possibly several times); the visitor is on their way.
    Called,
    /// The officer is serving the visitor.
    Serving,
    Done,
    NoShow,
    Cancelled,
    /// Still waiting when the building's day ended.
    Expired,
}

impl TicketStatus {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TicketStatus::Done
                | TicketStatus::NoShow
                | TicketStatus::Cancelled
                | TicketStatus::Expired
        )
    }
}

/// A ticket as officers, displays and the log see it. It has no tracking code on purpose: the code
/// is the visitor's proof (it cancels and rates the ticket), so it travels only in [`IssuedTicket`]
/// (to the kiosk that prints it) and in the `/track/{code}` routes (to whoever presents it). A type
/// that cannot carry the code cannot leak it to a display or a rating tablet.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketView {
    /// Unique over the whole history of the building.
    pub id: u64,
    /// What the visitor reads and hears: `KTP-012`.
    pub number: String,
    /// The service the ticket is queued for now (changes on transfer; the number does not).
    pub service: String,
    pub category: Category,
    pub status: TicketStatus,
    /// The building's local day the ticket belongs to.
    pub day: NaiveDate,
    pub issued_at: DateTime<FixedOffset>,
    /// When the ticket joined its current queue: the issue time, kept across a transfer.
    pub queued_at: DateTime<FixedOffset>,
    pub called_at: Option<DateTime<FixedOffset>>,
    /// The loket it was called to, once called.
    pub counter: Option<u32>,
    /// How many times it has been called (recalls included).
    pub calls: u32,
    pub transferred_from: Option<String>,
    /// A booked visitor's session ("09:00–10:00"): checked in at a kiosk with a booking code, placed
    /// in the queue at the session's start. Absent for walk-ins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked: Option<String>,
}

/// Whether a service hands out tickets right now, and if not, why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Availability {
    Open,
    /// Before today's opening time.
    NotYetOpen {
        opens_at: NaiveTime,
    },
    /// Inside a break, e.g. the Friday prayer break.
    OnBreak {
        name: Text,
        until: NaiveTime,
    },
    /// After closing time, or not a working day.
    Closed,
    /// Today's quota of tickets is used up.
    QuotaReached {
        quota: u32,
    },
}

impl Availability {
    pub fn is_open(&self) -> bool {
        matches!(self, Availability::Open)
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyView {
    pub id: String,
    pub name: Text,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceView {
    pub id: String,
    pub agency: String,
    pub prefix: String,
    pub name: Text,
    pub availability: Availability,
    pub waiting: u32,
    /// Of those waiting, booked visitors (checked in with a booking code).
    #[serde(default)]
    pub waiting_booked: u32,
    pub estimated_wait_secs: u32,
    pub quota: Option<u32>,
    pub quota_left: Option<u32>,
    pub target_wait_secs: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingView {
    pub name: String,
    /// IANA name, e.g. `Asia/Jakarta`.
    pub timezone: String,
    /// WIB, WITA or WIT.
    pub timezone_abbrev: String,
    pub now: DateTime<FixedOffset>,
    pub day: NaiveDate,
    /// Public base URL of the server, used for tracking links.
    pub public_url: String,
    /// `queue.no_choosing`: officers may only call next (a specific number needs a supervisor).
    #[serde(default)]
    pub no_choosing: bool,
}

/// `GET /api/v1/services`
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServicesResponse {
    pub building: BuildingView,
    pub agencies: Vec<AgencyView>,
    pub services: Vec<ServiceView>,
    /// The log sequence number this picture is current to.
    pub seq: u64,
    /// What a technician must fix, e.g. a `public_url` visitors' phones cannot open (so every
    /// printed QR code is dead). Sent only to devices and users, shown on the dashboard and on
    /// the kiosk's status line; empty when all is well.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Text>,
}

/// `POST /api/v1/tickets` (kiosk devices).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueRequest {
    pub service: String,
    #[serde(default = "regular")]
    pub category: Category,
}

fn regular() -> Category {
    Category::Regular
}

fn regular_name() -> Text {
    Category::Regular.name()
}

fn soon() -> Text {
    crate::wait::estimated_wait(0, 0)
}

/// The answer to an issue request; everything the printed ticket needs. Only the issuing kiosk
/// receives it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedTicket {
    pub ticket: TicketView,
    /// The code behind the QR on the printed ticket: whoever holds it may follow, cancel and rate
    /// the ticket. It is in no other answer and no event.
    pub tracking_code: String,
    /// How many tickets will be called before this one, by the queue's current order.
    pub ahead: u32,
    pub estimated_wait_secs: u32,
    pub service_name: Text,
    pub agency_name: Text,
    /// Where the QR code points: the visitor's tracking page.
    pub tracking_url: String,
}

/// `GET /api/v1/track/{code}`: what a visitor's phone sees. Nothing about other visitors.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackView {
    pub number: String,
    pub service_name: Text,
    pub agency_name: Text,
    pub status: TicketStatus,
    /// Who the ticket is for; the page names a priority category ([`Category::name`]).
    #[serde(default = "regular")]
    pub category: Category,
    #[serde(default = "regular_name")]
    pub category_name: Text,
    pub ahead: u32,
    pub estimated_wait_secs: u32,
    /// The estimated wait in words, by the one rule of [`crate::wait::estimated_wait`] that the
    /// kiosk and the printed ticket follow too ("segera" / "soon", "sekitar 12 menit" / "about 12
    /// min"); meaningful while the ticket waits.
    #[serde(default = "soon")]
    pub estimated_wait: Text,
    pub counter: Option<u32>,
    pub issued_at: DateTime<FixedOffset>,
    pub called_at: Option<DateTime<FixedOffset>>,
    /// The visitor's satisfaction rating (1..=4) once given; a done ticket without one may be
    /// rated on the tracking page.
    #[serde(default)]
    pub rating: Option<u8>,
    /// The full SKM survey was answered for this ticket (today's tickets; a survey is taken on
    /// the visit's day, at `/survey/{code}` or on the loket's tablet).
    #[serde(default)]
    pub surveyed: bool,
    /// The building hands messages (SMS/WhatsApp) to its gateway, so the visitor may ask for them
    /// on this page (`POST /api/v1/track/{code}/messages`).
    #[serde(default)]
    pub messages: bool,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    Break,
    Prayer,
    SystemIssue,
    Other,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CounterState {
    Open,
    Paused {
        reason: PauseReason,
        note: Option<String>,
        since: DateTime<FixedOffset>,
    },
    Closed,
}

/// A loket.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterView {
    pub number: u32,
    pub name: String,
    pub services: Vec<String>,
    pub state: CounterState,
    /// The ticket called to or served at this loket now.
    pub current: Option<TicketView>,
    /// Username of the officer who last acted here.
    pub officer: Option<String>,
}

/// Body of `POST /api/v1/counters/{n}/transfer`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    pub service: String,
}

/// Body of `POST /api/v1/counters/{n}/call`: a specific ticket of today, by number (`KTP-012`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallRequest {
    pub number: String,
}

/// Body of `POST /api/v1/counters/{n}/pause`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PauseRequest {
    pub reason: PauseReason,
    #[serde(default)]
    pub note: Option<String>,
}

/// The answer to every loket action: the loket after it, and the ticket it touched.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterActionResult {
    pub counter: CounterView,
    pub ticket: Option<TicketView>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Supervisor,
    Admin,
}

/// `POST /api/v1/login`
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    pub username: String,
    pub name: String,
    pub role: Role,
    /// Lokets an officer may act on.
    pub counters: Vec<u32>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Browser pages authenticated by the session cookie send this as `X-CSRF-Token` on every
    /// state-changing request.
    pub csrf: String,
    pub user: UserView,
}

/// `GET /api/v1/me`: the session's user and its CSRF token.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub user: UserView,
    pub csrf: String,
}

/// What a kiosk's printer says about itself (from DLE EOT where the link is two-way).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrinterStatus {
    Ok,
    PaperNearEnd,
    PaperOut,
    CoverOpen,
    Offline,
    /// The link to the printer is gone (cable, network, power).
    Disconnected,
    /// Anything else the printer or driver reported.
    Error,
}

impl PrinterStatus {
    /// A fault stops printing; a warning (paper near end) does not.
    pub fn is_fault(self) -> bool {
        !matches!(self, PrinterStatus::Ok | PrinterStatus::PaperNearEnd)
    }
}

/// `POST /api/v1/devices/status` (kiosk devices).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceReport {
    pub printer: PrinterStatus,
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Kiosk,
    Display,
    /// The satisfaction tablet of one loket (`/rate/{loket}`).
    Rating,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub kind: DeviceKind,
    pub report: Option<DeviceReport>,
    pub reported_at: Option<DateTime<FixedOffset>>,
}

/// How statistics are grouped.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatsGroup {
    Service,
    Agency,
    Counter,
    Officer,
}

/// One group's figures over a date range. Times are seconds; `None` where nothing was measured.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsRow {
    pub key: String,
    pub label: String,
    pub issued: u64,
    pub served: u64,
    pub no_shows: u64,
    pub cancelled: u64,
    pub wait_median_secs: Option<u32>,
    pub wait_p90_secs: Option<u32>,
    pub service_median_secs: Option<u32>,
    pub service_p90_secs: Option<u32>,
    /// Share of called tickets whose wait was within the service's target (0.0–1.0).
    pub within_target: Option<f64>,
}

/// `GET /api/v1/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&by=service`
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsResponse {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: StatsGroup,
    pub rows: Vec<StatsRow>,
}

/// Every 4xx/5xx answer has this body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `service_closed`.
    pub code: String,
    /// What was wrong, for a person.
    pub message: String,
    /// For `service_closed`: why, so a kiosk can say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

/// The answer of `POST /api/v1/ratings` (a loket's rating tablet): the ticket rated and its score.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rated {
    pub number: String,
    pub score: u8,
}

/// `GET /api/v1/admin/config`: the configuration in force, in the configuration file's shape.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigView {
    /// Users carry no password hash and devices no token here (a secret reaches only its holder):
    /// send `password` or `token` to set a new one; leave it out to keep the current one.
    pub document: serde_json::Value,
    /// The sections `PUT /api/v1/admin/config/{section}` takes.
    pub sections: Vec<String>,
}

/// The answer to `PUT /api/v1/admin/config/{section}`: the configuration's new version (the
/// sequence number of its `config_changed` event) and what changed, in words.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Saved {
    pub version: u64,
    pub section: String,
    pub summary: String,
}

/// One entry of the audit log as the admin page lists it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRow {
    pub seq: u64,
    /// RFC 3339 in the building's offset.
    pub at: String,
    /// `user`, `device`, `visitor` or `system`.
    pub actor_kind: String,
    pub actor: String,
    /// The event's type, one of [`AuditPage::kinds`].
    pub kind: String,
    /// What the event did, in one line for a person.
    pub what: String,
}

/// `GET /api/v1/admin/audit`: one page of the audit log, newest first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Entries that match the filter, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// Every event type the `kind` filter takes.
    pub kinds: Vec<String>,
}
