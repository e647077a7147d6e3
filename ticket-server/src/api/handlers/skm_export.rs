//! The SKM report as files: PDF and XLSX of the report, CSV of the raw answers. None carries a
//! ticket's number or tracking code: a row is a day, a unit and the answers.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::dashboard::neutralise;
use super::skm::{read_report, SkmQuery};
use crate::api::error::ApiError;
use crate::api::extract::Query;
use crate::api::AppState;
use crate::auth::Principal;
use crate::skm::elements::ELEMENTS;
use crate::skm::pdf::Pdf;
use crate::store::skm::{self, ProfileCount, Response as Answered, SkmGroup, SkmReport, SkmRow};

/// The SKM report as a file: `pdf` (default) and `xlsx` the report, `csv` the raw answers.
#[utoipa::path(get, path = "/api/v1/skm/export", tag = "statistics",
    params(SkmQuery),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        crate::api::openapi::BadQuery, crate::api::openapi::Denied, crate::api::openapi::DbFailed),
    security(("bearer" = []), ("session" = [])), extensions(("x-antri-principals" = json!(["supervisor", "admin"]))))]
pub async fn export(
    State(s): State<AppState>,
    who: Principal,
    Query(q): Query<SkmQuery>,
) -> Result<Response, ApiError> {
    let format = q.format.clone().unwrap_or_else(|| "pdf".into());
    if !["pdf", "xlsx", "csv"].contains(&format.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("format: \"{format}\" is not pdf, xlsx or csv"),
        ));
    }
    let report = read_report(&s, &who, &q).await?;
    let name = format!("skm-{}-{}-{}", q.by.name(), q.from, q.to);
    let (ctype, bytes) = match format.as_str() {
        "csv" => {
            let (from, to) = (q.from, q.to);
            let raw = s.read_db(move |c| skm::responses(c, from, to)).await?;
            let text = csv(&raw)
                .map_err(|e| ApiError::internal(format!("writing the CSV failed: {e}")))?;
            ("text/csv; charset=utf-8", text.into_bytes())
        }
        "xlsx" => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            xlsx(&report)
                .map_err(|e| ApiError::internal(format!("writing the XLSX failed: {e}")))?,
        ),
        _ => ("application/pdf", pdf(&report)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{format}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The raw answers' columns.
fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = ["day", "service", "counter", "officer", "channel"]
        .map(String::from)
        .to_vec();
    h.extend(ELEMENTS.iter().map(|e| e.code.to_lowercase()));
    h.extend(
        ["sex", "age", "education", "occupation", "suggestion"]
            .map(String::from)
            .to_vec(),
    );
    h
}

