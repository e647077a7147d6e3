//! Replay is exact (issue 12 item 2): a hall rebuilt from the stored log at any moment — through
//! the real `append_batch` and `load_hall` on a SQLite file — behaves from then on exactly as the
//! hall that never stopped, through admin reconfigurations (priority policy and ratio, a loket's
//! services), day changes in every zone, transfers across lokets, and restarts at random points.
//! After every step both halls must have produced the same events and show the same snapshot.

use std::sync::Arc;

use antri_wire::event::EventKind;
use antri_wire::TicketView;
use chrono::Duration;
use proptest::prelude::*;

use super::log::{append_batch, latest_config, load_hall};
use crate::config::Config;
use crate::queue::tests::{config_with, officer, op, start, to_command, Op};
use crate::queue::{Command, Hall, Reply};

#[derive(Clone, Debug)]
enum Step {
    Queue(Op),
    /// An admin's change: policy ("first" or "ratio"), ratio, and loket 1's services.
    Reconfigure(bool, u32, bool),
    /// The server is killed and started again on the same database.
    Restart,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => op().prop_map(Step::Queue),
        1 => (any::<bool>(), 1u32..=4, any::<bool>()).prop_map(|(f, n, w)| Step::Reconfigure(f, n, w)),
        1 => Just(Step::Restart),
    ]
}

/// What the writer does at start: the newest stored version, else the file.
fn startup_config(conn: &rusqlite::Connection, file: &Arc<Config>) -> Arc<Config> {
    match latest_config(conn).unwrap() {
        None => file.clone(),
        Some((_, _, _, document)) => {
            Arc::new(Config::from_document(serde_json::from_str(&document).unwrap()).unwrap())
        }
    }
}

proptest! {
    // Every step commits to a real file (an fsync each): few cases, each a long day.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn a_restart_at_any_moment_rebuilds_the_hall_that_was_running(
        steps in prop::collection::vec((step(), 0i64..90), 1..160),
        zone in prop::sample::select(vec!["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = super::open_writer(&dir.path().join("antri.db")).unwrap();
        let file = config_with(zone, "ratio", 2, &["s1", "s2"]);
        let mut live = Hall::new(file.clone());
        let mut stored = load_hall(&conn, file.clone()).unwrap();
        let mut now = start();
        let mut issued: Vec<TicketView> = Vec::new();
        for (i, (step, minutes)) in steps.iter().enumerate() {
            now += Duration::minutes(*minutes);
            let cmd_for = |hall: &Hall| -> Option<Command> {
                match step {
                    Step::Queue(op) => Some(to_command(op, &issued)),
                    Step::Reconfigure(first, n, wide) => Some(Command::Reconfigure {
                        base: hall.config().clone(),
                        config: config_with(
                            zone,
                            if *first { "first" } else { "ratio" },
                            *n,
                            if *wide { &["s1", "s2", "s3"] } else { &["s1", "s2"] },
                        ),
                        section: "building".into(),
                        summary: format!("step {i}"),
                    }),
                    Step::Restart => None,
                }
            };
            let Some(cmd) = cmd_for(&live) else {
                // Killed and started again: the hall is whatever the database rebuilds.
                let config = startup_config(&conn, &file);
                stored = load_hall(&conn, config).unwrap();
                prop_assert_eq!(stored.snapshot(now), live.snapshot(now), "right after the restart at step {}", i);
                continue;
            };
            let stored_cmd = cmd_for(&stored).unwrap();
            let a = live.execute(cmd, now, &officer());
            let in_force = stored.config().clone();
            let b = stored.execute(stored_cmd, now, &officer());
            prop_assert_eq!(&a.events, &b.events, "step {}: {:?}", i, step);
            prop_assert_eq!(format!("{:?}", a.result), format!("{:?}", b.result));
            let configs: Vec<(u64, Arc<Config>)> = match &b.result {
                Ok(Reply::Configured(version)) => vec![(*version, stored.config().clone())],
                _ => Vec::new(),
            };
            if !b.events.is_empty() {
                append_batch(&mut conn, &b.events, &configs, &in_force).unwrap();
            }
            for e in &a.events {
                if let EventKind::TicketIssued { ticket } = &e.event.kind {
                    issued.push(ticket.clone());
                }
            }
            prop_assert_eq!(stored.snapshot(now), live.snapshot(now), "after step {}: {:?}", i, step);
        }
    }
}
