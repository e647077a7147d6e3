//! The OpenAPI 3.1 document of `/api/v1`, written by hand next to the router. A test walks every
//! path in it against the real server, so a documented route that does not exist fails the build.

use serde_json::{json, Value};

fn op(summary: &str, auth: &str, ok: &str) -> Value {
    json!({
        "summary": summary,
        "description": format!("Who may call: {auth}."),
        "responses": {
            "200": { "description": ok },
            "4XX": { "description": "What was wrong", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
        }
    })
}

fn with_body(mut op: Value, example: Value) -> Value {
    op["requestBody"] =
        json!({ "required": true, "content": { "application/json": { "example": example } } });
    op
}

pub fn document() -> Value {
    let counter_param = json!({ "name": "n", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 }, "description": "Loket number" });
    let code_param = json!({ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "description": "Tracking code printed under the QR" });
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/healthz".into(),
        json!({ "get": op("Liveness and the newest committed sequence number", "anyone", "ok") }),
    );
    paths.insert("/metrics".into(), json!({ "get": op("Prometheus metrics: tickets issued and waiting per service, commit latency, subscribers", "anyone", "text/plain") }));
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({ "get": op("This document", "anyone", "OpenAPI document") }),
    );
    paths.insert("/api/v1/services".into(), json!({ "get": op("Building, agencies and services with live state (open?, waiting, estimated wait, quota left)", "anyone", "ServicesResponse") }));
    paths.insert("/api/v1/tickets".into(), json!({ "post": with_body(op("Issue a ticket; answered once it is on disk (201)", "kiosk devices", "IssuedTicket: number, tracking code, position, estimated wait"), json!({"service": "ktp", "category": "elderly"})) }));
    paths.insert("/api/v1/track/{code}".into(), json!({ "parameters": [code_param.clone()], "get": op("A ticket's status for the visitor's phone", "anyone with the code", "TrackView") }));
    paths.insert("/api/v1/track/{code}/rating".into(), json!({ "parameters": [code_param.clone()], "post": with_body(op("The visitor rates their done ticket of today, 1 (Tidak baik) … 4 (Sangat baik); one rating per ticket (409 already_rated), only done tickets (409 invalid_state); 201", "anyone with the code", "TrackView"), json!({"score": 4})) }));
    paths.insert("/api/v1/ratings".into(), json!({ "post": with_body(op("A loket's rating tablet rates a ticket that loket finished today, 1..4; one rating per ticket (409); 201", "rating devices", "{number, score}"), json!({"number": "KTP-012", "score": 4})) }));
    paths.insert("/api/v1/track/{code}/cancel".into(), json!({ "parameters": [code_param], "post": op("The visitor cancels their waiting ticket", "anyone with the code", "TrackView") }));
    paths.insert("/api/v1/devices/status".into(), json!({ "post": with_body(op("Report the kiosk's printer status", "kiosk devices", "DeviceView"), json!({"printer": "paper_out", "detail": null})) }));
    paths.insert("/api/v1/devices".into(), json!({ "get": op("Every device and its last reported status", "supervisor, admin", "DeviceView[]") }));
    paths.insert("/api/v1/login".into(), json!({ "post": with_body(op("Log in; sets an HttpOnly session cookie and returns a bearer token. 5 failures in 5 minutes throttle the username (429)", "anyone", "LoginResponse"), json!({"username": "petugas1", "password": "antri"})) }));
    paths.insert(
        "/api/v1/logout".into(),
        json!({ "post": op("End the session", "users", "204") }),
    );
    paths.insert(
        "/api/v1/me".into(),
        json!({ "get": op("The logged-in user", "users", "UserView") }),
    );
    paths.insert("/api/v1/counters".into(), json!({ "get": op("Every loket: state, current ticket, officer", "any user or device", "CounterView[]") }));
    paths.insert("/api/v1/counters/{n}".into(), json!({ "parameters": [counter_param.clone()], "get": op("One loket", "any user or device", "CounterView") }));
    paths.insert("/api/v1/counters/{n}/waiting".into(), json!({ "parameters": [counter_param.clone()], "get": op("Waiting tickets for the loket's services, oldest first", "the loket's officers, supervisor, admin", "TicketView[]") }));
    paths.insert("/api/v1/counters/{n}/{action}".into(), json!({
        "parameters": [counter_param, { "name": "action", "in": "path", "required": true, "schema": { "type": "string", "enum": ["open", "call-next", "call", "recall", "start", "finish", "no-show", "transfer", "pause", "resume", "close"] } }],
        "post": with_body(op("A loket action. call-next takes the longest-waiting eligible ticket (priority by policy) and finishes a ticket being served; call takes {\"number\": \"KTP-012\"}; transfer takes {\"service\": \"kk\"}; pause takes {\"reason\": \"break|prayer|system_issue|other\", \"note\": …}; the others take {}", "officers assigned to the loket", "CounterActionResult"), json!({}))
    }));
    paths.insert("/api/v1/events".into(), json!({ "get": {
        "summary": "Live event stream (Server-Sent Events). Without a position: a `snapshot` message, then one `event` per log entry. With ?after=N or Last-Event-ID: N: every event after N, then live ones. The SSE id is the log's sequence number.",
        "description": "Who may call: any user or device.",
        "parameters": [{ "name": "after", "in": "query", "required": false, "schema": { "type": "integer" } }],
        "responses": { "200": { "description": "text/event-stream" } }
    } }));
    paths.insert("/api/v1/log".into(), json!({ "get": {
        "summary": "The audit log: events after a sequence number",
        "description": "Who may call: supervisor, admin.",
        "parameters": [{ "name": "after", "in": "query", "schema": { "type": "integer" } }, { "name": "limit", "in": "query", "schema": { "type": "integer", "maximum": 1000 } }],
        "responses": { "200": { "description": "Event[]" } }
    } }));
    paths.insert("/api/v1/stats".into(), json!({ "get": {
        "summary": "Statistics for a date range, grouped by service, agency, counter or officer: tickets, served, no-shows, wait and service time (median, p90), share within target",
        "description": "Who may call: supervisor, admin.",
        "parameters": [
            { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
            { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
            { "name": "by", "in": "query", "schema": { "type": "string", "enum": ["service", "agency", "counter", "officer"] } }
        ],
        "responses": { "200": { "description": "StatsResponse" } }
    } }));
    let range = json!([
        { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
        { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } }
    ]);
    paths.insert("/api/v1/stats/hourly".into(), json!({ "get": {
        "summary": "Busiest hours: tickets issued and served per local hour of the day over a date range",
        "description": "Who may call: supervisor, admin.", "parameters": range.clone(),
        "responses": { "200": { "description": "[{hour, issued, served}]" } } } }));
    paths.insert(
        "/api/v1/stats/export".into(),
        json!({ "get": {
        "summary": "The statistics of /api/v1/stats as a file: format=csv (default) or xlsx",
        "description": "Who may call: supervisor, admin.", "parameters": range,
        "responses": { "200": { "description": "text/csv or an XLSX workbook" } } } }),
    );
    paths.insert("/api/v1/satisfaction".into(), json!({ "get": {
        "summary": "Satisfaction over a date range, grouped like /api/v1/stats (by=service|agency|counter|officer): number of ratings, count per face, IKM = mean × 25 (25–100) and its grade A–D (Permenpan RB 14/2017; one overall question, not the nine SKM elements)",
        "description": "Who may call: supervisor, admin.",
        "parameters": [
            { "name": "from", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
            { "name": "to", "in": "query", "required": true, "schema": { "type": "string", "format": "date" } },
            { "name": "by", "in": "query", "schema": { "type": "string", "enum": ["service", "agency", "counter", "officer"] } }
        ],
        "responses": { "200": { "description": "{overall, rows}" } } } }));
    paths.insert("/api/v1/admin/config".into(), json!({ "get": op("The configuration in force, in the file's shape as JSON (users without password hashes)", "admin", "{document, sections}") }));
    paths.insert("/api/v1/admin/config/{section}".into(), json!({
        "parameters": [{ "name": "section", "in": "path", "required": true, "schema": { "type": "string", "enum": ["building", "agencies", "services", "counters", "users", "devices"] } }],
        "put": with_body(op("Replace one section (building takes {building, queue, hours}; the others a list; users may carry `password` to set a new one). Checked like the file, every problem named by field path (400 invalid_config); removing an open loket or a service with visitors is refused (409). Takes effect at once, is stored and survives restarts (the database's newest version wins over the file), and is logged as config_changed", "admin", "{version, section, summary}"), json!([{"id": "dukcapil", "name_id": "Dinas Kependudukan dan Pencatatan Sipil", "name_en": "Civil Registry"}]))
    }));
    paths.insert("/api/v1/admin/audit".into(), json!({ "get": {
        "summary": "The audit log, newest first, filtered and paged: who did what, when",
        "description": "Who may call: admin.",
        "parameters": [
            { "name": "from", "in": "query", "schema": { "type": "string", "format": "date" } },
            { "name": "to", "in": "query", "schema": { "type": "string", "format": "date" } },
            { "name": "actor", "in": "query", "schema": { "type": "string" } },
            { "name": "kind", "in": "query", "schema": { "type": "string" }, "description": "An event type, e.g. config_changed" },
            { "name": "page", "in": "query", "schema": { "type": "integer" } },
            { "name": "per_page", "in": "query", "schema": { "type": "integer", "maximum": 500 } }
        ],
        "responses": { "200": { "description": "{rows, total, page, per_page, kinds}" } } } }));
    paths.insert("/api/v1/dashboard/now".into(), json!({ "get": op("The hall now: per service waiting and longest wait so far; lokets; devices", "supervisor, admin", "HallNow") }));
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Antri ticket server", "version": env!("CARGO_PKG_VERSION"), "license": { "name": "GPL-3.0-or-later" } },
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": { "Error": { "type": "object", "properties": { "error": { "type": "object", "properties": {
                "code": { "type": "string" }, "message": { "type": "string" }, "availability": { "type": "object" } } } } } }
        },
        "security": [{ "bearer": [] }],
        "paths": paths,
    })
}
