//! 32 kiosks issue while 8 lokets call concurrently, against a real server: no number twice,
//! no ticket at two lokets, nothing lost.

mod common;

use std::collections::{HashMap, HashSet};

use antri_wire::{Category, TicketStatus};
use common::*;

const KIOSKS: usize = 32;
const TICKETS_PER_KIOSK: usize = 15;
/// Services of lokets 1–8 in the sample building.
const SERVICES: [&str; 9] = [
    "ktp",
    "kk",
    "kia",
    "akta-lahir",
    "pindah",
    "paspor-baru",
    "paspor-ganti",
    "pkb",
    "stnk",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosks_and_lokets_together_never_duplicate_or_lose_a_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in_process(&dir.path().join("antri.db")).await;
    let anon = server.client(None);

    let kiosks: Vec<_> = (0..KIOSKS)
        .map(|k| {
            let c = server.client(Some(KIOSK));
            tokio::spawn(async move {
                let mut got = Vec::new();
                for i in 0..TICKETS_PER_KIOSK {
                    let service = SERVICES[(k * 7 + i) % SERVICES.len()];
                    let cat = if i % 5 == 0 {
                        Category::Elderly
                    } else {
                        Category::Regular
                    };
                    got.push(c.issue(service, cat).await.expect("issue succeeds"));
                }
                got
            })
        })
        .collect();

    // Officers petugas1..4 hold lokets 1..8.
    let mut lokets = Vec::new();
    for o in 1..=4u32 {
        let c = officer(&anon, &format!("petugas{o}")).await;
        for n in [2 * o - 1, 2 * o] {
            let c = c.clone();
            lokets.push(tokio::spawn(async move {
                let mut called = Vec::new();
                let mut idle_rounds = 0;
                // Keep calling until the kiosks are done and the queue stays empty for a while.
                while idle_rounds < 40 {
                    match c.call_next(n).await {
                        Ok(r) => {
                            idle_rounds = 0;
                            let t = r.ticket.expect("call-next answers with the ticket");
                            assert_eq!(t.counter, Some(n));
                            called.push(t);
                            c.counter_action(n, "finish")
                                .await
                                .expect("finish the called ticket");
                        }
                        Err(e) if e.code() == Some("queue_empty") => {
                            idle_rounds += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                        }
                        Err(e) => panic!("loket {n}: {e}"),
                    }
                }
                called
            }));
        }
    }

    let mut issued = Vec::new();
    for k in kiosks {
        issued.extend(k.await.unwrap());
    }
    let mut called = Vec::new();
    for l in lokets {
        called.extend(l.await.unwrap());
    }

    assert_eq!(issued.len(), KIOSKS * TICKETS_PER_KIOSK);
    let numbers: HashSet<&str> = issued.iter().map(|t| t.ticket.number.as_str()).collect();
    assert_eq!(numbers.len(), issued.len(), "a number was handed out twice");
    // Per service the numbers are exactly 001..n: no gap, no repeat.
    let mut per_service: HashMap<&str, Vec<u32>> = HashMap::new();
    for t in &issued {
        let n: u32 = t.ticket.number.rsplit_once('-').unwrap().1.parse().unwrap();
        per_service
            .entry(t.ticket.service.as_str())
            .or_default()
            .push(n);
    }
    for (s, mut ns) in per_service {
        ns.sort();
        assert_eq!(
            ns,
            (1..=ns.len() as u32).collect::<Vec<_>>(),
            "numbers of {s}"
        );
    }
    // Every ticket was called exactly once, by exactly one loket.
    let called_ids: Vec<u64> = called.iter().map(|t| t.id).collect();
    let distinct: HashSet<u64> = called_ids.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        called_ids.len(),
        "a ticket was called by two lokets"
    );
    let issued_ids: HashSet<u64> = issued.iter().map(|t| t.ticket.id).collect();
    assert_eq!(distinct, issued_ids, "a ticket was lost or invented");
    // And the server agrees: every ticket is done.
    for t in issued.iter().step_by(7) {
        let view = anon.track(&t.tracking_code).await.unwrap();
        assert_eq!(view.status, TicketStatus::Done, "{}", t.ticket.number);
    }
    server.stop().await;
}
