//! mutant: panic-message-names-another-number
//! stage: functional
//! bug: `new(0)` panics, but its message ("capacity must be between 1 and 100000") never names the value it was given: it contains the character 0 only inside other numbers, which a test looking for the character would accept.

use std::collections::VecDeque;

use kata_sync::{Condvar, Mutex};

// ANCHOR: queue
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
// ANCHOR_END: queue

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
            "BoundedBlockingQueue capacity must be between 1 and 100000"
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

    // ANCHOR: enqueue
    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        let mut items = self.items.lock();
        // `while`, not `if`: a wait can return spuriously, and another
        // producer may take the free slot between the notify and our wakeup.
        while items.len() == self.capacity {
            self.not_full.wait(&mut items);
        }
        items.push_back(item);
        // One item added lets exactly one consumer proceed, so notify_one is
        // enough, and cheaper than waking every consumer to re-check.
        self.not_empty.notify_one();
    }
    // ANCHOR_END: enqueue

    // ANCHOR: dequeue
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
    // ANCHOR_END: dequeue

    /// The number of items in the queue now. By the time the caller looks at
    /// it, other threads may have changed it: it is a snapshot.
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
