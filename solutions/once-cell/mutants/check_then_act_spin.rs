//! mutant: check-then-act-spin
//! stage: model
//! bug: the three-state cell, with the compare-exchange split into a load and a store: two callers can both see EMPTY before either stores RUNNING, and both run `init`. The waiters yield while they spin, which makes loom's search endless, so the model stage must find the race some other way than loom's full search.
//!
//! # Once cell: three states, waiters that yield

use kata_sync::atomic::{AtomicU8, Ordering};
use kata_sync::cell::UnsafeCell;
use kata_sync::thread;

/// No value, and no `init` running.
const EMPTY: u8 = 0;
/// One caller is running its `init`.
const RUNNING: u8 = 1;
/// The value is written, and will never be written again.
const FULL: u8 = 2;

/// A cell written at most once, by whichever thread first asks for its
/// value.
pub struct OnceCell<T> {
    /// EMPTY, RUNNING or FULL. Only the caller that moved it to RUNNING
    /// moves it on (to FULL, or back to EMPTY if its `init` panicked).
    state: AtomicU8,
    /// `None` until `init` returns; written once, while RUNNING, by the
    /// caller that set RUNNING, and never again.
    value: UnsafeCell<Option<T>>,
}

// SAFETY: the value is written once, by the one caller that set RUNNING,
// before the Release store of FULL, and read only after an Acquire load sees
// FULL. So threads share `&T` (T: Sync), and the thread that drops the cell
// may not be the one that made the `T` (T: Send).
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}
// SAFETY: the cell owns its `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Puts the state back to EMPTY if `init` unwinds, so a later caller may
/// try again; forgotten when `init` returns.
struct ResetOnUnwind<'a>(&'a AtomicU8);

impl Drop for ResetOnUnwind<'_> {
    fn drop(&mut self) {
        // Relaxed: no value was written, so there is nothing to publish; the
        // waiters only need to see that RUNNING is over.
        self.0.store(EMPTY, Ordering::Relaxed);
    }
}

impl<T> OnceCell<T> {
    /// Creates an empty cell.
    pub fn new() -> Self {
        Self {
            state: AtomicU8::new(EMPTY),
            value: UnsafeCell::new(None),
        }
    }

    /// The value, if some call to `get_or_init` has set it.
    pub fn get(&self) -> Option<&T> {
        // Acquire: pairs with the Release store of FULL in `get_or_init`.
        if self.state.load(Ordering::Acquire) == FULL {
            // SAFETY: FULL is stored only after the value was written, and it
            // is never written again.
            Some(unsafe { self.value_ref() })
        } else {
            None
        }
    }

    /// The value, running `init` to set it if the cell is empty.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        let mut init = Some(init);
        loop {
            // Relaxed on success: an empty cell has no value to see.
            // Acquire on failure: pairs with the Release store of FULL, for
            // the value this caller then returns.
            // BUG: check, then act. Between this load and the store below,
            // another caller can see EMPTY too.
            let seen = self.state.load(Ordering::Acquire);
            let claimed = if seen == EMPTY {
                self.state.store(RUNNING, Ordering::Relaxed);
                Ok(EMPTY)
            } else {
                Err(seen)
            };
            match claimed {
                Ok(_) => {
                    let reset = ResetOnUnwind(&self.state);
                    let value = (init.take().expect("init runs once per call"))();
                    std::mem::forget(reset);
                    // SAFETY: RUNNING is this caller's, so no other thread
                    // writes the value, and none reads it before FULL.
                    self.value.with_mut(|v| unsafe { *v = Some(value) });
                    // Release: publishes the value, and all `init` did, to
                    // the Acquire loads of FULL.
                    self.state.store(FULL, Ordering::Release);
                    // SAFETY: this caller just filled the cell.
                    return unsafe { self.value_ref() };
                }
                // SAFETY: seen FULL with Acquire.
                Err(FULL) => return unsafe { self.value_ref() },
                // Another caller's init is running: let it run.
                Err(_) => thread::yield_now(),
            }
        }
    }

    /// The value of a full cell.
    ///
    /// # Safety
    ///
    /// The cell must be full, seen so with an Acquire (or filled by this
    /// thread).
    unsafe fn value_ref(&self) -> &T {
        // SAFETY: the caller promises the value is written and ordered
        // before this read; it is never written again, and `&self` keeps it
        // alive as long as the reference.
        let value = self.value.with(|v| unsafe { &*v });
        value.as_ref().expect("a full cell holds a value")
    }
}
