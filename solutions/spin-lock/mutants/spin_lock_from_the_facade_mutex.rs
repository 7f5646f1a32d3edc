//! mutant: spin-lock-from-the-facade-mutex
//! stage: facade
//! bug: `SpinLock` is the facade's `Mutex` behind a new name. It excludes and orders correctly, but the kata is to build the lock, and `katas.toml` forbids `Mutex`, `RwLock`, `Semaphore` and `Condvar` in it. (Until the facade stage reads that list, the functional stage rejects it too: its waiters block instead of spinning.)
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

use kata_sync::atomic::{AtomicU32, Ordering};
use kata_sync::{Mutex, MutexGuard};
use kata_sync::cell::{MutPtr, UnsafeCell};
use kata_sync::hint;

/// "A spin lock": the facade's Mutex, wrapped.
pub struct SpinLock<T> {
    inner: Mutex<T>,
}

impl<T> SpinLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: Mutex::new(value),
        }
    }

    /// Waits until the lock is free, then takes it.
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        SpinLockGuard {
            inner: self.inner.lock(),
        }
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        self.inner.try_lock().map(|inner| SpinLockGuard { inner })
    }
}

/// Access to a [`SpinLock`]'s value; the Mutex's guard unlocks on drop.
pub struct SpinLockGuard<'a, T> {
    inner: MutexGuard<'a, T>,
}

impl<T> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for SpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
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
        while self.now_serving.load(Ordering::Acquire) != ticket {
            hint::spin_loop();
        }
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
