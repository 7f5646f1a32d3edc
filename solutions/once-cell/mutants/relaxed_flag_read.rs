//! mutant: relaxed-flag-read
//! stage: model
//! bug: the fast path reads the `full` flag with `Relaxed`: the classic broken double-checked locking. A caller can see the flag set and still not see the value it guards, or what `init` wrote: a data race.
//!
//! # Once cell: reference solution
//!
//! Double-checked locking, done right. The fast path is one atomic load: if
//! the cell is full, return the value. Only when it looks empty does a
//! caller take the lock, check again under the lock (another thread may
//! have filled the cell while this one waited), and run `init` if it is
//! still empty. The lock makes the losers of a race wait for the winner,
//! and `init` runs with it held, so it runs at most once.
//!
//! Two orderings carry the whole pattern. The store that marks the cell
//! full is a **Release**, made after the value is written; the fast path's
//! load is an **Acquire**. So a caller that sees "full" also sees the value,
//! and everything `init` wrote before it returned. With a `Relaxed` load the
//! flag may be seen before the value it guards: the classic broken
//! double-checked locking.
//!
//! A panicking `init` unwinds through the lock's guard, which unlocks
//! (kata_sync's `Mutex` does not poison), and leaves the flag unset, so the
//! next caller tries again.

use kata_sync::Mutex;
use kata_sync::atomic::{AtomicBool, Ordering};
use kata_sync::cell::UnsafeCell;

// ANCHOR: state
/// A cell written at most once, by whichever thread first asks for its
/// value.
pub struct OnceCell<T> {
    /// `true` once `value` is `Some`, and from then on forever. Written only
    /// with `lock` held.
    full: AtomicBool,
    /// Held while a thread runs `init`: the losers of a race wait on it.
    lock: Mutex<()>,
    /// `None` until `init` returns; written once, with `lock` held, before
    /// `full` is set, and never again.
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the value is written once, by one thread holding `lock`, before the
// Release store of `full`, and only read after an Acquire load sees `full`
// (or under `lock`, after the write). Sharing a cell therefore shares `&T`
// between threads (T: Sync) and may move the `T` that one thread created to
// another thread that drops it (T: Send).
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}
// SAFETY: the cell owns its `T`; sending the cell sends the `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}
// ANCHOR_END: state

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> OnceCell<T> {
    /// Creates an empty cell.
    pub fn new() -> Self {
        Self {
            full: AtomicBool::new(false),
            lock: Mutex::new(()),
            value: UnsafeCell::new(None),
        }
    }

    // ANCHOR: get
    /// The value, if some call to `get_or_init` has set it.
    pub fn get(&self) -> Option<&T> {
        // Acquire: pairs with the Release store in `get_or_init`, so the
        // value (and all `init` wrote) is visible once `full` is.
        if self.full.load(Ordering::Relaxed) {
            // SAFETY: `full` is set only after the value was written, and the
            // value is never written again, so this read overlaps no write.
            Some(unsafe { self.value_ref() })
        } else {
            None
        }
    }
    // ANCHOR_END: get

    // ANCHOR: get_or_init
    /// The value, running `init` to set it if the cell is empty. `init`
    /// runs at most once over the cell's life; callers that race with it
    /// wait for its value. If `init` panics, the panic goes on to this
    /// caller, the cell stays empty, and a later call may try again.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        // First check, without the lock: the fast path once the cell is full.
        if let Some(v) = self.get() {
            return v;
        }
        let _guard = self.lock.lock();
        // Second check, under the lock: another thread may have filled the
        // cell while this one waited for the lock. Relaxed: `full` is only
        // written with the lock held, and taking the lock (an Acquire)
        // already ordered this load after that write.
        if !self.full.load(Ordering::Relaxed) {
            let value = init();
            // SAFETY: the cell is empty, so no reader has a reference to the
            // value (readers read only after seeing `full`), and the lock
            // keeps every other writer out.
            self.value.with_mut(|v| unsafe { *v = Some(value) });
            // Release: publishes the value, and everything `init` did, to
            // the Acquire load in `get`.
            self.full.store(true, Ordering::Release);
        }
        // SAFETY: the cell is full (this thread filled it, or saw `full`
        // under the lock), and a full cell is never written again.
        unsafe { self.value_ref() }
    }
    // ANCHOR_END: get_or_init

    /// The value of a full cell.
    ///
    /// # Safety
    ///
    /// The cell must be full, and this thread must have seen it full with
    /// an Acquire (or under the lock).
    unsafe fn value_ref(&self) -> &T {
        // SAFETY: the caller promises the value is written and ordered
        // before this read; it is never written again, and `&self` keeps the
        // cell (and so the value) alive as long as the reference.
        let value = self.value.with(|v| unsafe { &*v });
        value.as_ref().expect("a full cell holds a value")
    }
}
