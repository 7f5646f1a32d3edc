//! What the spin-lock suites share: the two locks behind one trait, so each
//! property is checked against both with the same code.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use spin_lock::{SpinLock, TicketLock};

/// The part of the API the two locks share: `new`, and a critical section
/// through `lock`'s guard.
pub trait Lock<T>: Send + Sync + 'static {
    /// The type's name, for messages.
    const NAME: &'static str;

    fn new(value: T) -> Self;

    /// Takes the lock, runs `f` on the value through the guard's
    /// `DerefMut`, and drops the guard.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R;
}

impl<T: Send + 'static> Lock<T> for SpinLock<T> {
    const NAME: &'static str = "SpinLock";

    fn new(value: T) -> Self {
        SpinLock::new(value)
    }

    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.lock();
        f(&mut guard)
    }
}

impl<T: Send + 'static> Lock<T> for TicketLock<T> {
    const NAME: &'static str = "TicketLock";

    fn new(value: T) -> Self {
        TicketLock::new(value)
    }

    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.lock();
        f(&mut guard)
    }
}
