//! # Bounded blocking queue (LeetCode 1188)
//!
//! Build a thread-safe first-in first-out queue with a fixed capacity:
//!
//! - `enqueue` adds an item at the back. If the queue is full, the calling
//!   thread blocks until there is room.
//! - `dequeue` removes the item at the front. If the queue is empty, the
//!   calling thread blocks until an item arrives.
//! - `size` returns the number of items in the queue now.
//!
//! The queue is one first-in first-out order for all threads: an item whose
//! `enqueue` returned before another item's `enqueue` was called comes out
//! first, whichever threads enqueued them. The capacity may be any number
//! from 1 up, however large: `new(1 << 40)` must work.
//!
//! Many producer threads and many consumer threads share one queue by
//! reference, so the queue must be `Send + Sync` when `T: Send`.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, ...). Do not sleep to wait for another thread
//! (the facade stage refuses it). Busy-waiting is allowed and checked like
//! any other wait.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers and imports as you like; only
//! `std` and `kata_sync` are available, and this file is all that `check`
//! compiles. The suite itself lives outside `katas/`, so no edit here can
//! change what it tests.
//!
//! Check your answer with `cargo xtask check bounded-blocking-queue`.
//! Stuck? `cargo xtask hint bounded-blocking-queue`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use std::marker::PhantomData;

/// A first-in first-out queue holding at most `capacity` items, whose
/// `enqueue` blocks while it is full and whose `dequeue` blocks while it is
/// empty.
pub struct BoundedBlockingQueue<T> {
    // TODO: replace this marker with the queue's state and whatever you need
    // to make threads wait.
    _items: PhantomData<T>,
}

impl<T> BoundedBlockingQueue<T> {
    /// Creates an empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is 0, with a message that contains the word
    /// "capacity" and the value 0 (e.g. "capacity must be at least 1, got 0").
    pub fn new(capacity: usize) -> Self {
        // TODO: reject a capacity of 0, then build the empty queue.
        todo!()
    }

    /// Adds `item` at the back, blocking while the queue is full.
    pub fn enqueue(&self, item: T) {
        // TODO: wait for room, add the item, and let a waiting consumer know.
        todo!()
    }

    /// Removes and returns the item at the front, blocking while the queue is
    /// empty.
    pub fn dequeue(&self) -> T {
        // TODO: wait for an item, take it, and let a waiting producer know.
        todo!()
    }

    /// The number of items in the queue now.
    pub fn size(&self) -> usize {
        // TODO
        todo!()
    }
}
