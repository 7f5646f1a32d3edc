//! alternative: map-and-recency-deque
//! why: the answer many give first in an interview: one mutex around a `HashMap` of values and a `VecDeque` of keys in recency order, where a hit finds its key in the deque and moves it to the back. Each operation is O(capacity) rather than O(1), but it is one critical section per call, so it is just as linearizable as the linked list.

// The kata's API is exactly LeetCode's: `len` without `is_empty`.
#![allow(clippy::len_without_is_empty)]

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use kata_sync::Mutex;

pub struct LruCache<K, V> {
    inner: Mutex<Inner<K, V>>,
    capacity: usize,
}

struct Inner<K, V> {
    values: HashMap<K, V>,
    /// Every key in `values`, least recently used at the front.
    recency: VecDeque<K>,
}

impl<K: Eq + Hash, V> Inner<K, V> {
    /// Moves `key`, which must be present, to the most recent end.
    fn touch(&mut self, key: &K) {
        let at = self
            .recency
            .iter()
            .position(|k| k == key)
            .expect("every key in the map is in the recency order");
        let key = self.recency.remove(at).expect("position is in range");
        self.recency.push_back(key);
    }
}

impl<K: Eq + Hash + Clone, V: Clone> LruCache<K, V> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1, got {capacity}");
        Self {
            inner: Mutex::new(Inner {
                values: HashMap::new(),
                recency: VecDeque::new(),
            }),
            capacity,
        }
    }

    pub fn get(&self, key: &K) -> Option<V> {
        let mut inner = self.inner.lock();
        let value = inner.values.get(key)?.clone();
        inner.touch(key);
        Some(value)
    }

    pub fn put(&self, key: K, value: V) {
        let mut inner = self.inner.lock();
        if inner.values.insert(key.clone(), value).is_some() {
            inner.touch(&key);
            return;
        }
        inner.recency.push_back(key);
        if inner.values.len() > self.capacity {
            let oldest = inner
                .recency
                .pop_front()
                .expect("over capacity, so not empty");
            inner.values.remove(&oldest);
        }
    }

    pub fn len(&self) -> usize {
        self.inner.lock().values.len()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }
}
