//! The OpenAPI 3.1 document of `/api/v1` and the pages, generated from the code: the schemas from
//! the wire types (`antri-wire`'s feature `openapi` derives `ToSchema`), each operation from the
//! `#[utoipa::path]` on its handler. A handler's attribute sits on the function it describes, so
//! its parameters, bodies and errors change in the same place as the code.
//!
//! Every operation says who may call it in `x-antri-principals`, in the words of the README's API
//! table: `anyone` (no credentials needed), a device kind (`kiosk`, `display`, `rating`), a role
//! (`officer`, `supervisor`, `admin`), or `officer of loket n` (an officer assigned to the loket in
//! the path); an operation for anyone has no security requirement. `tests/access.rs` walks the
//! router's table against every kind of caller and compares what is allowed with this document
//! and with the README; `tests/openapi.rs` checks that the document and the router list the same
//! routes, and `tests/schemathesis` fuzzes the running server against the document.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::handlers::{
    admin, alerts, auth, booking, booking_figures, counters, dashboard, devices, events, messages,
    ops, performance, public, ratings, skm, skm_export, stats, tickets, track_stream, transparency,
};
use crate::web;

/// The security scheme of a device's token or a user's session token in the header.
pub const BEARER: &str = "bearer";
/// The security scheme of the browser pages' session cookie.
pub const SESSION: &str = "session";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Antri ticket server",
        description = "The queue of one MPP building: services, tickets, lokets, live events, statistics and administration. Errors are JSON (`Error`) with a stable `code`.",
        license(name = "GPL-3.0-or-later")
    ),
    paths(
        ops::health,
        ops::metrics,
        ops::openapi,
        public::services,
        public::track,
        track_stream::stream,
        public::cancel,
        messages::opt_in,
        messages::stop,
        messages::log,
        ratings::from_visitor,
        ratings::from_tablet,
        skm::from_visitor,
        skm::from_tablet,
        skm::questions,
        skm::report,
        skm_export::export,
        booking::catalog,
        booking::days,
        booking::book,
        booking::one,
        booking::cancel,
        booking::reschedule,
        booking::qr,
        booking::calendar,
        booking::check_in,
        booking_figures::figures,
        performance::officers,
        tickets::issue,
        devices::report,
        devices::list,
        auth::login,
        auth::logout,
        auth::me,
        counters::list,
        counters::one,
        counters::waiting,
        counters::booking,
        alerts::list,
        alerts::acknowledge,
        counters::call,
        counters::transfer,
        counters::pause,
        counters::act,
        web::index,
        web::officer,
        web::dashboard,
        web::admin,
        web::rate_page,
        web::track_page,
        web::survey_page,
        web::skm_page,
        web::booking,
        web::transparency,
        transparency::hall,
        web::static_file,
        events::stream,
        events::log,
        stats::stats,
        dashboard::hourly,
        dashboard::export,
        dashboard::now,
        ratings::report,
        admin::get_config,
        admin::put_section,
        admin::audit,
    ),
    // The path parameters' enums (bodies' and answers' types are collected from the paths).
    components(schemas(antri_wire::ErrorBody, counters::LoketAction, admin::ConfigSection)),
    modifiers(&SecuritySchemes)
)]
struct Doc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A device's token (kiosk, display, rating tablet: from the configuration) or a user's session token (from POST /api/v1/login).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                super::extract::SESSION_COOKIE,
                "The browser pages' session cookie, set by POST /api/v1/login. A change (any method but GET) made with the cookie must send the session's CSRF token as X-CSRF-Token, or is refused with 403 csrf.",
            ))),
        );
    }
}

/// The document, built once: it depends on nothing but the code.
pub fn document() -> &'static serde_json::Value {
    static DOC: LazyLock<serde_json::Value> = LazyLock::new(|| {
        serde_json::to_value(Doc::openapi()).expect("the OpenAPI document serialises")
    });
    &DOC
}

/// Error answers, each with the `Error` body.
fn errors(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Error")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

/// The answers of a route that needs credentials.
pub struct Denied;

impl IntoResponses for Denied {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            ("401", "`unauthorized`: no credentials, or unknown ones"),
            (
                "403",
                "`forbidden`: these credentials may not do this; `csrf`: a change made with the session cookie without its X-CSRF-Token",
            ),
        ])
    }
}

/// The answers to a JSON body that is not what the route takes.
pub struct BadBody;

impl IntoResponses for BadBody {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[
            (
                "400",
                "`malformed_json`, or a field's value out of range (its code names it)",
            ),
            ("413", "`body_too_large`"),
            (
                "415",
                "`unsupported_media_type`: send `Content-Type: application/json`",
            ),
            (
                "422",
                "`invalid_body`: a field missing or of the wrong type, named by its path",
            ),
        ])
    }
}

/// The answer to a bad query string.
pub struct BadQuery;

impl IntoResponses for BadQuery {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[(
            "400",
            "`invalid_query` (a parameter named with what is wrong) or `invalid_range` (dates)",
        )])
    }
}

/// The answer to a path parameter of the wrong shape.
pub struct BadPath;

impl IntoResponses for BadPath {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[("400", "`invalid_path` or `invalid_tracking_code`")])
    }
}

/// The answers of a change that goes through the writer.
pub struct NotStored;

impl IntoResponses for NotStored {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[(
            "503",
            "`not_stored` (try again), `shutting_down`, or `store_failed` (with Retry-After): the change was not stored",
        )])
    }
}

/// The answer of a route that reads the database, when it cannot.
pub struct DbFailed;

impl IntoResponses for DbFailed {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        errors(&[("500", "`internal`: the database could not be read")])
    }
}
