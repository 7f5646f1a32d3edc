//! # Build a spin lock and a ticket lock
//!
//! Build two locks yourself, from atomics, instead of using one.
//!
//! - `SpinLock<T>` guards a `T`. `lock` waits until no one else holds the
//!   lock, then returns a guard that gives `&T` and `&mut T` (through `Deref`
//!   and `DerefMut`) and unlocks when it is dropped, also when it is dropped
//!   by a panic unwinding. `try_lock` never waits: it returns `None` if, and
//!   only if, another guard holds the lock right now.
//! - `TicketLock<T>` has the same `lock` and guard, and is fair: threads get
//!   the lock in the order in which they asked for it (first come, first
//!   served).
//!
//! Both must be mutually exclusive, and more: everything one holder wrote to
//! the value must be visible to the next holder. The suite's critical
//! sections write to state that has no lock of its own, and the model
//! checker reports any access the lock does not order as a data race.
//!
//! Rules:
//! - Keep the value in a [`kata_sync::cell::UnsafeCell`] and coordinate
//!   with [`kata_sync::atomic`]. The facade's `Mutex`, `RwLock`, `Semaphore`
//!   and `Condvar` are refused here: you are building the thing they are.
//! - `unsafe` is allowed, and needed: write a `// SAFETY:` comment on each
//!   `unsafe` block saying why it is sound. An `UnsafeCell` is not `Sync`,
//!   so you will have to promise the compiler yourself that your lock is:
//!   both locks must be `Send + Sync` whenever `T: Send`.
//! - Every turn of a loop that waits for another thread must call
//!   `kata_sync::hint::spin_loop()` (or `kata_sync::thread::yield_now()`).
//!   The model checker can only switch threads at such a call; a loop
//!   without one fails the model stage as a spin without end. The fairness
//!   check also takes a thread's first such call as the sign that it has
//!   taken its place in the ticket lock's queue.
//! - Do not sleep to wait for another thread.
//!
//! What you may change: anything in this file except the public API below
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers, trait impls and imports as you
//! like; only `std` and `kata_sync` are available, and this file is all that
//! `check` compiles. The suite itself lives outside `katas/`, so no edit
//! here can change what it tests.
//!
//! Check your answer with `cargo xtask check spin-lock`.
//! Stuck? `cargo xtask hint spin-lock`.

// The stub's parameters and placeholders go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// A lock that waits by spinning.
pub struct SpinLock<T> {
    // TODO: the lock's state and the value. (The placeholder only keeps the
    // stub compiling; replace it.)
    placeholder: PhantomData<T>,
}

/// Access to a [`SpinLock`]'s value. Unlocks the lock when dropped.
pub struct SpinLockGuard<'a, T> {
    // TODO: what the guard needs to reach the value and to unlock.
    lock: &'a SpinLock<T>,
}

impl<T> SpinLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        // TODO
        todo!()
    }

    /// Waits until the lock is free, then takes it.
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        // TODO
        todo!()
    }

    /// Takes the lock if it is free, without waiting. Returns `None` only if
    /// another guard holds it now.
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        // TODO
        todo!()
    }
}

impl<T> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // TODO
        todo!()
    }
}

impl<T> DerefMut for SpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO
        todo!()
    }
}

impl<T> Drop for SpinLockGuard<'_, T> {
    fn drop(&mut self) {
        // TODO: unlock.
        todo!()
    }
}

/// A fair spin lock: threads get it in the order they asked for it.
pub struct TicketLock<T> {
    // TODO: the lock's state and the value.
    placeholder: PhantomData<T>,
}

/// Access to a [`TicketLock`]'s value. Unlocks the lock when dropped.
pub struct TicketLockGuard<'a, T> {
    // TODO: what the guard needs to reach the value and to unlock.
    lock: &'a TicketLock<T>,
}

impl<T> TicketLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        // TODO
        todo!()
    }

    /// Waits for its turn, in the order of arrival, then takes the lock.
    pub fn lock(&self) -> TicketLockGuard<'_, T> {
        // TODO
        todo!()
    }
}

impl<T> Deref for TicketLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // TODO
        todo!()
    }
}

impl<T> DerefMut for TicketLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO
        todo!()
    }
}

impl<T> Drop for TicketLockGuard<'_, T> {
    fn drop(&mut self) {
        // TODO: unlock, letting the next thread in line go.
        todo!()
    }
}
