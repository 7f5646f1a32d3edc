//! mutant: u16-reader-count
//! stage: functional
//! bug: the readers holding the lock are counted in a `u16` that wraps: with 65,536 readers in, the count reads 0, and a writer gets in beside all of them. Small tests never notice; count readers in a `usize`.

use std::ops::{Deref, DerefMut};

use kata_sync::cell::{ConstPtr, MutPtr, UnsafeCell};
use kata_sync::{Condvar, Mutex};

// ANCHOR: state
/// Who holds the lock, and who waits for it.
#[derive(Default)]
struct State {
    /// Readers holding the lock now.
    readers: u16,
    /// Whether a writer holds the lock. Never true while `readers > 0`.
    writer: bool,
    /// Writers waiting in `write`. While it is above 0, new readers wait:
    /// that is the writer preference.
    writers_waiting: usize,
}

/// A reader-writer lock: many readers at once, or one writer; once a writer
/// waits, new readers wait behind it.
pub struct RwLock<T> {
    state: Mutex<State>,
    /// Readers wait here while a writer holds the lock or waits for it.
    readers_cv: Condvar,
    /// Writers wait here while anyone holds the lock.
    ///
    /// Two condition variables, not one: a release then wakes exactly the
    /// kind of thread that can go next, and a `notify_one` meant for a
    /// writer cannot be spent on a reader that will only go back to sleep.
    writers_cv: Condvar,
    value: UnsafeCell<T>,
}
// ANCHOR_END: state

// SAFETY: the lock owns a `T` and hands out `&mut T` to one thread at a time,
// so sending the lock sends the `T`.
unsafe impl<T: Send> Send for RwLock<T> {}
// SAFETY: a shared `&RwLock` gives `&T` to many readers at once (so `T: Sync`)
// and `&mut T` to a writer on any thread (so `T: Send`); `state` orders every
// guard's accesses after the previous writer's.
unsafe impl<T: Send + Sync> Sync for RwLock<T> {}

/// Shared access to the value; the read lock is released when it is dropped.
pub struct ReadGuard<'a, T> {
    /// Declared before `_release`, so it is dropped first: the tracked read
    /// ends before the lock lets a writer in.
    value: ConstPtr<T>,
    _release: ReadRelease<'a, T>,
}

/// Exclusive access to the value; the write lock is released when it is
/// dropped.
pub struct WriteGuard<'a, T> {
    /// Dropped before `_release`, as in [`ReadGuard`].
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
            readers_cv: Condvar::new(),
            writers_cv: Condvar::new(),
            value: UnsafeCell::new(value),
        }
    }

    // ANCHOR: read
    /// Takes the lock for reading, waiting while a writer holds it or waits
    /// for it.
    pub fn read(&self) -> ReadGuard<'_, T> {
        let mut state = self.state.lock();
        // `writers_waiting > 0` is the writer preference: without it, readers
        // that keep overlapping would keep `readers` above 0 forever and the
        // writer would starve. `while`, not `if`: a wait may return early.
        while state.writer || state.writers_waiting > 0 {
            self.readers_cv.wait(&mut state);
        }
        state.readers = state.readers.wrapping_add(1);
        drop(state);
        ReadGuard {
            value: self.value.get(),
            _release: ReadRelease(self),
        }
    }
    // ANCHOR_END: read

    // ANCHOR: write
    /// Takes the lock for writing, waiting while anyone holds it.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut state = self.state.lock();
        // Counted while waiting, so that new readers queue behind us.
        state.writers_waiting += 1;
        while state.writer || state.readers > 0 {
            self.writers_cv.wait(&mut state);
        }
        state.writers_waiting -= 1;
        state.writer = true;
        drop(state);
        WriteGuard {
            value: self.value.get_mut(),
            _release: WriteRelease(self),
        }
    }
    // ANCHOR_END: write
}

// ANCHOR: release
impl<T> Drop for ReadRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        let mut state = lock.state.lock();
        state.readers = state.readers.wrapping_sub(1);
        // Only a writer can be waiting for the last reader to leave (new
        // readers wait only while a writer waits), and any one writer can go.
        if state.readers == 0 && state.writers_waiting > 0 {
            lock.writers_cv.notify_one();
        }
    }
}

impl<T> Drop for WriteRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        let mut state = lock.state.lock();
        state.writer = false;
        if state.writers_waiting > 0 {
            // Writers first: the readers waiting would only wait again.
            lock.writers_cv.notify_one();
        } else {
            // Every waiting reader can go at once.
            lock.readers_cv.notify_all();
        }
    }
}
// ANCHOR_END: release

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `readers > 0` while this guard lives, so no writer holds
        // the lock, and a writer's guard ended (its state change under the
        // mutex) before `read` saw `writer == false`.
        unsafe { self.value.deref() }
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: `writer` is true while this guard lives, so no other guard
        // exists, and every earlier guard ended before `write` saw the lock
        // free.
        unsafe { self.value.deref() }
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` keeps this the only reference
        // handed out by this guard.
        unsafe { self.value.deref() }
    }
}
