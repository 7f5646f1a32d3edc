//! What the once-cell suites share: a value type that counts its drops.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A value that counts how many times values from its family were dropped.
/// The counter is std's, outside loom's model: it is the suite's
/// bookkeeping, and must add no happens-before edge.
#[derive(Debug)]
pub struct Counted {
    pub id: usize,
    drops: Arc<AtomicUsize>,
}

impl Counted {
    pub fn new(id: usize, drops: &Arc<AtomicUsize>) -> Self {
        Self {
            id,
            drops: Arc::clone(drops),
        }
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        // SeqCst: suite bookkeeping; nothing to tune.
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// How many times `counter` was bumped.
pub fn count(counter: &AtomicUsize) -> usize {
    counter.load(Ordering::SeqCst)
}
