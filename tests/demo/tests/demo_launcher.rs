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
    assert!(
        out.contains("NO DISPLAY"),
        "says there is no display:\n{out}"
    );
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
        let l = c
            .login(antri_testkit::SUPERVISOR, antri_testkit::PASSWORD)
            .await
            .expect("the printed login works");
        c.with_token(l.token)
    });
    let day = DAY.parse().unwrap();
    let issued = wait_for(
        "a simulated visitor's ticket",
        Duration::from_secs(30),
        || {
            let s = block_on(supervisor.stats(day, day, StatsGroup::Service)).ok()?;
            let n: u64 = s.rows.iter().map(|r| r.issued).sum();
            (n > 0).then_some(n)
        },
    );
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
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server is gone"
    );
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

/// With a display, the kiosk and hall display windows come up (the real programs, as children of
/// the launcher); SIGTERM stops them like Ctrl-C. And if the launcher itself is killed outright,
/// its windows do not outlive it.
#[test]
fn with_a_display_both_windows_come_up_and_go_with_the_launcher() {
    let x = xvfb();
    let mut demo = Demo::start(Some(&x.display), &["--quiet"]);
    let out = demo.output();
    assert!(
        out.contains("windows          kiosk, hall display"),
        "{out}"
    );
    assert!(!out.contains("NO DISPLAY"), "{out}");
    wait_for("the kiosk window", Duration::from_secs(30), || {
        demo.log("kiosk")
            .contains("first frame: event loop running, window shown")
            .then_some(())
    });
    // Kiosk and display both hold the server's event stream.
    let metrics = format!("{}/metrics", demo.url);
    wait_for(
        "kiosk and display to subscribe",
        Duration::from_secs(30),
        || {
            let m = block_on(async { reqwest::get(&metrics).await.ok()?.text().await.ok() })?;
            m.lines()
                .find_map(|l| l.strip_prefix("antri_event_subscribers "))
                .and_then(|n| n.trim().parse::<u32>().ok())
                .filter(|n| *n >= 2)
        },
    );
    let children = descendants(demo.pid);
    assert!(children.len() >= 3, "printer, kiosk, display: {children:?}");

    // SIGTERM (a service manager's stop) ends it all, like Ctrl-C.
    signal(demo.pid, "TERM");
    let status = demo.wait_exit();
    assert!(status.success(), "{status}");
    assert!(demo.output().contains("SIGTERM: stopping"));
    for pid in children {
        assert!(!alive(pid), "child {pid} still running after SIGTERM");
    }

    // Killed outright (no chance to clean up): the windows notice their launcher is gone.
    let mut demo = Demo::start(Some(&x.display), &["--quiet"]);
    wait_for("the kiosk window", Duration::from_secs(30), || {
        demo.log("kiosk").contains("first frame").then_some(())
    });
    let children = descendants(demo.pid);
    let windows: Vec<u32> = children
        .iter()
        .copied()
        .filter(|p| {
            std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                .is_ok_and(|c| c.contains("--config") && !c.contains("emupos"))
        })
        .collect();
    assert_eq!(windows.len(), 2, "kiosk and display among {children:?}");
    signal(demo.pid, "KILL");
    demo.wait_exit();
    // The printer emulator is a third-party program without such a watch: the test ends it.
    for p in children.iter().filter(|p| !windows.contains(p)) {
        signal_quietly(*p, rustix::process::Signal::TERM);
    }
    wait_for("the windows to close", Duration::from_secs(10), || {
        windows.iter().all(|p| !alive(*p)).then_some(())
    });
}

/// No printer emulator to be had: the demo says so and runs the rest, the kiosk showing numbers on
/// screen (the kiosk tests cover that screen).
#[test]
fn without_the_printer_emulator_it_says_so_and_runs_the_rest() {
    let mut demo = Demo::start_with(None, &[], &[("ANTRI_EMUPOS", "/nonexistent/emupos")]);
    let out = demo.output();
    assert!(
        out.contains("NO PRINTER")
            && out.contains("ANTRI_EMUPOS=/nonexistent/emupos does not exist"),
        "{out}"
    );
    assert!(out.contains("printed tickets  none"), "{out}");
    let health = format!("{}/healthz", demo.url);
    assert!(block_on(async { reqwest::get(&health).await.unwrap().status() }).is_success());
    assert!(
        descendants(demo.pid).is_empty(),
        "no children without printer or display"
    );
    assert!(demo.interrupt().success());
}

/// The launcher finds its assets at run time; pointed at a folder that is not Antri's assets it
/// stops at once, says which option to fix, and has touched nothing.
#[test]
fn a_wrong_assets_folder_is_named_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_antri-demo"))
        .args(["--listen", "127.0.0.1:0", "--assets"])
        .arg(dir.path())
        .arg("--data-dir")
        .arg(&data)
        .env_remove("DISPLAY")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("antri-demo runs");
    assert!(!out.status.success(), "{:?}", out.status);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("--assets {}", dir.path().display()))
            && err.contains("antri.example.toml"),
        "{err}"
    );
    assert!(!data.exists(), "nothing was created");
}
