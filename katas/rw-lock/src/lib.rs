//! # A writer-preferring read-write lock
//!
//! Build a read-write lock around a value of type `T`:
//!
//! - `read` returns a guard that gives shared access (`&T`). Many readers may
//!   hold the lock at once.
//! - `write` returns a guard that gives exclusive access (`&mut T`). While a
//!   writer holds the lock, nobody else does, reader or writer.
//! - Writers are preferred: once a writer is waiting in `write`, a reader
//!   that calls `read` after it waits too, behind the writer, even though
//!   other readers still hold the lock. A steady stream of readers must not
//!   keep a writer out forever.
//! - Dropping a guard releases the lock.
//!
//! The lock is shared across threads by reference, so it must be `Send` when
//! `T: Send` and `Sync` when `T: Send + Sync`.
//!
//! Rules: build it from `kata_sync`'s `Mutex` and `Condvar`; do not use
//! `kata_sync::RwLock` (the check refuses it). Keep the value in
//! `kata_sync::cell::UnsafeCell`, which the model checker watches: a reader
//! let in beside a writer is reported as a data race. `unsafe` is needed to
//! hand out references to the value; give every `unsafe` block a
//! `// SAFETY:` comment. Do not busy-wait, and do not sleep to wait for
//! another thread.
//!
//! What you may change: anything in this file except the public API above
//! (names, generics, signatures), which the hidden suite calls exactly as
//! given. Add private fields, types, helpers, trait impls and imports as you
//! like; only `std` and `kata_sync` are available, and this file is all that
//! `check` compiles.
//!
//! Check your answer with `cargo xtask check rw-lock`.
//! Stuck? `cargo xtask hint rw-lock`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// A reader-writer lock: many readers at once, or one writer; once a writer
/// waits, new readers wait behind it.
pub struct RwLock<T> {
    // TODO: replace this marker with the value and the lock's state.
    _value: PhantomData<T>,
}

/// Shared access to the value; the read lock is released when it is dropped.
pub struct ReadGuard<'a, T> {
    // TODO: what a reader needs to reach the value and to release the lock.
    _lock: PhantomData<&'a RwLock<T>>,
}

/// Exclusive access to the value; the write lock is released when it is
/// dropped.
pub struct WriteGuard<'a, T> {
    // TODO: what a writer needs to reach the value and to release the lock.
    _lock: PhantomData<&'a RwLock<T>>,
}

// TODO: say when the lock may be sent to, and shared between, threads
// (`unsafe impl Send` / `unsafe impl Sync`), once it holds its value in a
// cell.

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        // TODO
        todo!()
    }

    /// Takes the lock for reading, waiting while a writer holds it or waits
    /// for it.
    pub fn read(&self) -> ReadGuard<'_, T> {
        // TODO: wait until a reader may enter, then count it in.
        todo!()
    }

    /// Takes the lock for writing, waiting while anyone holds it.
    pub fn write(&self) -> WriteGuard<'_, T> {
        // TODO: wait until the lock is free, making new readers wait
        // meanwhile, then take it.
        todo!()
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // TODO
        todo!()
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // TODO
        todo!()
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // TODO
        todo!()
    }
}

// TODO: release the lock when a guard is dropped, and wake whoever can go
// next.
