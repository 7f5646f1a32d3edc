use std::fmt;
use std::panic::Location;

use crate::{Condvar, Mutex};

/// A counting semaphore: [`acquire`](Semaphore::acquire) takes a permit,
/// blocking while there is none; [`release`](Semaphore::release) adds one.
///
/// It is built on the facade's own [`Mutex`] and [`Condvar`], so loom models
/// it like any other code.
///
/// # Examples
///
/// ```
/// let permits = kata_sync::Semaphore::new(1);
/// assert!(permits.try_acquire());
/// assert!(!permits.try_acquire());
/// permits.release();
/// permits.acquire();
/// ```
// ANCHOR: semaphore
pub struct Semaphore {
    /// The number of permits available now.
    permits: Mutex<usize>,
    /// Notified once per `release`, since each release lets exactly one
    /// acquirer through.
    released: Condvar,
}

impl Semaphore {
    /// Creates a semaphore holding `permits` permits.
    pub fn new(permits: usize) -> Self {
        Self {
            permits: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Takes a permit, blocking until one is available.
    #[track_caller]
    pub fn acquire(&self) {
        let location = Location::caller();
        let mut permits = self.permits.lock_at(location);
        while *permits == 0 {
            self.released.wait_for_notification(&mut permits, location);
        }
        *permits -= 1;
    }

    /// Takes a permit if one is available now; returns whether it did.
    #[track_caller]
    pub fn try_acquire(&self) -> bool {
        let mut permits = self.permits.lock_at(Location::caller());
        if *permits == 0 {
            return false;
        }
        *permits -= 1;
        true
    }

    /// Adds a permit, waking one thread blocked in `acquire` if there is one.
    #[track_caller]
    pub fn release(&self) {
        let mut permits = self.permits.lock_at(Location::caller());
        *permits += 1;
        // Notify while holding the lock: under loom this keeps the wakeup and
        // the count change one atomic step, which is simpler to reason about.
        self.released.notify_one();
    }
}
// ANCHOR_END: semaphore

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore").finish_non_exhaustive()
    }
}
