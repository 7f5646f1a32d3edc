//! mutant: spins-without-spin-loop
//! stage: functional
//! bug: both locks wait in a bare loop, with no `hint::spin_loop` or `thread::yield_now`. On real threads it only wastes the core (and the other hyperthread); the stub's rule forbids it, and the functional stage sees a waiter that never calls either. (The model stage explores such a spin as deeply as any other: facade atomics yield when a thread re-reads an unchanged value.)
//!
//! # Spin lock and ticket lock: reference solution
//!
//! Both locks keep the value in a [`kata_sync::cell::UnsafeCell`] and decide
//! who may touch it with atomics. The whole lesson is in two orderings: the
//! operation that takes the lock is an **Acquire**, the one that lets it go
//! is a **Release**, and so everything one holder wrote happens-before
//! everything the next holder reads. Mutual exclusion alone (an atomic
//! read-modify-write deciding who wins) is not enough: with `Relaxed`, the
//! next holder may still see the previous holder's writes half done.
//!
//! The spin lock is a single flag taken with one read-modify-write (`swap`),
//! so two threads can never both see it free and both take it. It is unfair:
//! whoever swaps first after the unlock wins. The ticket lock is fair: a
//! thread takes a number (`fetch_add`, so no two threads get the same one)
//! and waits until the lock is serving that number; each unlock serves the
//! next. Threads get the lock in the order they took their tickets.
//!
//! Both wait by spinning, and every turn of a wait loop calls
//! [`hint::spin_loop`]: it tells the processor this is a busy-wait, and under
//! loom it is what lets the model checker run another thread.

use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

use kata_sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kata_sync::cell::{MutPtr, UnsafeCell};

// ANCHOR: spin_lock
/// A lock that waits by spinning. Unfair: after an unlock, any waiter may
/// win.
pub struct SpinLock<T> {
    /// `false`: free; `true`: held by the owner of a [`SpinLockGuard`].
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock gives the value to one thread at a time, and the
// Acquire/Release pair orders each holder's accesses after the previous
// holder's, so sharing a `SpinLock<T>` only ever moves access to `T` from one
// thread to another: `T: Send` is enough, as for `std::sync::Mutex`.
unsafe impl<T: Send> Sync for SpinLock<T> {}
// SAFETY: the lock owns its `T`; sending the lock sends the `T`.
unsafe impl<T: Send> Send for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Spins until the lock is free, then takes it.
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        // One read-modify-write both tests and sets: a separate load and
        // store would let two threads see `false` and both go in.
        // Acquire on success: pairs with the Release store in
        // `SpinLockGuard::drop`, so the previous holder's writes to the value
        // are visible here. Relaxed on failure: nothing was taken.
        while self
            .locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {}
        SpinLockGuard::new(self)
    }

    /// Takes the lock if it is free, without waiting. Returns `None` only if
    /// another guard holds it now.
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        // The strong compare_exchange: the weak one may fail even when the
        // lock is free, and `try_lock` must fail only while it is held.
        // Acquire on success: pairs with the Release store in
        // `SpinLockGuard::drop`. Relaxed on failure: nothing was taken, so
        // nothing needs to be seen.
        self.locked
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| SpinLockGuard::new(self))
    }
}
// ANCHOR_END: spin_lock

// ANCHOR: spin_guard
/// Access to a [`SpinLock`]'s value; unlocks it when dropped, also when the
/// drop is part of a panic unwinding.
pub struct SpinLockGuard<'a, T> {
    lock: &'a SpinLock<T>,
    /// The write access to the value, for as long as the guard lives. Under
    /// loom it is tracked, and the access must end before the unlock
    /// publishes it, so `drop` ends it first.
    value: ManuallyDrop<MutPtr<T>>,
}

impl<'a, T> SpinLockGuard<'a, T> {
    fn new(lock: &'a SpinLock<T>) -> Self {
        Self {
            lock,
            value: ManuallyDrop::new(lock.value.get_mut()),
        }
    }
}

impl<T> Drop for SpinLockGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: `value` is never used again: this is the guard's last act.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        // Release: publishes this holder's writes to the Acquire swap (or
        // compare_exchange) of whoever takes the lock next.
        self.lock.locked.store(false, Ordering::Release);
    }
}
// ANCHOR_END: spin_guard

impl<T> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard holds the lock, so no other thread touches the
        // value until it is dropped, and the borrow of `self` keeps the
        // reference from outliving the guard.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> DerefMut for SpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference.
        unsafe { MutPtr::deref(&self.value) }
    }
}

// ANCHOR: ticket_lock
/// A fair spin lock: threads get it in the order they asked for it.
pub struct TicketLock<T> {
    /// The ticket the next caller of `lock` takes.
    next_ticket: AtomicU32,
    /// The ticket whose holder may go in now. Only the holder changes it.
    now_serving: AtomicU32,
    value: UnsafeCell<T>,
}

// SAFETY: as for `SpinLock`: one holder at a time, each ordered after the
// previous one by the Release increment of `now_serving` and the Acquire
// load that sees it.
unsafe impl<T: Send> Sync for TicketLock<T> {}
// SAFETY: the lock owns its `T`.
unsafe impl<T: Send> Send for TicketLock<T> {}

impl<T> TicketLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            next_ticket: AtomicU32::new(0),
            now_serving: AtomicU32::new(0),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes a ticket, then spins until it is served. Tickets wrap around
    /// after 2^32, which is fine while fewer threads than that wait at once.
    pub fn lock(&self) -> TicketLockGuard<'_, T> {
        // One read-modify-write, so no two threads get the same ticket.
        // Relaxed: the ticket only fixes this thread's place in the queue;
        // what it must see of the previous holder comes through the Acquire
        // load of `now_serving` below.
        let ticket = self.next_ticket.fetch_add(1, Ordering::Relaxed);
        // Acquire: pairs with the Release increment in
        // `TicketLockGuard::drop` that serves this ticket.
        while self.now_serving.load(Ordering::Acquire) != ticket {}
        TicketLockGuard {
            lock: self,
            value: ManuallyDrop::new(self.value.get_mut()),
        }
    }
}
// ANCHOR_END: ticket_lock

/// Access to a [`TicketLock`]'s value; serves the next ticket when dropped.
pub struct TicketLockGuard<'a, T> {
    lock: &'a TicketLock<T>,
    /// As in [`SpinLockGuard`]: ended in `drop` before the unlock.
    value: ManuallyDrop<MutPtr<T>>,
}

// ANCHOR: ticket_unlock
impl<T> Drop for TicketLockGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: `value` is never used again: this is the guard's last act.
        unsafe { ManuallyDrop::drop(&mut self.value) };
        // Release: publishes this holder's writes to the Acquire load in
        // `lock` of the thread holding the next ticket.
        self.lock.now_serving.fetch_add(1, Ordering::Release);
    }
}
// ANCHOR_END: ticket_unlock

impl<T> Deref for TicketLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard's ticket is being served, so no other thread
        // touches the value until it is dropped.
        unsafe { MutPtr::deref(&self.value) }
    }
}

impl<T> DerefMut for TicketLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only reference.
        unsafe { MutPtr::deref(&self.value) }
    }
}
