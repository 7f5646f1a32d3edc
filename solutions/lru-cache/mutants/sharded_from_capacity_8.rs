//! mutant: sharded-from-capacity-8
//! stage: functional
//! bug: from capacity 8 up, the cache is split into 8 independently locked shards of capacity/8 each, so eviction is LRU only within a shard: a key is evicted while older keys of other shards stay.

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::VecDeque;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use kata_sync::Mutex;

const SHARDS: usize = 8;

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    /// One shard below capacity 8, else `SHARDS`; each is most recent first.
    shards: Vec<Mutex<VecDeque<(K, V)>>>,
    shard_capacity: usize,
    capacity: usize,
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
        // Small caches see little contention; big ones get sharded, which
        // "scales better" (and is tested less).
        let shards = if capacity >= 8 { SHARDS } else { 1 };
        Self {
            shards: (0..shards).map(|_| Mutex::new(VecDeque::new())).collect(),
            shard_capacity: capacity / shards,
            capacity,
        }
    }

    fn shard(&self, key: &K) -> &Mutex<VecDeque<(K, V)>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[h.finish() as usize % self.shards.len()]
    }

    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut shard = self.shard(key).lock();
        let i = shard.iter().position(|(k, _)| k == key)?;
        let entry = shard.remove(i).expect("found");
        let value = entry.1.clone();
        shard.push_front(entry);
        Some(value)
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        let mut shard = self.shard(&key).lock();
        if let Some(i) = shard.iter().position(|(k, _)| *k == key) {
            shard.remove(i);
        } else if shard.len() == self.shard_capacity {
            shard.pop_back();
        }
        shard.push_front((key, value));
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len()).sum()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
