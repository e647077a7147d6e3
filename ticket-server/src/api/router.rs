//! Every route of the server, in one table.

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use super::error::ApiError;
use super::handlers::{
    admin, alerts, auth, booking, booking_figures, counters, dashboard, devices, events, messages,
    ops, performance, public, ratings, skm, skm_export, stats, tickets, track_stream, transparency,
};
use super::AppState;
use crate::web;

/// No request of this API needs more; a bigger body is refused with 413.
pub const MAX_BODY: usize = 16 * 1024;
/// A configuration section saved on the admin page.
pub const ADMIN_MAX_BODY: usize = 512 * 1024;

/// The routing table as it is built: every method and path, in order. Tests walk it (against
/// every kind of caller, and against the access table in the README and the OpenAPI document), so
/// a route cannot be added without being documented.
struct Table {
    router: Router<AppState>,
    /// The visitor-facing routes alone (see [`PUBLIC`]).
    public: Router<AppState>,
    routes: Vec<(Method, &'static str)>,
}

/// What a visitor's phone reaches from home: the booking page and its API, the tracking page and
/// its API, and their files — and nothing of the staff, the devices or the admin. The server can
/// serve exactly these on a second listener (`--public-listen`), the one a city puts behind a TLS
/// reverse proxy facing the internet (docs/deploy.md), while everything else stays on the LAN. A
/// kiosk's check-in is not here: it happens in the hall.
pub const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/healthz"),
    ("GET", "/booking"),
    ("GET", "/t/{code}"),
    ("GET", "/static/{name}"),
    ("GET", "/api/v1/booking"),
    ("GET", "/api/v1/booking/services/{service}/days"),
    ("POST", "/api/v1/bookings"),
    ("GET", "/api/v1/bookings/{code}"),
    ("POST", "/api/v1/bookings/{code}/cancel"),
    ("POST", "/api/v1/bookings/{code}/reschedule"),
    ("GET", "/api/v1/bookings/{code}/qr.svg"),
    ("GET", "/api/v1/bookings/{code}/calendar.ics"),
    ("GET", "/api/v1/track/{code}"),
    ("GET", "/api/v1/track/{code}/stream"),
    ("POST", "/api/v1/track/{code}/cancel"),
    ("POST", "/api/v1/track/{code}/rating"),
    ("POST", "/api/v1/track/{code}/messages"),
    ("DELETE", "/api/v1/track/{code}/messages"),
    ("POST", "/api/v1/track/{code}/survey"),
    ("GET", "/api/v1/skm/questions"),
    ("GET", "/survey/{code}"),
    ("GET", "/transparansi"),
    ("GET", "/api/v1/public/hall"),
];

impl Table {
    fn add<H, T>(self, method: Method, path: &'static str, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        self.add_routed(method, path, on(filter, handler))
    }

