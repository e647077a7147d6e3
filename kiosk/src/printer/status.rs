//! The printer's real-time status (DLE EOT), asked before and after each ticket.
//!
//! Three one-byte answers are combined: printer (n=1: online?), offline cause (n=2: cover open,
//! stopped by paper end) and roll paper sensor (n=4: near end, paper out). The bytes are decoded
//! with the `escpos` crate's own tables so the bit meanings come from one place.

use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse, DLE_REAL_TIME_STATUS};

pub use antri_wire::PrinterStatus;

/// The DLE EOT request for one status byte. `escpos`'s own `real_time_status` appends a second
/// parameter byte that only the n=7/8/18 forms take; for n=1..4 that byte would reach the printer
/// as stray data, so the three bytes are built here.
pub fn request(kind: RealTimeStatusRequest) -> [u8; 3] {
    let (n, _) = <(u8, u8)>::from(kind);
    [DLE_REAL_TIME_STATUS[0], DLE_REAL_TIME_STATUS[1], n]
}

/// The three status bytes, in the order they are asked.
pub const QUERIES: [RealTimeStatusRequest; 3] = [
    RealTimeStatusRequest::Printer,
    RealTimeStatusRequest::OfflineCause,
    RealTimeStatusRequest::RollPaperSensor,
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("printer answered a status query with {byte:#04x}, which is not a DLE EOT reply")]
pub struct BadReply {
    pub byte: u8,
}

/// What the three replies mean for the kiosk. Cover open is named before paper out because
/// closing the cover is what the officer must do first (a printer with the cover open often
/// also reports paper end).
pub fn classify(printer: u8, offline_cause: u8, paper: u8) -> Result<PrinterStatus, BadReply> {
    let flag = |kind: RealTimeStatusRequest, byte: u8, what: RealTimeStatusResponse| {
        RealTimeStatusResponse::parse(kind, byte)
            .map(|m| m.get(&what).copied().unwrap_or(false))
            .map_err(|_| BadReply { byte })
    };
    let online = flag(
        RealTimeStatusRequest::Printer,
        printer,
        RealTimeStatusResponse::Online,
    )?;
    let cover_closed = flag(
        RealTimeStatusRequest::OfflineCause,
        offline_cause,
        RealTimeStatusResponse::CoverClosed,
    )?;
    let stopped_by_paper_end = flag(
        RealTimeStatusRequest::OfflineCause,
        offline_cause,
        RealTimeStatusResponse::PrintingStopsDueToPaperEnd,
    )?;
    let paper_present = flag(
        RealTimeStatusRequest::RollPaperSensor,
        paper,
        RealTimeStatusResponse::RollPaperEndSensorPaperPresent,
    )?;
    let paper_adequate = flag(
        RealTimeStatusRequest::RollPaperSensor,
        paper,
        RealTimeStatusResponse::RollPaperNearEndSensorPaperAdequate,
    )?;
    Ok(if !cover_closed {
        PrinterStatus::CoverOpen
    } else if !paper_present || stopped_by_paper_end {
        PrinterStatus::PaperOut
    } else if !online {
        PrinterStatus::Offline
    } else if !paper_adequate {
        PrinterStatus::PaperNearEnd
    } else {
        PrinterStatus::Ok
    })
}

/// Words for the technician's log and the server's device report.
pub fn describe(status: PrinterStatus) -> &'static str {
    match status {
        PrinterStatus::Ok => "printer ready",
        PrinterStatus::PaperNearEnd => "paper near end: replace the roll soon",
        PrinterStatus::PaperOut => "paper out: put in a new roll",
        PrinterStatus::CoverOpen => "printer cover open: close it",
        PrinterStatus::Offline => "printer offline",
        PrinterStatus::Disconnected => "printer not reachable: check cable, power and network",
        PrinterStatus::Error => "printer error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Bytes from the Epson DLE EOT tables (fixed bits 0x12).
    const READY: (u8, u8, u8) = (0x12, 0x12, 0x12);

    #[test]
    fn requests_are_three_bytes() {
        assert_eq!(request(RealTimeStatusRequest::Printer), [0x10, 0x04, 1]);
        assert_eq!(
            request(RealTimeStatusRequest::RollPaperSensor),
            [0x10, 0x04, 4]
        );
    }

    #[test]
    fn classifies_each_state() {
        let c = |(a, b, p): (u8, u8, u8)| classify(a, b, p).unwrap();
        assert_eq!(c(READY), PrinterStatus::Ok);
        assert_eq!(c((0x12, 0x12, 0x1e)), PrinterStatus::PaperNearEnd);
        assert_eq!(c((0x1a, 0x32, 0x7e)), PrinterStatus::PaperOut);
        assert_eq!(c((0x1a, 0x16, 0x12)), PrinterStatus::CoverOpen);
        assert_eq!(c((0x1a, 0x12, 0x12)), PrinterStatus::Offline);
        // Cover open and paper out together: the cover comes first.
        assert_eq!(c((0x1a, 0x36, 0x7e)), PrinterStatus::CoverOpen);
    }

    #[test]
    fn garbage_is_an_error_not_ready() {
        assert_eq!(classify(0xff, 0x12, 0x12), Err(BadReply { byte: 0xff }));
        assert!(classify(0x12, 0x12, 0x00).is_err());
    }
}
