//! Which waiting ticket a loket calls next.
//!
//! Across all services of the loket, the longest-waiting ticket (by the time it joined its queue,
//! which a transfer keeps). Priority tickets (elderly, disability, pregnant / with infant) either
//! always go first, or one goes after every N regular tickets called at this loket — so neither
//! group can starve the other.

use super::ranked::RankedSet;
use super::{CounterRt, Hall, Key, ServiceQueue};
use crate::config::PriorityPolicy;

pub(super) fn next_for(hall: &Hall, rt: &CounterRt) -> Option<u64> {
    let oldest = |pick: fn(&ServiceQueue) -> &RankedSet<Key>| {
        rt.view
            .services
            .iter()
            .filter_map(|s| hall.queues.get(s))
            .filter_map(|q| pick(q).first().copied())
            .min()
    };
    let regular = oldest(|q| &q.regular);
    let priority = oldest(|q| &q.priority);
    choose(
        hall.config.queue.priority,
        rt.regular_streak,
        regular,
        priority,
    )
    .map(|(_, id)| id)
}

/// `streak`: regular tickets called at this loket since its last priority one.
pub fn choose<K>(
    policy: PriorityPolicy,
    streak: u32,
    regular: Option<K>,
    priority: Option<K>,
) -> Option<K> {
    match (regular, priority) {
        (None, p) => p,
        (r, None) => r,
        (Some(r), Some(p)) => match policy {
            PriorityPolicy::First => Some(p),
            PriorityPolicy::Ratio(n) if streak >= n => Some(p),
            PriorityPolicy::Ratio(_) => Some(r),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_takes_priority_after_n_regular() {
        let p = PriorityPolicy::Ratio(2);
        assert_eq!(choose(p, 0, Some('r'), Some('p')), Some('r'));
        assert_eq!(choose(p, 1, Some('r'), Some('p')), Some('r'));
        assert_eq!(choose(p, 2, Some('r'), Some('p')), Some('p'));
        assert_eq!(choose(p, 0, None, Some('p')), Some('p'));
        assert_eq!(
            choose(PriorityPolicy::First, 0, Some('r'), Some('p')),
            Some('p')
        );
        assert_eq!(choose::<char>(p, 0, None, None), None);
    }
}
