//! mutant: check-then-act-spin
//! stage: model
//! bug: callers yield while they wait instead of sleeping on a condition variable, and `enqueue` checks for room in one critical section and pushes in another: two producers can both see room for one item, and both push. The busy-waits make loom's full search endless, so the model stage must find the race some other way than loom's full search.
//!
//! # Bounded blocking queue: a queue whose callers spin

use std::collections::VecDeque;

use kata_sync::{Mutex, thread};

pub struct BoundedBlockingQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
}

impl<T> BoundedBlockingQueue<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "BoundedBlockingQueue capacity must be at least 1, got {capacity}"
        );
        Self {
            items: Mutex::new(VecDeque::new()),
            capacity,
        }
    }

    pub fn enqueue(&self, item: T) {
        let mut item = Some(item);
        loop {
            // BUG: check, then act, in two critical sections.
            let room = self.items.lock().len() < self.capacity;
            if room {
                self.items.lock().push_back(item.take().expect("pushed once"));
                return;
            }
            thread::yield_now();
        }
    }

    pub fn dequeue(&self) -> T {
        loop {
            if let Some(item) = self.items.lock().pop_front() {
                return item;
            }
            thread::yield_now();
        }
    }

    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
