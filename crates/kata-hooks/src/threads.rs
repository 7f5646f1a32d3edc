//! The threads of the scenario under test: the test's own thread, the
//! threads the suite spawns and the threads the kata spawns. The watchdog
//! calls a run deadlocked only when every one of them is blocked.

use std::sync::Mutex as StdMutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A registered thread that has not finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveThread {
    pub id: u64,
    pub label: String,
    pub os_tid: Option<u32>,
    /// Who started it: the test, the suite, or the kata.
    pub kind: Kind,
    /// Threads the kata spawns join the family of the thread that spawned
    /// them; the test's thread and each suite thread start a family of their
    /// own. `kata_test::live_kata_threads` counts within one family, so tests
    /// running side by side in one process do not count each other's.
    pub family: u64,
    /// Inside a suite's polling wait (see [`polling`]): awake in spirit,
    /// even while the kernel shows it asleep between polls.
    pub polling: u32,
    /// Inside a suite's wait for an event only another thread can produce
    /// (see [`awaiting`]): awake for the deadlock detector, but no help to
    /// another thread awaiting an event.
    pub awaiting: u32,
}

/// Who started a registered thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The test's own thread (registered by `kata_test::check`).
    Test,
    /// A thread the suite spawned (`kata_test::spawn`).
    Suite,
    /// A thread the kata spawned through `kata_sync::thread`.
    Kata,
}

/// What a thread about to be spawned inherits from its spawner; taken on
/// the spawning thread, applied on the new one. The thread counts as live
/// from the moment this is taken (so a thread that has not started yet is
/// not mistaken for one that has exited); if it never starts, dropping this
/// unregisters it.
#[derive(Debug)]
pub struct SpawnContext {
    family: u64,
    /// The registry entry reserved for the thread (0: none, under loom).
    id: u64,
}

impl Drop for SpawnContext {
    fn drop(&mut self) {
        if self.id != 0 {
            unregister(self.id);
        }
    }
}

fn unregister(id: u64) {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|t| t.id != id);
}

static LIVE: StdMutex<Vec<LiveThread>> = StdMutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);
static NEXT_FAMILY: AtomicU64 = AtomicU64::new(1);

std::thread_local! {
    static FAMILY: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static SPAWNING_FOR_SUITE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn current_family() -> u64 {
    FAMILY.with(|f| {
        if f.get() == 0 {
            // Relaxed: ids only need to be unique.
            f.set(NEXT_FAMILY.fetch_add(1, Ordering::Relaxed));
        }
        f.get()
    })
}

/// Counts every thread spawned while the returned guard lives as the
/// suite's, not the kata's (`kata_test::spawn` takes one around the
/// facade's spawn).
pub fn spawning_for_the_suite() -> ForSuite {
    SPAWNING_FOR_SUITE.with(|s| s.set(true));
    ForSuite(())
}

/// Ends [`spawning_for_the_suite`] when dropped.
#[must_use = "threads count as the suite's only while this guard lives"]
#[derive(Debug)]
pub struct ForSuite(());

impl Drop for ForSuite {
    fn drop(&mut self) {
        let _ = SPAWNING_FOR_SUITE.try_with(|s| s.set(false));
    }
}

/// Taken on the spawning thread, just before the spawn.
pub fn spawn_context() -> SpawnContext {
    if cfg!(loom) {
        return SpawnContext { family: 0, id: 0 };
    }
    let (kind, family) = if SPAWNING_FOR_SUITE.with(|s| s.get()) {
        // Relaxed: ids only need to be unique.
        (Kind::Suite, NEXT_FAMILY.fetch_add(1, Ordering::Relaxed))
    } else {
        (Kind::Kata, current_family())
    };
    // Relaxed: ids only need to be unique.
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(LiveThread {
            id,
            label: String::from("(starting)"),
            // Unknown until it runs: a starting thread is never "asleep".
            os_tid: None,
            polling: 0,
            awaiting: 0,
            kind,
            family,
        });
    SpawnContext { family, id }
}

/// Registers the new thread, first thing in its body, with what it inherited.
pub fn register_spawned(ctx: SpawnContext) -> Registration {
    if ctx.id == 0 {
        return Registration {
            id: 0,
            previous: None,
        };
    }
    FAMILY.with(|f| f.set(ctx.family));
    let id = ctx.id;
    {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = live.iter_mut().find(|t| t.id == id) {
            t.label = current_label();
            t.os_tid = current_os_tid();
        }
    }
    let previous = CURRENT.with(|c| c.replace(Some(id)));
    // The entry now belongs to the Registration.
    std::mem::forget(ctx);
    Registration { id, previous }
}

/// How many threads the kata spawned in the current thread's family are
/// still running.
pub fn live_kata_threads() -> usize {
    let family = current_family();
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|t| t.kind == Kind::Kata && t.family == family)
        .count()
}

