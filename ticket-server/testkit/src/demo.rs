//! The sample building's credentials (`assets/antri.example.toml`), named once: refused on a LAN
//! address, fine on 127.0.0.1 where every test runs.

/// Kiosk 1 (the demo's kiosk window).
pub const KIOSK_TOKEN: &str = "demo-kiosk-1-token";
/// Kiosk 2 (the demo's simulated visitors without a kiosk window).
pub const KIOSK_2_TOKEN: &str = "demo-kiosk-2-token";
/// The hall display.
pub const DISPLAY_HALL_TOKEN: &str = "demo-display-hall-token";
/// The display above loket 1.
pub const DISPLAY_LOKET_1_TOKEN: &str = "demo-display-loket-1-token";
/// The satisfaction tablet at loket 1.
pub const RATING_LOKET_1_TOKEN: &str = "demo-rating-loket-1-token";

/// Every sample user's password (`admin`, `supervisor`, `petugas1`…`petugas12`).
pub const PASSWORD: &str = "antri";
pub const ADMIN: &str = "admin";
pub const SUPERVISOR: &str = "supervisor";

/// The officer `petugasN` (in the sample building they act on lokets 2N-1 and 2N).
pub fn officer_name(n: u32) -> String {
    format!("petugas{n}")
}

/// A Tuesday at 09:00 WIB: every service of the sample building is open.
pub const OPEN_TUESDAY: &str = "2026-11-24T09:00:00+07:00";
/// Its date.
pub const OPEN_TUESDAY_DATE: &str = "2026-11-24";

pub fn open_tuesday() -> chrono::DateTime<chrono::FixedOffset> {
    OPEN_TUESDAY.parse().unwrap()
}
