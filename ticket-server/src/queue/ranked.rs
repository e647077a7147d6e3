//! An ordered set that also says how many of its keys come before a key, in O(log n): what a
//! waiting queue needs to tell a visitor how many are ahead of them.
//!
//! Why not simpler: `BTreeSet::range(..k).count()` walks every key before `k`, so issuing a ticket
//! cost as much as the queue was long (995 tickets/s with 95,000 waiting against 6,969 on an empty
//! queue). Positions kept relative to a per-service "served" counter would be O(1), but a queue is
//! not first-in first-out: a transfer keeps the time the ticket first joined, so it is inserted in
//! the middle, and a loket may call any ticket out of order (call-specific), so it leaves from the
//! middle. A Fenwick tree needs its keys known in advance, which a day's are not. So: a treap
//! (a binary search tree that stays balanced by random heap priorities) whose nodes count their
//! subtree. The priorities come from a fixed-seed generator inside the set, so the queue stays
//! pure and deterministic: the same inserts build the same tree.

/// A set of keys in order, with [`RankedSet::rank`].
#[derive(Clone, Debug)]
pub struct RankedSet<K> {
    root: Link<K>,
    /// State of the priority generator (xorshift64*), never 0.
    seed: u64,
}

type Link<K> = Option<Box<Node<K>>>;

#[derive(Clone, Debug)]
struct Node<K> {
    key: K,
    priority: u64,
    /// Keys in this subtree, this node included.
    size: usize,
    left: Link<K>,
    right: Link<K>,
}

impl<K> Default for RankedSet<K> {
    fn default() -> Self {
        RankedSet {
            root: None,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

fn size<K>(link: &Link<K>) -> usize {
    link.as_ref().map_or(0, |n| n.size)
}

impl<K> Node<K> {
    fn resize(&mut self) {
        self.size = 1 + size(&self.left) + size(&self.right);
    }
}

impl<K: Ord> RankedSet<K> {
    pub fn len(&self) -> usize {
        size(&self.root)
    }

    pub fn contains(&self, key: &K) -> bool {
        let mut at = &self.root;
        while let Some(n) = at {
            match key.cmp(&n.key) {
                std::cmp::Ordering::Less => at = &n.left,
                std::cmp::Ordering::Greater => at = &n.right,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    /// The smallest key.
    pub fn first(&self) -> Option<&K> {
        let mut n = self.root.as_ref()?;
        while let Some(left) = &n.left {
            n = left;
        }
        Some(&n.key)
    }

    /// How many keys are less than `key` (whether or not `key` itself is in the set).
    pub fn rank(&self, key: &K) -> usize {
        let mut before = 0;
        let mut at = &self.root;
        while let Some(n) = at {
            if n.key < *key {
                before += size(&n.left) + 1;
                at = &n.right;
            } else {
                at = &n.left;
            }
        }
        before
    }

    /// Adds `key`; false if it was there already.
    pub fn insert(&mut self, key: K) -> bool {
        if self.contains(&key) {
            return false;
        }
        let node = Box::new(Node {
            key,
            priority: self.next_priority(),
            size: 1,
            left: None,
            right: None,
        });
        let (less, rest) = split(self.root.take(), &node.key);
        self.root = merge(merge(less, Some(node)), rest);
        true
    }

    /// Removes `key`; false if it was not there.
    pub fn remove(&mut self, key: &K) -> bool {
        if !self.contains(key) {
            return false;
        }
        remove(&mut self.root, key);
        true
    }

    /// The keys in order.
    pub fn iter(&self) -> Iter<'_, K> {
        let mut it = Iter { stack: Vec::new() };
        it.descend(&self.root);
        it
    }

    fn next_priority(&mut self) -> u64 {
        // xorshift64*: enough to keep a treap balanced, and deterministic.
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Into the keys less than `key` and the rest. Recursion depth is the tree's height, O(log n)
/// expected.
fn split<K: Ord>(link: Link<K>, key: &K) -> (Link<K>, Link<K>) {
    match link {
        None => (None, None),
        Some(mut n) => {
            if n.key < *key {
                let (less, rest) = split(n.right.take(), key);
                n.right = less;
                n.resize();
                (Some(n), rest)
            } else {
                let (less, rest) = split(n.left.take(), key);
                n.left = rest;
                n.resize();
                (less, Some(n))
            }
        }
    }
}

/// Joins two trees whose keys are all of `a` before all of `b`.
fn merge<K>(a: Link<K>, b: Link<K>) -> Link<K> {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(mut a), Some(mut b)) => {
            if a.priority > b.priority {
                a.right = merge(a.right.take(), Some(b));
                a.resize();
                Some(a)
            } else {
                b.left = merge(Some(a), b.left.take());
                b.resize();
                Some(b)
            }
        }
    }
}

/// Removes `key`, known to be in the tree under `link`.
fn remove<K: Ord>(link: &mut Link<K>, key: &K) {
    let Some(n) = link else { return };
    match key.cmp(&n.key) {
        std::cmp::Ordering::Less => {
            remove(&mut n.left, key);
            n.resize();
        }
        std::cmp::Ordering::Greater => {
            remove(&mut n.right, key);
            n.resize();
        }
        std::cmp::Ordering::Equal => {
            let (left, right) = (n.left.take(), n.right.take());
            *link = merge(left, right);
        }
    }
}

/// In-order iterator over a [`RankedSet`].
pub struct Iter<'a, K> {
    stack: Vec<&'a Node<K>>,
}

impl<'a, K> Iter<'a, K> {
    fn descend(&mut self, mut at: &'a Link<K>) {
        while let Some(n) = at {
            self.stack.push(n);
            at = &n.left;
        }
    }
}

impl<'a, K> Iterator for Iter<'a, K> {
    type Item = &'a K;
    fn next(&mut self) -> Option<&'a K> {
        let n = self.stack.pop()?;
        self.descend(&n.right);
        Some(&n.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Against the standard library's set: the same answers after any inserts and removals.
        #[test]
        fn behaves_like_a_btreeset(ops in prop::collection::vec((any::<bool>(), 0u16..200), 0..400)) {
            let mut ours = RankedSet::default();
            let mut std = BTreeSet::new();
            for (insert, k) in ops {
                if insert {
                    prop_assert_eq!(ours.insert(k), std.insert(k));
                } else {
                    prop_assert_eq!(ours.remove(&k), std.remove(&k));
                }
                prop_assert_eq!(ours.len(), std.len());
                prop_assert_eq!(ours.first(), std.first());
                prop_assert_eq!(ours.rank(&k), std.range(..k).count());
                prop_assert_eq!(ours.rank(&100), std.range(..100).count());
            }
            prop_assert!(ours.iter().eq(std.iter()));
        }
    }

    #[test]
    fn stays_shallow_for_keys_in_arrival_order() {
        // A day's tickets arrive in key order: the worst case of a plain search tree.
        let mut set = RankedSet::default();
        for k in 0..100_000u64 {
            set.insert(k);
        }
        fn height<K>(l: &Link<K>) -> usize {
            l.as_ref()
                .map_or(0, |n| 1 + height(&n.left).max(height(&n.right)))
        }
        assert!(height(&set.root) < 100, "height {}", height(&set.root));
        assert_eq!(set.rank(&50_000), 50_000);
        assert_eq!(set.len(), 100_000);
    }
}
