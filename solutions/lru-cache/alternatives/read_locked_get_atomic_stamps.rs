//! alternative: read-locked-get-atomic-stamps
//! why: `get` takes only a read lock and records recency by storing a fresh stamp from an atomic clock in the entry's atomic field, so gets of present keys run in parallel; `put` takes the write lock, which excludes every get, and evicts the entry with the smallest stamp. Concurrent gets take effect in the order of their clock ticks, so every history is linearizable. Eviction finds the oldest entry through an index of stamps that only `put` updates, lazily: a record older than its entry's current stamp is refreshed when it reaches the front, so eviction is amortised O(log n).

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use kata_sync::RwLock;
use kata_sync::atomic::{AtomicU64, Ordering};

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    inner: RwLock<Inner<K, V>>,
    /// The next recency stamp; 64 bits never wrap in practice.
    clock: AtomicU64,
    capacity: usize,
}

struct Inner<K, V> {
    entries: HashMap<K, Entry<V>>,
    /// One record per entry, (stamp, key), with a stamp no newer than the
    /// entry's current one: gets bump stamps under the read lock and cannot
    /// update this index, so it may lag, never lead.
    by_stamp: BTreeMap<u64, K>,
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
            inner: RwLock::new(Inner {
                entries: HashMap::new(),
                by_stamp: BTreeMap::new(),
            }),
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
        let inner = self.inner.read();
        let entry = inner.entries.get(key)?;
        // fetch_max, not store: of two gets of one key, the later tick wins
        // whichever stores last.
        entry.stamp.fetch_max(self.tick(), Ordering::SeqCst);
        Some(entry.value.clone())
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        let mut inner = self.inner.write();
        let stamp = self.tick();
        if let Some(entry) = inner.entries.get_mut(&key) {
            // The old record stays in the index, stale: it is refreshed or
            // dropped when it reaches the front.
            entry.value = value;
            entry.stamp = AtomicU64::new(stamp);
            return;
        }
        if inner.entries.len() == self.capacity {
            inner.evict_oldest();
        }
        inner.entries.insert(
            key.clone(),
            Entry {
                value,
                stamp: AtomicU64::new(stamp),
            },
        );
        inner.by_stamp.insert(stamp, key);
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        self.inner.read().entries.len()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl<K: Eq + Hash + Clone, V> Inner<K, V> {
    /// Removes the entry with the smallest current stamp. Every record's
    /// stamp is at most its entry's, so when the smallest record is current,
    /// its entry is the oldest; when it is stale, it is re-filed under the
    /// entry's current stamp and the search goes on.
    fn evict_oldest(&mut self) {
        while let Some((old, key)) = self.by_stamp.pop_first() {
            let Some(entry) = self.entries.get(&key) else {
                continue;
            };
            // SeqCst: pairs with the gets' fetch_max; the write lock is held,
            // so no get is running now anyway.
            let current = entry.stamp.load(Ordering::SeqCst);
            if current == old {
                self.entries.remove(&key);
                return;
            }
            self.by_stamp.insert(current, key);
        }
    }
}
