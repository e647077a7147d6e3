//! The admin's API: read and change the building's configuration one section at a time, and
//! browse the audit log.
//!
//! A change is the whole section as JSON in the configuration file's own shape
//! (`config::raw`), put into the current document and checked by `config` exactly as a file would
//! be, so its errors name the field (`services[3].quota: …`). A valid change goes through the
//! writer as `Command::Reconfigure`: it is stored with its `config_changed` event in one
//! transaction (the audit trail), takes effect in the queue at once, and every display and kiosk
//! sees the event on the stream. Users and device tokens change in `auth` on the writer thread,
//! in the step that commits the change, not here: this request may be cancelled at any await.

use std::collections::BTreeMap;

use antri_wire::{AuditPage, AuditRow, ConfigView, ErrorBody, Event, EventKind, Role, Saved};
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use crate::api::error::ApiError;
use crate::api::extract::{Json, Path, Query};
use crate::api::AppState;
use crate::auth::{hash_password, Principal};
use crate::config::{Config, ConfigError};
use crate::queue::{Command, Reply};
use crate::store::audit::{self, AuditFilter};
use crate::store::log::type_name;

/// The sections of `PUT /api/v1/admin/config/{section}`, for the document (the handler looks the
/// path's text up in [`SECTIONS`], so an unknown one is a 404 that names the known ones).
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum ConfigSection {
    Building,
    Agencies,
    Services,
    Counters,
    Users,
    Devices,
}

/// The sections of the configuration the admin page edits, with the field that names an entry.
pub const SECTIONS: &[(&str, Option<&str>)] = &[
    ("building", None),
    ("agencies", Some("id")),
    ("services", Some("id")),
    ("counters", Some("number")),
    ("users", Some("username")),
    ("devices", Some("id")),
];

fn document_json(config: &Config) -> Value {
    let mut doc = serde_json::to_value(config.document.as_ref()).unwrap_or(Value::Null);
    for (section, secret) in [("users", "password_hash"), ("devices", "token")] {
        if let Some(entries) = doc.get_mut(section).and_then(Value::as_array_mut) {
            for e in entries {
                if let Some(o) = e.as_object_mut() {
                    o.remove(secret);
                }
            }
        }
    }
    // The messages' shared secret stays on the server (like device tokens).
    if let Some(m) = doc.get_mut("messages").and_then(Value::as_object_mut) {
        m.remove("secret");
    }
    doc
}

/// The configuration in force, in the file's shape as JSON (users without password hashes, devices
/// without tokens).
#[utoipa::path(get, path = "/api/v1/admin/config", tag = "admin",
    responses((status = 200, body = ConfigView), crate::api::openapi::Denied),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["admin"]))))]
pub async fn get_config(
    State(s): State<AppState>,
    who: Principal,
) -> Result<Json<ConfigView>, ApiError> {
    who.require_role(&[Role::Admin])?;
    Ok(Json(ConfigView {
        document: document_json(&s.config()),
        sections: SECTIONS.iter().map(|(n, _)| n.to_string()).collect(),
    }))
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_config", message)
}

/// Replace one section of the configuration.
///
/// `building` takes {building, queue, hours}; the others a list; users may carry `password` and
/// devices `token` to set a new one, and keep theirs without. Checked like the file, every problem
/// named by field path (400 invalid_config); removing an open loket or a service with visitors is
/// refused (409). Takes effect at once, is stored and survives restarts (the database's newest
/// version wins over the file), and is logged as config_changed.
#[utoipa::path(put, path = "/api/v1/admin/config/{section}", tag = "admin",
    params(("section" = ConfigSection, Path)),
    request_body(description = "The section in the configuration file's shape: an object for building, a list for the others", content = Value,
        example = json!([{"id": "dukcapil", "name_id": "Dinas Kependudukan dan Pencatatan Sipil", "name_en": "Civil Registry"}])),
    responses((status = 200, body = Saved), crate::api::openapi::BadBody, crate::api::openapi::Denied,
        (status = 404, description = "`unknown_section`", body = ErrorBody),
        (status = 409, description = "`config_conflict`: the change would strand visitors or an open loket", body = ErrorBody),
        crate::api::openapi::NotStored),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["admin"]))))]
