//! alternative: fifo-tickets
//! why: a fair lock instead of a writer-preferring one: every caller takes a ticket and is let in in ticket order, consecutive readers together, a writer alone. A reader that arrives after a waiting writer has a later ticket, so it waits behind the writer, which is all the kata's preference asks; a writer that arrives after a waiting reader waits behind it, which a writer-preferring lock would not do. Neither side can starve the other.

use std::ops::{Deref, DerefMut};

use kata_sync::cell::{ConstPtr, MutPtr, UnsafeCell};
use kata_sync::{Condvar, Mutex};

/// Who holds the lock, and whose turn it is.
#[derive(Default)]
struct State {
    /// The ticket the next caller of `read` or `write` takes.
    next_ticket: u64,
    /// The ticket that may go in next.
    serving: u64,
    /// Readers holding the lock now.
    readers: usize,
    /// Whether a writer holds the lock.
    writer: bool,
}

/// A reader-writer lock: many readers at once, or one writer; once a writer
/// waits, new readers wait behind it.
pub struct RwLock<T> {
    state: Mutex<State>,
    /// Everyone waits here, for their turn and for the holders to leave.
    changed: Condvar,
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
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        while state.serving != ticket || state.writer {
            self.changed.wait(&mut state);
        }
        state.readers += 1;
        state.serving += 1;
        drop(state);
        // The next ticket may be a reader, which can come in beside us.
        self.changed.notify_all();
        ReadGuard {
            value: self.value.get(),
            _release: ReadRelease(self),
        }
    }

    /// Takes the lock for writing.
    pub fn write(&self) -> WriteGuard<'_, T> {
        let mut state = self.state.lock();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        while state.serving != ticket || state.writer || state.readers > 0 {
            self.changed.wait(&mut state);
        }
        state.writer = true;
        // The next ticket now waits for `writer` to clear, not for its turn.
        state.serving += 1;
        drop(state);
        WriteGuard {
            value: self.value.get_mut(),
            _release: WriteRelease(self),
        }
    }
}

impl<T> Drop for ReadRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        let mut state = lock.state.lock();
        state.readers -= 1;
        if state.readers == 0 {
            // A writer whose turn it is may be waiting for the last reader;
            // everyone waits on one condition variable, so wake them all.
            drop(state);
            lock.changed.notify_all();
        }
    }
}

impl<T> Drop for WriteRelease<'_, T> {
    fn drop(&mut self) {
        let lock = self.0;
        lock.state.lock().writer = false;
        // The next ticket, reader or writer, may go.
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