    fn add_routed(
        mut self,
        method: Method,
        path: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Table {
        if PUBLIC.contains(&(method.as_str(), path)) {
            self.public = self.public.route(path, handler.clone());
        }
        self.router = self.router.route(path, handler);
        self.routes.push((method, path));
        self
    }
}

// Long by design: one line per route, so every route of the server is read in one place.
fn table() -> Table {
    let admin_put = MethodFilter::try_from(Method::PUT).expect("a standard method");
    Table {
        router: Router::new(),
        public: Router::new(),
        routes: Vec::new(),
    }
    .add(Method::GET, "/healthz", ops::health)
    .add(Method::GET, "/metrics", ops::metrics)
    .add(Method::GET, "/api/v1/openapi.json", ops::openapi)
    // Public: kiosks' and phones' read-only views.
    .add(Method::GET, "/api/v1/services", public::services)
    .add(Method::GET, "/api/v1/track/{code}", public::track)
    .add(
        Method::GET,
        "/api/v1/track/{code}/stream",
        track_stream::stream,
    )
    .add(Method::POST, "/api/v1/track/{code}/cancel", public::cancel)
    .add(
        Method::POST,
        "/api/v1/track/{code}/rating",
        ratings::from_visitor,
    )
    // A walk-in visitor's messages through the building's gateway (the code is the proof).
    .add(
        Method::POST,
        "/api/v1/track/{code}/messages",
        messages::opt_in,
    )
    .add(
        Method::DELETE,
        "/api/v1/track/{code}/messages",
        messages::stop,
    )
    .add(
        Method::POST,
        "/api/v1/track/{code}/survey",
        skm::from_visitor,
    )
    .add(Method::GET, "/api/v1/skm/questions", skm::questions)
    // Online booking: the public page's API (the code is the holder's key) and kiosks' check-in.
    .add(Method::GET, "/api/v1/booking", booking::catalog)
    .add(
        Method::GET,
        "/api/v1/booking/services/{service}/days",
        booking::days,
    )
    .add(Method::POST, "/api/v1/bookings", booking::book)
    .add(Method::GET, "/api/v1/bookings/{code}", booking::one)
    .add(
        Method::POST,
        "/api/v1/bookings/{code}/cancel",
        booking::cancel,
    )
    .add(
        Method::POST,
        "/api/v1/bookings/{code}/reschedule",
        booking::reschedule,
    )
    .add(Method::GET, "/api/v1/bookings/{code}/qr.svg", booking::qr)
    .add(
        Method::GET,
        "/api/v1/bookings/{code}/calendar.ics",
        booking::calendar,
    )
    .add(
        Method::POST,
        "/api/v1/bookings/{code}/check-in",
        booking::check_in,
    )
    // Rating tablets.
    .add(Method::POST, "/api/v1/ratings", ratings::from_tablet)
    .add(Method::POST, "/api/v1/surveys", skm::from_tablet)
    // Kiosks.
    .add(Method::POST, "/api/v1/tickets", tickets::issue)
    .add(Method::POST, "/api/v1/devices/status", devices::report)
    .add(Method::GET, "/api/v1/devices", devices::list)
    // People.
    .add(Method::POST, "/api/v1/login", auth::login)
    .add(Method::POST, "/api/v1/logout", auth::logout)
    .add(Method::GET, "/api/v1/me", auth::me)
    // Lokets.
    .add(Method::GET, "/api/v1/counters", counters::list)
    .add(Method::GET, "/api/v1/counters/{n}", counters::one)
    .add(
        Method::GET,
        "/api/v1/counters/{n}/waiting",
        counters::waiting,
    )
    // The actions with a body have routes of their own, so that each body has one schema.
    .add(
        Method::GET,
        "/api/v1/counters/{n}/booking",
        counters::booking,
    )
    .add(Method::POST, "/api/v1/counters/{n}/call", counters::call)
    .add(
        Method::POST,
        "/api/v1/counters/{n}/transfer",
        counters::transfer,
    )
    .add(Method::POST, "/api/v1/counters/{n}/pause", counters::pause)
    .add(Method::POST, "/api/v1/counters/{n}/{action}", counters::act)
    // Pages.
    .add(Method::GET, "/", web::index)
    .add(Method::GET, "/officer", web::officer)
    .add(Method::GET, "/dashboard", web::dashboard)
    .add(Method::GET, "/admin", web::admin)
    .add(Method::GET, "/rate/{counter}", web::rate_page)
    .add(Method::GET, "/t/{code}", web::track_page)
    .add(Method::GET, "/survey/{code}", web::survey_page)
    .add(Method::GET, "/skm", web::skm_page)
    .add(Method::GET, "/booking", web::booking)
    .add(Method::GET, "/transparansi", web::transparency)
    .add(Method::GET, "/api/v1/public/hall", transparency::hall)
    .add(Method::GET, "/static/{name}", web::static_file)
    // Live and history.
    .add(Method::GET, "/api/v1/events", events::stream)
    .add(Method::GET, "/api/v1/log", events::log)
    .add(Method::GET, "/api/v1/stats", stats::stats)
    .add(Method::GET, "/api/v1/stats/hourly", dashboard::hourly)
    .add(Method::GET, "/api/v1/stats/export", dashboard::export)
    .add(Method::GET, "/api/v1/dashboard/now", dashboard::now)
    .add(Method::GET, "/api/v1/alerts", alerts::list)
    .add(
        Method::POST,
        "/api/v1/alerts/{id}/acknowledge",
        alerts::acknowledge,
    )
    .add(
        Method::GET,
        "/api/v1/stats/bookings",
        booking_figures::figures,
    )
    .add(Method::GET, "/api/v1/stats/officers", performance::officers)
    .add(Method::GET, "/api/v1/satisfaction", ratings::report)
    .add(Method::GET, "/api/v1/messages", messages::log)
    .add(Method::GET, "/api/v1/skm", skm::report)
    .add(Method::GET, "/api/v1/skm/export", skm_export::export)
    // Admin.
    .add(Method::GET, "/api/v1/admin/config", admin::get_config)
    .add_routed(
        Method::PUT,
        "/api/v1/admin/config/{section}",
        // A whole section (30 services, 100 users) is bigger than any other request.
        on(admin_put, admin::put_section).layer(DefaultBodyLimit::max(ADMIN_MAX_BODY)),
    )
    .add(Method::GET, "/api/v1/admin/audit", admin::audit)
}

/// Every route the server answers: (method, path), paths in the router's `{param}` syntax.
pub fn routes() -> Vec<(Method, &'static str)> {
    table().routes
}

pub fn router(state: AppState) -> Router {
    finish(table().router, state)
}

/// Only the [`PUBLIC`] routes: for the listener that faces the internet.
pub fn public_router(state: AppState) -> Router {
    finish(table().public, state)
}

fn finish(router: Router<AppState>, state: AppState) -> Router {
    router
        .fallback(|| async {
            ApiError::not_found("no_such_route", "no such route; see /api/v1/openapi.json")
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method; see /api/v1/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}
