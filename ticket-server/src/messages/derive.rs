//! Which messages the log's events call for: booking confirmed (made or moved), a reminder before
//! the booked session, called (to which loket), no-show — and "turn near", from the queue as it
//! stands after them. Pure but for the phone lookups: given the events, the configuration, the
//! hall and the database, the same effects with the same keys, however often it is run.

use antri_wire::booking::BookingChange;
use antri_wire::calendar::{clock_in_zone, english_date, indonesian_date};
use antri_wire::{Event, EventKind, Text, TicketStatus, TicketView};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::phone::mask;
use crate::config::Config;
use crate::queue::Hall;
use crate::store::messages::{self as store, Effect, NewMessage, Recipient};
use crate::store::StoreError;

/// What the gateway receives (the phone number is added at each attempt, see `deliver`).
#[derive(Serialize)]
struct Body<'a> {
    kind: &'a str,
    idempotency_key: &'a str,
    /// The ticket's number; `null` for a booking's messages.
    ticket: Option<&'a str>,
    service: ServiceRef,
    counter: Option<CounterRef>,
    /// `09.05 WIB`: the call, or the booked session's start.
    time: String,
    /// The same instant, RFC 3339 with the building's offset.
    at: String,
    /// "Turn near" only: how many wait ahead now.
    #[serde(skip_serializing_if = "Option::is_none")]
    ahead: Option<u32>,
    text: Text,
}

#[derive(Serialize)]
struct ServiceRef {
    id: String,
    name: Text,
}

#[derive(Serialize)]
struct CounterRef {
    number: u32,
    name: String,
}

/// What one message is about, before it becomes a row.
struct Draft<'a> {
    kind: &'static str,
    key: String,
    ticket: Option<&'a TicketView>,
    booking: Option<u64>,
    service: &'a str,
    counter: Option<u32>,
    at: DateTime<FixedOffset>,
    ahead: Option<u32>,
    text: Text,
    phone_masked: String,
    day: NaiveDate,
    due_at: i64,
}

fn service_ref(config: &Config, id: &str) -> ServiceRef {
    ServiceRef {
        id: id.to_string(),
        name: config.service(id).map_or_else(
            || Text {
                id: id.to_string(),
                en: id.to_string(),
            },
            |s| s.name.clone(),
        ),
    }
}

fn counter_name(config: &Config, n: u32) -> String {
    config
        .counter(n)
        .map_or_else(|| format!("Loket {n}"), |c| c.name.clone())
}

fn finish(config: &Config, d: Draft) -> Effect {
    let zone = config.building.zone.abbrev();
    let body = Body {
        kind: d.kind,
        idempotency_key: &d.key,
        ticket: d.ticket.map(|t| t.number.as_str()),
        service: service_ref(config, d.service),
        counter: d.counter.map(|n| CounterRef {
            number: n,
            name: counter_name(config, n),
        }),
        time: clock_in_zone(&d.at, zone),
        at: d.at.to_rfc3339(),
        ahead: d.ahead,
        text: d.text,
    };
    let body = serde_json::to_string(&body).expect("message bodies serialise");
    Effect::Queue(NewMessage {
        key: d.key,
        kind: d.kind,
        ticket_id: d.ticket.map(|t| t.id),
        booking_id: d.booking,
        number: d.ticket.map(|t| t.number.clone()),
        body,
        phone_masked: Some(d.phone_masked),
        day: d.day,
        due_at: d.due_at,
    })
}

/// The effects of one event.
pub fn effects_of(
    conn: &Connection,
    config: &Config,
    e: &Event,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, StoreError> {
    match &e.kind {
        EventKind::TicketCalled {
            ticket, counter, ..
        } => ticket_message(conn, config, e, ticket, Some(*counter), "called"),
        EventKind::TicketNoShow { ticket, .. } => {
            ticket_message(conn, config, e, ticket, None, "no_show")
        }
        EventKind::Booking { booking, change } => {
            booking_messages(conn, config, e, booking, change, now)
        }
        EventKind::AlertRaised { alert } if config.messages.alerts => {
            Ok(vec![alert_message(config, e, alert)])
        }
        _ => Ok(Vec::new()),
    }
}

/// What the gateway receives for a supervisor's alert: no visitor and no phone; `to` is
/// `"supervisor"`, and the gateway sends it wherever the building's supervisors read (a number,
/// a WhatsApp group).
#[derive(Serialize)]
struct AlertBody<'a> {
    kind: &'static str,
    idempotency_key: &'a str,
    alert: &'a antri_wire::alert::Alert,
    time: String,
    at: String,
    text: &'a Text,
}

