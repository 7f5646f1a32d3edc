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
mod json;
#[cfg(loom)]
pub mod model;
pub mod record;
mod report;
pub mod spawn;
pub mod wait;

use std::sync::Arc;

pub use events::{CallGuard, EventLog, STALL_EXIT_CODE, Worker, progress};
pub use report::{expect_panic, note};
#[cfg(not(loom))]
pub use spawn::join_as_they_finish;
pub use spawn::{join, spawn};

/// Every thread now blocked in a `kata_sync` primitive, oldest first, as
/// `(thread name, operation, file:line)`. Suites ask this instead of the
/// facade, whose check hooks are not part of its public API.
pub fn blocked_threads() -> Vec<(String, &'static str, String)> {
    kata_sync::__check::blocked_threads()
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

/// How many times the thread named `thread` has called
/// `kata_sync::hint::spin_loop` or `kata_sync::thread::yield_now` so far, for
/// suites that must know a spinning thread has reached its wait loop (real
/// threads only; always 0 under loom).
pub fn spins(thread: &str) -> u64 {
    kata_sync::__check::spins(thread)
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
    _watchdog: events::Watchdog,
}

/// Starts a test that guards `property`: installs the panic reporter and starts
/// the watchdog.
pub fn check(property: &'static Property) -> Check {
    report::start(property);
    let log = Arc::new(EventLog::new());
    let watchdog = events::Watchdog::start(Arc::clone(&log), property);
    Check {
        log,
        _watchdog: watchdog,
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

/// How long the watchdog lets a test go without progress before it calls it a
/// hang. `KATA_STALL_SECS` overrides the default of 5 seconds.
pub fn stall_timeout() -> std::time::Duration {
    let secs = std::env::var("KATA_STALL_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(5.0);
    std::time::Duration::from_secs_f64(secs)
}
