//! The full SKM survey in a real headless Chromium the size of a tablet (800 × 1280): the face,
//! the invitation, nine questions one a screen with their progress, the profile, the suggestion,
//! thanks; then the same ticket's survey on the visitor's own page, refused as already taken; and
//! the supervisor's printable report. Screenshots go to `$CARGO_TARGET_TMPDIR/screenshots/`
//! (docs/screenshots/ with `ANTRI_UPDATE_SCREENSHOTS=1`).

mod common;

use antri_testkit::browser::Browser;
use antri_wire::Category;
use common::*;

async fn screenshot(b: &Browser, name: &str) {
    let path = antri_testkit::screenshot_path!(name);
    b.screenshot(&path).await;
    antri_testkit::shots::publish(&path);
}

/// Answer the nine questions on screen: `answers[i]` for U(i+1), checking the progress.
async fn answer_nine(b: &Browser, answers: [u8; 9], shot: Option<&str>) {
    for (i, a) in answers.iter().enumerate() {
        b.wait_text("#survey-progress", &format!("{}/9", i + 1))
            .await;
        if i == 2 {
            // U3 asks about time, with its own four answers.
            let text = b.text("#survey").await;
            for words in ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"] {
                assert!(text.contains(words), "{text}");
            }
            if let Some(name) = shot {
                screenshot(b, name).await;
            }
        }
        b.click(&format!("#survey .survey-answer[data-value='{a}']"))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_takes_the_survey_on_the_tablet_once_and_the_report_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let p1 = officer(&server.client(None), "petugas1").await;

    let b = Browser::start(800, 1280).await;
    b.goto(&format!("{url}/rate/1#token={RATING_1}")).await;
    b.wait_text("#link", "Tersambung").await;

    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();

    // The one-tap face first, then the invitation.
    b.wait_text("#ask-number", &t.ticket.number).await;
    b.click("#ask button.face[data-score='4']").await;
    let invite = b.wait_text("#invite", "9 pertanyaan").await;
    assert!(invite.contains("Take the full survey"), "{invite}");
    assert!(b.text("#thanks").await.contains("SP4N-LAPOR!"));
    b.click("#invite-yes").await;

    // U1..U9: 4 3 3 4 3 4 4 2 3 — and back once, to change U2 from 2 to 3.
    b.wait_text("#survey-progress", "1/9").await;
    b.click("#survey .survey-answer[data-value='4']").await;
    b.wait_text("#survey-progress", "2/9").await;
    b.click("#survey .survey-answer[data-value='2']").await;
    b.wait_text("#survey-progress", "3/9").await;
    b.click("#survey .survey-back").await;
    b.wait_text("#survey-progress", "2/9").await;
    b.click("#survey .survey-answer[data-value='3']").await;
    let rest = [4, 3, 3, 4, 3, 4, 4, 2, 3];
    for (i, a) in rest.iter().enumerate().skip(2) {
        b.wait_text("#survey-progress", &format!("{}/9", i + 1))
            .await;
        if i == 2 {
            screenshot(&b, "skm-survey-tablet.png").await;
        }
        b.click(&format!("#survey .survey-answer[data-value='{a}']"))
            .await;
    }
    // The profile, optional: one answer given.
    b.wait_text("#survey", "Tentang Anda").await;
    b.click("#survey .survey-chip[data-key='female']").await;
    b.click("#survey-next").await;
    b.type_into("#survey-suggestion", "Kursi tunggu ditambah")
        .await;
    b.click("#survey-send").await;
    let thanks = b
        .wait_text("#survey", "Terima kasih atas penilaian Anda")
        .await;
    assert!(thanks.contains("SP4N-LAPOR!"), "{thanks}");

    // The same ticket on the visitor's own page: the answers are refused, already taken.
    b.goto(&format!("{url}/survey/{}", t.tracking_code)).await;
    b.wait_text("#ticket", &t.ticket.number).await;
    b.click("#start").await;
    answer_nine(&b, [1; 9], None).await;
    b.click("#survey-skip").await;
    b.click("#survey-send").await;
    b.wait_text("#survey-error", "sudah diisi").await;

    // The report: one respondent, the tablet's answers: (4+3+3+4+3+4+4+2+3)/9 × 25 = 83.33, B.
    b.goto(&format!("{url}/skm")).await;
    b.type_into("#username", "supervisor").await;
    b.type_into("#password", PASSWORD).await;
    b.click("#login-button").await;
    b.wait_text("#ikm", "83,33").await;
    assert_eq!(b.text("#grade").await, "B");
    b.wait_text("#suggestions", "Kursi tunggu ditambah").await;
    let elements = b.text("#elements").await;
    assert!(elements.contains("U8 Penanganan pengaduan"), "{elements}");
    screenshot(&b, "skm-report.png").await;
    b.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitors_survey_page_waits_for_the_service_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let url = server.url();
    let t = server
        .client(Some(KIOSK))
        .issue("ktp", Category::Regular)
        .await
        .unwrap();
    let b = Browser::start(412, 915).await;
    b.goto(&format!("{url}/survey/{}", t.tracking_code)).await;
    b.wait_text("#intro-error", "setelah layanan Anda selesai")
        .await;
    assert!(b.text("#lapor-line").await.contains("SP4N-LAPOR!"));
    let p1 = officer(&server.client(None), "petugas1").await;
    p1.call_next(1).await.unwrap();
    p1.counter_action(1, "start").await.unwrap();
    p1.counter_action(1, "finish").await.unwrap();
    b.goto(&format!("{url}/survey/{}", t.tracking_code)).await;
    b.click("#start").await;
    answer_nine(
        &b,
        [4, 4, 4, 4, 4, 4, 4, 4, 4],
        Some("skm-survey-phone.png"),
    )
    .await;
    b.click("#survey-skip").await;
    b.click("#survey-send").await;
    b.wait_text("#survey-thanks", "Terima kasih").await;
    let (status, track) = server
        .get_json(&format!("/api/v1/track/{}", t.tracking_code), None)
        .await;
    assert_eq!(
        (status, &track["surveyed"]),
        (200, &serde_json::json!(true))
    );
    b.quit().await;
}
