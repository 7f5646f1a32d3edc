use std::fmt;
use std::ops::{Deref, DerefMut};
use std::panic::Location;

use crate::hooks;

/// A reader-writer lock: many readers or one writer at a time.
pub struct RwLock<T: ?Sized> {
    #[cfg(not(loom))]
    inner: parking_lot::RwLock<T>,
    #[cfg(loom)]
    inner: loom::sync::RwLock<T>,
}

/// Shared access to the value behind an [`RwLock`].
pub struct RwLockReadGuard<'a, T: ?Sized> {
    #[cfg(not(loom))]
    inner: parking_lot::RwLockReadGuard<'a, T>,
    #[cfg(loom)]
    inner: loom::sync::RwLockReadGuard<'a, T>,
}

/// Exclusive access to the value behind an [`RwLock`].
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    #[cfg(not(loom))]
    inner: parking_lot::RwLockWriteGuard<'a, T>,
    #[cfg(loom)]
    inner: loom::sync::RwLockWriteGuard<'a, T>,
}

impl<T> RwLock<T> {
    /// Creates an unlocked `RwLock` holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            #[cfg(not(loom))]
            inner: parking_lot::RwLock::new(value),
            #[cfg(loom)]
            inner: loom::sync::RwLock::new(value),
        }
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Acquires shared read access, blocking while a writer holds the lock.
    #[track_caller]
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        #[cfg(not(loom))]
        {
            if let Some(inner) = self.inner.try_read() {
                return RwLockReadGuard { inner };
            }
            let _blocked = hooks::enter("RwLock::read", Location::caller());
            RwLockReadGuard {
                inner: self.inner.read(),
            }
        }
        #[cfg(loom)]
        {
            let _blocked = hooks::enter("RwLock::read", Location::caller());
            let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
            hooks::step(Some(Location::caller()), || {
                format!("{}.read", hooks::name("rw", self))
            });
            RwLockReadGuard { inner }
        }
    }

    /// Acquires exclusive write access, blocking while anyone else holds it.
    #[track_caller]
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        #[cfg(not(loom))]
        {
            if let Some(inner) = self.inner.try_write() {
                return RwLockWriteGuard { inner };
            }
            let _blocked = hooks::enter("RwLock::write", Location::caller());
            RwLockWriteGuard {
                inner: self.inner.write(),
            }
        }
        #[cfg(loom)]
        {
            let _blocked = hooks::enter("RwLock::write", Location::caller());
            let inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            hooks::step(Some(Location::caller()), || {
                format!("{}.write", hooks::name("rw", self))
            });
            RwLockWriteGuard { inner }
        }
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RwLock").finish_non_exhaustive()
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}