/// A raised alert, once per alert (its id is the raising event's sequence number).
fn alert_message(config: &Config, e: &Event, alert: &antri_wire::alert::Alert) -> Effect {
    let key = format!("alert:{}", alert.id);
    let body = AlertBody {
        kind: "alert",
        idempotency_key: &key,
        alert,
        time: clock_in_zone(&e.at, config.building.zone.abbrev()),
        at: e.at.to_rfc3339(),
        text: &alert.message,
    };
    Effect::Queue(NewMessage {
        kind: "alert",
        ticket_id: None,
        booking_id: None,
        number: None,
        body: serde_json::to_string(&body).expect("alert bodies serialise"),
        phone_masked: Some("supervisor".into()),
        day: e.at.date_naive(),
        due_at: e.at.timestamp_millis(),
        key,
    })
}

/// Called or no-show, to the ticket's visitor if they agreed.
fn ticket_message(
    conn: &Connection,
    config: &Config,
    e: &Event,
    t: &TicketView,
    counter: Option<u32>,
    kind: &'static str,
) -> Result<Vec<Effect>, StoreError> {
    let Some(to) = store::recipient_of_ticket(conn, t.id)? else {
        return Ok(Vec::new());
    };
    let time = clock_in_zone(&e.at, config.building.zone.abbrev());
    let service = service_ref(config, &t.service).name;
    let text = match counter {
        Some(n) => {
            let loket = counter_name(config, n);
            Text {
                id: format!("Nomor {} dipanggil ke {loket} ({time}). Silakan menuju {loket}.", t.number),
                en: format!("Number {} is called to {loket} ({time}). Please go to {loket}.", t.number),
            }
        }
        None => Text {
            id: format!(
                "Nomor {} ({}) tidak hadir saat dipanggil ({time}). Silakan ambil nomor baru di kios.",
                t.number, service.id
            ),
            en: format!(
                "Number {} ({}) did not come when called ({time}). Please take a new number at the kiosk.",
                t.number, service.en
            ),
        },
    };
    Ok(vec![finish(
        config,
        Draft {
            kind,
            key: format!("ticket:{}:{kind}:{}", t.id, e.seq),
            ticket: Some(t),
            booking: to.booking,
            service: &t.service,
            counter,
            at: e.at,
            ahead: None,
            text,
            phone_masked: to.phone_masked,
            day: t.day,
            due_at: e.at.timestamp_millis(),
        },
    )])
}

/// A booking's confirmation (made or moved) with its reminder, its no-show, and the reminder
/// called off when it no longer applies.
fn booking_messages(
    conn: &Connection,
    config: &Config,
    e: &Event,
    b: &antri_wire::booking::BookingEvent,
    change: &BookingChange,
    now: DateTime<Utc>,
) -> Result<Vec<Effect>, StoreError> {
    let mut out = Vec::new();
    if !matches!(change, BookingChange::Made) {
        out.push(Effect::CancelReminders { booking: b.id });
    }
    let (kind, key) = match change {
        BookingChange::Made => ("booking_confirmed", format!("booking:{}:confirmed", b.id)),
        BookingChange::Rescheduled { .. } => (
            "booking_confirmed",
            format!("booking:{}:confirmed:{}", b.id, e.seq),
        ),
        BookingChange::NoShow => ("no_show", format!("booking:{}:no_show", b.id)),
        BookingChange::Cancelled | BookingChange::CheckedIn { .. } => return Ok(out),
    };
    let Some(phone) = store::booking_phone(conn, b.id)? else {
        return Ok(out);
    };
    let Some(start) = session_start(config, b) else {
        return Ok(out);
    };
    let draft = |kind: &'static str, key: String, due_at: i64| Draft {
        kind,
        key,
        ticket: None,
        booking: Some(b.id),
        service: &b.service,
        counter: None,
        at: start,
        ahead: None,
        text: booking_text(config, kind, &b.service, &start),
        phone_masked: mask(&phone),
        day: b.date,
        due_at,
    };
    out.push(finish(config, draft(kind, key, e.at.timestamp_millis())));
    // With a confirmation, the reminder — unless the session has begun.
    if kind == "booking_confirmed" && start.timestamp_millis() > now.timestamp_millis() {
        let remind_at =
            start.timestamp_millis() - i64::from(config.messages.reminder_minutes) * 60_000;
        let key = format!("booking:{}:reminder:{}:{}", b.id, b.date, b.session);
        out.push(finish(config, draft("reminder", key, remind_at)));
    }
    Ok(out)
}

