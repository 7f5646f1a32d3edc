//! The event log that stress tests write and the watchdog that reads it.
//!
//! Each worker thread owns a slot holding the call it is in and its last few
//! events. A slot's lock is only ever contended by the watchdog, when it
//! writes a report, so logging adds no synchronisation between the threads
//! under test beyond one relaxed counter.

use std::collections::VecDeque;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bumped whenever a call into the kata returns (and by [`progress`]); the
/// watchdog's measure of progress. Plain events do not count: a monitor
/// thread that keeps logging while every worker is stuck is not progress.
/// It is global so that the loom runner can count executions too.
pub(crate) static PROGRESS: AtomicU64 = AtomicU64::new(0);

/// Orders the events in a report.
static SEQ: AtomicU64 = AtomicU64::new(0);

// ANCHOR: progress
/// Tells the watchdog that the test is still moving.
pub fn progress() -> u64 {
    // Relaxed: a progress tick orders nothing; it is only ever compared.
    PROGRESS.fetch_add(1, Ordering::Relaxed) + 1
}
// ANCHOR_END: progress

const RECENT: usize = 6;

/// The shared log of one test. Create workers from it with [`EventLog::worker`].
#[derive(Default)]
pub struct EventLog {
    workers: Mutex<Vec<Arc<Slot>>>,
    context: Mutex<Vec<Context>>,
}

type Context = Box<dyn Fn() -> String + Send + Sync>;

struct Slot {
    name: String,
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    current: Option<String>,
    recent: VecDeque<(u64, String)>,
}

/// One thread's handle on the log.
pub struct Worker {
    slot: Arc<Slot>,
}

/// A call into the kata that has begun and not yet returned.
#[must_use = "the call is recorded as returned when this is dropped"]
pub struct CallGuard<'a> {
    worker: &'a Worker,
    result: Option<String>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a worker. The name shows in stall reports; use the name the
    /// thread was spawned with.
    pub fn worker(&self, name: impl Into<String>) -> Worker {
        let slot = Arc::new(Slot {
            name: name.into(),
            state: Mutex::new(SlotState::default()),
        });
        lock(&self.workers).push(Arc::clone(&slot));
        Worker { slot }
    }

    /// Adds a section to every stall report: `describe` is called when the
    /// watchdog fires and should say what the suite knows, e.g. "fork 2 is
    /// held by philosopher 1; philosopher 2 waits for it". It must not block
    /// on the kata's state.
    pub fn add_context(&self, describe: impl Fn() -> String + Send + Sync + 'static) {
        lock(&self.context).push(Box::new(describe));
    }

    /// Renders what every worker was doing, and where the facade saw threads
    /// blocked, for a stall report.
    pub fn render(&self) -> String {
        let workers = lock(&self.workers).clone();
        let blocked = kata_hooks::blocked_threads();
        let mut out = String::new();
        for describe in lock(&self.context).iter() {
            let text = describe();
            out.push_str(text.trim_end());
            out.push('\n');
        }
        let pending: Vec<_> = workers
            .iter()
            .filter_map(|w| lock(&w.state).current.clone().map(|c| (w.name.clone(), c)))
            .collect();
        if !pending.is_empty() {
            out.push_str("calls that never returned:\n");
            for (name, call) in &pending {
                let _ = write!(out, "  {name}: {call}");
                for b in blocked.iter().filter(|b| &b.thread == name) {
                    let _ = write!(
                        out,
                        "  (blocked in {} at {}:{})",
                        b.op,
                        b.location.file(),
                        b.location.line()
                    );
                }
                out.push('\n');
            }
        }
        let unnamed: Vec<_> = blocked
            .iter()
            .filter(|b| !pending.iter().any(|(name, _)| name == &b.thread))
            .collect();
        if !unnamed.is_empty() {
            out.push_str("other threads blocked in kata_sync:\n");
            for b in unnamed {
                let _ = writeln!(
                    out,
                    "  {}: {} at {}:{}",
                    b.thread,
                    b.op,
                    b.location.file(),
                    b.location.line()
                );
            }
        }
        let mut recent: Vec<(u64, String, String)> = workers
            .iter()
            .flat_map(|w| {
                lock(&w.state)
                    .recent
                    .iter()
                    .map(|(seq, e)| (*seq, w.name.clone(), e.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        recent.sort();
        let skip = recent.len().saturating_sub(10);
        if !recent.is_empty() {
            out.push_str("last events:\n");
            for (seq, name, event) in &recent[skip..] {
                let _ = writeln!(out, "  #{seq} {name}: {event}");
            }
        }
        out
    }
}

impl Worker {
    /// Records the start of a call into the kata; the guard records its return.
    pub fn call(&self, what: impl fmt::Display) -> CallGuard<'_> {
        let what = what.to_string();
        self.event(format!("{what} called"));
        lock(&self.slot.state).current = Some(what);
        CallGuard {
            worker: self,
            result: None,
        }
    }

    /// Records an event. Events are not progress; calls that return are.
    pub fn event(&self, what: impl fmt::Display) {
        // Relaxed: only orders lines in the report.
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let mut state = lock(&self.slot.state);
        if state.recent.len() == RECENT {
            state.recent.pop_front();
        }
        state.recent.push_back((seq, what.to_string()));
    }
}

impl CallGuard<'_> {
    /// Records what the call returned, for the log.
    pub fn returned(mut self, result: impl fmt::Display) {
        self.result = Some(result.to_string());
    }
}

impl Drop for CallGuard<'_> {
    fn drop(&mut self) {
        let call = lock(&self.worker.slot.state).current.take();
        if std::thread::panicking() {
            return;
        }
        let call = call.unwrap_or_default();
        progress();
        match self.result.take() {
            Some(r) => self.worker.event(format!("{call} returned {r}")),
            None => self.worker.event(format!("{call} returned")),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for EventLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLog").finish_non_exhaustive()
    }
}
