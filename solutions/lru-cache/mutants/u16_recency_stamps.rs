//! mutant: u16-recency-stamps
//! stage: functional
//! bug: recency is a `u16` stamp that wraps after 65,536 operations, after which the most recently used key looks the oldest and is evicted first.

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use kata_sync::Mutex;

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
}

struct Inner<K, V> {
    /// Key to (value, stamp of its last use).
    entries: HashMap<K, (V, u16)>,
    /// Stamp to key: the first entry is the least recently used.
    by_stamp: BTreeMap<u16, K>,
    /// The next stamp. Two bytes "are plenty": they are not.
    clock: u16,
}

impl<K: Eq + Hash + Clone, V: Clone> Inner<K, V> {
    fn next_stamp(&mut self) -> u16 {
        let stamp = self.clock;
        self.clock = self.clock.wrapping_add(1);
        stamp
    }

    fn touch(&mut self, key: &K) {
        let stamp = self.next_stamp();
        let old = std::mem::replace(&mut self.entries.get_mut(key).expect("present").1, stamp);
        self.by_stamp.remove(&old);
        self.by_stamp.insert(stamp, key.clone());
    }
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    /// Creates an empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "LruCache capacity must be at least 1, got {capacity}"
        );
        Self {
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                by_stamp: BTreeMap::new(),
                clock: 0,
            }),
            capacity,
        }
    }

    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.inner.lock();
        let value = inner.entries.get(key)?.0.clone();
        inner.touch(key);
        Some(value)
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        let mut inner = self.inner.lock();
        if let Some(entry) = inner.entries.get_mut(&key) {
            entry.0 = value;
            inner.touch(&key);
            return;
        }
        if inner.entries.len() == self.capacity {
            let (_, oldest) = inner.by_stamp.pop_first().expect("a full cache");
            inner.entries.remove(&oldest);
        }
        let stamp = inner.next_stamp();
        inner.entries.insert(key.clone(), (value, stamp));
        inner.by_stamp.insert(stamp, key);
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        self.inner.lock().entries.len()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