/// The words of a booking's message, about its session starting at `start`.
fn booking_text(config: &Config, kind: &str, service: &str, start: &DateTime<FixedOffset>) -> Text {
    let zone = config.building.zone.abbrev();
    let name = service_ref(config, service).name;
    let (sid, sen) = (name.id, name.en);
    let when_id = format!("{}, {}", indonesian_date(start), clock_in_zone(start, zone));
    let when_en = format!("{}, {}", english_date(start), clock_in_zone(start, zone));
    match kind {
        "no_show" => Text {
            id: format!("Reservasi {sid} Anda ({when_id}) terlewat: tidak check-in di kios."),
            en: format!("Your {sen} booking ({when_en}) was missed: no check-in at the kiosk."),
        },
        "reminder" => Text {
            id: format!("Pengingat: reservasi {sid} Anda {when_id}. Check-in di kios dengan kode reservasi Anda."),
            en: format!("Reminder: your {sen} booking is {when_en}. Check in at the kiosk with your booking code."),
        },
        _ => Text {
            id: format!("Reservasi {sid} terkonfirmasi: {when_id}. Check-in di kios dengan kode reservasi Anda."),
            en: format!("{sen} booking confirmed: {when_en}. Check in at the kiosk with your booking code."),
        },
    }
}

/// When a booked session begins, in the building's zone.
fn session_start(
    config: &Config,
    b: &antri_wire::booking::BookingEvent,
) -> Option<DateTime<FixedOffset>> {
    let plan = config.service(&b.service)?.booking.as_ref()?;
    let (from, _) = plan.sessions.get(b.session as usize)?;
    b.date
        .and_time(*from)
        .and_local_timezone(config.building.zone.offset())
        .single()
}

/// "Turn near" for each of `recipients` (today's tickets whose visitors agreed, see
/// `store::messages::ticket_recipients`) that waits with at most their chosen number of tickets
/// ahead now; once per ticket and queue (a transfer warns again). Reads the hall only.
pub fn turn_near(
    hall: &Hall,
    recipients: Vec<(u64, Recipient)>,
    now: DateTime<Utc>,
) -> Vec<Effect> {
    let config = hall.config();
    let mut out = Vec::new();
    for (id, to) in recipients {
        let Some(t) = hall
            .ticket(id)
            .filter(|t| t.status == TicketStatus::Waiting)
        else {
            continue;
        };
        let places = to.places.unwrap_or(config.messages.near_places);
        let ahead = hall.ahead_of(t);
        if ahead > places {
            continue;
        }
        let at = config.building.zone.local(now);
        let service = service_ref(config, &t.service).name;
        let text = Text {
            id: format!(
                "Nomor {}: giliran Anda hampir tiba, {ahead} antrean lagi ({}). Mohon kembali ke ruang tunggu.",
                t.number, service.id
            ),
            en: format!(
                "Number {}: your turn is near, {ahead} ahead ({}). Please come back to the waiting area.",
                t.number, service.en
            ),
        };
        out.push(finish(
            config,
            Draft {
                kind: "turn_near",
                key: format!("ticket:{}:turn_near:{}", t.id, t.service),
                ticket: Some(t),
                booking: to.booking,
                service: &t.service,
                counter: None,
                at,
                ahead: Some(ahead),
                text,
                phone_masked: to.phone_masked,
                day: t.day,
                due_at: now.timestamp_millis(),
            },
        ));
    }
    out
}
