//! Online booking: the public booking page's API (no login: the booking code is the holder's
//! key) and a kiosk's check-in.
//!
//! The NIK arrives once, in `POST /bookings`; it is checked, hashed under the building's key and
//! masked here, and never goes further in clear (not to the writer, the log, or any answer). The
//! phone number is kept only when the visitor agreed to reminders.

use std::net::SocketAddr;

use antri_wire::booking::{
    BookRequest, BookingAgency, BookingCatalog, BookingDay, BookingDays, BookingSession,
    BookingStatus, BookingView, CheckInRequest, CheckedIn, Named, RescheduleRequest, SessionState,
};
use antri_wire::event::{Actor, ActorKind};
use antri_wire::{DeviceKind, ErrorBody};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};

use crate::api::error::ApiError;
use crate::api::extract::{Json, Path};
use crate::api::AppState;
use crate::auth::{new_booking_code, new_tracking_code, Principal};
use crate::booking::desk::{Booking, Status};
use crate::booking::nik::Nik;
use crate::booking::plan::NotBookable;
use crate::config::Config;
use crate::queue::{BookingCommand, Command, Holder, Reply};
use crate::store::bookings;

/// Agencies and their services that take bookings.
#[utoipa::path(get, path = "/api/v1/booking", tag = "booking",
    responses((status = 200, body = BookingCatalog)),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn catalog(State(s): State<AppState>) -> Json<BookingCatalog> {
    let hall = s.hall();
    let config = hall.config();
    let agencies = config
        .agencies
        .iter()
        .filter_map(|a| {
            let services: Vec<Named> = config
                .services
                .iter()
                .filter(|sv| sv.agency == a.id && sv.booking.is_some())
                .map(|sv| Named {
                    id: sv.id.clone(),
                    name: sv.name.clone(),
                })
                .collect();
            (!services.is_empty()).then(|| BookingAgency {
                id: a.id.clone(),
                name: a.name.clone(),
                services,
            })
        })
        .collect();
    Json(BookingCatalog {
        building: config.building.name.clone(),
        retention_days: config.booking.retention_days,
        agencies,
    })
}

/// The dates from today to the last one that can be booked, each session with its seats left.
#[utoipa::path(get, path = "/api/v1/booking/services/{service}/days", tag = "booking",
    params(("service" = String, Path, description = "A bookable service's id")),
    responses((status = 200, body = BookingDays),
        (status = 404, description = "`not_bookable`", body = ErrorBody)),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn days(
    State(s): State<AppState>,
    Path(service): Path<String>,
) -> Result<Json<BookingDays>, ApiError> {
    let hall = s.hall();
    let config = hall.config();
    let now = config.building.zone.local(s.clock.now()).naive_local();
    let (svc, plan) = bookable(config, &service)?;
    let mut days = Vec::new();
    for ahead in 0..=plan.days_ahead as u64 {
        let Some(date) = now.date().checked_add_days(Days::new(ahead)) else {
            break;
        };
        if svc.hours.on(chrono::Datelike::weekday(&date)).is_none()
            || !plan.open_on(date, &config.booking.closed_dates)
        {
            continue;
        }
        let sessions = plan
            .sessions
            .iter()
            .enumerate()
            .map(|(i, (from, to))| {
                let left = plan
                    .seats_per_session
                    .saturating_sub(hall.desk().taken(&svc.id, date, i));
                let (state, opens_at) =
                    match plan.bookable(date, i, now, &config.booking.closed_dates) {
                        Ok(()) if left == 0 => (SessionState::Full, None),
                        Ok(()) => (SessionState::Open, None),
                        Err(NotBookable::NotYet(at)) => (SessionState::NotYet, Some(at)),
                        Err(_) => (SessionState::Over, None),
                    };
                BookingSession {
                    index: i as u32,
                    from: from.format("%H:%M").to_string(),
                    to: to.format("%H:%M").to_string(),
                    seats_left: left,
                    state,
                    opens_at,
                }
            })
            .collect();
        days.push(BookingDay { date, sessions });
    }
    Ok(Json(BookingDays { service, days }))
}

fn bookable<'a>(
    config: &'a Config,
    service: &str,
) -> Result<(&'a crate::config::Service, &'a crate::booking::plan::Plan), ApiError> {
    config
        .service(service)
        .and_then(|s| Some((s, s.booking.as_ref()?)))
        .ok_or_else(|| {
            ApiError::not_found(
                "not_bookable",
                format!("service \"{service}\" takes no bookings"),
            )
        })
}

/// Whom the log names for a booking page's request: the visitor, by booking number (never the
/// code or the NIK).
fn visitor() -> Actor {
    Actor {
        kind: ActorKind::Visitor,
        id: "booking page".into(),
    }
}

