//! What every hidden suite shares.
//!
//! A suite test opens with [`check`], naming the property it guards:
//!
//! ```no_run
//! use kata_test::Property;
//!
//! const FIFO: Property = Property {
//!     name: "items come out in the order they went in",
//!     cause: "the queue is not first-in first-out",
//!     book: "ch-bounded-blocking-queue#the-fix",
//! };
//!
//! #[test]
//! fn fifo_order_on_one_thread() {
//!     let _check = kata_test::check(&FIFO);
//!     // ...
//! }
//! ```
//!
//! The returned [`Check`] is the test's verdict. When `cargo xtask check` runs
//! the test it writes, to a file only the runner knows, that the test started,
//! every panic (with the kata's own `file:line` where the backtrace has one),
//! and — only if the test body ran to its end — that it passed. A test process
//! that exits early, even with status 0, therefore never counts as a pass, and
//! nothing the kata prints can forge a verdict.
//!
//! Every check also starts a [watchdog](EventLog): if the test makes no
//! progress for a while, the watchdog writes what every thread was doing and
//! ends the process, so a deadlock is a named failure instead of a hang.
//! Run outside `cargo xtask` (plain `cargo test`), tests behave as ordinary
//! tests and nothing is written.

mod events;
pub mod jitter;
pub mod keys;
#[cfg(loom)]
pub mod model;
pub mod record;
mod report;
#[cfg(feature = "sequences")]
pub mod sequences;
#[cfg(kata_shuttle)]
mod shuttle;
pub mod spawn;
pub mod wait;
mod watchdog;

use std::sync::Arc;

pub use events::{CallGuard, EventLog, Worker, progress};
pub use report::{ExpectedPanic, expect_panic, expected_panic, note};
#[cfg(not(loom))]
pub use spawn::join_as_they_finish;
pub use spawn::{join, spawn};
pub use wait::stall_timeout;
pub use watchdog::{StallKind, cpu_budget, wall_ceiling};

/// Every thread now blocked in a `kata_sync` primitive and asleep (parked,
/// not merely on its way; see [`wait`]), oldest first, as
/// `(thread name, operation, file:line)`. Suites ask this instead of the
/// facade, whose check hooks are not part of its public API.
pub fn blocked_threads() -> Vec<(String, &'static str, String)> {
    wait::asleep_in_kata_sync()
        .into_iter()
        .map(|b| {
            (
                b.thread,
                b.op,
                format!("{}:{}", b.location.file(), b.location.line()),
            )
        })
        .collect()
}

/// How many threads the kata started through `kata_sync::thread`, from this
/// thread (or from threads it started that way), are still running. Ask
/// from the thread that called the kata, after the call returned: a kata that
/// must leave no thread behind answers 0. Always 0 under loom, whose model
/// reports a thread left blocked by itself.
pub fn live_kata_threads() -> usize {
    kata_hooks::live_kata_threads()
}

/// How many times the thread named `thread` has called
/// `kata_sync::hint::spin_loop` or `kata_sync::thread::yield_now` so far, for
/// suites that must know a spinning thread has reached its wait loop (real
/// threads only; always 0 under loom).
pub fn spins(thread: &str) -> u64 {
    kata_hooks::spins(thread)
}

/// A property a test guards, and what to tell the learner when it breaks.
#[derive(Debug)]
pub struct Property {
    /// The property, stated positively: "no item is lost or duplicated".
    pub name: &'static str,
    /// The most likely cause when it breaks, phrased as advice.
    pub cause: &'static str,
    /// The book section that explains it: `chapter-slug#section-anchor`.
    pub book: &'static str,
}

/// A running test: reports the verdict when dropped, and owns the watchdog.
#[must_use = "the verdict is written when the Check is dropped at the end of the test"]
pub struct Check {
    log: Arc<EventLog>,
    _watchdog: watchdog::Watchdog,
    _registration: kata_hooks::Registration,
}

