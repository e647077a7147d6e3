//! The one-command demo on a machine without a display: `antri-demo --simulate` with $DISPLAY
//! unset brings up the server, the printer emulator and the simulated hall, says plainly that there
//! are no windows, its printed URLs answer, and Ctrl-C stops it with no child left behind and the
//! database closed.

mod common;

use std::net::TcpStream;
use std::time::Duration;

use antri_wire::client::Client;
use antri_wire::StatsGroup;
use common::*;

#[test]
fn launcher_starts_and_stops_cleanly_without_a_display() {
    let mut demo = Demo::start(None, &["--simulate"]);
    let out = demo.output();
    assert!(out.contains("NO DISPLAY"), "says there is no display:\n{out}");
    assert!(!out.contains("NO PRINTER"), "the emulator runs:\n{out}");

    // Every URL it prints answers.
    let officer = word_after(&out, "officer console").expect("officer console URL");
    let dashboard = word_after(&out, "dashboard").expect("dashboard URL");
    assert_eq!(officer, format!("{}/officer", demo.url));
    assert_eq!(dashboard, format!("{}/dashboard", demo.url));
    for (url, marker) in [
        (format!("{}/healthz", demo.url), ""),
        (officer, "<html"),
        (dashboard, "<html"),
    ] {
        let (status, body) = block_on(async {
            let r = reqwest::get(&url).await.expect("answers");
            (r.status(), r.text().await.unwrap())
        });
        assert!(status.is_success(), "{url}: {status}");
        assert!(body.to_lowercase().contains(marker), "{url}: {body:.200}");
    }
    assert!(out.contains(&format!("{}/", demo.path("tickets").display())));
    assert!(demo.path("tickets").is_dir(), "the tickets folder exists");
    assert!(
        out.contains("supervisor / antri") && out.contains("petugas1"),
        "{out}"
    );

    // The simulation: a visitor's ticket reaches the dashboard's figures (the logins it prints
    // work, too).
    let supervisor = block_on(async {
        let c = Client::new(&demo.url, None);
        let l = c.login("supervisor", "antri").await.expect("the printed login works");
        c.with_token(l.token)
    });
    let day = DAY.parse().unwrap();
    let issued = wait_for("a simulated visitor's ticket", Duration::from_secs(30), || {
        let s = block_on(supervisor.stats(day, day, StatsGroup::Service)).ok()?;
        let n: u64 = s.rows.iter().map(|r| r.issued).sum();
        (n > 0).then_some(n)
    });
    assert!(issued >= 1);

    let children = descendants(demo.pid);
    assert!(!children.is_empty(), "the printer emulator runs as a child");
    let status = demo.interrupt();
    assert!(status.success(), "exits cleanly on Ctrl-C: {status}");
    let out = demo.output();
    assert!(out.contains("database closed"), "{out}");
    for pid in children {
        assert!(!alive(pid), "child {pid} is still running after Ctrl-C");
    }
    let port = demo.url.rsplit(':').next().unwrap().parse::<u16>().unwrap();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "the server is gone");
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    assert!(
        !demo.path("antri.db-wal").exists(),
        "the database was closed (its WAL folded in)"
    );
    let db = rusqlite::Connection::open(demo.path("antri.db")).unwrap();
    let tickets: i64 = db
        .query_row(
            "SELECT count(*) FROM events WHERE type = 'ticket_issued'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        tickets as u64 >= issued,
        "every ticket the dashboard counted is on disk"
    );
}
