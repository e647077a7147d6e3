//! Alerts for the supervisor, decided like everything else in the hall: at each tick the causes
//! that hold now are worked out from the hall and the moment (pure), compared with the alerts in
//! force, and the difference becomes events — `alert_raised` for a new cause, `alert_cleared` for
//! one that is gone. So each cause is raised once, however many ticks see it, and a restart
//! rebuilds the alerts in force from the log like the rest of the hall.
//!
//! Causes: a service's longest wait past its target; a loket paused longer than
//! `alerts.pause_limit_minutes`; a kiosk's printer with a fault or paper near its end; a device
//! without a live connection for `alerts.device_silent_seconds` while the building is open (the
//! caller knows the connections and passes the silent ones in); a quota with
//! `alerts.quota_low_percent` or less left.

use std::collections::{BTreeMap, BTreeSet};

use antri_wire::alert::{Alert, AlertKind};
use antri_wire::event::Actor;
use antri_wire::{CounterState, DeviceKind, EventKind, PrinterStatus, Text};
use chrono::{DateTime, Utc};

use super::decide::Cx;
use super::Hall;

/// One cause: its kind and what it is about (service id, loket number, device id).
pub type Cause = (AlertKind, String);

impl Hall {
    /// Whether the building is inside its opening hours at `now` (devices are expected then).
    fn building_open(&self, now: DateTime<Utc>) -> bool {
        let local = self.config.building.zone.local(now).naive_local();
        use chrono::Datelike;
        self.config
            .building
            .hours
            .on(local.weekday())
            .is_some_and(|(open, close)| open <= local.time() && local.time() < close)
    }

    /// The causes that hold at `now`, each with its message for the supervisor.
    pub fn alert_causes(
        &self,
        now: DateTime<Utc>,
        silent: &BTreeSet<String>,
    ) -> BTreeMap<Cause, Text> {
        let mut causes = BTreeMap::new();
        let rules = &self.config.alerts;
        let minutes = |secs: i64| (secs / 60).max(0);
        for s in &self.config.services {
            if let Some(oldest) = self.oldest_waiting(&s.id) {
                let waited = (now - oldest).num_seconds();
                if s.target_wait_secs > 0 && waited > i64::from(s.target_wait_secs) {
                    let (m, target) = (minutes(waited), s.target_wait_secs / 60);
                    causes.insert(
                        (AlertKind::WaitOverTarget, s.id.clone()),
                        Text {
                            id: format!(
                                "{}: tunggu terlama {m} menit, melewati target {target} menit",
                                s.name.id
                            ),
                            en: format!(
                                "{}: longest wait {m} min, past its {target} min target",
                                s.name.en
                            ),
                        },
                    );
                }
            }
            if let Some(quota) = s.quota {
                let left = quota.saturating_sub(self.issued_today(&s.id));
                if u64::from(left) * 100 <= u64::from(quota) * u64::from(rules.quota_low_percent) {
                    causes.insert(
                        (AlertKind::QuotaLow, s.id.clone()),
                        Text {
                            id: format!("{}: kuota tinggal {left} dari {quota}", s.name.id),
                            en: format!("{}: {left} of its quota of {quota} left", s.name.en),
                        },
                    );
                }
            }
        }
        for (n, rt) in &self.counters {
            if let CounterState::Paused { since, .. } = &rt.view.state {
                let paused = (now - since.with_timezone(&Utc)).num_seconds();
                if paused > i64::from(rules.pause_limit_secs) {
                    let (m, limit) = (minutes(paused), rules.pause_limit_secs / 60);
                    causes.insert(
                        (AlertKind::PausedTooLong, n.to_string()),
                        Text {
                            id: format!("Loket {n} jeda {m} menit (batas {limit} menit)"),
                            en: format!("Loket {n} paused for {m} min (limit {limit} min)"),
                        },
                    );
                }
            }
        }
        for d in self.devices.values() {
            let printer = d.report.as_ref().map(|r| r.printer);
            if d.kind == DeviceKind::Kiosk {
                if let Some(p) = printer.filter(|p| *p != PrinterStatus::Ok) {
                    let (id, en) = printer_words(p);
                    causes.insert(
                        (AlertKind::Printer, d.id.clone()),
                        Text {
                            id: format!("{}: printer {id}", d.name),
                            en: format!("{}: printer {en}", d.name),
                        },
                    );
                }
            }
        }
        if self.building_open(now) {
            let secs = rules.device_silent_secs;
            for d in self.devices.values().filter(|d| silent.contains(&d.id)) {
                causes.insert(
                    (AlertKind::DeviceSilent, d.id.clone()),
                    Text {
                        id: format!("{} tidak tersambung lebih dari {secs} detik", d.name),
                        en: format!("{} not connected for over {secs} s", d.name),
                    },
                );
            }
        }
        causes
    }

    /// Raise the causes not yet in force, clear the alerts whose cause is gone.
    pub(super) fn check_alerts(&mut self, cx: &mut Cx, silent: &BTreeSet<String>) {
        let causes = self.alert_causes(cx.now, silent);
        let gone: Vec<u64> = self
            .alerts
            .values()
            .filter(|a| !causes.contains_key(&(a.kind, a.subject.clone())))
            .map(|a| a.id)
            .collect();
        for id in gone {
            self.emit_as(cx, EventKind::AlertCleared { id }, &Actor::system());
        }
        let in_force: BTreeSet<Cause> = self
            .alerts
            .values()
            .map(|a| (a.kind, a.subject.clone()))
            .collect();
        for ((kind, subject), message) in causes {
            if in_force.contains(&(kind, subject.clone())) {
                continue;
            }
            let alert = Alert {
                // The raising event's sequence number: unique, and known before it is recorded.
                id: self.seq + 1,
                kind,
                subject,
                message,
                raised_at: self.config.building.zone.local(cx.now),
                acknowledged_by: None,
                acknowledged_at: None,
            };
            self.emit_as(cx, EventKind::AlertRaised { alert }, &Actor::system());
        }
    }

    pub(super) fn acknowledge_alert(
        &mut self,
        cx: &mut Cx,
        id: u64,
    ) -> Result<super::Reply, super::QueueError> {
        let alert = self
            .alerts
            .get(&id)
            .ok_or(super::QueueError::UnknownAlert(id))?;
        if let Some(by) = &alert.acknowledged_by {
            return Err(super::QueueError::AlreadyAcknowledged { id, by: by.clone() });
        }
        self.emit(cx, EventKind::AlertAcknowledged { id });
        Ok(super::Reply::Alert(Box::new(self.alerts[&id].clone())))
    }

    /// The alerts in force, oldest first.
    pub fn alerts(&self) -> Vec<Alert> {
        self.alerts.values().cloned().collect()
    }

    pub fn alert(&self, id: u64) -> Option<&Alert> {
        self.alerts.get(&id)
    }
}

fn printer_words(p: PrinterStatus) -> (&'static str, &'static str) {
    match p {
        PrinterStatus::Ok => ("baik", "fine"),
        PrinterStatus::PaperNearEnd => ("kertas hampir habis", "paper near its end"),
        PrinterStatus::PaperOut => ("kertas habis", "out of paper"),
        PrinterStatus::CoverOpen => ("tutup terbuka", "cover open"),
        PrinterStatus::Offline => ("offline", "offline"),
        PrinterStatus::Disconnected => ("terputus", "disconnected"),
        PrinterStatus::Error => ("rusak", "error"),
    }
}
