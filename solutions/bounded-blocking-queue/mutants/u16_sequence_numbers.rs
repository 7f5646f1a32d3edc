//! mutant: u16-sequence-numbers
//! stage: functional
//! bug: items are kept by a `u16` sequence number that wraps after 65,536 enqueues, after which a new item sorts before the older ones still queued and comes out first.

use std::collections::BTreeMap;

use kata_sync::{Condvar, Mutex};

/// A first-in first-out queue holding at most `capacity` items, whose
/// `enqueue` blocks while it is full and whose `dequeue` blocks while it is
/// empty.
pub struct BoundedBlockingQueue<T> {
    state: Mutex<State<T>>,
    capacity: usize,
    not_empty: Condvar,
    not_full: Condvar,
}

struct State<T> {
    /// Sequence number to item; the smallest number is the front.
    items: BTreeMap<u16, T>,
    /// The next sequence number.
    next: u16,
}

impl<T> BoundedBlockingQueue<T> {
    /// Creates an empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0.
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "BoundedBlockingQueue capacity must be at least 1, got {capacity}"
        );
        Self {
            state: Mutex::new(State {
                items: BTreeMap::new(),
                next: 0,
            }),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        let mut state = self.state.lock();
        while state.items.len() == self.capacity {
            self.not_full.wait(&mut state);
        }
        let seq = state.next;
        state.next = seq.wrapping_add(1);
        state.items.insert(seq, item);
        self.not_empty.notify_one();
    }

    /// Removes and returns the item at the front, blocking while the queue is
    /// empty.
    pub fn dequeue(&self) -> T {
        let mut state = self.state.lock();
        let item = loop {
            if let Some((_, item)) = state.items.pop_first() {
                break item;
            }
            self.not_empty.wait(&mut state);
        };
        self.not_full.notify_one();
        item
    }

    /// The number of items in the queue now.
    pub fn size(&self) -> usize {
        self.state.lock().items.len()
    }
}
