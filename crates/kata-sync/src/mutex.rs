use std::fmt;
use std::ops::{Deref, DerefMut};
use std::panic::Location;

use crate::hooks;

/// A mutual-exclusion lock, in parking_lot's style: [`lock`](Mutex::lock)
/// returns the guard directly and there is no poisoning.
///
/// # Examples
///
/// ```
/// let counter = kata_sync::Mutex::new(0);
/// *counter.lock() += 1;
/// assert_eq!(*counter.lock(), 1);
/// ```
pub struct Mutex<T: ?Sized> {
    #[cfg(not(loom))]
    pub(crate) inner: parking_lot::Mutex<T>,
    #[cfg(loom)]
    pub(crate) inner: loom::sync::Mutex<T>,
}

/// Proof that the lock is held; the lock is released when this is dropped.
pub struct MutexGuard<'a, T: ?Sized> {
    #[cfg(not(loom))]
    pub(crate) inner: parking_lot::MutexGuard<'a, T>,
    // Loom's guard is taken out while a `Condvar` waits and put back after,
    // so it lives in an `Option` that is `Some` whenever user code can see it.
    #[cfg(loom)]
    pub(crate) mutex: &'a Mutex<T>,
    #[cfg(loom)]
    pub(crate) inner: Option<loom::sync::MutexGuard<'a, T>>,
}

impl<T> Mutex<T> {
    /// Creates an unlocked mutex holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            #[cfg(not(loom))]
            inner: parking_lot::Mutex::new(value),
            #[cfg(loom)]
            inner: loom::sync::Mutex::new(value),
        }
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Acquires the lock, blocking until it is free.
    #[track_caller]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.lock_at(Location::caller())
    }

    pub(crate) fn lock_at(&self, location: &'static Location<'static>) -> MutexGuard<'_, T> {
        #[cfg(not(loom))]
        {
            if let Some(inner) = self.inner.try_lock() {
                return MutexGuard { inner };
            }
            let _blocked = hooks::enter("Mutex::lock", location);
            MutexGuard {
                inner: self.inner.lock(),
            }
        }
        #[cfg(loom)]
        {
            let _blocked = hooks::enter("Mutex::lock", location);
            let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            // Recorded once held: the timeline's `m1.lock` is the moment the
            // thread got the lock (a thread still waiting shows as blocked).
            hooks::step(Some(location), || {
                format!("{}.lock", hooks::name("m", self))
            });
            MutexGuard {
                mutex: self,
                inner: Some(inner),
            }
        }
    }

    /// Acquires the lock if it is free right now, without blocking.
    #[track_caller]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        #[cfg(not(loom))]
        {
            self.inner.try_lock().map(|inner| MutexGuard { inner })
        }
        #[cfg(loom)]
        {
            let r = self.inner.try_lock();
            hooks::step(Some(Location::caller()), || {
                let ok = !matches!(r, Err(std::sync::TryLockError::WouldBlock));
                let name = hooks::name("m", self);
                format!("{name}.try_lock {}", if ok { "ok" } else { "busy" })
            });
            match r {
                Ok(inner) => Some(MutexGuard {
                    mutex: self,
                    inner: Some(inner),
                }),
                Err(std::sync::TryLockError::Poisoned(e)) => Some(MutexGuard {
                    mutex: self,
                    inner: Some(e.into_inner()),
                }),
                Err(std::sync::TryLockError::WouldBlock) => None,
            }
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Printing the value would need the lock; a Debug impl must not block.
        f.debug_struct("Mutex").finish_non_exhaustive()
    }
}

#[cfg(loom)]
impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // `inner` is `None` only while a `Condvar` wait has the lock.
        if self.inner.is_some() {
            hooks::step(None, || format!("{}.unlock", hooks::name("m", self.mutex)));
        }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        #[cfg(not(loom))]
        {
            &self.inner
        }
        #[cfg(loom)]
        {
            self.inner.as_ref().expect("guard is held")
        }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        #[cfg(not(loom))]
        {
            &mut self.inner
        }
        #[cfg(loom)]
        {
            self.inner.as_mut().expect("guard is held")
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
