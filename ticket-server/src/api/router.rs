//! Every route of the server, in one table.

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::Router;

use super::error::ApiError;
use super::handlers::{
    admin, auth, counters, dashboard, devices, events, ops, public, ratings, stats, tickets,
};
use super::AppState;
use crate::web;

/// No request of this API needs more; a bigger body is refused with 413.
pub const MAX_BODY: usize = 16 * 1024;
/// A configuration section saved on the admin page.
pub const ADMIN_MAX_BODY: usize = 512 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(ops::health))
        .route("/metrics", get(ops::metrics))
        .route("/api/v1/openapi.json", get(ops::openapi))
        // Public: kiosks' and phones' read-only views.
        .route("/api/v1/services", get(public::services))
        .route("/api/v1/track/{code}", get(public::track))
        .route("/api/v1/track/{code}/cancel", post(public::cancel))
        .route("/api/v1/track/{code}/rating", post(ratings::from_visitor))
        // Rating tablets.
        .route("/api/v1/ratings", post(ratings::from_tablet))
        // Kiosks.
        .route("/api/v1/tickets", post(tickets::issue))
        .route("/api/v1/devices/status", post(devices::report))
        .route("/api/v1/devices", get(devices::list))
        // People.
        .route("/api/v1/login", post(auth::login))
        .route("/api/v1/logout", post(auth::logout))
        .route("/api/v1/me", get(auth::me))
        // Lokets.
        .route("/api/v1/counters", get(counters::list))
        .route("/api/v1/counters/{n}", get(counters::one))
        .route("/api/v1/counters/{n}/waiting", get(counters::waiting))
        .route("/api/v1/counters/{n}/{action}", post(counters::act))
        // Pages.
        .route("/", get(web::index))
        .route("/officer", get(web::officer))
        .route("/dashboard", get(web::dashboard))
        .route("/admin", get(web::admin))
        .route("/rate/{counter}", get(web::rate_page))
        .route("/t/{code}", get(web::track_page))
        .route("/static/{name}", get(web::static_file))
        // Live and history.
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/log", get(events::log))
        .route("/api/v1/stats", get(stats::stats))
        .route("/api/v1/stats/hourly", get(dashboard::hourly))
        .route("/api/v1/stats/export", get(dashboard::export))
        .route("/api/v1/dashboard/now", get(dashboard::now))
        .route("/api/v1/satisfaction", get(ratings::report))
        // Admin.
        .route("/api/v1/admin/config", get(admin::get_config))
        .route(
            "/api/v1/admin/config/{section}",
            // A whole section (30 services, 100 users) is bigger than any other request.
            put(admin::put_section).layer(DefaultBodyLimit::max(ADMIN_MAX_BODY)),
        )
        .route("/api/v1/admin/audit", get(admin::audit))
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
