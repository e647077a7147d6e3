//! Online booking (reservasi): the rules that need no I/O.
//!
//! - [`nik`]: the visitor's NIK checked for its structure, masked for the officer, and hashed
//!   under the building's key for the one-booking-per-person checks; never kept in clear.
//! - [`plan`]: a service's booking settings (sessions, online seats, when booking opens, the
//!   check-in window, what a late visitor gets, closed dates) and the rules of time they imply.
//!
//! - [`desk`]: seats and the per-person rules, decided one at a time like the hall.
//! - [`limit`]: booking attempts per source address.
//!
//! The booking page, the store and check-in at the kiosk build on these.

pub mod desk;
pub mod limit;
pub mod nik;
pub mod plan;

/// The desk reads the bookable services and the building's rules from the configuration.
impl desk::Plans for crate::config::Config {
    fn plan(&self, service: &str) -> Option<&plan::Plan> {
        self.service(service).and_then(|s| s.booking.as_ref())
    }

    fn building_closed(&self) -> &[chrono::NaiveDate] {
        &self.booking.closed_dates
    }

    fn limits(&self) -> desk::Limits {
        desk::Limits {
            max_active_per_person: self.booking.max_active_per_person,
        }
    }
}
