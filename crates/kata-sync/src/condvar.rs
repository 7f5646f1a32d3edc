use std::fmt;
use std::panic::Location;

use crate::{MutexGuard, hooks};

/// A condition variable, in parking_lot's style: [`wait`](Condvar::wait) takes
/// the guard by `&mut` and gives it back re-locked.
///
/// A wait may return without a notification (a *spurious wakeup*): always
/// wait in a loop that re-checks the condition, or use
/// [`wait_while`](Condvar::wait_while). Check builds make this happen on
/// purpose; see the crate docs.
pub struct Condvar {
    #[cfg(not(loom))]
    inner: parking_lot::Condvar,
    #[cfg(loom)]
    inner: loom::sync::Condvar,
}

impl Condvar {
    /// Creates a condition variable with no waiters.
    pub fn new() -> Self {
        Self {
            #[cfg(not(loom))]
            inner: parking_lot::Condvar::new(),
            #[cfg(loom)]
            inner: loom::sync::Condvar::new(),
        }
    }

    // ANCHOR: wait
    /// Releases the guard's lock, blocks until notified (or woken
    /// spuriously), then re-acquires the lock before returning.
    #[track_caller]
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        let location = Location::caller();
        if hooks::spurious_wakeup_now() {
            let _blocked = hooks::enter("Condvar::wait", location);
            hooks::step(Some(location), || format!("{}.wait", self.name()));
            unlock_and_relock(guard);
            hooks::step(Some(location), || format!("{}.spurious", self.name()));
        } else {
            self.wait_for_notification(guard, location);
        }
    }
    // ANCHOR_END: wait

    /// Waits for as long as `condition` returns `true`, re-checking it after
    /// every wakeup. It returns with the lock held and `condition` false.
    #[track_caller]
    pub fn wait_while<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        mut condition: impl FnMut(&mut T) -> bool,
    ) {
        let location = Location::caller();
        // The loop is the whole point of `wait_while`, so an injected spurious
        // wakeup here could only cost loom states, never reveal a bug.
        while condition(&mut **guard) {
            self.wait_for_notification(guard, location);
        }
    }

    /// A wait with no injected spurious wakeup, for the facade's own
    /// primitives: they loop correctly, and skipping the extra unlock keeps
    /// loom's state space small.
    pub(crate) fn wait_for_notification<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        location: &'static Location<'static>,
    ) {
        let _blocked = hooks::enter("Condvar::wait", location);
        #[cfg(not(loom))]
        self.inner.wait(&mut guard.inner);
        #[cfg(loom)]
        {
            hooks::step(Some(location), || format!("{}.wait", self.name()));
            let inner = guard.inner.take().expect("guard is held");
            let inner = self.inner.wait(inner).unwrap_or_else(|e| e.into_inner());
            guard.inner = Some(inner);
            hooks::step(Some(location), || format!("{}.woken", self.name()));
        }
    }

    /// The timeline's name for this condition variable.
    fn name(&self) -> String {
        hooks::name("cv", self)
    }

    /// Wakes one waiting thread, if there is one.
    #[track_caller]
    pub fn notify_one(&self) {
        #[cfg(loom)]
        hooks::step(Some(Location::caller()), || {
            format!("{}.notify_one", self.name())
        });
        self.inner.notify_one();
    }

    /// Wakes every waiting thread.
    #[track_caller]
    pub fn notify_all(&self) {
        #[cfg(loom)]
        hooks::step(Some(Location::caller()), || {
            format!("{}.notify_all", self.name())
        });
        self.inner.notify_all();
    }
}

// ANCHOR: unlock_and_relock
/// What a spurious wakeup looks like to the waiter: the lock is released, other
/// threads may run, and the lock is taken again.
fn unlock_and_relock<T>(guard: &mut MutexGuard<'_, T>) {
    #[cfg(not(loom))]
    parking_lot::MutexGuard::unlocked(&mut guard.inner, std::thread::yield_now);
    #[cfg(loom)]
    {
        drop(guard.inner.take());
        let inner = guard.mutex.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard.inner = Some(inner);
    }
}
// ANCHOR_END: unlock_and_relock

impl Default for Condvar {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}
