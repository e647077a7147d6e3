//! The live side: the event subscription feeding the hall model, the speech queue and the screen.
//!
//! [`Controller`] is the display's state (model, server clock, offline tracking) with time passed
//! in, so tests drive it without waiting. [`run`] is the async loop: it consumes
//! `antri_wire::client::Client::subscribe` (which reconnects by itself and resumes after the last
//! sequence number it delivered, so no call is lost across a network or server hiccup), ticks once a
//! second for the clock and the offline mark, and hands each changed [`Frame`] to the UI. It runs on
//! its own thread with its own tokio runtime ([`spawn`]): network work never runs on the UI thread.

use std::future::Future;
use std::time::Duration;

use antri_wire::client::{Client, StreamItem};
use antri_wire::event::StreamMessage;
use antri_wire::EventKind;
use chrono::{DateTime, Utc};

use crate::adapter::Frame;
use crate::clock::ServerClock;
use crate::hall::HallModel;
use crate::speech::queue::Announcement;

/// The display's state between stream items.
pub struct Controller {
    pub model: HallModel,
    clock: ServerClock,
    /// The display's own loket in loket mode; `None` for the hall display.
    loket: Option<u32>,
    running_text: String,
    offline_after: chrono::Duration,
    /// Since when the server has been unreachable (`Some` from start until the first connect).
    unreachable_since: Option<DateTime<Utc>>,
}

impl Controller {
    /// `loket`: the display's own loket in loket mode ([`crate::config::Config::own_loket`]),
    /// `None` for the hall display.
    pub fn new(
        loket: Option<u32>,
        running_text: String,
        offline_after: Duration,
        now: DateTime<Utc>,
    ) -> Controller {
        Controller {
            model: HallModel::new(),
            clock: ServerClock::default(),
            loket,
            running_text,
            offline_after: chrono::Duration::from_std(offline_after)
                .unwrap_or(chrono::Duration::seconds(5)),
            unreachable_since: Some(now),
        }
    }

    /// Apply one item of the subscription received at local time `now`; returns calls to speak.
    ///
    /// One voice per call: the hall display speaks every call; a loket display speaks only the
    /// calls to its own loket, so a loket display with a speaker never repeats the hall's
    /// loudspeakers for the other lokets. (The screens still show every call.)
    pub fn handle(&mut self, item: &StreamItem, now: DateTime<Utc>) -> Vec<Announcement> {
        match item {
            StreamItem::Connected => self.unreachable_since = None,
            StreamItem::Disconnected => {
                self.unreachable_since.get_or_insert(now);
            }
            StreamItem::Message(StreamMessage::Snapshot(s)) => {
                self.clock = ServerClock::observe(s.building.now, now);
            }
            StreamItem::Message(_) => {}
        }
        let mut calls = self.model.apply_item(item, self.clock.now(now));
        if let Some(own) = self.loket {
            calls.retain(|call| call.counter == own);
        }
        calls
    }

    /// What the screens show at local time `now`.
    pub fn frame(&self, now: DateTime<Utc>) -> Frame {
        let server_now = self.clock.now(now);
        let abbrev = self
            .model
            .building()
            .map(|b| b.timezone_abbrev.as_str())
            .unwrap_or("WIB");
        Frame {
            hall: self.model.hall_view(),
            loket: self.loket.map(|n| self.model.loket_view(n)),
            date: antri_wire::calendar::indonesian_date(&server_now),
            time: antri_wire::calendar::clock_in_zone(&server_now, abbrev),
            offline: self
                .unreachable_since
                .is_some_and(|since| now - since >= self.offline_after),
            running_text: self.running_text.clone(),
        }
    }
}

/// Subscribe and keep the screen and the speech queue fed until `shutdown` completes.
pub async fn run(
    client: Client,
    mut controller: Controller,
    mut on_frame: impl FnMut(Frame),
    mut on_call: impl FnMut(Announcement),
    shutdown: impl Future<Output = ()>,
) {
    let mut rx = client.subscribe(None);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut last: Option<Frame> = None;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            item = rx.recv() => {
                let Some(item) = item else { return };
                for call in controller.handle(&item, Utc::now()) {
                    on_call(call);
                }
                if is_config_change(&item) {
                    // Lokets or services were added, removed or renamed: read them again. A
                    // failure here is left to the next change or the next reconnect's snapshot.
                    if let (Ok(services), Ok(counters)) =
                        tokio::join!(client.services(), client.counters())
                    {
                        controller.model.refresh_config(&services, &counters);
                    }
                }
            }
            _ = tick.tick() => {}
        }
        let frame = controller.frame(Utc::now());
        if last.as_ref() != Some(&frame) {
            on_frame(frame.clone());
            last = Some(frame);
        }
    }
}

fn is_config_change(item: &StreamItem) -> bool {
    matches!(item, StreamItem::Message(StreamMessage::Event(e))
        if matches!(e.kind, EventKind::ConfigChanged { .. }))
}

