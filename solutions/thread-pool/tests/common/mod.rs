//! What the thread-pool suites share on real threads: jobs that hold their
//! worker until the test lets them go, jobs that meet, and the process CPU
//! clock. The jobs synchronise with std's primitives: they are the test's
//! own code, not the kata's.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a rendezvous waits for its last member. Only an answer that never
/// runs them together waits this long.
/// Shorter than the watchdog's default 5 s, so a pool that never runs them
/// together fails with this suite's message rather than as a stall.
pub const RENDEZVOUS_DEADLINE: Duration = Duration::from_secs(2);

/// Jobs that hold their worker until the gate opens, counting how many run
/// at once.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
    /// Jobs inside now, and the most ever inside at once.
    running: AtomicUsize,
    max_running: AtomicUsize,
    /// Jobs that have returned.
    finished: AtomicUsize,
}

impl Gate {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// A job that enters, waits for the gate to open, and leaves.
    pub fn job(self: &Arc<Self>) -> impl FnOnce() + Send + 'static {
        let gate = Arc::clone(self);
        move || {
            let now = gate.running.fetch_add(1, Ordering::SeqCst) + 1;
            gate.max_running.fetch_max(now, Ordering::SeqCst);
            let mut open = gate.open.lock().unwrap();
            while !*open {
                open = gate.opened.wait(open).unwrap();
            }
            drop(open);
            gate.running.fetch_sub(1, Ordering::SeqCst);
            gate.finished.fetch_add(1, Ordering::SeqCst);
        }
    }

    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    pub fn max_running(&self) -> usize {
        self.max_running.load(Ordering::SeqCst)
    }

    pub fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// Waits until `n` jobs are inside at once; panics with `what` if they
    /// never are.
    pub fn wait_running(&self, n: usize, what: &str) {
        let reached = kata_test::wait::until(RENDEZVOUS_DEADLINE, || self.running() >= n);
        assert!(
            reached,
            "{what}: expected {n} jobs running at once, but after {RENDEZVOUS_DEADLINE:?} only {} were",
            self.running()
        );
        kata_test::progress();
    }
}

/// `n` jobs that each wait (up to [`RENDEZVOUS_DEADLINE`]) until all `n` are
/// running at once: they can all finish only if the pool runs `n` jobs
/// together. A rendezvous, not a timing.
#[derive(Default)]
pub struct Rendezvous {
    arrived: Mutex<usize>,
    all_here: Condvar,
    /// Members that saw all `n` arrive, and members that gave up.
    met: AtomicUsize,
    gave_up: AtomicUsize,
    n: usize,
}

impl Rendezvous {
    pub fn new(n: usize) -> Arc<Self> {
        Arc::new(Self {
            n,
            ..Self::default()
        })
    }

    pub fn job(self: &Arc<Self>) -> impl FnOnce() + Send + 'static {
        self.job_then(|| {})
    }

    /// A member that first runs `before` on its worker.
    pub fn job_then(
        self: &Arc<Self>,
        before: impl FnOnce() + Send + 'static,
    ) -> impl FnOnce() + Send + 'static {
        let r = Arc::clone(self);
        move || {
            before();
            let mut arrived = r.arrived.lock().unwrap();
            *arrived += 1;
            r.all_here.notify_all();
            drop(arrived);
            // Until all n are here, or nothing else can arrive (every other
            // thread asleep, nothing moving, for a second): a busy machine
            // delays the others, it never makes this give up early.
            if kata_test::wait::until_done(|| *r.arrived.lock().unwrap() >= r.n) {
                r.met.fetch_add(1, Ordering::SeqCst);
            } else {
                r.gave_up.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Waits until every member has met or given up, and asserts that they
    /// all met.
    pub fn assert_met(&self, what: &str) {
        let n = self.n;
        let done = kata_test::wait::until_done(|| {
            self.met.load(Ordering::SeqCst) + self.gave_up.load(Ordering::SeqCst) == n
        });
        let arrived = *self.arrived.lock().unwrap();
        assert!(
            done && self.gave_up.load(Ordering::SeqCst) == 0,
            "{what}: {n} jobs had to run at once, but at most {arrived} of them ever started \
             (a worker that exited, or one that never woke up for a queued job?)"
        );
        kata_test::progress();
    }
}

/// A job that counts its runs in `slot`.
pub fn counting_job(counts: &Arc<Vec<AtomicUsize>>, slot: usize) -> impl FnOnce() + Send + 'static {
    let counts = Arc::clone(counts);
    move || {
        counts[slot].fetch_add(1, Ordering::SeqCst);
    }
}

pub fn counters(n: usize) -> Arc<Vec<AtomicUsize>> {
    Arc::new((0..n).map(|_| AtomicUsize::new(0)).collect())
}

/// Asserts that each job with a slot in `counts` ran exactly once.
pub fn assert_each_ran_once(counts: &[AtomicUsize], what: &str) {
    let runs: Vec<usize> = counts.iter().map(|c| c.load(Ordering::SeqCst)).collect();
    let never = runs.iter().filter(|&&r| r == 0).count();
    let twice = runs.iter().filter(|&&r| r > 1).count();
    assert!(
        never == 0 && twice == 0,
        "{what}: of {} accepted jobs, {never} never ran and {twice} ran more than once",
        runs.len()
    );
}

/// A clock that measures one thread's CPU time, readable from any thread.
#[derive(Clone, Copy, Debug)]
pub struct CpuClock(libc::clockid_t);

impl CpuClock {
    /// The calling thread's CPU clock. On Linux it stays the caller's when
    /// read from another thread, so the suite can watch a worker from
    /// outside; elsewhere it falls back to the whole process's clock (then
    /// run the test alone).
    pub fn of_this_thread() -> Self {
        #[cfg(target_os = "linux")]
        {
            let mut clock: libc::clockid_t = 0;
            // SAFETY: pthread_self() is the calling, live thread, and `clock`
            // is a valid, writable clockid_t for the duration of the call.
            let rc = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
            assert_eq!(rc, 0, "pthread_getcpuclockid failed");
            CpuClock(clock)
        }
        #[cfg(not(target_os = "linux"))]
        CpuClock(libc::CLOCK_PROCESS_CPUTIME_ID)
    }

    /// The CPU time used so far. The thread must still be alive.
    pub fn now(self) -> Duration {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the duration of the
        // call; the clock is a thread's CPU clock whose thread is alive (the
        // pool's workers live until join), or the process's.
        let rc = unsafe { libc::clock_gettime(self.0, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime failed on a CPU clock");
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}
