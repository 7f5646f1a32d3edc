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

// Live threads, counted per family: a thread's family is the one of the thread
// that spawned it through the facade, or its own if it was not. A suite asks
// from the thread that called the kata, so tests running side by side in one
// process (plain `cargo test`) do not count each other's threads. Outside
// loom's model, like the registry above.
#[cfg(all(feature = "check", not(loom)))]
static LIVE: StdMutex<Vec<(u64, usize)>> = StdMutex::new(Vec::new());
#[cfg(all(feature = "check", not(loom)))]
static NEXT_FAMILY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
#[cfg(all(feature = "check", not(loom)))]
std::thread_local! { static FAMILY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) }; }

#[cfg(all(feature = "check", not(loom)))]
fn family() -> u64 {
    FAMILY.with(|f| {
        if f.get() == 0 {
            f.set(NEXT_FAMILY.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        }
        f.get()
    })
}

#[cfg(all(feature = "check", not(loom)))]
fn add_live(family: u64, delta: isize) {
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    match live.iter_mut().find(|(f, _)| *f == family) {
        Some((_, n)) => *n = n.saturating_add_signed(delta),
        None => live.push((family, delta.max(0) as usize)),
    }
}

/// How many threads spawned through `kata_sync::thread::spawn`, by this thread
/// or by threads it spawned that way in turn, are still running their
/// closure. Always 0 without the `check` feature, and under loom (whose model
/// reports threads left blocked by itself).
pub fn live_threads() -> usize {
    #[cfg(all(feature = "check", not(loom)))]
    {
        let me = family();
        let live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        live.iter().find(|(f, _)| *f == me).map_or(0, |(_, n)| *n)
    }
    #[cfg(not(all(feature = "check", not(loom))))]
    0
}

/// A thread counted as live, from its spawn until its closure returns.
#[cfg(not(loom))]
pub(crate) struct LiveThread {
    #[cfg(feature = "check")]
    family: u64,
}

#[cfg(not(loom))]
impl LiveThread {
    /// Counts a thread about to be spawned by the current one.
    pub(crate) fn start() -> Self {
        #[cfg(feature = "check")]
        {
            let family = family();
            add_live(family, 1);
            LiveThread { family }
        }
        #[cfg(not(feature = "check"))]
        LiveThread {}
    }

    /// Called first thing on the new thread: it joins its spawner's family.
    pub(crate) fn enter(self) -> Self {
        #[cfg(feature = "check")]
        FAMILY.with(|f| f.set(self.family));
        self
    }
}

#[cfg(not(loom))]
impl Drop for LiveThread {
    // Runs when the closure returns or unwinds (or if the spawn fails).
    fn drop(&mut self) {
        #[cfg(feature = "check")]
        add_live(self.family, -1);
    }
}
