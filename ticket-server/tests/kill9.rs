//! kill -9 of the server process in the middle of load, restart on the same database file: every
//! acknowledged ticket is there, and numbering continues without a gap or a repeat.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use antri_wire::client::Client;
use antri_wire::{Category, EventKind, IssuedTicket};
use common::*;

const SERVICES: [&str; 4] = ["ktp", "skck", "pkb", "npwp"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_tickets_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let mut server = spawn_binary(&db);
    let acked: Arc<Mutex<Vec<IssuedTicket>>> = Arc::default();

    // 16 kiosks issue as fast as they can until the server dies under them.
    let kiosks: Vec<_> = (0..16)
        .map(|k| {
            let c = Client::new(&server.url, Some(KIOSK.into()));
            let acked = acked.clone();
            tokio::spawn(async move {
                for i in 0..10_000usize {
                    match c
                        .issue(SERVICES[(k + i) % SERVICES.len()], Category::Regular)
                        .await
                    {
                        Ok(t) => acked.lock().unwrap().push(t),
                        Err(e) if e.code() == Some("quota_reached") => continue,
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    // Kill once a good number of tickets is acknowledged (bounded by time too).
    for _ in 0..200 {
        if acked.lock().unwrap().len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    for k in kiosks {
        k.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 20,
        "load ran: only {} tickets acknowledged",
        acked.len()
    );
    eprintln!("{} tickets acknowledged before kill -9", acked.len());

    let mut server = spawn_binary(&db);
    let anon = Client::new(&server.url, None);
    // Every acknowledged ticket is there, with its number.
    for t in &acked {
        let view = anon
            .track(&t.tracking_code)
            .await
            .unwrap_or_else(|e| panic!("acknowledged ticket {} lost: {e}", t.ticket.number));
        assert_eq!(view.number, t.ticket.number);
    }
    // What the log holds per service is exactly 001..k (nothing twice, no hole)…
    let sup = officer(&anon, "supervisor").await;
    let mut stored: HashMap<String, Vec<u32>> = HashMap::new();
    let mut after = 0;
    loop {
        let page: Vec<antri_wire::Event> = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/log?after={after}&limit=1000",
                server.url
            ))
            .bearer_auth(login_token(&sup))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in page {
            if let EventKind::TicketIssued { ticket } = e.kind {
                let n = ticket.number.rsplit_once('-').unwrap().1.parse().unwrap();
                stored.entry(ticket.service).or_default().push(n);
            }
        }
    }
    // …and the next ticket continues right after it.
    let kiosk = Client::new(&server.url, Some(KIOSK.into()));
    for s in SERVICES {
        let mut ns = stored.remove(s).unwrap_or_default();
        ns.sort();
        assert_eq!(
            ns,
            (1..=ns.len() as u32).collect::<Vec<_>>(),
            "stored numbers of {s}"
        );
        let next = kiosk.issue(s, Category::Regular).await.unwrap();
        let n: u32 = next
            .ticket
            .number
            .rsplit_once('-')
            .unwrap()
            .1
            .parse()
            .unwrap();
        assert_eq!(
            n as usize,
            ns.len() + 1,
            "numbering of {s} continues after restart"
        );
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

/// The bearer token a logged-in client carries (for raw requests).
fn login_token(c: &Client) -> String {
    c.token().expect("logged in").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("antri.db");
    let mut first = spawn_binary(&db);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ticket-server"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already in use by another ticket server"),
        "{stderr}"
    );
    // After kill -9 the OS releases the lock: a new server starts.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let mut again = spawn_binary(&db);
    Client::new(&again.url, None).health().await.unwrap();
    again.child.kill().unwrap();
    again.child.wait().unwrap();
}
