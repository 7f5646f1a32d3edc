//! alternative: one-condvar-notify-all
//! why: one condition variable for both "not full" and "not empty", which is correct only because every change wakes every waiter (`notify_all`): a waiter woken for the wrong reason checks its own condition in its `while` loop and waits again. It costs wakeups (each change wakes producers and consumers alike), not correctness.

use std::collections::VecDeque;

use kata_sync::{Condvar, Mutex};

pub struct BoundedBlockingQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Notified (all) after every enqueue and every dequeue.
    changed: Condvar,
}

impl<T> BoundedBlockingQueue<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "the capacity must be at least 1, got {capacity}"
        );
        Self {
            items: Mutex::new(VecDeque::new()),
            capacity,
            changed: Condvar::new(),
        }
    }

    pub fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        while items.len() == self.capacity {
            self.changed.wait(&mut items);
        }
        items.push_back(item);
        // All, not one: the one woken might be another producer, which would
        // wait again and leave a consumer asleep beside an item.
        self.changed.notify_all();
    }

    pub fn dequeue(&self) -> T {
        let mut items = self.items.lock();
        loop {
            if let Some(item) = items.pop_front() {
                self.changed.notify_all();
                return item;
            }
            self.changed.wait(&mut items);
        }
    }

    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
