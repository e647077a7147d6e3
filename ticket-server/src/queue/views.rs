//! Read views of the hall: what kiosks, displays, officers, visitors and the dashboard are shown.
//! Nothing here changes the hall. Every view a request asks for costs at most the log of the
//! queue's length (positions come from the queue's [`RankedSet`](super::ranked::RankedSet)), or
//! the size of what it returns (`waiting_tickets`), never a walk over the day.

use antri_wire::event::CallView;
use antri_wire::*;
use chrono::{DateTime, Utc};

use super::ranked::RankedSet;
use super::{availability, Hall, Key};
use crate::config::{PriorityPolicy, Service};

impl Hall {
    /// The rating of a ticket of today, if it has one.
    pub fn rating_of(&self, ticket_id: u64) -> Option<u8> {
        self.rated.get(&ticket_id).copied()
    }

    /// A ticket of today by its id.
    pub fn ticket(&self, id: u64) -> Option<&TicketView> {
        self.tickets.get(&id)
    }

    /// Since when the longest-waiting visitor of a service has waited: the head of its queue, or a
    /// booked visitor who checked in before their session's start (their place in the queue is
    /// the session's start, but their wait runs from the check-in, as the statistics count it).
    pub fn oldest_waiting(&self, service: &str) -> Option<DateTime<Utc>> {
        let q = self.queues.get(service)?;
        let head = [q.regular.first(), q.priority.first()]
            .into_iter()
            .flatten()
            .map(|(t, _)| *t)
            .min();
        // Only a queue that holds booked visitors is walked (its count is kept by `put_ticket`),
        // so most services, and every hall without booking, cost nothing here.
        let checked_in_early = (q.booked > 0)
            .then(|| {
                q.regular
                    .iter()
                    .chain(q.priority.iter())
                    .filter_map(|(_, id)| self.tickets.get(id))
                    .filter(|t| t.booked.is_some())
                    .map(|t| t.issued_at.with_timezone(&Utc))
                    .min()
            })
            .flatten();
        head.into_iter().chain(checked_in_early).min()
    }

    pub fn issued_today(&self, service: &str) -> u32 {
        self.issued.get(service).copied().unwrap_or(0)
    }

    pub fn waiting_count(&self, service: &str) -> u32 {
        self.queues.get(service).map_or(0, |q| q.len() as u32)
    }

    /// Of those waiting, the booked visitors.
    pub fn waiting_booked(&self, service: &str) -> u32 {
        self.queues.get(service).map_or(0, |q| q.booked)
    }

    pub(super) fn availability_of(&self, service: &Service, now: DateTime<Utc>) -> Availability {
        let local = self.config.building.zone.local(now).naive_local();
        let issued = self.issued.get(&service.id).copied().unwrap_or(0);
        availability(service, local, issued)
    }

    /// How many tickets will be called before `t` by the current order of its service's queue.
    pub fn ahead_of(&self, t: &TicketView) -> u32 {
        let Some(q) = self.queues.get(&t.service) else {
            return 0;
        };
        let key = (t.queued_at.with_timezone(&Utc), t.id);
        // O(log n) each: see `ranked` for why not a count over the queue.
        let earlier = |set: &RankedSet<Key>| set.rank(&key) as u32;
        match (self.config.queue.priority, t.category.is_priority()) {
            (PriorityPolicy::First, true) => earlier(&q.priority),
            (PriorityPolicy::First, false) => q.priority.len() as u32 + earlier(&q.regular),
            (PriorityPolicy::Ratio(_), _) => earlier(&q.priority) + earlier(&q.regular),
        }
    }

    /// Seconds until a ticket with `ahead` tickets before it is called: the work ahead, shared by
    /// the open lokets that serve the service. Uses today's measured service time once there are
    /// enough measurements, the configured one before that.
    pub fn estimate(&self, service: &Service, ahead: u32) -> u32 {
        let per = match self.service_time.get(&service.id) {
            Some(&(sum, n)) if n >= 5 => (sum / n as u64) as u32,
            _ => service.service_secs,
        };
        let open = self
            .counters
            .values()
            .filter(|rt| {
                rt.view.state == CounterState::Open && rt.view.services.contains(&service.id)
            })
            .count()
            .max(1) as u32;
        // In u64: a long queue times a long service time does not fit in u32 seconds.
        u32::try_from(u64::from(ahead) * u64::from(per) / u64::from(open)).unwrap_or(u32::MAX)
    }

