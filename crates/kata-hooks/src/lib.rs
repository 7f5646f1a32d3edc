//! The checker's view of the facade.
//!
//! `kata_sync` calls into this crate, in check builds only, whenever a thread
//! blocks, wakes or starts; the hidden suites (through `kata-test`) read what
//! it records. Kata code cannot name this crate: the generated check package
//! gives the code under test `kata_sync` and nothing else, so it cannot ask
//! whether it is being checked, nor predict the injected spurious wakeups.
//!
//! Everything here lives outside loom's model on purpose: it is bookkeeping
//! for the report, not part of the program under test, so it must not add
//! interleavings (std's `Mutex`, not loom's).

use std::panic::Location;
use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicU64, Ordering};

mod spurious;
mod threads;
pub mod trace;

pub use spurious::{Pattern, SpuriousPlan, set_plan, spurious_wakeup_now};
pub use threads::{
    ForSuite, Kind, LiveThread, Polling, Registration, SpawnContext, awaiting, current_label,
    current_live_id, kata_threads, live_kata_threads, live_threads, polling, register_current,
    register_spawned, spawn_context, spawning_for_the_suite,
};

/// How often each thread has called `hint::spin_loop` or `thread::yield_now`
/// (real threads only), for suites that must know a spinning thread reached
/// its wait loop, such as the ticket lock's arrival order.
static SPINS: StdMutex<Vec<(String, std::sync::Arc<AtomicU64>)>> = StdMutex::new(Vec::new());

std::thread_local! {
    static MY_SPINS: std::sync::Arc<AtomicU64> = {
        let count = std::sync::Arc::new(AtomicU64::new(0));
        lock(&SPINS).push((threads::current_label(), std::sync::Arc::clone(&count)));
        count
    };
}

/// Counts a `spin_loop` or `yield_now` call for the calling thread.
pub fn spun() {
    if cfg!(loom) {
        return;
    }
    // Relaxed: a counter read by `spins`; it orders nothing.
    let _ = MY_SPINS.try_with(|c| c.fetch_add(1, Ordering::Relaxed));
}

/// How many times the threads named `thread` have spun so far.
pub fn spins(thread: &str) -> u64 {
    lock(&SPINS)
        .iter()
        .filter(|(name, _)| name == thread)
        // Relaxed: see `spun`.
        .map(|(_, c)| c.load(Ordering::Relaxed))
        .sum()
}

/// A thread that is blocked inside one of the facade's primitives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockedThread {
    /// The thread's name, or its id when it has none.
    pub thread: String,
    /// The blocking call, e.g. `Condvar::wait`.
    pub op: &'static str,
    /// Where kata code made the call.
    pub location: &'static Location<'static>,
    /// The registry id of the thread (see [`register_current`]), if it has one.
    pub live_id: Option<u64>,
    /// The OS thread id, on Linux; the watchdog reads its scheduler state.
    pub os_tid: Option<u32>,
}

static BLOCKED: StdMutex<Vec<(u64, BlockedThread)>> = StdMutex::new(Vec::new());
static NEXT_TICKET: AtomicU64 = AtomicU64::new(0);

fn lock<T>(m: &StdMutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Every thread now blocked in a facade primitive, oldest first.
pub fn blocked_threads() -> Vec<BlockedThread> {
    lock(&BLOCKED).iter().map(|(_, b)| b.clone()).collect()
}

/// Forgets every recorded blocked thread, and the steps of the last
/// execution. The model stage calls this at the start of each loom
/// execution, since a deadlocked execution never unwinds its records.
pub fn reset() {
    lock(&BLOCKED).clear();
    trace::clear();
}

/// Marks the current thread as blocked in `op` until the returned guard is
/// dropped (including on unwind).
pub fn enter(op: &'static str, location: &'static Location<'static>) -> Blocked {
    // Relaxed: tickets only need to be unique.
    let ticket = NEXT_TICKET.fetch_add(1, Ordering::Relaxed);
    let entry = BlockedThread {
        thread: threads::current_label(),
        op,
        location,
        live_id: threads::current_live_id(),
        os_tid: threads::current_os_tid(),
    };
    lock(&BLOCKED).push((ticket, entry));
    Blocked { ticket }
}

/// Removes its thread's record when dropped.
#[must_use = "the thread counts as blocked only while this guard lives"]
#[derive(Debug)]
pub struct Blocked {
    ticket: u64,
}

impl Drop for Blocked {
    fn drop(&mut self) {
        lock(&BLOCKED).retain(|(t, _)| *t != self.ticket);
    }
}
