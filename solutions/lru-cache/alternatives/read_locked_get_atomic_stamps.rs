//! alternative: read-locked-get-atomic-stamps
//! why: `get` takes only a read lock and records recency by storing a fresh stamp from an atomic clock in the entry's atomic field, so gets of present keys run in parallel; `put` takes the write lock, which excludes every get, and evicts the entry with the smallest stamp. Concurrent gets take effect in the order of their clock ticks, so every history is linearizable (eviction is O(n), traded for parallel reads).

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::RwLock;
use kata_sync::atomic::{AtomicU64, Ordering};

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
    /// The next recency stamp; 64 bits never wrap in practice.
    clock: AtomicU64,
    capacity: usize,
}

struct Entry<V> {
    value: V,
    /// The clock tick of the entry's last use: the smallest is the least
    /// recently used.
    stamp: AtomicU64,
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    /// Creates an empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1, got {capacity}");
        Self {
            entries: RwLock::new(HashMap::new()),
            clock: AtomicU64::new(0),
            capacity,
        }
    }

    fn tick(&self) -> u64 {
        // SeqCst: the ticks of concurrent gets must fall in one order, the
        // order in which those gets take effect.
        self.clock.fetch_add(1, Ordering::SeqCst)
    }

    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.read();
        let entry = entries.get(key)?;
        // fetch_max, not store: of two gets of one key, the later tick wins
        // whichever stores last.
        entry.stamp.fetch_max(self.tick(), Ordering::SeqCst);
        Some(entry.value.clone())
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        let mut entries = self.entries.write();
        let stamp = AtomicU64::new(self.tick());
        if !entries.contains_key(&key) && entries.len() == self.capacity {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.stamp.load(Ordering::SeqCst))
                .map(|(k, _)| k.clone())
                .expect("a full cache has entries");
            entries.remove(&oldest);
        }
        entries.insert(key, Entry { value, stamp });
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        self.entries.read().len()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
