//! Login throttling by username *and* source address.
//!
//! An attempt takes its place in the counts *before* its password is checked, so a hundred
//! parallel guesses cannot all slip in while the first ones are still being hashed: at most
//! [`LoginLimits::per_user_and_source`] guesses for one user from one address, and at most
//! [`LoginLimits::per_source`] for all users from one address, are checked per window.
//!
//! A user is never throttled as such: a visitor who guesses at `petugas3` from the guest Wi-Fi
//! throttles only themselves, and the officer's own PC, another address, still logs in.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug)]
pub struct LoginLimits {
    /// Failed (or still running) attempts for one username from one address within `window`.
    pub per_user_and_source: usize,
    /// Failed (or still running) attempts for any usernames from one address within `window`.
    pub per_source: usize,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_user_and_source: 5,
            per_source: 20,
            window: Duration::minutes(5),
        }
    }
}

/// An attempt that holds a place in the counts until it is settled.
#[derive(Debug)]
pub struct Attempt {
    username: String,
    source: IpAddr,
    at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Throttle {
    by_pair: HashMap<(String, IpAddr), Vec<DateTime<Utc>>>,
    by_source: HashMap<IpAddr, Vec<DateTime<Utc>>>,
}

impl Throttle {
    /// Take a place for an attempt, or say how many seconds to wait.
    pub fn begin(
        &mut self,
        limits: &LoginLimits,
        username: &str,
        source: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Attempt, u64> {
        let fresh = |t: &DateTime<Utc>| now - *t < limits.window;
        let wait = |list: &[DateTime<Utc>]| {
            let oldest = list.iter().min().copied().unwrap_or(now);
            ((oldest + limits.window - now).num_seconds()).max(1) as u64
        };
        let key = (username.to_string(), source);
        let pair = self.by_pair.entry(key.clone()).or_default();
        pair.retain(fresh);
        if pair.len() >= limits.per_user_and_source {
            return Err(wait(pair));
        }
        let per_source = self.by_source.entry(source).or_default();
        per_source.retain(fresh);
        if per_source.len() >= limits.per_source {
            let secs = wait(per_source);
            self.forget_empty(&key);
            return Err(secs);
        }
        per_source.push(now);
        if let Some(pair) = self.by_pair.get_mut(&key) {
            pair.push(now);
        }
        // Old entries of other users and addresses go once the map grows.
        if self.by_pair.len() > 10_000 {
            self.by_pair.retain(|_, l| {
                l.retain(fresh);
                !l.is_empty()
            });
            self.by_source.retain(|_, l| {
                l.retain(fresh);
                !l.is_empty()
            });
        }
        Ok(Attempt {
            username: username.to_string(),
            source,
            at: now,
        })
    }

    /// The password was wrong: the attempt keeps its place until the window passes.
    pub fn failed(&mut self, _attempt: Attempt) {}

    /// The password was right: this user's failures from this address are forgiven, and the
    /// attempt does not count against the address.
    pub fn succeeded(&mut self, attempt: Attempt) {
        self.by_pair
            .remove(&(attempt.username.clone(), attempt.source));
        self.release_source(&attempt);
    }

    /// The password was never checked (the server was busy): the attempt leaves no trace.
    pub fn not_checked(&mut self, attempt: Attempt) {
        let key = (attempt.username.clone(), attempt.source);
        if let Some(pair) = self.by_pair.get_mut(&key) {
            if let Some(i) = pair.iter().position(|t| *t == attempt.at) {
                pair.remove(i);
            }
        }
        self.forget_empty(&key);
        self.release_source(&attempt);
    }

    fn release_source(&mut self, attempt: &Attempt) {
        if let Some(list) = self.by_source.get_mut(&attempt.source) {
            if let Some(i) = list.iter().position(|t| *t == attempt.at) {
                list.remove(i);
            }
            if list.is_empty() {
                self.by_source.remove(&attempt.source);
            }
        }
    }

    fn forget_empty(&mut self, key: &(String, IpAddr)) {
        if self.by_pair.get(key).is_some_and(Vec::is_empty) {
            self.by_pair.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn counts_before_the_check_and_per_user_and_source() {
        let limits = LoginLimits::default();
        let mut t = Throttle::default();
        let now = Utc::now();
        // Five attempts in flight at once: the sixth is refused before any is settled.
        let running: Vec<_> = (0..5)
            .map(|_| t.begin(&limits, "petugas1", ip("127.0.0.2"), now).unwrap())
            .collect();
        let wait = t
            .begin(&limits, "petugas1", ip("127.0.0.2"), now)
            .unwrap_err();
        assert_eq!(wait, 300);
        for a in running {
            t.failed(a);
        }
        // The officer's own PC is another address.
        let own = t.begin(&limits, "petugas1", ip("127.0.0.1"), now).unwrap();
        t.succeeded(own);
        // After the window the guesser may try again.
        let later = now + Duration::minutes(5);
        assert!(t.begin(&limits, "petugas1", ip("127.0.0.2"), later).is_ok());
    }

    #[test]
    fn one_address_guessing_many_names_is_throttled_as_a_whole() {
        let limits = LoginLimits::default();
        let mut t = Throttle::default();
        let now = Utc::now();
        for i in 0..limits.per_source {
            let a = t
                .begin(&limits, &format!("nobody{i}"), ip("127.0.0.2"), now)
                .unwrap();
            t.failed(a);
        }
        assert!(t
            .begin(&limits, "nobody-else", ip("127.0.0.2"), now)
            .is_err());
        assert!(t
            .begin(&limits, "nobody-else", ip("127.0.0.3"), now)
            .is_ok());
    }

    #[test]
    fn unchecked_and_successful_attempts_leave_no_count() {
        let limits = LoginLimits::default();
        let mut t = Throttle::default();
        let now = Utc::now();
        for _ in 0..50 {
            let a = t.begin(&limits, "petugas1", ip("127.0.0.1"), now).unwrap();
            t.not_checked(a);
            let a = t.begin(&limits, "petugas1", ip("127.0.0.1"), now).unwrap();
            t.succeeded(a);
        }
        assert!(t.by_pair.is_empty());
        assert!(t.by_source.is_empty());
    }
}