/// [`run`] on a thread of its own with a single-threaded tokio runtime (the display's network work
/// is one stream; a second core is better left to the renderer).
pub fn spawn(
    client: Client,
    controller: Controller,
    on_frame: impl FnMut(Frame) + Send + 'static,
    on_call: impl FnMut(Announcement) + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("events".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    tracing::error!(error = %e, "cannot start the event runtime");
                    return;
                }
            };
            rt.block_on(run(
                client,
                controller,
                on_frame,
                on_call,
                std::future::pending(),
            ));
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn at(secs: i64) -> DateTime<Utc> {
        "2026-11-24T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::seconds(secs)
    }

    #[test]
    fn offline_mark_only_after_a_few_seconds_unreachable() {
        let mut c = Controller::new(None, String::new(), Duration::from_secs(5), at(0));
        assert!(!c.frame(at(4)).offline, "just started");
        assert!(c.frame(at(5)).offline, "never reached the server");
        c.handle(&StreamItem::Connected, at(6));
        assert!(!c.frame(at(6)).offline);
        c.handle(&StreamItem::Disconnected, at(10));
        c.handle(&StreamItem::Disconnected, at(12)); // retries do not restart the count
        assert!(!c.frame(at(14)).offline, "a blip is not worth a mark");
        assert!(c.frame(at(15)).offline);
        c.handle(&StreamItem::Connected, at(16));
        assert!(!c.frame(at(16)).offline);
    }

    #[test]
    fn the_clock_shows_the_servers_time_in_the_buildings_zone() {
        let mut c = Controller::new(None, String::new(), Duration::from_secs(5), at(0));
        // The display's own clock is an hour and a bit off; the server says 09:00 WIB.
        let snap = demo::building(3, 5);
        c.handle(
            &StreamItem::Message(StreamMessage::Snapshot(Box::new(snap))),
            at(0),
        );
        let f = c.frame(at(125));
        assert_eq!(
            (f.date.as_str(), f.time.as_str()),
            ("Selasa, 24 November 2026", "09.02 WIB")
        );
    }

    /// What a display with its own loket `loket` (`None`: the hall) speaks of `calls`.
    fn spoken_by(loket: Option<u32>, calls: &[(&str, u32)]) -> Vec<(String, u32)> {
        let mut c = Controller::new(loket, String::new(), Duration::from_secs(5), at(0));
        let snap = demo::building(3, 5);
        c.handle(
            &StreamItem::Message(StreamMessage::Snapshot(Box::new(snap))),
            at(0),
        );
        let t = demo::opening_time();
        let mut said = Vec::new();
        for (i, (n, loket)) in calls.iter().enumerate() {
            let e = demo::call(101 + i as u64, t, n, "svc-ktp", *loket, false);
            said.extend(c.handle(
                &StreamItem::Message(StreamMessage::Event(Box::new(e))),
                at(1),
            ));
        }
        said.into_iter().map(|a| (a.number, a.counter)).collect()
    }

    #[test]
    fn a_loket_display_speaks_only_its_own_calls_and_the_hall_speaks_all() {
        let calls = [("KK-001", 3), ("KTP-001", 1)];
        let own = |n: &str, l| vec![(n.to_string(), l)];
        assert_eq!(
            spoken_by(Some(1), &calls),
            own("KTP-001", 1),
            "the loket-1 display is silent for loket 3's call"
        );
        assert_eq!(spoken_by(Some(3), &calls), own("KK-001", 3));
        assert_eq!(
            spoken_by(Some(2), &calls),
            vec![],
            "no call to loket 2: it says nothing"
        );
        assert_eq!(
            spoken_by(None, &calls),
            [own("KK-001", 3), own("KTP-001", 1)].concat(),
            "the hall speaks every call"
        );
    }

    #[test]
    fn a_loket_display_still_shows_a_call_it_does_not_speak() {
        let mut c = Controller::new(Some(1), String::new(), Duration::from_secs(5), at(0));
        let snap = demo::building(3, 5);
        c.handle(
            &StreamItem::Message(StreamMessage::Snapshot(Box::new(snap))),
            at(0),
        );
        let e = demo::call(101, demo::opening_time(), "KK-001", "svc-ktp", 3, false);
        let said = c.handle(
            &StreamItem::Message(StreamMessage::Event(Box::new(e))),
            at(1),
        );
        assert!(said.is_empty());
        let f = c.frame(at(1));
        assert_eq!(f.loket.unwrap().current, "", "loket 1 has called nobody");
        assert_eq!(f.hall.newest.unwrap().number, "KK-001");
    }

    #[test]
    fn calls_are_announced_from_the_stream_in_order() {
        let mut c = Controller::new(None, String::new(), Duration::from_secs(5), at(0));
        let snap = demo::building(3, 5);
        c.handle(
            &StreamItem::Message(StreamMessage::Snapshot(Box::new(snap))),
            at(0),
        );
        let t = demo::opening_time();
        let mut said = Vec::new();
        for (i, (n, loket)) in [("KTP-001", 1), ("KK-001", 2), ("KTP-001", 1)]
            .iter()
            .enumerate()
        {
            let e = demo::call(101 + i as u64, t, n, "svc-ktp", *loket, i == 2);
            said.extend(c.handle(
                &StreamItem::Message(StreamMessage::Event(Box::new(e))),
                at(1),
            ));
        }
        let order: Vec<_> = said
            .iter()
            .map(|a| (a.number.as_str(), a.counter, a.recall))
            .collect();
        assert_eq!(
            order,
            [
                ("KTP-001", 1, false),
                ("KK-001", 2, false),
                ("KTP-001", 1, true)
            ]
        );
        assert_eq!(c.frame(at(1)).hall.newest.unwrap().number, "KTP-001");
    }
}