// A std thread-local even under loom: registration is a no-op there (loom
// finds deadlocks itself), and this is never read inside a loom execution.
std::thread_local! { static CURRENT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) }; }

/// Registers the current thread (the test's own) as part of the scenario
/// until the guard is dropped. Under loom this does nothing: loom finds
/// deadlocks itself.
pub fn register_current() -> Registration {
    if cfg!(loom) {
        return Registration {
            id: 0,
            previous: None,
        };
    }
    register(Kind::Test, current_family())
}

fn register(kind: Kind, family: u64) -> Registration {
    // Relaxed: ids only need to be unique.
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let previous = CURRENT.with(|c| c.replace(Some(id)));
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(LiveThread {
            id,
            label: current_label(),
            os_tid: current_os_tid(),
            polling: 0,
            awaiting: 0,
            kind,
            family,
        });
    Registration { id, previous }
}

/// Unregisters its thread when dropped, including on unwind.
#[must_use = "the thread is registered only while this guard lives"]
#[derive(Debug)]
pub struct Registration {
    id: u64,
    previous: Option<u64>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.id == 0 {
            return;
        }
        unregister(self.id);
        let previous = self.previous;
        // A thread-local may already be gone while a thread exits.
        let _ = CURRENT.try_with(|c| c.set(previous));
    }
}

/// Marks the current thread as polling for an event until the guard is
/// dropped: it sleeps between polls, but it is waiting on a deadline, not
/// stuck, so no deadlock may be declared while it polls.
pub fn polling() -> Polling {
    let id = current_live_id();
    set_polling(id, false, 1);
    Polling {
        id,
        awaiting: false,
    }
}

/// Marks the current thread as awaiting an event that only another thread
/// can produce (`kata_test::wait::until_done`): like [`polling`] for the
/// deadlock detector, but two threads awaiting each other cannot help.
pub fn awaiting() -> Polling {
    let id = current_live_id();
    set_polling(id, true, 1);
    Polling { id, awaiting: true }
}

fn set_polling(id: Option<u64>, awaiting: bool, delta: i32) {
    let Some(id) = id else { return };
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = live.iter_mut().find(|t| t.id == id) {
        let n = if awaiting {
            &mut t.awaiting
        } else {
            &mut t.polling
        };
        *n = n.saturating_add_signed(delta);
    }
}

/// Ends a [`polling`] or [`awaiting`] wait when dropped.
#[must_use = "the thread counts as polling only while this guard lives"]
#[derive(Debug)]
pub struct Polling {
    id: Option<u64>,
    awaiting: bool,
}

impl Drop for Polling {
    fn drop(&mut self) {
        set_polling(self.id, self.awaiting, -1);
    }
}

/// The registry ids and names of the threads the kata spawned in the current
/// thread's family that are still running.
pub fn kata_threads() -> Vec<(u64, String)> {
    let family = current_family();
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|t| t.kind == Kind::Kata && t.family == family)
        .map(|t| (t.id, t.label.clone()))
        .collect()
}

/// Every registered thread that has not finished.
pub fn live_threads() -> Vec<LiveThread> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

pub fn current_live_id() -> Option<u64> {
    if cfg!(loom) {
        return None;
    }
    CURRENT.try_with(|c| c.get()).ok().flatten()
}

/// The current thread's name, or its id when it has none.
#[cfg(loom)]
pub fn current_label() -> String {
    let t = loom::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

/// The current thread's name, or its id when it has none.
#[cfg(not(loom))]
pub fn current_label() -> String {
    let t = std::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

/// The OS thread id, read once per thread from `/proc/thread-self` (Linux);
/// `None` elsewhere and under loom, whose threads share one OS thread.
pub(crate) fn current_os_tid() -> Option<u32> {
    if cfg!(loom) {
        return None;
    }
    std::thread_local! { static TID: Option<u32> = std::fs::read_link("/proc/thread-self")
    .ok()
    .and_then(|p| p.file_name()?.to_str()?.parse().ok()); }
    TID.try_with(|t| *t).ok().flatten()
}
