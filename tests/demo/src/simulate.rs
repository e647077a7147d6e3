//! A living hall for the demo: six officers log in and serve lokets 1, 3, 5, 7, 9 and 11 at a
//! person's pace, through the same HTTP API the officer console uses, so the display, dashboard
//! and audit log see an ordinary day. Visitors come for what those lokets serve
//! ([`served_services`]): through the kiosk window when there is one (`kiosk::visitors`, so their
//! tickets are printed), otherwise here, through the API as the second kiosk (nothing printed).
//!
//! Bounded: one ticket every 4–12 s, none while 40 or more wait, at most [`MAX_TICKETS`] per run.

use std::collections::HashSet;
use std::time::Duration;

use antri_wire::client::Client;
use antri_wire::{Availability, Category};
use rand::Rng;
use tokio::task::JoinHandle;

pub const VISITOR_TOKEN: &str = "demo-kiosk-2-token";
pub const MAX_TICKETS: u32 = 1000;
/// (username, loket): the first loket of petugas1…petugas6.
pub const OFFICERS: [(&str, u32); 6] = [
    ("petugas1", 1),
    ("petugas2", 3),
    ("petugas3", 5),
    ("petugas4", 7),
    ("petugas5", 9),
    ("petugas6", 11),
];

/// Start the officers, and API visitors when `api_visitors` (no kiosk window takes them).
pub fn start(server: &str, api_visitors: bool) -> Vec<JoinHandle<()>> {
    let mut tasks = Vec::new();
    if api_visitors {
        tasks.push(tokio::spawn(visitors(server.to_string())));
    }
    for (user, loket) in OFFICERS {
        tasks.push(tokio::spawn(officer(server.to_string(), user, loket)));
    }
    tasks
}

async fn pause(secs: std::ops::RangeInclusive<u64>) {
    let s = rand::thread_rng().gen_range(secs);
    tokio::time::sleep(Duration::from_secs(s)).await;
}

fn category() -> Category {
    match rand::thread_rng().gen_range(0..100) {
        0..=84 => Category::Regular,
        85..=92 => Category::Elderly,
        93..=96 => Category::PregnantOrInfant,
        _ => Category::Disability,
    }
}

/// The services the simulated officers' lokets serve: visitors come for these, so queues move.
pub async fn served_services(server: &str) -> Result<HashSet<String>, String> {
    let kiosk = Client::new(server, Some(VISITOR_TOKEN.into()));
    match kiosk.counters().await {
        Ok(cs) => Ok(cs
            .into_iter()
            .filter(|c| OFFICERS.iter().any(|(_, n)| *n == c.number))
            .flat_map(|c| c.services)
            .collect()),
        Err(e) => Err(format!("lokets not readable: {e}")),
    }
}

async fn visitors(server: String) {
    let kiosk = Client::new(&server, Some(VISITOR_TOKEN.into()));
    let served = match served_services(&server).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("antri-demo: simulated visitors stop: {e}");
            return;
        }
    };
    let mut issued = 0;
    while issued < MAX_TICKETS {
        pause(4..=12).await;
        let Ok(hall) = kiosk.services().await else {
            continue;
        };
        let waiting: u32 = hall.services.iter().map(|s| s.waiting).sum();
        if waiting >= 40 {
            continue;
        }
        let open: Vec<_> = hall
            .services
            .iter()
            .filter(|s| served.contains(&s.id) && matches!(s.availability, Availability::Open))
            .collect();
        if open.is_empty() {
            continue;
        }
        let pick = open[rand::thread_rng().gen_range(0..open.len())].id.clone();
        if kiosk.issue(&pick, category()).await.is_ok() {
            issued += 1;
        }
    }
}

async fn officer(server: String, user: &'static str, loket: u32) {
    // Officers arrive over the first half minute, not all at once.
    pause(1..=30).await;
    let anon = Client::new(&server, None);
    let me = match anon.login(user, "antri").await {
        Ok(l) => anon.with_token(l.token),
        Err(e) => {
            eprintln!("antri-demo: simulated officer {user} cannot log in: {e}");
            return;
        }
    };
    let _ = me.counter_action(loket, "open").await;
    loop {
        if me.call_next(loket).await.is_err() {
            // Nobody waiting (or the loket was taken over by a person): look again shortly.
            pause(5..=10).await;
            continue;
        }
        // The visitor walks over; now and then nobody comes, even after a recall.
        pause(4..=10).await;
        if rand::thread_rng().gen_bool(0.1) {
            let _ = me.counter_action(loket, "recall").await;
            pause(8..=15).await;
            let _ = me.counter_action(loket, "no-show").await;
        } else {
            let _ = me.counter_action(loket, "start").await;
            pause(20..=75).await;
            let _ = me.counter_action(loket, "finish").await;
        }
        pause(2..=6).await;
    }
}
