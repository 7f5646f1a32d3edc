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
    /// Inside a suite's polling wait (see [`polling`]): awake in spirit,
    /// even while the kernel shows it asleep between polls.
    pub polling: u32,
}

static LIVE: StdMutex<Vec<LiveThread>> = StdMutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

// A std thread-local even under loom: registration is a no-op there (loom
// finds deadlocks itself), and this is never read inside a loom execution.
std::thread_local! { static CURRENT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) }; }

/// Registers the current thread as part of the scenario until the guard is
/// dropped. Under loom this does nothing: loom finds deadlocks itself.
pub fn register_current() -> Registration {
    if cfg!(loom) {
        return Registration {
            id: 0,
            previous: None,
        };
    }
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
        LIVE.lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|t| t.id != self.id);
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
    set_polling(id, 1);
    Polling { id }
}

fn set_polling(id: Option<u64>, delta: i32) {
    let Some(id) = id else { return };
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = live.iter_mut().find(|t| t.id == id) {
        t.polling = t.polling.saturating_add_signed(delta);
    }
}

/// Ends a [`polling`] wait when dropped.
#[must_use = "the thread counts as polling only while this guard lives"]
#[derive(Debug)]
pub struct Polling {
    id: Option<u64>,
}

impl Drop for Polling {
    fn drop(&mut self) {
        set_polling(self.id, -1);
    }
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

#[cfg(loom)]
pub(crate) fn current_label() -> String {
    let t = loom::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

#[cfg(not(loom))]
pub(crate) fn current_label() -> String {
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
