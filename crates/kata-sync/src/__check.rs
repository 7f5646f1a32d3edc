//! Instrumentation used by the hidden suites; not part of the kata API.
//!
//! With the `check` feature, the blocking primitives record which thread is
//! blocked where, and condition variables wake spuriously on every other wait
//! (see the crate docs). Without the feature every function here is a no-op
//! and nothing is recorded.

use std::panic::Location;
#[cfg(feature = "check")]
use std::sync::Mutex as StdMutex;

/// A thread that is blocked inside one of the facade's primitives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedThread {
    /// The thread's name, or its id when it has none.
    pub thread: String,
    /// The blocking call, e.g. `Condvar::wait`.
    pub op: &'static str,
    /// Where kata code made the call.
    pub location: &'static Location<'static>,
}

// The registry lives outside loom's model on purpose: it is bookkeeping for the
// report, not part of the program under test, so it must not add interleavings.
#[cfg(feature = "check")]
static BLOCKED: StdMutex<Vec<(u64, BlockedThread)>> = StdMutex::new(Vec::new());
#[cfg(feature = "check")]
static NEXT_TICKET: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Every thread now blocked in a facade primitive, oldest first.
pub fn blocked_threads() -> Vec<BlockedThread> {
    #[cfg(feature = "check")]
    {
        let list = BLOCKED.lock().unwrap_or_else(|e| e.into_inner());
        list.iter().map(|(_, b)| b.clone()).collect()
    }
    #[cfg(not(feature = "check"))]
    Vec::new()
}

/// Forgets every recorded thread. The model stage calls this at the start of
/// each loom execution, since a deadlocked execution never unwinds its records.
pub fn reset() {
    #[cfg(feature = "check")]
    BLOCKED.lock().unwrap_or_else(|e| e.into_inner()).clear();
}

/// Whether this build injects spurious wakeups.
pub const SPURIOUS_WAKEUPS: bool = cfg!(feature = "check");

/// Marks the current thread as blocked until the returned guard is dropped.
pub(crate) fn enter(op: &'static str, location: &'static Location<'static>) -> Blocked {
    #[cfg(feature = "check")]
    {
        let ticket = NEXT_TICKET.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let entry = BlockedThread {
            thread: current_thread_label(),
            op,
            location,
        };
        BLOCKED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((ticket, entry));
        Blocked { ticket }
    }
    #[cfg(not(feature = "check"))]
    {
        let _ = (op, location);
        Blocked {}
    }
}

/// Removes its thread's record when dropped, including on unwind.
pub(crate) struct Blocked {
    #[cfg(feature = "check")]
    ticket: u64,
}

impl Drop for Blocked {
    fn drop(&mut self) {
        #[cfg(feature = "check")]
        BLOCKED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|(t, _)| *t != self.ticket);
    }
}

#[cfg(all(feature = "check", loom))]
fn current_thread_label() -> String {
    let t = loom::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

#[cfg(all(feature = "check", not(loom)))]
fn current_thread_label() -> String {
    let t = std::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

// ANCHOR: spurious
/// Decides whether this `Condvar::wait` returns spuriously: every other wait on
/// a thread does, starting with its first.
pub(crate) fn spurious_wakeup_now() -> bool {
    #[cfg(feature = "check")]
    {
        #[cfg(loom)]
        loom::thread_local! { static WAITS: std::cell::Cell<u64> = std::cell::Cell::new(0); }
        #[cfg(not(loom))]
        std::thread_local! { static WAITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) }; }
        WAITS.with(|w| {
            let n = w.get();
            w.set(n + 1);
            n % 2 == 0
        })
    }
    #[cfg(not(feature = "check"))]
    false
}
// ANCHOR_END: spurious

// Spin counts: how often each thread has called `hint::spin_loop` or
// `thread::yield_now`. The primitives katas (spin and ticket locks, once
// cells) wait by spinning, which leaves no record in `blocked_threads`; a
// suite that must know a thread has reached its wait loop (the ticket lock's
// arrival order) asks this instead. Real threads only: loom runs its threads
// on one OS thread, and its suites do not need it.
#[cfg(all(feature = "check", not(loom)))]
static SPINS: StdMutex<Vec<(String, std::sync::Arc<std::sync::atomic::AtomicU64>)>> =
    StdMutex::new(Vec::new());

#[cfg(all(feature = "check", not(loom)))]
std::thread_local! {
    static MY_SPINS: std::sync::Arc<std::sync::atomic::AtomicU64> = {
        let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        SPINS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((current_thread_label(), std::sync::Arc::clone(&count)));
        count
    };
}

/// Counts a `spin_loop` or `yield_now` call for the calling thread.
#[inline]
pub(crate) fn spun() {
    #[cfg(all(feature = "check", not(loom)))]
    // Relaxed: a counter read by `spins`; it orders nothing.
    let _ = MY_SPINS.try_with(|c| c.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
}

/// How many times the threads named `thread` have called
/// [`hint::spin_loop`](crate::hint::spin_loop) or
/// [`thread::yield_now`](crate::thread::yield_now) so far (0 when nothing is
/// recorded: outside check builds, and under loom).
pub fn spins(thread: &str) -> u64 {
    #[cfg(all(feature = "check", not(loom)))]
    {
        let list = SPINS.lock().unwrap_or_else(|e| e.into_inner());
        list.iter()
            .filter(|(name, _)| name == thread)
            // Relaxed: see `spun`.
            .map(|(_, c)| c.load(std::sync::atomic::Ordering::Relaxed))
            .sum()
    }
    #[cfg(not(all(feature = "check", not(loom))))]
    {
        let _ = thread;
        0
    }
}
