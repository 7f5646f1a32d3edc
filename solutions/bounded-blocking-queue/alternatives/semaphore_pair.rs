//! alternative: semaphore-pair
//! why: two counting semaphores (free slots, queued items) do the blocking and a mutex guards only the deque; each push and pop happens under the lock with a permit that guarantees it can proceed, so the queue is one FIFO order and never exceeds its capacity.

use std::collections::VecDeque;

use kata_sync::{Mutex, Semaphore};

// ANCHOR: queue
/// A first-in first-out queue holding at most `capacity` items, whose
/// `enqueue` blocks while it is full and whose `dequeue` blocks while it is
/// empty.
pub struct BoundedBlockingQueue<T> {
    items: Mutex<VecDeque<T>>,
    /// One permit per free slot: `enqueue` takes one before pushing.
    free: Semaphore,
    /// One permit per queued item: `dequeue` takes one before popping.
    queued: Semaphore,
}

impl<T> BoundedBlockingQueue<T> {
    /// Creates an empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "capacity must be at least 1, got {capacity}");
        Self {
            items: Mutex::new(VecDeque::new()),
            free: Semaphore::new(capacity),
            queued: Semaphore::new(0),
        }
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        self.free.acquire();
        self.items.lock().push_back(item);
        self.queued.release();
    }

    /// Removes and returns the item at the front, blocking while the queue is
    /// empty.
    pub fn dequeue(&self) -> T {
        self.queued.acquire();
        let item = self
            .items
            .lock()
            .pop_front()
            .expect("a `queued` permit stands for an item in the deque");
        self.free.release();
        item
    }

    // ANCHOR_END: queue

    /// The number of items in the queue now.
    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
