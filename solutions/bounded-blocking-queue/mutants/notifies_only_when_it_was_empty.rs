//! mutant: notifies-only-when-it-was-empty
//! stage: model
//! bug: `enqueue` notifies a consumer only when it makes the queue non-empty; with two consumers waiting, two quick enqueues wake one of them, and the other sleeps on with an item in the queue.

use std::collections::VecDeque;

use kata_sync::{Condvar, Mutex};
/// A first-in first-out queue holding at most `capacity` items, whose
/// `enqueue` blocks while it is full and whose `dequeue` blocks while it is
/// empty.
pub struct BoundedBlockingQueue<T> {
    /// The items, front first. One lock guards the whole deque: every
    /// operation reads and writes its length, so finer locking buys nothing.
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Signalled when an item is added. Only consumers wait on it.
    not_empty: Condvar,
    /// Signalled when an item is removed. Only producers wait on it.
    ///
    /// Two condition variables, not one: with a single one, `notify_one` from
    /// a consumer could wake another consumer instead of the producer waiting
    /// for room, and the wakeup would be lost.
    not_full: Condvar,
}

impl<T> BoundedBlockingQueue<T> {
    /// Creates an empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0 (e.g. "capacity must be at least 1, got 0").
    pub fn new(capacity: usize) -> Self {
        // A queue that can hold nothing would block every enqueue forever.
        assert!(
            capacity > 0,
            "BoundedBlockingQueue capacity must be at least 1, got {capacity}"
        );
        // No `with_capacity(capacity)`: the capacity is a bound, not a size
        // hint, and `new(1 << 40)` must not try to reserve terabytes. The
        // deque grows as items arrive.
        Self {
            items: Mutex::new(VecDeque::new()),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }
    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        // `while`, not `if`: a wait can return spuriously, and another
        // producer may take the free slot between the notify and our wakeup.
        while items.len() == self.capacity {
            self.not_full.wait(&mut items);
        }
        items.push_back(item);
        // "Consumers only wait on an empty queue, so only the first item
        // needs to wake one." But two consumers may be waiting, and the
        // second item wakes nobody.
        if items.len() == 1 {
            self.not_empty.notify_one();
        }
    }
    /// Removes and returns the item at the front, blocking while the queue is
    /// empty.
    pub fn dequeue(&self) -> T {
        let mut items = self.items.lock();
        let item = loop {
            // pop_front doubles as the emptiness check, so the condition we
            // test is exactly the state we act on, under the same lock.
            if let Some(item) = items.pop_front() {
                break item;
            }
            self.not_empty.wait(&mut items);
        };
        self.not_full.notify_one();
        item
    }

    /// The number of items in the queue now. By the time the caller looks at
    /// it, other threads may have changed it: it is a snapshot.
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
