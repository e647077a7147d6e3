//! A made-up building in wire types: for screenshots, and for tests of the model against
//! hand-made events.

use std::collections::BTreeMap;

use antri_wire::event::{Actor, CallView};
use antri_wire::{
    AgencyView, Availability, BuildingView, Category, CounterState, CounterView, Event, EventKind,
    ServiceView, Snapshot, Text, TicketStatus, TicketView, Timestamp,
};

/// Tuesday 24 November 2026, 09:00 WIB: when the sample building is open.
pub fn opening_time() -> Timestamp {
    Timestamp::parse_from_rfc3339("2026-11-24T09:00:00+07:00").expect("valid RFC 3339")
}

const AGENCIES: [(&str, &str); 13] = [
    ("dukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
    ("imigrasi", "Kantor Imigrasi"),
    ("samsat", "SAMSAT"),
    ("bpjs-kes", "BPJS Kesehatan"),
    ("bpjs-tk", "BPJS Ketenagakerjaan"),
    ("bpn", "Badan Pertanahan Nasional"),
    ("pajak", "Kantor Pelayanan Pajak"),
    ("polri", "Kepolisian (SKCK, SIM)"),
    ("dpmptsp", "Perizinan Terpadu (OSS)"),
    ("pdam", "PDAM Air Minum"),
    ("pos", "Kantor Pos"),
    ("kemenag", "Kementerian Agama"),
    ("bank", "Bank Daerah"),
];

const SERVICES: [(&str, &str, &str); 30] = [
    ("KTP", "dukcapil", "Perekaman KTP-el"),
    ("KK", "dukcapil", "Kartu Keluarga"),
    ("AKL", "dukcapil", "Akta Kelahiran"),
    ("PDH", "dukcapil", "Pindah Datang"),
    ("KIA", "dukcapil", "Kartu Identitas Anak"),
    ("PB", "imigrasi", "Paspor Baru"),
    ("PG", "imigrasi", "Paspor Ganti"),
    ("PKB", "samsat", "Pajak Kendaraan"),
    ("STN", "samsat", "Perpanjangan STNK"),
    ("BBN", "samsat", "Balik Nama Kendaraan"),
    ("JKN", "bpjs-kes", "Pendaftaran JKN"),
    ("JKU", "bpjs-kes", "Perubahan Data JKN"),
    ("JHT", "bpjs-tk", "Klaim JHT"),
    ("BTK", "bpjs-tk", "Kepesertaan"),
    ("SRT", "bpn", "Sertifikat Tanah"),
    ("RYA", "bpn", "Roya"),
    ("NPW", "pajak", "NPWP"),
    ("SPT", "pajak", "Konsultasi SPT"),
    ("SK", "polri", "SKCK"),
    ("SIM", "polri", "Perpanjangan SIM"),
    ("OSS", "dpmptsp", "Perizinan OSS"),
    ("PBG", "dpmptsp", "Persetujuan Bangunan"),
    ("NIB", "dpmptsp", "Nomor Induk Berusaha"),
    ("AIR", "pdam", "Sambungan Baru"),
    ("PAM", "pdam", "Pengaduan Air"),
    ("T", "pos", "Layanan Pos"),
    ("CS", "bank", "Layanan Nasabah"),
    ("NKH", "kemenag", "Pendaftaran Nikah"),
    ("HJI", "kemenag", "Pendaftaran Haji"),
    ("AK", "bank", "Buka Rekening"),
];

/// Service id of the `i`-th demo service (`svc-ktp`); beyond the 30 named, `svc-x31`….
pub fn service_id(i: usize) -> String {
    match SERVICES.get(i) {
        Some((prefix, _, _)) => format!("svc-{}", prefix.to_lowercase()),
        None => format!("svc-x{}", i + 1),
    }
}

/// A building with `lokets` open lokets and `services` services (the first 30 are real-sounding;
/// more are numbered), each loket serving one or two services, nothing called yet.
pub fn building(lokets: u32, services: usize) -> Snapshot {
    let now = opening_time();
    let svc: Vec<ServiceView> = (0..services)
        .map(|i| {
            let (prefix, agency, name) = match SERVICES.get(i) {
                Some((p, a, n)) => (p.to_string(), a.to_string(), n.to_string()),
                None => (
                    format!("X{}", (b'A' + (i % 26) as u8) as char),
                    AGENCIES[i % AGENCIES.len()].0.to_string(),
                    format!("Layanan {}", i + 1),
                ),
            };
            ServiceView {
                id: service_id(i),
                agency,
                prefix,
                name: Text {
                    id: name.clone(),
                    en: name,
                },
                availability: Availability::Open,
                waiting: ((i * 7) % 23) as u32,
                // A bookable service or two, so the screen shows how booked visitors are marked.
                waiting_booked: if i % 4 == 1 { 2 } else { 0 },
                estimated_wait_secs: 600,
                quota: None,
                quota_left: None,
                target_wait_secs: 1800,
            }
        })
        .collect();
    let counters = (1..=lokets)
        .map(|n| CounterView {
            number: n,
            name: format!("Loket {n}"),
            services: vec![service_id((n as usize - 1) % services.max(1))],
            state: CounterState::Open,
            current: None,
            officer: Some(format!("petugas{n}")),
        })
        .collect();
    Snapshot {
        seq: 100,
        building: BuildingView {
            name: "Mal Pelayanan Publik Kota Contoh".into(),
            timezone: "Asia/Jakarta".into(),
            timezone_abbrev: "WIB".into(),
            now,
            day: now.date_naive(),
            public_url: "http://127.0.0.1:8080".into(),
            no_choosing: false,
        },
        agencies: AGENCIES
            .iter()
            .map(|(id, name)| AgencyView {
                id: id.to_string(),
                name: Text {
                    id: name.to_string(),
                    en: name.to_string(),
                },
            })
            .collect(),
        services: svc,
        counters,
        recent_calls: Vec::<CallView>::new(),
        devices: Vec::new(),
    }
}

/// A ticket of `service` numbered `prefix-NNN`.
pub fn ticket(id: u64, number: &str, service: &str, status: TicketStatus) -> TicketView {
    let at = opening_time();
    TicketView {
        id,
        number: number.into(),
        service: service.into(),
        category: Category::Regular,
        status,
        day: at.date_naive(),
        issued_at: at,
        queued_at: at,
        called_at: Some(at),
        counter: None,
        calls: 1,
        transferred_from: None,
        booked: None,
    }
}

/// The event of `number` (of `service`) called to loket `counter`.
pub fn call(
    seq: u64,
    at: Timestamp,
    number: &str,
    service: &str,
    counter: u32,
    recall: bool,
) -> Event {
    let mut t = ticket(seq, number, service, TicketStatus::Called);
    t.counter = Some(counter);
    Event {
        seq,
        at,
        actor: Actor::system(),
        waiting: BTreeMap::new(),
        waiting_booked: BTreeMap::new(),
        kind: EventKind::TicketCalled {
            ticket: t,
            counter,
            recall,
        },
    }
}

/// Any event kind at `seq`.
pub fn event(seq: u64, at: Timestamp, kind: EventKind) -> Event {
    Event {
        seq,
        at,
        actor: Actor::system(),
        waiting: BTreeMap::new(),
        waiting_booked: BTreeMap::new(),
        kind,
    }
}
