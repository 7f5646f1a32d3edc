//! mutant: one-condvar-notify-one
//! stage: model
//! bug: readers and writers wait on one condition variable, and the last reader to leave wakes a single thread with `notify_one`: the wakeup can go to a reader queued behind the waiting writer, which goes back to sleep, and the writer is never woken.

use std::ops::{Deref, DerefMut};

use kata_sync::cell::{ConstPtr, MutPtr, UnsafeCell};
use kata_sync::{Condvar, Mutex};

/// Who holds the lock, and who waits for it.
#[derive(Default)]
struct State {
    /// Readers holding the lock now.
    readers: usize,
    /// Whether a writer holds the lock.
    writer: bool,
    /// Writers waiting in `write`; new readers wait while it is above 0.
    writers_waiting: usize,
}

/// A reader-writer lock: many readers at once, or one writer; once a writer
/// waits, new readers wait behind it.
pub struct RwLock<T> {
    state: Mutex<State>,
    // ANCHOR: one_condvar
    /// Everyone waits here: readers for the writer, writers for everyone.
    changed: Condvar,
    // ANCHOR_END: one_condvar
    value: UnsafeCell<T>,
}

// SAFETY: the lock owns a `T` and hands out `&mut T` to one thread at a time.
unsafe impl<T: Send> Send for RwLock<T> {}
// SAFETY: `&T` to many readers (T: Sync), `&mut T` to a writer on any thread
// (T: Send), ordered by `state`.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}

/// Shared access to the value; the read lock is released when it is dropped.
pub struct ReadGuard<'a, T> {
    value: ConstPtr<T>,
    _release: ReadRelease<'a, T>,
}

/// Exclusive access to the value; the write lock is released when it is
/// dropped.
pub struct WriteGuard<'a, T> {
    value: MutPtr<T>,
    _release: WriteRelease<'a, T>,
}

struct ReadRelease<'a, T>(&'a RwLock<T>);
struct WriteRelease<'a, T>(&'a RwLock<T>);

impl<T> RwLock<T> {
    /// Creates an unlocked lock holding `value`.
    pub fn new(value: T) -> Self {
        Self {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the lock for reading.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut state = self.state.lock();
        while state.writer || state.writers_waiting > 0 {
            self.changed.wait(&mut state);
        }
        state.readers += 1;
        drop(state);
        ReadGuard {
            value: self.value.get(),
            _release: ReadRelease(self),
        }
    }

    /// Takes the lock for writing.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut state = self.state.lock();
        state.writers_waiting += 1;
        while state.writer || state.readers > 0 {
            self.changed.wait(&mut state);
        }
        state.writers_waiting -= 1;
        state.writer = true;
        drop(state);
        WriteGuard {
            value: self.value.get_mut(),
            _release: WriteRelease(self),
        }
    }
}

// ANCHOR: release
impl<T> Drop for ReadRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        let mut state = lock.state.lock();
        state.readers -= 1;
        if state.readers == 0 {
            // Only a writer can use the lock now, so wake one thread: the
            // writer, we hope.
            lock.changed.notify_one();
        }
    }
}
// ANCHOR_END: release

impl<T> Drop for WriteRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        lock.state.lock().writer = false;
        // Every waiting reader, and the waiting writers, may go.
        lock.changed.notify_all();
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: no writer holds the lock while a reader does.
        unsafe { self.value.deref() }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: a writer holds the lock alone.
        unsafe { self.value.deref() }
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above; `&mut self` makes this the only reference.
        unsafe { self.value.deref() }
    }
}