fn csv(rows: &[Answered]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(csv_header())?;
    for r in rows {
        let mut cells = vec![
            r.day.clone(),
            r.service.clone(),
            r.counter.map(|c| c.to_string()).unwrap_or_default(),
            r.officer.clone().unwrap_or_default(),
            r.channel.clone(),
        ];
        cells.extend(r.answers.iter().map(u8::to_string));
        cells.extend(r.profile.iter().map(|p| p.clone().unwrap_or_default()));
        cells.push(r.suggestion.clone().unwrap_or_default());
        // A suggestion is the visitor's own text: it may start like a formula.
        w.write_record(cells.iter().map(|c| neutralise(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A number as an Indonesian report prints it: a decimal comma; `–` for none.
fn fmt(v: Option<f64>, places: usize) -> String {
    v.map_or("–".into(), |v| format!("{v:.places$}").replace('.', ","))
}

fn xlsx(r: &SkmReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("SKM")?;
    let mut head: Vec<String> = [
        "Unit",
        "Responden",
        "Populasi",
        "Sampel minimum",
        "Sampel cukup",
    ]
    .map(String::from)
    .to_vec();
    head.extend(ELEMENTS.iter().map(|e| format!("NRR {}", e.code)));
    head.extend(
        ["IKM", "IKM unit", "Mutu", "Kinerja", "Unsur terlemah"]
            .map(String::from)
            .to_vec(),
    );
    for (c, h) in head.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (i, row) in std::iter::once(&r.overall).chain(&r.rows).enumerate() {
        write_row(sheet, i as u32 + 1, row)?;
    }
    let profile = book.add_worksheet();
    profile.set_name("Profil")?;
    let mut line = 0;
    for (title, counts) in profile_parts(r) {
        profile.write_string_with_format(line, 0, title, &bold)?;
        line += 1;
        for c in counts {
            profile.write_string(line, 0, c.label)?;
            profile.write_number(line, 1, c.respondents as f64)?;
            line += 1;
        }
    }
    let saran = book.add_worksheet();
    saran.set_name("Saran")?;
    for (c, h) in ["Tanggal", "Layanan", "Saran"].iter().enumerate() {
        saran.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, s) in r.suggestions.iter().enumerate() {
        let row = i as u32 + 1;
        saran.write_string(row, 0, &s.day)?;
        saran.write_string(row, 1, neutralise(&s.service))?;
        saran.write_string(row, 2, neutralise(&s.text))?;
    }
    book.save_to_buffer()
}

fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    r: &SkmRow,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.write_string(row, 0, neutralise(&r.label))?;
    sheet.write_number(row, 1, r.respondents as f64)?;
    sheet.write_number(row, 2, r.population as f64)?;
    sheet.write_number(row, 3, r.minimum_sample as f64)?;
    sheet.write_string(row, 4, if r.sample_too_small { "tidak" } else { "ya" })?;
    if let Some(i) = &r.index {
        for (e, v) in i.nrr.iter().enumerate() {
            if let Some(v) = v {
                sheet.write_number(row, 5 + e as u16, *v)?;
            }
        }
        sheet.write_number(row, 14, i.ikm)?;
        sheet.write_number(row, 15, i.ikm_unit)?;
        sheet.write_string(row, 16, i.grade.letter())?;
        sheet.write_string(row, 17, i.grade.label())?;
        sheet.write_string(row, 18, i.weakest.join(", "))?;
    }
    Ok(())
}

fn profile_parts(r: &SkmReport) -> [(&'static str, &[ProfileCount]); 4] {
    [
        ("Jenis kelamin", &r.profile.sex),
        ("Usia", &r.profile.age),
        ("Pendidikan", &r.profile.education),
        ("Pekerjaan", &r.profile.occupation),
    ]
}

/// The printable report: the unit's index, each element's NRR, the groups, the profile, the
/// suggestions.
fn pdf(r: &SkmReport) -> Vec<u8> {
    let mut p = Pdf::new();
    p.line(0.0, 15.0, true, "Laporan Survei Kepuasan Masyarakat (SKM)");
    p.line(0.0, 11.0, false, &r.building);
    p.line(
        0.0,
        9.0,
        false,
        &format!(
            "Periode {} s.d. {} · Permenpan RB 14/2017 · per {}",
            r.from,
            r.to,
            unit_words(r.by)
        ),
    );
    p.gap(6.0);
    pdf_unit(&mut p, &r.overall);
    p.gap(8.0);
    p.line(0.0, 11.0, true, "Per unit");
    for row in &r.rows {
        let i = row.index.as_ref();
        p.line(0.0, 9.0, false, &row.label);
        p.put(
            190.0,
            9.0,
            false,
            &format!(
                "{} resp. (min. {}{})   IKM {}   {} {}",
                row.respondents,
                row.minimum_sample,
                if row.sample_too_small { ", kurang" } else { "" },
                fmt(i.map(|i| i.ikm_unit), 2),
                row.grade.unwrap_or("–"),
                row.grade_label.unwrap_or("")
            ),
        );
    }
    p.gap(8.0);
    p.line(0.0, 11.0, true, "Profil responden");
    for (title, counts) in profile_parts(r) {
        let text: Vec<String> = counts
            .iter()
            .filter(|c| c.respondents > 0)
            .map(|c| format!("{} {}", c.label, c.respondents))
            .collect();
        p.line(0.0, 9.0, true, title);
        p.wrapped(90.0, 9.0, &text.join(" · "));
    }
    p.gap(8.0);
    p.line(0.0, 11.0, true, "Saran dan masukan");
    for s in &r.suggestions {
        p.line(0.0, 8.0, false, &format!("{} · {}", s.day, s.service));
        p.wrapped(12.0, 9.0, &s.text);
    }
    p.finish()
}

fn unit_words(by: SkmGroup) -> &'static str {
    match by {
        SkmGroup::Service => "layanan",
        SkmGroup::Agency => "instansi",
        SkmGroup::Counter => "loket",
        SkmGroup::Officer => "petugas",
        SkmGroup::Building => "gedung",
    }
}

fn pdf_unit(p: &mut Pdf, row: &SkmRow) {
    p.line(
        0.0,
        10.0,
        false,
        &format!(
            "Responden {} dari {} dilayani; sampel minimum (Krejcie–Morgan) {}{}",
            row.respondents,
            row.population,
            row.minimum_sample,
            if row.sample_too_small {
                " — sampel belum cukup"
            } else {
                ""
            }
        ),
    );
    let Some(i) = &row.index else {
        p.line(0.0, 10.0, false, "Belum ada jawaban.");
        return;
    };
    p.line(0.0, 9.0, true, "Unsur");
    p.put(300.0, 9.0, true, "NRR");
    p.put(360.0, 9.0, true, "NRR × 1/9");
    for (e, el) in ELEMENTS.iter().enumerate() {
        p.line(0.0, 9.0, false, &format!("{} {}", el.code, el.name));
        p.put(300.0, 9.0, false, &fmt(i.nrr[e], 3));
        p.put(360.0, 9.0, false, &fmt(i.weighted[e], 3));
    }
    p.line(
        0.0,
        11.0,
        true,
        &format!(
            "IKM {} · IKM unit {} · Mutu {} · {}",
            fmt(Some(i.ikm), 3),
            fmt(Some(i.ikm_unit), 2),
            i.grade.letter(),
            i.grade.label()
        ),
    );
    p.line(
        0.0,
        9.0,
        false,
        &format!("Unsur terlemah: {}", i.weakest.join(", ")),
    );
}