/// The visitor's address: the connection's, or — when the connection comes from this machine, a
/// reverse proxy in front of the public listener (docs/deploy.md) — the last address that proxy
/// appended to `X-Forwarded-For`. A phone cannot forge it: anything it sends comes before.
fn source(peer: SocketAddr, headers: &HeaderMap) -> std::net::IpAddr {
    if !peer.ip().is_loopback() {
        return peer.ip();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|a| a.trim().parse().ok())
        .unwrap_or(peer.ip())
}

fn limit(s: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), ApiError> {
    s.booking_attempts
        .attempt(source(peer, headers), s.clock.now())
        .map_err(|retry| {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("too many booking attempts from this address; try again in {retry} s"),
            );
            e.retry_after = Some(retry);
            e
        })
}

/// A phone number as people type it (`0812-3456-7890`, `+62 812…`): 8–15 digits kept.
fn phone(typed: &str) -> Result<String, ApiError> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let body = digits.strip_prefix('+').unwrap_or(&digits);
    if !(8..=15).contains(&body.len()) || !body.chars().all(|c| c.is_ascii_digit()) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_phone",
            "phone: 8 to 15 digits, optionally starting with +",
        ));
    }
    Ok(digits)
}

/// Book a session. The NIK is checked (16 digits, region, date of birth), then kept only as a
/// keyed hash and a masked form; answered once the booking is on disk.
#[utoipa::path(post, path = "/api/v1/bookings", tag = "booking",
    request_body(content = BookRequest, example = json!({"service": "paspor-baru", "date": "2026-11-05", "session": 1, "nik": "3275045208850001", "phone": null, "reminders": false})),
    responses((status = 201, description = "Booked", body = BookingView), crate::api::openapi::BadBody,
        (status = 404, description = "`not_bookable`", body = ErrorBody),
        (status = 409, description = "`full`, `same_day`, `too_many`, `not_yet`, `session_over` or `closed_date`", body = ErrorBody),
        (status = 422, description = "`nik_length`, `nik_digits`, `nik_province`, `nik_region`, `nik_birth_date`, `nik_serial`, `invalid_phone` or `unknown_session`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
        crate::api::openapi::NotStored),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
#[tracing::instrument(skip_all, fields(service = %req.service, date = %req.date), err(level = "info", Debug))]
pub async fn book(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<BookRequest>,
) -> Result<(StatusCode, Json<BookingView>), ApiError> {
    limit(&s, peer, &headers)?;
    let nik = Nik::parse(&req.nik)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string()))?;
    let phone = match (&req.phone, req.reminders) {
        (Some(p), true) if !p.trim().is_empty() => Some(phone(p)?),
        _ => None,
    };
    let holder = Holder {
        code: new_booking_code(),
        person: nik.keyed_hash(&s.auth.person_key()),
        nik_masked: nik.masked(),
        phone,
    };
    let cmd = Command::Booking(BookingCommand::Book {
        service: req.service,
        date: req.date,
        session: req.session as usize,
        holder,
    });
    let view = answer(&s, s.writer.execute(cmd, visitor()).await?)?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The holder's view of a reply's booking.
fn answer(s: &AppState, reply: Reply) -> Result<BookingView, ApiError> {
    match reply {
        Reply::Booking(b) => Ok(view(s, &b, None)),
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}

fn view(s: &AppState, b: &Booking, reminders: Option<bool>) -> BookingView {
    let hall = s.hall();
    let config = hall.config();
    let service = config.service(&b.service);
    let plan = service.and_then(|sv| sv.booking.as_ref());
    let (from, to) = plan
        .and_then(|p| p.sessions.get(b.session).copied())
        .unwrap_or_default();
    let (before, after) = plan.map_or((Default::default(), Default::default()), |p| {
        (p.checkin_before, p.checkin_after)
    });
    let named = |id: &str, name: Option<&antri_wire::Text>| Named {
        id: id.to_string(),
        name: name.cloned().unwrap_or_else(|| antri_wire::Text {
            id: id.to_string(),
            en: id.to_string(),
        }),
    };
    let agency_id = service.map_or("", |sv| sv.agency.as_str());
    BookingView {
        code: b.code.clone(),
        status: match b.status {
            Status::Active => BookingStatus::Active,
            Status::CheckedIn => BookingStatus::CheckedIn,
            Status::Cancelled => BookingStatus::Cancelled,
            Status::NoShow => BookingStatus::NoShow,
        },
        service: named(&b.service, service.map(|sv| &sv.name)),
        agency: named(agency_id, config.agency(agency_id).map(|a| &a.name)),
        date: b.date,
        session: b.session as u32,
        from: from.format("%H:%M").to_string(),
        to: to.format("%H:%M").to_string(),
        checkin_from: (from - before).format("%H:%M").to_string(),
        checkin_until: (from + after).format("%H:%M").to_string(),
        nik_masked: b.nik_masked.clone(),
        reminders: reminders.unwrap_or(false),
        bring: service.map(|sv| sv.bring.clone()).unwrap_or_default(),
        late: match plan.map(|p| p.late) {
            Some(crate::booking::plan::Late::Refused) => antri_wire::booking::LateArrival::Refused,
            _ => antri_wire::booking::LateArrival::WalkIn,
        },
    }
}

/// `ABCD-EFGH`, `abcdefgh` → `ABCDEFGH`; anything else is not a booking code.
fn code_of(typed: &str) -> Result<String, ApiError> {
    let code: String = typed
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.len() != 8 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(
            "invalid_booking_code",
            "a booking code is 8 letters and digits, like ABCD-EFGH",
        ));
    }
    Ok(code)
}

