//! The watchdog: turns a hang into a named failure, and never calls a slow
//! machine a hang.
//!
//! It wakes every 50 ms and decides among three endings:
//!
//! - **Deadlock**, detected positively: every thread of the scenario (the
//!   test's own thread, the threads the suite spawned and the threads the
//!   kata spawned) is blocked in a `kata_sync` wait or a join, every one
//!   blocked in a lock or a condition variable is asleep in the kernel (a
//!   thread that was just woken is runnable, so a pending wakeup is never
//!   mistaken for none), and no progress was made, for a whole second. Load
//!   cannot fake this: a busy machine delays threads, it does not put them
//!   all to sleep on each other.
//! - **Spin or livelock**: no progress while the process used
//!   [`cpu_budget`] seconds of CPU time. It is measured on the process's own
//!   CPU clock, so on a busy machine the check takes longer, but a correct
//!   answer never runs out of budget: it makes progress with each hand-over.
//!   When the CPU went to the suite's callers retrying (a `try_` call in a
//!   loop) while every thread the kata spawned slept in a wait, the spin is
//!   only the symptom: the kata's threads are **stranded**, asleep with work
//!   to do, and the report names the wait they sleep in (a lost wakeup).
//! - **Undecided**: no progress for [`wall_ceiling`] seconds of wall-clock
//!   time, without either of the above. The process simply did not get the
//!   CPU to decide; the verdict says so and asks for a re-run, and does not
//!   blame the kata.
//!
//! Progress is counted at the grain the learner works at: every call into the
//! kata that returns, every callback a recorder sees, every loom execution.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::events::{EventLog, PROGRESS};
use crate::{Property, report};

/// How long a test may go on after a failure was recorded before the
/// watchdog ends it: long enough for the test to unwind and report, and no
/// longer, since a failed test cannot pass any more.
const AFTER_A_FAILURE: Duration = Duration::from_secs(3);

/// How long every thread must stay blocked before the watchdog calls it a
/// deadlock.
const DEADLOCK_CONFIRM: Duration = Duration::from_secs(1);

/// The CPU time the process may use without progress before the watchdog
/// calls it a spin: `KATA_STALL_CPU_SECS` (or the older `KATA_STALL_SECS`),
/// 5 seconds by default.
pub fn cpu_budget() -> Duration {
    env_secs(&["KATA_STALL_CPU_SECS", "KATA_STALL_SECS"]).unwrap_or(Duration::from_secs(5))
}

/// The wall-clock time without progress after which the watchdog gives up
/// deciding: `KATA_WALL_SECS`, 60 seconds by default.
pub fn wall_ceiling() -> Duration {
    env_secs(&["KATA_WALL_SECS"]).unwrap_or(Duration::from_secs(60))
}

fn env_secs(keys: &[&str]) -> Option<Duration> {
    keys.iter().find_map(|k| {
        std::env::var(k)
            .ok()?
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0)
            .map(Duration::from_secs_f64)
    })
}

pub use kata_verdict::StallKind;

/// A thread that ends the process, with a report, when the test stops making
/// progress. Stops when dropped.
pub(crate) struct Watchdog {
    _stop: mpsc::Sender<()>,
}

impl Watchdog {
    pub(crate) fn start(log: Arc<EventLog>, property: &'static Property) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let spawned = std::thread::Builder::new()
            .name("kata-watchdog".into())
            .spawn(move || watch(&log, property, &stopped));
        if let Err(e) = spawned {
            panic!("could not start the watchdog thread: {e}");
        }
        Watchdog { _stop: stop }
    }
}

