//! The OpenAPI 3.1 document of `/api/v1` and the pages, written by hand next to the router.
//!
//! Every operation says who may call it in `x-antri-principals`, in the words of the README's API
//! table: `anyone` (no credentials needed), a device kind (`kiosk`, `display`, `rating`), a role
//! (`officer`, `supervisor`, `admin`), or `officer of loket n` (an officer assigned to the loket in
//! the path). `tests/access.rs` walks the router's table against every kind of caller and compares
//! what is allowed with this document and with the README, so the three cannot drift apart.

use serde_json::{json, Value};

const ANYONE: &[&str] = &["anyone"];
/// Every principal with credentials.
const SIGNED_IN: &[&str] = &[
    "kiosk",
    "display",
    "rating",
    "officer",
    "supervisor",
    "admin",
];
const USERS: &[&str] = &["officer", "supervisor", "admin"];
const OVERSIGHT: &[&str] = &["supervisor", "admin"];
const ADMIN: &[&str] = &["admin"];

/// An operation: its summary, who may call it (as its description, its `x-antri-principals` and
/// its security requirement, none for `anyone`) and what a success answers.
fn op(summary: &str, who: &[&str], ok: &str) -> Value {
    json!({
        "summary": summary,
        "description": format!("Who may call: {}.", who.join(", ")),
        "x-antri-principals": who,
        "security": if who == ANYONE { json!([]) } else { json!([{ "bearer": [] }]) },
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

fn with_params(mut op: Value, params: Value) -> Value {
    op["parameters"] = params;
    op
}

fn page(summary: &str) -> Value {
    json!({ "get": op(summary, ANYONE, "text/html") })
}

pub fn document() -> Value {
    let counter_param = json!({ "name": "n", "in": "path", "required": true, "schema": { "type": "integer", "minimum": 1 }, "description": "Loket number" });
    let code_param = json!({ "name": "code", "in": "path", "required": true, "schema": { "type": "string" }, "description": "Tracking code printed under the QR" });
    let date = |required: bool, name: &str| json!({ "name": name, "in": "query", "required": required, "schema": { "type": "string", "format": "date" } });
    let by = json!({ "name": "by", "in": "query", "schema": { "type": "string", "enum": ["service", "agency", "counter", "officer"] } });
    let range = json!([date(true, "from"), date(true, "to")]);
    let grouped = json!([date(true, "from"), date(true, "to"), by.clone()]);
    let export = json!([date(true, "from"), date(true, "to"), by, { "name": "format", "in": "query", "schema": { "type": "string", "enum": ["csv", "xlsx"] } }]);
    let mut paths = serde_json::Map::new();
    let mut add = |path: &str, item: Value| {
        paths.insert(path.to_string(), item);
    };

    // Operations.
    add(
        "/healthz",
        json!({ "get": op("Liveness and the newest committed sequence number; 503 with the reason once the writer died or its commits keep failing (the process then exits for its service manager to restart it)", ANYONE, "ok") }),
    );
    add(
        "/metrics",
        json!({ "get": op("Prometheus metrics: tickets issued and waiting per service, commit latency, subscribers", ANYONE, "text/plain") }),
    );
    add(
        "/api/v1/openapi.json",
        json!({ "get": op("This document", ANYONE, "OpenAPI document") }),
    );

    // Public: the services board and the visitor's ticket, by the code only its holder knows.
    add(
        "/api/v1/services",
        json!({ "get": op("Building, agencies and services with live state (open?, waiting, estimated wait, quota left)", ANYONE, "ServicesResponse") }),
    );
    add(
        "/api/v1/track/{code}",
        json!({ "parameters": [code_param.clone()], "get": op("A ticket's status for the visitor's phone; for whoever presents the code (it is the proof)", ANYONE, "TrackView") }),
    );
    add(
        "/api/v1/track/{code}/cancel",
        json!({ "parameters": [code_param.clone()], "post": op("The visitor cancels their waiting ticket; for whoever presents the code. Logged as the visitor by the ticket's number", ANYONE, "TrackView") }),
    );
    add(
        "/api/v1/track/{code}/rating",
        json!({ "parameters": [code_param], "post": with_body(op("The visitor rates their done ticket of today, 1 (Tidak baik) … 4 (Sangat baik); one rating per ticket (409 already_rated), only done tickets (409 invalid_state); 201. For whoever presents the code; logged as the visitor by the ticket's number", ANYONE, "TrackView"), json!({"score": 4})) }),
    );

    // Devices.
    add(
        "/api/v1/tickets",
        json!({ "post": with_body(op("Issue a ticket; answered once it is on disk (201). The only answer that holds the ticket's tracking code, for the kiosk to print", &["kiosk"], "IssuedTicket: the ticket, its tracking code and tracking URL, position, estimated wait"), json!({"service": "ktp", "category": "elderly"})) }),
    );
    add(
        "/api/v1/devices/status",
        json!({ "post": with_body(op("Report the kiosk's printer status", &["kiosk"], "DeviceView"), json!({"printer": "paper_out", "detail": null})) }),
    );
    add(
        "/api/v1/ratings",
        json!({ "post": with_body(op("A loket's rating tablet rates a ticket that loket finished today, 1..4; one rating per ticket (409); 201", &["rating"], "{number, score}"), json!({"number": "KTP-012", "score": 4})) }),
    );
    add(
        "/api/v1/devices",
        json!({ "get": op("Every device and its last reported status", OVERSIGHT, "DeviceView[]") }),
    );

    // People.
    add(
        "/api/v1/login",
        json!({ "post": with_body(op("Log in; sets an HttpOnly session cookie and returns a bearer token. Failed attempts are throttled (429 with Retry-After)", ANYONE, "LoginResponse"), json!({"username": "petugas1", "password": "antri"})) }),
    );
    add(
        "/api/v1/logout",
        json!({ "post": op("End the session and clear the cookie (a device's token is no session: nothing ends, 204)", SIGNED_IN, "204") }),
    );
    add(
        "/api/v1/me",
        json!({ "get": op("The logged-in user and the session's CSRF token", USERS, "SessionView") }),
    );

    // Lokets.
    add(
        "/api/v1/counters",
        json!({ "get": op("Every loket: state, current ticket (no tracking code), officer", SIGNED_IN, "CounterView[]") }),
    );
    add(
        "/api/v1/counters/{n}",
        json!({ "parameters": [counter_param.clone()], "get": op("One loket", SIGNED_IN, "CounterView") }),
    );
    add(
        "/api/v1/counters/{n}/waiting",
        json!({ "parameters": [counter_param.clone()], "get": op("Waiting tickets for the loket's services, oldest first: numbers and categories, no tracking codes (a loket display may show who is next)", &["display", "officer of loket n", "supervisor", "admin"], "TicketView[]") }),
    );
    add(
        "/api/v1/counters/{n}/{action}",
        json!({
            "parameters": [counter_param, { "name": "action", "in": "path", "required": true, "schema": { "type": "string", "enum": ["open", "call-next", "call", "recall", "start", "finish", "no-show", "transfer", "pause", "resume", "close"] } }],
            "post": with_body(op("A loket action. call-next takes the longest-waiting eligible ticket (priority by policy) and finishes a ticket being served; call takes {\"number\": \"KTP-012\"}; transfer takes {\"service\": \"kk\"}; pause takes {\"reason\": \"break|prayer|system_issue|other\", \"note\": …}; the others take {}", &["officer of loket n"], "CounterActionResult"), json!({}))
        }),
    );

    // Live and history.
    add(
        "/api/v1/events",
        json!({ "get": with_params(op("Live event stream (Server-Sent Events). Without a position: a `snapshot` message, then one `event` per log entry. With ?after=N or Last-Event-ID: N: every event after N, then live ones. The SSE id is the log's sequence number. No event or snapshot holds a tracking code", SIGNED_IN, "text/event-stream"),
        json!([{ "name": "after", "in": "query", "required": false, "schema": { "type": "integer" } }])) }),
    );
    add(
        "/api/v1/log",
        json!({ "get": with_params(op("The audit log: events after a sequence number (a visitor's actions are named by the ticket's number)", OVERSIGHT, "Event[]"),
        json!([{ "name": "after", "in": "query", "schema": { "type": "integer" } }, { "name": "limit", "in": "query", "schema": { "type": "integer", "maximum": 1000 } }])) }),
    );
    add(
        "/api/v1/stats",
        json!({ "get": with_params(op("Statistics for a date range, grouped by service, agency, counter or officer: tickets, served, no-shows, wait and service time (median, p90), share within target", OVERSIGHT, "StatsResponse"), grouped.clone()) }),
    );
    add(
        "/api/v1/stats/hourly",
        json!({ "get": with_params(op("Busiest hours: tickets issued and served per local hour of the day over a date range", OVERSIGHT, "[{hour, issued, served}]"), range) }),
    );
    add(
        "/api/v1/stats/export",
        json!({ "get": with_params(op("The statistics of /api/v1/stats as a file: format=csv (default) or xlsx", OVERSIGHT, "text/csv or an XLSX workbook"), export) }),
    );
    add(
        "/api/v1/satisfaction",
        json!({ "get": with_params(op("Satisfaction over a date range, grouped like /api/v1/stats (by=service|agency|counter|officer): number of ratings, count per face, IKM = mean × 25 (25–100) and its grade A–D (Permenpan RB 14/2017; one overall question, not the nine SKM elements)", OVERSIGHT, "{overall, rows}"), grouped) }),
    );
    add(
        "/api/v1/dashboard/now",
        json!({ "get": op("The hall now: per service waiting and longest wait so far; lokets; devices", OVERSIGHT, "HallNow") }),
    );

    // Admin.
    add(
        "/api/v1/admin/config",
        json!({ "get": op("The configuration in force, in the file's shape as JSON (users without password hashes, devices without tokens)", ADMIN, "{document, sections}") }),
    );
    add(
        "/api/v1/admin/config/{section}",
        json!({
            "parameters": [{ "name": "section", "in": "path", "required": true, "schema": { "type": "string", "enum": ["building", "agencies", "services", "counters", "users", "devices"] } }],
            "put": with_body(op("Replace one section (building takes {building, queue, hours}; the others a list; users may carry `password` and devices `token` to set a new one, and keep theirs without). Checked like the file, every problem named by field path (400 invalid_config); removing an open loket or a service with visitors is refused (409). Takes effect at once, is stored and survives restarts (the database's newest version wins over the file), and is logged as config_changed", ADMIN, "{version, section, summary}"), json!([{"id": "dukcapil", "name_id": "Dinas Kependudukan dan Pencatatan Sipil", "name_en": "Civil Registry"}]))
        }),
    );
    add(
        "/api/v1/admin/audit",
        json!({ "get": with_params(op("The audit log, newest first, filtered and paged: who did what, when", ADMIN, "{rows, total, page, per_page, kinds}"), json!([
        date(false, "from"),
        date(false, "to"),
        { "name": "actor", "in": "query", "schema": { "type": "string" } },
        { "name": "kind", "in": "query", "schema": { "type": "string" }, "description": "An event type, e.g. config_changed" },
        { "name": "page", "in": "query", "schema": { "type": "integer" } },
        { "name": "per_page", "in": "query", "schema": { "type": "integer", "maximum": 500 } }
    ])) }),
    );

    // Pages: served to anyone; each logs in (or, the tablet, holds its device token) for its data.
    add(
        "/",
        page("Where to go: the officer console, the dashboard, the admin page"),
    );
    add(
        "/officer",
        page("The officer console (log in on the page; its data needs an officer of the loket)"),
    );
    add(
        "/dashboard",
        page("The supervisor dashboard (log in on the page; its data needs a supervisor or admin)"),
    );
    add(
        "/admin",
        page("Configuration and audit log (log in on the page; its data needs an admin)"),
    );
    add(
        "/rate/{counter}",
        page("The rating tablet's page for a loket; open it once as /rate/1#token=<device token>"),
    );
    add("/t/{code}", page("The visitor's tracking page that the ticket's QR code opens; it reads the code from its own address"));
    add("/static/{name}", page("The pages' stylesheet and scripts"));

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