    pub fn service_view(&self, service: &Service, now: DateTime<Utc>) -> ServiceView {
        let waiting = self.waiting_count(&service.id);
        let issued = self.issued.get(&service.id).copied().unwrap_or(0);
        ServiceView {
            id: service.id.clone(),
            agency: service.agency.clone(),
            prefix: service.prefix.clone(),
            name: service.name.clone(),
            availability: self.availability_of(service, now),
            waiting,
            waiting_booked: self.waiting_booked(&service.id),
            estimated_wait_secs: self.estimate(service, waiting),
            quota: service.quota,
            quota_left: service.quota.map(|q| q.saturating_sub(issued)),
            target_wait_secs: service.target_wait_secs,
        }
    }

    pub fn services(&self, now: DateTime<Utc>) -> Vec<ServiceView> {
        self.config
            .services
            .iter()
            .map(|s| self.service_view(s, now))
            .collect()
    }

    pub fn agencies(&self) -> Vec<AgencyView> {
        self.config
            .agencies
            .iter()
            .map(|a| AgencyView {
                id: a.id.clone(),
                name: a.name.clone(),
            })
            .collect()
    }

    pub fn building(&self, now: DateTime<Utc>) -> BuildingView {
        let zone = self.config.building.zone;
        BuildingView {
            name: self.config.building.name.clone(),
            timezone: zone.iana().into(),
            timezone_abbrev: zone.abbrev().into(),
            now: zone.local(now),
            day: zone.local_date(now),
            public_url: self.config.building.public_url.clone(),
            no_choosing: self.config.queue.no_choosing,
        }
    }

    pub fn counters(&self) -> Vec<CounterView> {
        self.counters.values().map(|rt| rt.view.clone()).collect()
    }

    pub fn counter_view(&self, n: u32) -> Option<CounterView> {
        self.counters.get(&n).map(|rt| rt.view.clone())
    }

    pub fn devices(&self) -> Vec<DeviceView> {
        self.devices.values().cloned().collect()
    }

    pub fn recent_calls(&self) -> Vec<CallView> {
        self.recent_calls.iter().cloned().collect()
    }

    pub fn ticket_by_code(&self, code: &str) -> Option<&TicketView> {
        self.by_code.get(code).and_then(|id| self.tickets.get(id))
    }

    /// Today's waiting tickets of the given services, in arrival order.
    pub fn waiting_tickets(&self, services: &[String]) -> Vec<TicketView> {
        let mut keys: Vec<Key> = services
            .iter()
            .filter_map(|s| self.queues.get(s))
            .flat_map(|q| q.regular.iter().chain(q.priority.iter()).copied())
            .collect();
        keys.sort();
        keys.iter()
            .map(|(_, id)| self.tickets[id].clone())
            .collect()
    }

    pub fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        Snapshot {
            seq: self.seq,
            building: self.building(now),
            agencies: self.agencies(),
            services: self.services(now),
            counters: self.counters(),
            recent_calls: self.recent_calls(),
            devices: self.devices(),
        }
    }

    /// The visitor's view of a ticket of today.
    pub fn track(&self, t: &TicketView) -> TrackView {
        let service = self.config.service(&t.service);
        let (service_name, agency_name) = match service {
            Some(s) => (
                s.name.clone(),
                self.config
                    .agency(&s.agency)
                    .map_or_else(|| s.name.clone(), |a| a.name.clone()),
            ),
            None => {
                let unknown = Text {
                    id: t.service.clone(),
                    en: t.service.clone(),
                };
                (unknown.clone(), unknown)
            }
        };
        let waiting = t.status == TicketStatus::Waiting;
        let ahead = if waiting { self.ahead_of(t) } else { 0 };
        let estimated_wait_secs = match (waiting, service) {
            (true, Some(s)) => self.estimate(s, ahead),
            _ => 0,
        };
        TrackView {
            number: t.number.clone(),
            service_name,
            agency_name,
            status: t.status,
            category: t.category,
            category_name: t.category.name(),
            ahead,
            estimated_wait_secs,
            estimated_wait: antri_wire::wait::estimated_wait(ahead, estimated_wait_secs),
            counter: t.counter,
            issued_at: t.issued_at,
            called_at: t.called_at,
            rating: self.rating_of(t.id),
            surveyed: self.surveyed.contains(&t.id),
            messages: self.config.messages.enabled(),
        }
    }
}