#[tracing::instrument(skip_all, fields(section = %section), err(level = "info", Debug))]
pub async fn put_section(
    State(s): State<AppState>,
    who: Principal,
    Path(section): Path<String>,
    Json(body): Json<Value>,
) -> Result<Json<Saved>, ApiError> {
    who.require_role(&[Role::Admin])?;
    let Some(&(section, key)) = SECTIONS.iter().find(|(n, _)| *n == section) else {
        return Err(ApiError::not_found(
            "unknown_section",
            format!(
                "no configuration section \"{section}\"; use one of {}",
                SECTIONS
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    };
    let current = s.config();
    let old = serde_json::to_value(current.document.as_ref())
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let doc = edited(&s, &current, section, body, old.clone()).await?;
    let config = Config::from_json(doc.clone()).map_err(|e| match e {
        ConfigError::Invalid(problems) => invalid(format!(
            "the configuration has {} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        )),
        other => invalid(other.to_string()),
    })?;
    let summary = match key {
        None => summarize_building(&old, &doc),
        Some(_) => summarize(section, key, &old[section], &doc[section]),
    };
    let reply = s
        .writer
        .execute(
            Command::Reconfigure {
                base: current,
                config: std::sync::Arc::new(config),
                section: section.to_string(),
                summary: summary.clone(),
            },
            who.actor(),
        )
        .await?;
    let Reply::Configured(version) = reply else {
        return Err(ApiError::internal(format!("unexpected reply {reply:?}")));
    };
    // New device tokens and users' new roles already work: the writer gave them to `auth` in the
    // step that committed them (so a dropped connection here cannot leave a removed token valid).
    if section == "building" {
        // A new public_url: the dashboard's and kiosks' warning follows.
        s.refresh_warnings().await;
    }
    tracing::info!(version, section, by = %who.actor().id, summary = %summary, "configuration changed");
    Ok(Json(Saved {
        version,
        section: section.to_string(),
        summary,
    }))
}

/// The configuration document with `section` replaced by what the admin sent (users' new
/// passwords hashed, devices' new tokens checked).
async fn edited(
    s: &AppState,
    current: &std::sync::Arc<Config>,
    section: &str,
    body: Value,
    mut doc: Value,
) -> Result<Value, ApiError> {
    match section {
        "building" => {
            let Value::Object(parts) = body else {
                return Err(invalid(
                    "building: send an object with building, queue, hours, booking, messages and alerts",
                ));
            };
            for (k, mut v) in parts {
                if ![
                    "building", "queue", "hours", "booking", "messages", "alerts",
                ]
                .contains(&k.as_str())
                {
                    return Err(invalid(format!(
                        "{k}: not part of the building section (building, queue, hours, booking, messages, alerts)"
                    )));
                }
                if k == "messages" {
                    with_messages_secret(&mut v, current, s.strict_secrets)?;
                }
                doc[k] = v;
            }
        }
        "users" => {
            // Hashing is slow on purpose; keep it off the async threads.
            let current = current.clone();
            let users = tokio::task::spawn_blocking(move || with_password_hashes(body, &current))
                .await
                .map_err(|e| ApiError::internal(format!("hashing failed: {e}")))??;
            doc["users"] = users;
        }
        "devices" => {
            let devices = with_device_tokens(body, current)?;
            if s.strict_secrets {
                // On a LAN address no new token may be weak (as at start, see `security`).
                if let Some(problem) = weak_new_tokens(&devices, current).into_iter().next() {
                    return Err(invalid(problem));
                }
            }
            doc["devices"] = devices;
        }
        _ => {
            if !body.is_array() {
                return Err(invalid(format!("{section}: send a list")));
            }
            doc[section] = body;
        }
    }
    Ok(doc)
}

/// The users as sent, with `password` (a new one) turned into `password_hash`, and the stored
/// hash kept for users who did not send one.
fn with_password_hashes(body: Value, current: &Config) -> Result<Value, ApiError> {
    let Value::Array(users) = body else {
        return Err(invalid("users: send a list"));
    };
    let mut out = Vec::with_capacity(users.len());
    for (i, mut u) in users.into_iter().enumerate() {
        let Some(o) = u.as_object_mut() else {
            return Err(invalid(format!("users[{i}]: send an object")));
        };
        o.remove("password_hash");
        match o.remove("password") {
            Some(Value::String(p)) if !p.is_empty() => {
                if p.chars().count() < 8 {
                    return Err(invalid(format!(
                        "users[{i}].password: at least 8 characters"
                    )));
                }
                let hash = hash_password(&p)
                    .map_err(|e| ApiError::internal(format!("hashing failed: {e}")))?;
                o.insert("password_hash".into(), Value::String(hash));
            }
            Some(Value::String(_)) | Some(Value::Null) | None => {
                let name = o.get("username").and_then(Value::as_str).unwrap_or("");
                match current.user(name) {
                    Some(existing) => {
                        o.insert(
                            "password_hash".into(),
                            Value::String(existing.password_hash.clone()),
                        );
                    }
                    None => {
                        return Err(invalid(format!(
                            "users[{i}].password: a new user needs a password"
                        )))
                    }
                }
            }
            Some(_) => return Err(invalid(format!("users[{i}].password: must be text"))),
        }
        out.push(u);
    }
    Ok(Value::Array(out))
}

/// The devices as sent, with the current token kept for a device that was sent without one (the
/// admin page never receives tokens, so it can only send new ones).
fn with_device_tokens(body: Value, current: &Config) -> Result<Value, ApiError> {
    let Value::Array(mut devices) = body else {
        return Err(invalid("devices: send a list"));
    };
    for (i, d) in devices.iter_mut().enumerate() {
        let Some(o) = d.as_object_mut() else {
            return Err(invalid(format!("devices[{i}]: send an object")));
        };
        match o.get("token") {
            Some(Value::String(t)) if !t.is_empty() => {}
            Some(Value::String(_)) | Some(Value::Null) | None => {
                let id = o.get("id").and_then(Value::as_str).unwrap_or("");
                match current.devices.iter().find(|d| d.id == id) {
                    Some(existing) => {
                        o.insert("token".into(), Value::String(existing.token.clone()));
                    }
                    None => {
                        return Err(invalid(format!(
                            "devices[{i}].token: a new device needs a token"
                        )))
                    }
                }
            }
            Some(_) => return Err(invalid(format!("devices[{i}].token: must be text"))),
        }
    }
    Ok(Value::Array(devices))
}

/// The messages section as sent, with the current secret kept when none was sent (the admin page
/// never receives it); on a LAN address the secret is checked like a device token.
fn with_messages_secret(v: &mut Value, current: &Config, strict: bool) -> Result<(), ApiError> {
    let Some(o) = v.as_object_mut() else {
        return Ok(());
    };
    match o.get("secret") {
        Some(Value::String(t)) if !t.is_empty() => {}
        Some(Value::String(_)) | Some(Value::Null) | None => {
            if !current.messages.secret.is_empty() {
                o.insert(
                    "secret".into(),
                    Value::String(current.messages.secret.clone()),
                );
            } else {
                o.remove("secret");
            }
        }
        Some(_) => return Err(invalid("messages.secret: must be text")),
    }
    // On a LAN address the secret that will sign (sent or kept) must be one (as at start).
    if strict && o.get("webhook_url").is_some_and(|u| !u.is_null()) {
        let secret = o.get("secret").and_then(Value::as_str).unwrap_or("");
        crate::security::check_messages_secret(secret)
            .map_err(|why| invalid(format!("messages.secret: {why}")))?;
    }
    Ok(())
}

/// `devices[i].token: …` for each token that is new or changed and too weak to be a secret.
fn weak_new_tokens(devices: &Value, current: &Config) -> Vec<String> {
    let known: std::collections::HashSet<&str> =
        current.devices.iter().map(|d| d.token.as_str()).collect();
    devices
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, d)| {
            let token = d.get("token")?.as_str()?;
            if known.contains(token) {
                return None;
            }
            crate::security::check_token(token)
                .err()
                .map(|why| format!("devices[{i}].token: {why}"))
        })
        .collect()
}

/// Fields whose values never go into the audit log (every supervisor can read it).
const SECRET: &[&str] = &["password_hash", "token", "secret"];

fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn field_changes(old: &Value, new: &Value) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (o, n) = (
        old.as_object().unwrap_or(&empty),
        new.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (
                o.get(k).unwrap_or(&Value::Null),
                n.get(k).unwrap_or(&Value::Null),
            );
            if a == b {
                return None;
            }
            Some(if SECRET.contains(&k.as_str()) {
                format!("{k} changed")
            } else {
                format!("{k} {} → {}", short(a), short(b))
            })
        })
        .collect()
}

/// What changed in a section, in words: `services: ktp: quota 100 → 50; added kitas`.
pub fn summarize(section: &str, key: Option<&str>, old: &Value, new: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(key) = key {
        let index = |v: &Value| -> BTreeMap<String, Value> {
            v.as_array()
                .map(|a| a.iter().map(|e| (short(&e[key]), e.clone())).collect())
                .unwrap_or_default()
        };
        let (a, b) = (index(old), index(new));
        for (k, v) in &b {
            match a.get(k) {
                None => parts.push(format!("added {k}")),
                Some(prev) if prev != v => {
                    parts.push(format!("{k}: {}", field_changes(prev, v).join(", ")))
                }
                Some(_) => {}
            }
        }
        for k in a.keys().filter(|k| !b.contains_key(*k)) {
            parts.push(format!("removed {k}"));
        }
    }
    if parts.is_empty() {
        format!("{section}: saved")
    } else {
        format!("{section}: {}", parts.join("; "))
    }
}

/// Summary of the building section: compares the three tables it spans.
fn summarize_building(old: &Value, new: &Value) -> String {
    let parts: Vec<String> = ["building", "queue", "hours", "booking", "messages"]
        .iter()
        .filter(|k| old[**k] != new[**k])
        .map(|k| format!("{k}: {}", field_changes(&old[*k], &new[*k]).join(", ")))
        .collect();
    if parts.is_empty() {
        "building: saved".into()
    } else {
        format!("building: {}", parts.join("; "))
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First day.
    from: Option<NaiveDate>,
    /// Last day, not before `from`.
    to: Option<NaiveDate>,
    /// A username, device id, `server`, or a ticket number (a visitor).
    actor: Option<String>,
    /// An event type, e.g. `config_changed`, `ticket_called` (see `kinds` of the answer).
    kind: Option<String>,
    /// From 0 (default).
    #[serde(default)]
    #[param(maximum = 4294967295_u64)]
    page: u32,
    /// Default 50.
    #[serde(default = "fifty")]
    #[param(minimum = 1, maximum = 500)]
    per_page: u32,
}

fn fifty() -> u32 {
    50
}

/// One line for a person: what the event did.
fn describe(e: &Event) -> String {
    match &e.kind {
        EventKind::TicketIssued { ticket } => {
            format!("{} issued ({})", ticket.number, ticket.category.as_str())
        }
        EventKind::TicketCalled {
            ticket,
            counter,
            recall,
        } => format!(
            "{} {} to loket {counter}",
            ticket.number,
            if *recall { "recalled" } else { "called" }
        ),
        EventKind::TicketServing { ticket, counter } => {
            format!("{} being served at loket {counter}", ticket.number)
        }
        EventKind::TicketDone { ticket, counter } => {
            format!("{} done at loket {counter}", ticket.number)
        }
        EventKind::TicketNoShow { ticket, counter } => {
            format!("{} no-show at loket {counter}", ticket.number)
        }
        EventKind::TicketTransferred { ticket, from, .. } => {
            format!("{} transferred {from} → {}", ticket.number, ticket.service)
        }
        EventKind::TicketCancelled { ticket } => format!("{} cancelled", ticket.number),
        EventKind::TicketRated { ticket, score, .. } => {
            format!("{} rated {score} of 4", ticket.number)
        }
        EventKind::SurveySubmitted { ticket, .. } => {
            format!("{} answered the SKM survey", ticket.number)
        }
        EventKind::CounterChanged { counter } => format!(
            "loket {} {}",
            counter.number,
            serde_json::to_value(&counter.state)
                .ok()
                .and_then(|v| v["state"].as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        EventKind::DayStarted { day, expired } => {
            format!("day {day} started ({expired} unfinished tickets expired)")
        }
        EventKind::DeviceStatus { device, report } => format!(
            "{device}: printer {}",
            serde_json::to_value(report.printer)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        ),
        EventKind::ConfigChanged {
            version, summary, ..
        } => format!("configuration version {version}: {summary}"),
        EventKind::AlertRaised { alert } => {
            format!("alert #{} raised: {}", alert.id, alert.message.en)
        }
        EventKind::AlertAcknowledged { id } => format!("alert #{id} acknowledged"),
        EventKind::AlertCleared { id } => format!("alert #{id} cleared"),
        EventKind::PersonalDataErased { before } => format!(
            "personal data (masked NIK, NIK hash, phone) of bookings and message recipients before {before} erased"
        ),
        EventKind::Booking { booking, change } => {
            use antri_wire::booking::BookingChange;
            let what = match change {
                BookingChange::Made => "made".to_string(),
                BookingChange::Rescheduled {
                    from_date,
                    from_session,
                } => format!("moved from {from_date} session {}", from_session + 1),
                BookingChange::Cancelled => "cancelled".into(),
                BookingChange::CheckedIn { ticket } => format!("checked in (ticket #{ticket})"),
                BookingChange::NoShow => "not checked in (no-show)".into(),
            };
            format!(
                "booking #{} for {} on {} session {} {what}",
                booking.id,
                booking.service,
                booking.date,
                booking.session + 1
            )
        }
    }
}

/// The audit log, newest first, filtered and paged: who did what, when.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin",
    params(AuditQuery),
    responses((status = 200, body = AuditPage), crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["admin"]))))]
