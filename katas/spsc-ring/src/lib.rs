//! # A lock-free single-producer single-consumer ring buffer
//!
//! Build a fixed-size ring buffer shared by exactly two threads: one pushes
//! items in at the back, the other pops them out at the front.
//!
//! - `ring(capacity)` creates a ring with room for `capacity` items and
//!   returns its two halves, a `Producer` and a `Consumer`.
//! - `Producer::push` adds an item at the back. It never blocks: if the ring
//!   is full, it hands the item back as `Err(item)`.
//! - `Consumer::pop` removes the item at the front. It never blocks: if the
//!   ring is empty, it returns `None`.
//! - Items come out in the order they went in, each exactly once.
//! - Items still in the ring when both halves have been dropped are dropped
//!   exactly once.
//! - Each half is `Send` (it can move to another thread) but neither `Clone`
//!   nor `Sync`: there is one producer and one consumer.
//!
//! Rules: no locks. Do not use `kata_sync`'s `Mutex`, `RwLock`, `Semaphore`
//! or `Condvar` (the check refuses them): the two threads coordinate through
//! atomics, and the items live in slots you manage yourself. `unsafe` is
//! allowed here; give every `unsafe` block a `// SAFETY:` comment saying why
//! no other thread can be touching the same slot. Keep the slots in
//! `kata_sync::cell::UnsafeCell`, which the model checker watches: two
//! accesses to a slot that no happens-before edge orders are reported as a
//! data race, at your line.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers, trait impls and imports as you
//! like; only `std` and `kata_sync` are available, and this file is all that
//! `check` compiles.
//!
//! Check your answer with `cargo xtask check spsc-ring`.
//! Stuck? `cargo xtask hint spsc-ring`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use std::cell::Cell;
use std::marker::PhantomData;

/// The sending half of a ring made by [`ring`].
pub struct Producer<T> {
    // TODO: replace this marker with what the producer needs to reach the
    // ring.
    _items: PhantomData<T>,
    /// Keeps `Producer` from being `Sync`, as the statement asks; keep it.
    _not_sync: PhantomData<Cell<()>>,
}

/// The receiving half of a ring made by [`ring`].
pub struct Consumer<T> {
    // TODO: replace this marker with what the consumer needs to reach the
    // ring.
    _items: PhantomData<T>,
    /// Keeps `Consumer` from being `Sync`, as the statement asks; keep it.
    _not_sync: PhantomData<Cell<()>>,
}

/// Creates a ring that holds up to `capacity` items, and returns its two
/// halves.
///
/// # Panics
///
/// Panics if `capacity` is 0, with a message that names the capacity.
pub fn ring<T: Send>(capacity: usize) -> (Producer<T>, Consumer<T>) {
    // TODO: reject a capacity of 0, then build the empty ring and its two
    // halves.
    todo!()
}

impl<T> Producer<T> {
    /// Adds `item` at the back of the ring, or hands it back in `Err` if the
    /// ring is full.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        // TODO: if there is room, put the item in the next free slot and let
        // the consumer see it.
        todo!()
    }
}

impl<T> Consumer<T> {
    /// Removes and returns the item at the front of the ring, or `None` if
    /// the ring is empty.
    pub fn pop(&mut self) -> Option<T> {
        // TODO: if an item is there, take it out of its slot and give the
        // slot back to the producer.
        todo!()
    }
}

// TODO: drop the items still in the ring once both halves are gone.