fn watch(log: &EventLog, property: &Property, stopped: &mpsc::Receiver<()>) {
    let (budget, ceiling) = (cpu_budget(), wall_ceiling());
    let mut seen = PROGRESS.load(Ordering::Relaxed);
    let mut since = Instant::now();
    let mut cpu_since = process_cpu_time();
    let mut all_blocked_since: Option<Instant> = None;
    // The CPU time (since the last progress) at which every thread of the
    // kata was first seen asleep in a wait, and where they were.
    let mut stranded_since: Option<(Duration, String)> = None;
    loop {
        match stopped.recv_timeout(Duration::from_millis(50)) {
            Err(RecvTimeoutError::Timeout) => {}
            // The test finished (its Check was dropped).
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        if report::failed_for().is_some_and(|d| d >= AFTER_A_FAILURE) {
            // The verdict is already written (a failure); whatever still
            // runs, or hangs, cannot change it.
            std::process::exit(101);
        }
        let now = PROGRESS.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            since = Instant::now();
            cpu_since = process_cpu_time();
            all_blocked_since = None;
            stranded_since = None;
            continue;
        }
        if !cfg!(loom) && every_thread_asleep_in_a_wait() {
            let start = *all_blocked_since.get_or_insert_with(Instant::now);
            if start.elapsed() >= DEADLOCK_CONFIRM {
                stall(
                    log,
                    property,
                    StallKind::Deadlock,
                    format!(
                        "every thread is blocked, none can wake another, and none has moved for {:.1}s (a deadlock: no notification or unlock is pending)",
                        start.elapsed().as_secs_f64()
                    ),
                );
            }
        } else {
            all_blocked_since = None;
        }
        let cpu = process_cpu_time().saturating_sub(cpu_since);
        if let Some(asleep) = kata_threads_asleep() {
            stranded_since.get_or_insert((cpu, asleep));
        } else {
            stranded_since = None;
        }
        if cpu >= budget {
            // Stranded only if the kata's threads slept through (nearly) all
            // of the budget: one that went to sleep a moment ago may simply
            // have run out of work.
            if let Some((at, asleep)) = stranded_since.take().filter(|(at, _)| *at <= budget / 5) {
                stall(
                    log,
                    property,
                    StallKind::Stranded,
                    format!(
                        "no progress while the callers used {:.1}s of CPU time retrying ({:.1}s of wall-clock time), and for {:.1}s of it every thread the kata spawned was asleep in a wait ({asleep}): nothing the callers retry can succeed until one of those threads wakes, and nothing will wake it",
                        cpu.as_secs_f64(),
                        since.elapsed().as_secs_f64(),
                        cpu.saturating_sub(at).as_secs_f64(),
                    ),
                );
            }
            stall(
                log,
                property,
                StallKind::Spin,
                format!(
                    "no progress while the threads used {:.1}s of CPU time ({:.1}s of wall-clock time): a thread spinning forever, or a livelock",
                    cpu.as_secs_f64(),
                    since.elapsed().as_secs_f64()
                ),
            );
        }
        if since.elapsed() >= ceiling {
            stall(
                log,
                property,
                StallKind::Undecided,
                format!(
                    "no progress for {:.0}s of wall-clock time, in which the test got only {:.1}s of CPU time and no deadlock was seen: the machine was too busy to decide",
                    since.elapsed().as_secs_f64(),
                    cpu.as_secs_f64()
                ),
            );
        }
    }
}

fn stall(log: &EventLog, property: &Property, kind: StallKind, why: String) -> ! {
    static ONCE: Mutex<()> = Mutex::new(());
    let _one = ONCE.lock();
    let report = format!(
        "{why}, while checking that {}.\n{}",
        property.name,
        log.render()
    );
    report::stall(kind, &report);
    eprintln!("\nkata-watchdog ({}): {report}", kind.name());
    // The stuck threads cannot be unwound, so end the whole process; the
    // runner reads the verdict from the report.
    std::process::exit(86);
}

/// Whether every registered thread is blocked in a facade wait or a join,
/// and every one blocked in a wait is asleep in the kernel.
fn every_thread_asleep_in_a_wait() -> bool {
    let live = kata_hooks::live_threads();
    if live.is_empty() {
        return false;
    }
    let blocked = kata_hooks::blocked_threads();
    live.iter().all(|t| {
        t.polling == 0
            && t.awaiting == 0
            && blocked
                .iter()
                .filter(|b| b.live_id == Some(t.id))
                .any(|b| b.op == "JoinHandle::join" || b.os_tid.is_some_and(is_asleep))
    })
}