/// Today's and later bookings are in the hall's desk; older ones in the store.
async fn find(s: &AppState, code: &str) -> Result<(Booking, Option<bool>), ApiError> {
    // The hall's lock is released before the store is read.
    let today = s.hall().desk().booking(code).cloned();
    if let Some(b) = today {
        let lookup = code.to_string();
        let reminders = s
            .read_db(move |c| bookings::by_code(c, &lookup))
            .await?
            .map(|(_, r)| r);
        return Ok((b, reminders));
    }
    let lookup = code.to_string();
    s.read_db(move |c| bookings::by_code(c, &lookup))
        .await?
        .map(|(b, r)| (b, Some(r)))
        .ok_or_else(|| ApiError::not_found("unknown_booking", "no booking has this code"))
}

/// A booking, for whoever presents its code.
#[utoipa::path(get, path = "/api/v1/bookings/{code}", tag = "booking",
    params(("code" = String, Path, description = "The booking code, `ABCD-EFGH` (the dash and the case do not matter)", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    responses((status = 200, body = BookingView), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_booking`", body = ErrorBody), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn one(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let code = code_of(&code)?;
    let (b, reminders) = find(&s, &code).await?;
    Ok(Json(view(&s, &b, reminders)))
}

/// Cancel a booking; its seat can be booked again.
#[utoipa::path(post, path = "/api/v1/bookings/{code}/cancel", tag = "booking",
    params(("code" = String, Path, description = "The booking code", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    responses((status = 200, body = BookingView), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_booking`", body = ErrorBody),
        (status = 409, description = "`booking_not_active`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody), crate::api::openapi::NotStored),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn cancel(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<BookingView>, ApiError> {
    let code = code_of(&code)?;
    limit(&s, peer, &headers)?;
    let cmd = Command::Booking(BookingCommand::Cancel { code });
    Ok(Json(answer(&s, s.writer.execute(cmd, visitor()).await?)?))
}

/// Move a booking to another date or session of the same service.
#[utoipa::path(post, path = "/api/v1/bookings/{code}/reschedule", tag = "booking",
    params(("code" = String, Path, description = "The booking code", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    request_body(content = RescheduleRequest, example = json!({"date": "2026-11-05", "session": 2})),
    responses((status = 200, body = BookingView), crate::api::openapi::BadPath, crate::api::openapi::BadBody,
        (status = 404, description = "`unknown_booking`", body = ErrorBody),
        (status = 409, description = "`booking_not_active`, `full`, `same_day`, `not_yet`, `session_over` or `closed_date`", body = ErrorBody),
        (status = 422, description = "`unknown_session`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody), crate::api::openapi::NotStored),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn reschedule(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Json(req): Json<RescheduleRequest>,
) -> Result<Json<BookingView>, ApiError> {
    let code = code_of(&code)?;
    limit(&s, peer, &headers)?;
    let cmd = Command::Booking(BookingCommand::Reschedule {
        code,
        date: req.date,
        session: req.session as usize,
    });
    Ok(Json(answer(&s, s.writer.execute(cmd, visitor()).await?)?))
}

/// The booking's QR code (it holds just the code, which the kiosk's scanner types).
#[utoipa::path(get, path = "/api/v1/bookings/{code}/qr.svg", tag = "booking",
    params(("code" = String, Path, description = "The booking code", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    responses((status = 200, description = "An SVG picture", body = String, content_type = "image/svg+xml"), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_booking`", body = ErrorBody), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn qr(State(s): State<AppState>, Path(code): Path<String>) -> Result<Response, ApiError> {
    let code = code_of(&code)?;
    let (b, _) = find(&s, &code).await?;
    let qr = qrcode::QrCode::new(b.code.as_bytes())
        .map_err(|e| ApiError::internal(format!("QR code: {e}")))?;
    let width = qr.width();
    let quiet = 4;
    let size = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in qr.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            path.push_str(&format!(
                "M{} {}h1v1h-1z",
                i % width + quiet,
                i / width + quiet
            ));
        }
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    );
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// The documents to bring in one language, joined for a sentence; `none` when the agency
/// published no list (a KTP is always needed to check the booking's NIK).
fn bring_words(
    bring: &[antri_wire::Text],
    lang: fn(&antri_wire::Text) -> &String,
    none: &str,
) -> String {
    if bring.is_empty() {
        return none.to_string();
    }
    bring
        .iter()
        .map(|t| lang(t).as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// iCalendar TEXT: backslash, semicolon, comma and newline escaped (RFC 5545 §3.3.11), since the
/// names come from the configuration.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines longer than 75 octets are folded (RFC 5545 §3.1): a CRLF and a space before the
/// 76th octet, never inside a character.
fn ics_fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut octets = 0;
    for c in line.chars() {
        if octets + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            octets = 1;
        }
        out.push(c);
        octets += c.len_utf8();
    }
    out
}

/// The booking as a calendar entry (iCalendar), in the building's time zone.
#[utoipa::path(get, path = "/api/v1/bookings/{code}/calendar.ics", tag = "booking",
    params(("code" = String, Path, description = "The booking code", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    responses((status = 200, description = "An iCalendar file", body = String, content_type = "text/calendar"), crate::api::openapi::BadPath,
        (status = 404, description = "`unknown_booking`", body = ErrorBody), crate::api::openapi::DbFailed),
    extensions(("x-antri-principals" = json!(["anyone"]))))]
pub async fn calendar(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let code = code_of(&code)?;
    let (b, r) = find(&s, &code).await?;
    let v = view(&s, &b, r);
    let (offset, building, url) = {
        let hall = s.hall();
        let c = hall.config();
        (
            c.building.zone.offset(),
            c.building.name.clone(),
            c.building.public_url.clone(),
        )
    };
    let utc = |date: NaiveDate, hhmm: &str| {
        chrono::NaiveTime::parse_from_str(hhmm, "%H:%M")
            .ok()
            .and_then(|t| date.and_time(t).and_local_timezone(offset).single())
            .map(|t| {
                t.with_timezone(&chrono::Utc)
                    .format("%Y%m%dT%H%M%SZ")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let ics = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Antri//Booking//ID".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:booking-{}@antri", b.id),
        format!("DTSTAMP:{}", s.clock.now().format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART:{}", utc(v.date, &v.from)),
        format!("DTEND:{}", utc(v.date, &v.to)),
        format!("SUMMARY:{}", ics_text(&format!("{} – {}", v.service.name.id, building))),
        format!("DESCRIPTION:{}", ics_text(&format!(
            "Kode reservasi {code}. Check-in di kios {}–{}. Bawa: {}. · Booking code {code}. Check in at the kiosk {}–{}. Bring: {}.",
            v.checkin_from,
            v.checkin_until,
            bring_words(&v.bring, |t| &t.id, "KTP-el asli"),
            v.checkin_from,
            v.checkin_until,
            bring_words(&v.bring, |t| &t.en, "your original e-KTP"),
        ))),
        format!("URL:{url}/booking"),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]
    .iter()
    .map(|l| ics_fold(l))
    .collect::<Vec<_>>()
    .join("\r\n");
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"reservasi.ics\"",
            ),
        ],
        ics + "\r\n",
    )
        .into_response())
}

/// A kiosk checks a booking in: a ticket placed in the queue at the session's start, marked as
/// booked, with the masked NIK for the officer to compare with the KTP.
#[utoipa::path(post, path = "/api/v1/bookings/{code}/check-in", tag = "kiosk",
    params(("code" = String, Path, description = "The booking code the visitor scanned or typed", pattern = "^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")),
    request_body(content = CheckInRequest, example = json!({"category": "regular"})),
    responses((status = 200, body = CheckedIn), crate::api::openapi::BadPath, crate::api::openapi::BadBody, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_booking`", body = ErrorBody),
        (status = 409, description = "`too_early`, `too_late`, `wrong_day` or `booking_not_active`", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["kiosk"]))))]
#[tracing::instrument(skip_all, err(level = "info", Debug))]
pub async fn check_in(
    State(s): State<AppState>,
    who: Principal,
    Path(code): Path<String>,
    Json(req): Json<CheckInRequest>,
) -> Result<Json<CheckedIn>, ApiError> {
    who.require_device(DeviceKind::Kiosk)?;
    let code = code_of(&code)?;
    let cmd = Command::Booking(BookingCommand::CheckIn {
        code,
        category: req.category,
        tracking_code: new_tracking_code(),
    });
    match s.writer.execute(cmd, who.actor()).await? {
        Reply::CheckedIn { issued, booking } => {
            let session = issued.ticket.booked.clone().unwrap_or_default();
            Ok(Json(CheckedIn {
                issued: *issued,
                session,
                nik_masked: booking.nik_masked.clone(),
            }))
        }
        other => Err(ApiError::internal(format!("unexpected reply {other:?}"))),
    }
}
