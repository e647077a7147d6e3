//! Every error the API answers: a status, a stable code, and a message that says what was wrong.
//! Client mistakes are 4xx; only a failing disk is a 5xx. Nothing here panics.

use antri_wire::{Availability, ErrorBody, ErrorDetail};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::queue::QueueError;
use crate::store::writer::WriteError;
use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub availability: Option<Availability>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            availability: None,
            retry_after: None,
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or unknown credentials: send `Authorization: Bearer <token>` (log in at POST /api/v1/login, or use the device's token)",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message,
                availability: self.availability,
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        resp
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> ApiError {
        use QueueError::*;
        let message = e.to_string();
        let (status, code) = match &e {
            UnknownService(_) => (StatusCode::NOT_FOUND, "unknown_service"),
            UnknownCounter(_) => (StatusCode::NOT_FOUND, "unknown_counter"),
            UnknownTicket(_) => (StatusCode::NOT_FOUND, "unknown_ticket"),
            UnknownDevice(_) => (StatusCode::NOT_FOUND, "unknown_device"),
            UnknownAlert(_) => (StatusCode::NOT_FOUND, "unknown_alert"),
            AlreadyAcknowledged { .. } => (StatusCode::CONFLICT, "already_acknowledged"),
            ServiceUnavailable { availability, .. } => (
                StatusCode::CONFLICT,
                match availability {
                    Availability::QuotaReached { .. } => "quota_reached",
                    Availability::OnBreak { .. } => "service_on_break",
                    Availability::NotYetOpen { .. } => "service_not_yet_open",
                    _ => "service_closed",
                },
            ),
            CounterPaused(_) => (StatusCode::CONFLICT, "counter_paused"),
            CounterClosed(_) => (StatusCode::CONFLICT, "counter_closed"),
            QueueEmpty(_) => (StatusCode::CONFLICT, "queue_empty"),
            NoCurrentTicket(_) => (StatusCode::CONFLICT, "no_current_ticket"),
            CurrentTicketPending { .. } => (StatusCode::CONFLICT, "current_ticket_pending"),
            InvalidState { .. } => (StatusCode::CONFLICT, "invalid_state"),
            NotServedHere { .. } => (StatusCode::CONFLICT, "not_served_here"),
            SameService(_) => (StatusCode::CONFLICT, "same_service"),
            AlreadyRated(_) => (StatusCode::CONFLICT, "already_rated"),
            AlreadySurveyed(_) => (StatusCode::CONFLICT, "already_surveyed"),
            NotRatedHere { .. } => (StatusCode::CONFLICT, "not_rated_here"),
            ConfigConflict(_) => (StatusCode::CONFLICT, "config_conflict"),
            Booking(refused) => refused_status(refused),
        };
        let mut err = ApiError::new(status, code, message);
        if let ServiceUnavailable { availability, .. } = e {
            err.availability = Some(availability);
        }
        err
    }
}

/// The booking desk's refusals: what the booking page and the kiosk tell the visitor.
fn refused_status(r: &crate::booking::desk::Refused) -> (StatusCode, &'static str) {
    use crate::booking::desk::Refused::*;
    use crate::booking::plan::NotBookable;
    match r {
        NotBookable(_) => (StatusCode::NOT_FOUND, "not_bookable"),
        Time(NotBookable::NoSession) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_session"),
        Time(NotBookable::Closed) => (StatusCode::CONFLICT, "closed_date"),
        Time(NotBookable::NotYet(_)) => (StatusCode::CONFLICT, "not_yet"),
        Time(NotBookable::Over) => (StatusCode::CONFLICT, "session_over"),
        Full => (StatusCode::CONFLICT, "full"),
        SameDay => (StatusCode::CONFLICT, "same_day"),
        TooMany(_) => (StatusCode::CONFLICT, "too_many"),
        UnknownCode => (StatusCode::NOT_FOUND, "unknown_booking"),
        NotActive(_) => (StatusCode::CONFLICT, "booking_not_active"),
        Early(_) => (StatusCode::CONFLICT, "too_early"),
        Late(_) => (StatusCode::CONFLICT, "too_late"),
        WrongDay(_) => (StatusCode::CONFLICT, "wrong_day"),
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> ApiError {
        match e {
            WriteError::Rejected(q) => q.into(),
            WriteError::Storage(m) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "not_stored",
                format!("the request was not stored, try again: {m}"),
            ),
            WriteError::Stopped => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                e.to_string(),
            ),
            WriteError::Failed(_) => {
                let mut err = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_failed",
                    e.to_string(),
                );
                err.retry_after = Some(5);
                err
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        tracing::error!(error = %e, "store error");
        ApiError::internal(e.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let code = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
            _ => "malformed_json",
        };
        ApiError::new(r.status(), code, r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_path", r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", r.body_text())
    }
}
