//! mutant: keyed-by-hash
//! stage: functional
//! bug: the index maps a 64-bit hash of the key to its node, and never compares the key itself, so two distinct keys with equal hashes share one entry: `get` of one returns the other's value, and `put` of one overwrites the other. Random keys never collide in 64 bits; keys built to collide do.

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use kata_sync::Mutex;

// ANCHOR: state
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
    index: HashMap<u64, usize>,
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
// ANCHOR_END: state

/// The key's identity, as this mutant sees it: a 64-bit hash (SipHash with
/// fixed keys, so equal keys always agree). Two keys whose hashes are equal
/// are taken for one.
fn hash_of<K: Hash>(key: &K) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    /// Creates an empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0 (e.g. "capacity must be at least 1, got 0").
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
        // Nothing is allocated up front: the capacity may be far larger than
        // the entries ever stored (`new(1 << 40)` must not try to reserve a
        // terabyte), so the map and the slab grow as entries arrive.
        Self {
            inner: Mutex::new(Inner {
                index: HashMap::new(),
                nodes: vec![sentinel],
            }),
            capacity,
        }
    }

    // ANCHOR: get
    /// The value for `key`, if present; a hit makes `key` the most recently used.
    pub fn get(&self, key: &K) -> Option<V> {
        // The lock is held across the lookup *and* the move to the front: a
        // `put` between them could evict this key, and we would then move a
        // slot that now holds another key.
        let mut inner = self.inner.lock();
        let i = *inner.index.get(&hash_of(key))?;
        inner.move_to_front(i);
        inner.nodes[i].entry.as_ref().map(|(_, v)| v.clone())
    }
    // ANCHOR_END: get

    // ANCHOR: put
    /// Inserts or overwrites `key`, making it the most recently used; evicts
    /// the least recently used key if the cache would exceed its capacity.
    pub fn put(&self, key: K, value: V) {
        // One critical section for check, evict and insert: checked and
        // acted on separately, two puts could both see room and overfill.
        let mut inner = self.inner.lock();
        if let Some(&i) = inner.index.get(&hash_of(&key)) {
            inner.nodes[i].entry = Some((key, value));
            inner.move_to_front(i);
            return;
        }
        let slot = if inner.index.len() == self.capacity {
            // Reuse the least recently used node for the new entry.
            let lru = inner.nodes[HEAD].prev;
            let (old_key, _) = inner.nodes[lru]
                .entry
                .take()
                .expect("a full list has entries");
            inner.index.remove(&hash_of(&old_key));
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
        inner.index.insert(hash_of(&key), slot);
        inner.push_front(slot);
    }
    // ANCHOR_END: put

    // ANCHOR: len
    /// The number of entries now.
    pub fn len(&self) -> usize {
        // Read under the same lock as every change, so it is never observed
        // mid-`put` (e.g. after the insert but before the eviction).
        self.inner.lock().index.len()
    }
    // ANCHOR_END: len

    /// The most entries the cache holds.
    pub fn capacity(&self) -> usize {
        // Immutable after `new`, so no lock is needed.
        self.capacity
    }
}

// ANCHOR: list
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
// ANCHOR_END: list