/// When the kata spawned threads and every one of them is asleep in a
/// `kata_sync` wait (not a join: a joining thread waits for another kata
/// thread, which is then not asleep), where they are; `None` otherwise.
fn kata_threads_asleep() -> Option<String> {
    let kata: Vec<_> = kata_hooks::live_threads()
        .into_iter()
        .filter(|t| t.kind == kata_hooks::Kind::Kata)
        .collect();
    if kata.is_empty() {
        return None;
    }
    let blocked = kata_hooks::blocked_threads();
    let mut at = Vec::new();
    for t in &kata {
        let b = blocked.iter().find(|b| {
            b.live_id == Some(t.id) && b.op != "JoinHandle::join" && b.os_tid.is_some_and(is_asleep)
        })?;
        if t.polling > 0 || t.awaiting > 0 {
            return None;
        }
        at.push(format!(
            "{} in {} at {}:{}",
            b.thread,
            b.op,
            b.location.file(),
            b.location.line()
        ));
    }
    Some(at.join(", "))
}

/// Whether every registered thread other than the current one is asleep in
/// the kernel (in any wait: a facade primitive, a join, or the suite's own
/// channel), or itself awaiting an event. `true` when there is no other
/// thread; `false` when a state is unknown.
pub(crate) fn others_asleep() -> bool {
    let me = kata_hooks::current_live_id();
    let others: Vec<_> = kata_hooks::live_threads()
        .into_iter()
        .filter(|t| Some(t.id) != me)
        .collect();
    !others.is_empty()
        && others
            .iter()
            .all(|t| t.awaiting > 0 || (t.polling == 0 && t.os_tid.is_some_and(is_asleep)))
}

/// Whether the OS thread `tid` of this process is sleeping (Linux: state `S`
/// or `D` in `/proc/self/task/TID/stat`). Elsewhere nothing is known, so
/// nothing is called asleep and only the CPU and wall-clock limits apply.
pub(crate) fn is_asleep(tid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")) else {
        return false;
    };
    // The command name is in parentheses and may hold spaces; the state
    // follows the last `)`.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|state| state == "S" || state == "D")
}

/// The CPU time this process has used, on all its threads.
pub(crate) fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec, and the clock id is a
    // constant the C library defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work() {
        // Work until the clock has moved: on a busy machine this takes longer,
        // it never fails; a clock that does not measure CPU time never moves.
        let before = process_cpu_time();
        let start = Instant::now();
        let mut x = 0u64;
        while process_cpu_time().saturating_sub(before) < Duration::from_millis(20)
            && start.elapsed() < Duration::from_secs(60)
        {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        let worked = process_cpu_time().saturating_sub(before);
        assert!(worked >= Duration::from_millis(20), "worked {worked:?}");
    }

    #[test]
    fn the_current_thread_is_not_asleep() {
        let tid = std::fs::read_link("/proc/thread-self")
            .ok()
            .and_then(|p| p.file_name()?.to_str()?.parse().ok());
        if let Some(tid) = tid {
            assert!(!is_asleep(tid));
        }
    }

    /// A thread the kata spawned that sleeps in a wait is what makes a spin
    /// "stranded"; while it runs, or once it has exited, nothing is.
    #[test]
    fn a_kata_thread_asleep_in_a_wait_is_named_with_its_line() {
        use kata_sync::{Arc, Condvar, Mutex};
        let state = Arc::new((Mutex::new(false), Condvar::new()));
        let theirs = Arc::clone(&state);
        let line = line!() + 5;
        let kata = kata_sync::thread::spawn(move || {
            let (done, cv) = &*theirs;
            let mut done = done.lock();
            while !*done {
                cv.wait(&mut done);
            }
        });
        // Other tests of this crate may have kata threads of their own
        // running, so wait (with a deadline) to see ours reported.
        let want = format!("Condvar::wait at {}:{line}", file!());
        let start = Instant::now();
        let seen = loop {
            match kata_threads_asleep() {
                Some(at) if at.contains(&want) => break Some(at),
                _ if start.elapsed() > Duration::from_secs(60) => break None,
                _ => std::thread::yield_now(),
            }
        };
        *state.0.lock() = true;
        state.1.notify_all();
        kata.join().unwrap();
        assert!(seen.is_some(), "never reported asleep at {want}");
        let after = kata_threads_asleep().unwrap_or_default();
        assert!(
            !after.contains(&want),
            "an exited thread is still named: {after}"
        );
    }
}
