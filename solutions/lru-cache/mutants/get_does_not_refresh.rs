//! mutant: get-does-not-refresh
//! stage: functional
//! bug: `get` returns the value but leaves the key where it was in the recency order, so a key that is read often is still evicted first.

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::HashMap;
use std::hash::Hash;

use kata_sync::Mutex;

/// A least-recently-used cache that is safe to share between threads.
pub struct LruCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
}

/// Index of the sentinel node: `nodes[HEAD].next` is the most recently
/// used entry and `nodes[HEAD].prev` the least recently used.
const HEAD: usize = 0;

struct Inner<K, V> {
    /// Key to index in `nodes`.
    index: HashMap<K, usize>,
    /// `nodes[HEAD]` is a sentinel with no entry; the rest form a circular
    /// doubly linked list in recency order. Evicted slots are reused, so the
    /// vector holds at most one more node than the cache has ever held entries.
    nodes: Vec<Node<K, V>>,
}

struct Node<K, V> {
    entry: Option<(K, V)>,
    prev: usize,
    next: usize,
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    /// Creates an empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that names the capacity.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "LruCache capacity must be at least 1, got {capacity}"
        );
        let sentinel = Node {
            entry: None,
            prev: HEAD,
            next: HEAD,
        };
        Self {
            inner: Mutex::new(Inner {
                index: HashMap::new(),
                nodes: vec![sentinel],
            }),
            capacity,
        }
    }

    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        // The lock is held across the lookup *and* the move to the front: a
        // `put` between them could evict this key, and we would then move a
        // slot that now holds another key.
        let mut inner = self.inner.lock();
        let i = *inner.index.get(key)?;
        inner.nodes[i].entry.as_ref().map(|(_, v)| v.clone())
    }

    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        // One critical section for check, evict and insert: checked and
        // acted on separately, two puts could both see room and overfill.
        let mut inner = self.inner.lock();
        if let Some(&i) = inner.index.get(&key) {
            inner.nodes[i].entry = Some((key, value));
            inner.move_to_front(i);
            return;
        }
        let slot = if inner.index.len() == self.capacity {
            // Reuse the least recently used node for the new entry.
            let lru = inner.nodes[HEAD].prev;
            let (old_key, _) = inner.nodes[lru].entry.take().expect("a full list has entries");
            inner.index.remove(&old_key);
            inner.unlink(lru);
            lru
        } else {
            inner.nodes.push(Node {
                entry: None,
                prev: HEAD,
                next: HEAD,
            });
            inner.nodes.len() - 1
        };
        inner.nodes[slot].entry = Some((key.clone(), value));
        inner.index.insert(key, slot);
        inner.push_front(slot);
    }

    /// The number of entries now.
    pub fn len(&self) -> usize {
        // Read under the same lock as every change, so it is never observed
        // mid-`put` (e.g. after the insert but before the eviction).
        self.inner.lock().index.len()
    }

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        // Immutable after `new`, so no lock is needed.
        self.capacity
    }
}

impl<K, V> Inner<K, V> {
    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.nodes[i].prev, self.nodes[i].next);
        self.nodes[prev].next = next;
        self.nodes[next].prev = prev;
    }

    fn push_front(&mut self, i: usize) {
        let first = self.nodes[HEAD].next;
        self.nodes[i].prev = HEAD;
        self.nodes[i].next = first;
        self.nodes[first].prev = i;
        self.nodes[HEAD].next = i;
    }

    fn move_to_front(&mut self, i: usize) {
        self.unlink(i);
        self.push_front(i);
    }
}
