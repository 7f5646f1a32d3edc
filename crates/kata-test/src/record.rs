//! Recording what the kata's callbacks do, without adding synchronisation.
//!
//! A suite that checks ordering must not order things itself. If the
//! callbacks wrote into a mutex-protected log, the log's lock would make a
//! kata that orders nothing (or orders with a `Relaxed` flag) look correct.
//! So there are two recorders:
//!
//! - [`Unsync`] is state that the kata must order. Under loom it is loom's
//!   `UnsafeCell`, so two accesses not ordered by happens-before are reported
//!   as a data race, in every interleaving. On real threads (and under
//!   shuttle, which models no data races) it is a lock that
//!   is only ever *tried*: finding it taken means two callbacks overlapped,
//!   and that is reported as a race too.
//! - [`Trace`] records the order in which things happened in this run. Its
//!   lock is std's, which loom does not see, so it adds no happens-before edge
//!   to the model. Use it where callbacks may legitimately run at the same
//!   time (two hydrogens of one molecule, two philosophers eating).

use std::fmt;

/// State the kata's synchronisation must order. See the module docs.
pub struct Unsync<T> {
    what: &'static str,
    #[cfg(all(loom, not(kata_shuttle)))]
    cell: loom::cell::UnsafeCell<T>,
    #[cfg(any(not(loom), kata_shuttle))]
    cell: std::sync::Mutex<T>,
}

// SAFETY: loom's `UnsafeCell` is not `Sync`, but sharing one is the point: it
// is only ever reached through `with_mut`, which loom checks against every
// other access for happens-before, panicking on a race before any reference
// exists; and loom runs the modelled threads one at a time on one OS thread.
// (On real threads the field is a std Mutex, which is Sync already.)
#[cfg(all(loom, not(kata_shuttle)))]
unsafe impl<T: Send> Sync for Unsync<T> {}

impl<T> Unsync<T> {
    /// `what` names the state in a race report: "the output of print in order".
    pub fn new(what: &'static str, value: T) -> Self {
        Self {
            what,
            #[cfg(all(loom, not(kata_shuttle)))]
            cell: loom::cell::UnsafeCell::new(value),
            #[cfg(any(not(loom), kata_shuttle))]
            cell: std::sync::Mutex::new(value),
        }
    }

    /// Runs `f` on the state. Panics with a race report if another thread's
    /// access is not ordered before this one.
    #[track_caller]
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // A callback that records is progress, at the learner's grain: one
        // hand-over, not one whole call of n of them.
        crate::events::progress();
        #[cfg(all(loom, not(kata_shuttle)))]
        {
            // The counterexample timeline shows the callback between the
            // kata's own steps.
            kata_hooks::trace::step(None, || format!("callback: {}", self.what));
            // SAFETY: loom checks that this access is ordered by
            // happens-before with every other access to the cell, and panics
            // (a causality violation) before the pointer is used otherwise.
            self.cell.with_mut(|ptr| f(unsafe { &mut *ptr }))
        }
        #[cfg(any(not(loom), kata_shuttle))]
        {
            match self.cell.try_lock() {
                Ok(mut guard) => f(&mut guard),
                Err(std::sync::TryLockError::Poisoned(p)) => f(&mut p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => panic!(
                    "data race: two threads touched {} at the same time; nothing in the kata orders these callbacks",
                    self.what
                ),
            }
        }
    }

    /// The state, once every thread is done with it.
    pub fn into_inner(self) -> T {
        #[cfg(all(loom, not(kata_shuttle)))]
        {
            self.cell.into_inner()
        }
        #[cfg(any(not(loom), kata_shuttle))]
        {
            self.cell.into_inner().unwrap_or_else(|p| p.into_inner())
        }
    }
}

impl<T> fmt::Debug for Unsync<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Unsync").field("what", &self.what).finish()
    }
}

/// The order things happened in, recorded without synchronising the threads
/// that record (as far as loom can tell). See the module docs.
#[derive(Default)]
pub struct Trace<E> {
    events: std::sync::Mutex<Vec<E>>,
}

impl<E: Clone> Trace<E> {
    pub fn new() -> Self {
        Self {
            events: std::sync::Mutex::new(Vec::new()),
        }
    }

    pub fn push(&self, e: E) {
        crate::events::progress();
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(e);
    }

    /// Like [`push`](Trace::push), and returns the event's position in the
    /// trace (0 for the first), e.g. to tell which molecule a release joins.
    pub fn push_numbered(&self, e: E) -> usize {
        crate::events::progress();
        let mut events = self.events.lock().unwrap_or_else(|p| p.into_inner());
        events.push(e);
        events.len() - 1
    }

    pub fn snapshot(&self) -> Vec<E> {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl<E> fmt::Debug for Trace<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn overlapping_access_is_reported_as_a_race() {
        let u = Unsync::new("the log", 0);
        let message = crate::expect_panic("a nested access", || {
            u.with_mut(|_| u.with_mut(|v| *v += 1));
        });
        assert!(message.contains("data race"), "{message}");
    }

    #[test]
    fn ordered_access_is_fine() {
        let u = Unsync::new("the log", Vec::new());
        u.with_mut(|v| v.push(1));
        u.with_mut(|v| v.push(2));
        assert_eq!(u.into_inner(), [1, 2]);
    }
}