pub async fn audit(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    who.require_role(&[Role::Admin])?;
    if q.per_page == 0 || q.per_page > 500 {
        return Err(ApiError::bad_request(
            "invalid_query",
            "per_page: between 1 and 500",
        ));
    }
    if let (Some(f), Some(t)) = (q.from, q.to) {
        if f > t {
            return Err(ApiError::bad_request(
                "invalid_range",
                format!("from ({f}) is after to ({t})"),
            ));
        }
    }
    if let Some(k) = q.kind.as_deref().filter(|k| !k.is_empty()) {
        if !audit::kinds().contains(&k) {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("kind: \"{k}\" is not one of {}", audit::kinds().join(", ")),
            ));
        }
    }
    let filter = AuditFilter {
        from: q.from,
        to: q.to,
        actor: q.actor,
        kind: q.kind,
    };
    let (page, per_page) = (q.page, q.per_page);
    let (total, events) = s
        .read_db(move |c| audit::page(c, &filter, page, per_page))
        .await?;
    let rows = events
        .iter()
        .map(|e| AuditRow {
            seq: e.seq,
            at: e.at.to_rfc3339(),
            actor_kind: serde_json::to_value(e.actor.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            actor: e.actor.id.clone(),
            kind: type_name(&e.kind).to_string(),
            what: describe(e),
        })
        .collect();
    Ok(Json(AuditPage {
        rows,
        total,
        page,
        per_page,
        kinds: audit::kinds().iter().map(|k| k.to_string()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_weak_device_tokens_are_named_by_their_field() {
        let current = Config::example();
        let mut devices = serde_json::to_value(&current.document.devices).unwrap();
        // The sample's own tokens are not new; a changed one and a new one are checked.
        devices[1]["token"] = "kiosk-2-token-long-enough".into();
        devices.as_array_mut().unwrap().push(serde_json::json!({
            "id": "kiosk-3", "kind": "kiosk", "name": "Kiosk 3",
            "token": "b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b"
        }));
        let weak = weak_new_tokens(&devices, &current);
        assert_eq!(weak.len(), 1, "{weak:?}");
        assert!(
            weak[0].starts_with("devices[1].token: 25 characters"),
            "{weak:?}"
        );
    }

    #[test]
    fn the_messages_secret_is_kept_when_not_sent_and_checked_on_a_lan() {
        let mut current = Config::example();
        current.messages.secret = "b1f0c9e27a4d58f3c6e19a7b2d40f85e3c7a9d1b".into();
        let on = |secret: Option<&str>| {
            let mut v = serde_json::json!({"webhook_url": "http://127.0.0.1:9000/antri"});
            if let Some(s) = secret {
                v["secret"] = s.into();
            }
            v
        };
        let mut kept = on(None);
        with_messages_secret(&mut kept, &current, true).unwrap();
        assert_eq!(kept["secret"], current.messages.secret.as_str());
        for weak in ["too-short", crate::security::SAMPLE_MESSAGES_SECRET] {
            let err = with_messages_secret(&mut on(Some(weak)), &current, true).unwrap_err();
            assert!(
                err.message.starts_with("messages.secret: "),
                "{}",
                err.message
            );
            // On loopback (a demo) it is not refused here; the start-up warning names it.
            assert!(with_messages_secret(&mut on(Some(weak)), &current, false).is_ok());
        }
    }
}
