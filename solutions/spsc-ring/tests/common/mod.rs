//! What the spsc-ring stages share: an item type that counts its drops.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Per-item drop counts, shared by every [`Tracked`] item of one test. The
/// counters are std's, not the facade's: counting adds no happens-before
/// edge that loom could mistake for the ring's own.
#[derive(Debug)]
pub struct Drops {
    counts: Vec<AtomicUsize>,
}

impl Drops {
    /// Counters for items `0..n`.
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(Self {
            counts: (0..n).map(|_| AtomicUsize::new(0)).collect(),
        })
    }

    /// Item `id`, counted here when dropped.
    pub fn item(self: &Arc<Self>, id: usize) -> Tracked {
        Tracked {
            id,
            drops: Arc::clone(self),
        }
    }

    /// How many times item `id` has been dropped.
    pub fn of(&self, id: usize) -> usize {
        // Relaxed: read after every thread that could drop has been joined.
        self.counts[id].load(Ordering::Relaxed)
    }

    /// Panics unless every item was dropped exactly once.
    pub fn assert_each_dropped_once(&self, when: &str) {
        for id in 0..self.counts.len() {
            match self.of(id) {
                1 => {}
                0 => panic!(
                    "item {id} was never dropped {when}: the ring leaked it (items left in the ring must be dropped when both halves are)"
                ),
                n => panic!("item {id} was dropped {n} times {when}: a double drop"),
            }
        }
    }
}

/// An item that records its drop in its [`Drops`].
#[derive(Debug)]
pub struct Tracked {
    pub id: usize,
    drops: Arc<Drops>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        // Relaxed: a counter, read only after the threads are joined.
        self.drops.counts[self.id].fetch_add(1, Ordering::Relaxed);
    }
}
