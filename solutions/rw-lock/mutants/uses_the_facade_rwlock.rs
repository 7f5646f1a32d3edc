//! mutant: uses-the-facade-rwlock
//! stage: facade
//! bug: the lock wraps `kata_sync::RwLock`: it works, but the kata is to build the read-write lock from a Mutex and Condvars, and its rules refuse the ready-made one.

use std::ops::{Deref, DerefMut};

/// A reader-writer lock that delegates to the facade's own.
pub struct RwLock<T> {
    inner: kata_sync::RwLock<T>,
}

/// Shared access to the value.
pub struct ReadGuard<'a, T> {
    inner: kata_sync::RwLockReadGuard<'a, T>,
}

/// Exclusive access to the value.
pub struct WriteGuard<'a, T> {
    inner: kata_sync::RwLockWriteGuard<'a, T>,
}

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            inner: kata_sync::RwLock::new(value),
        }
    }

    /// Takes the lock for reading.
    pub fn read(&self) -> ReadGuard<'_, T> {
        ReadGuard {
            inner: self.inner.read(),
        }
    }

    /// Takes the lock for writing.
    pub fn write(&self) -> WriteGuard<'_, T> {
        WriteGuard {
            inner: self.inner.write(),
        }
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}