/// Starts a test that guards `property`: installs the panic reporter and starts
/// the watchdog.
pub fn check(property: &'static Property) -> Check {
    report::open();
    let seed = seed();
    kata_hooks::set_plan(if cfg!(loom) {
        kata_hooks::SpuriousPlan::Repeat(kata_hooks::Pattern::two_then_real())
    } else {
        kata_hooks::SpuriousPlan::Random { seed }
    });
    report::start(property);
    if !cfg!(loom) {
        report::note("seed", seed);
    }
    let log = Arc::new(EventLog::new());
    let watchdog = watchdog::Watchdog::start(Arc::clone(&log), property);
    Check {
        log,
        _watchdog: watchdog,
        // The test's own thread is part of the scenario: while it runs, no
        // deadlock can be declared.
        _registration: kata_hooks::register_current(),
    }
}

impl Check {
    /// The event log the watchdog watches. Record calls into the kata on it so
    /// that a stall report can say which calls never returned.
    pub fn log(&self) -> &Arc<EventLog> {
        &self.log
    }
}

impl Drop for Check {
    fn drop(&mut self) {
        if std::thread::panicking() {
            report::finish(false);
        } else {
            report::finish(true);
        }
    }
}

/// Measures what waiting costs, while the suite knows that the kata's other
/// threads can only be waiting (e.g. bar, started alone, waiting for foo):
/// over `window` of wall-clock time, how long those threads were runnable
/// (on a CPU, or queued for one) and how long on a CPU. A thread asleep in a
/// wait is neither; a busy-wait is runnable for the whole window, however
/// busy the machine is, which is why that figure decides. Read from
/// `/proc/self/task/TID/schedstat` (Linux); nothing is noted elsewhere. The
/// figures go into the verdict as a note: a measurement, not a pass or fail.
pub fn note_wait_cost(window: std::time::Duration) {
    let me = kata_hooks::current_live_id();
    let tids: Vec<u32> = kata_hooks::live_threads()
        .into_iter()
        .filter(|t| Some(t.id) != me)
        .filter_map(|t| t.os_tid)
        .collect();
    let sample = || -> Option<(u64, u64)> {
        tids.iter().try_fold((0, 0), |(cpu, queued), tid| {
            let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).ok()?;
            let mut f = text.split_whitespace().map(|x| x.parse::<u64>().ok());
            Some((cpu + f.next()??, queued + f.next()??))
        })
    };
    let before = sample();
    let start = std::time::Instant::now();
    // A wait of known length is the point here: this is a measurement, not
    // synchronisation.
    while let Some(left) = window.checked_sub(start.elapsed()) {
        std::thread::park_timeout(left);
    }
    let wall = start.elapsed();
    if let (Some((cpu0, q0)), Some((cpu1, q1))) = (before, sample()) {
        let on_cpu = cpu1.saturating_sub(cpu0) / 1000;
        let runnable = on_cpu + q1.saturating_sub(q0) / 1000;
        report::note("wait_runnable_us", runnable);
        report::note("wait_cpu_us", on_cpu);
        report::note("wait_window_us", wall.as_micros() as u64);
    }
}

/// The seed of this run's randomness (injected spurious wakeups, and the
/// suites' own jitter where they ask for it): `KATA_SEED` when the runner
/// sets it (`cargo xtask check --seed` replays a run), a fixed value
/// otherwise.
pub fn seed() -> u64 {
    std::env::var("KATA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED)
}

/// Keeps the watchdog from calling a slow but live step a hang: while the
/// returned guard lives, progress is reported every 100 ms. Use it only
/// around work that cannot deadlock on the kata, such as trybuild compiling
/// the API cases.
pub fn busy() -> Busy {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            stopped.recv_timeout(std::time::Duration::from_millis(100))
        {
            events::progress();
        }
    });
    Busy { _stop: stop }
}

/// Returned by [`busy`]; stops the progress reports when dropped.
#[must_use = "progress is reported only while the guard lives"]
pub struct Busy {
    _stop: std::sync::mpsc::Sender<()>,
}
