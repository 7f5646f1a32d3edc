//! Waiting on events with a deadline, for the suites' main threads.

use std::time::{Duration, Instant};

/// Every thread blocked in a `kata_sync` primitive *and asleep in the
/// kernel*, oldest first. The facade marks a thread blocked as it enters a
/// wait, a little before it parks, and keeps the mark through an injected
/// spurious wakeup, which never parks at all; on a busy machine the thread
/// can be preempted inside either window for many milliseconds. Counting it
/// as blocked then would let a suite start the next thread too early, and
/// the two would queue on the primitive in the other order. A thread the
/// kernel has put to sleep has parked. (Where the kernel's view is not
/// known, and under loom and Miri, whose threads take turns on one OS
/// thread, the mark alone counts.)
pub(crate) fn asleep_in_kata_sync() -> Vec<kata_hooks::BlockedThread> {
    kata_hooks::blocked_threads()
        .into_iter()
        .filter(|b| cfg!(any(loom, miri)) || b.os_tid.is_none_or(crate::watchdog::is_asleep))
        .collect()
}

/// Waits until the thread named `thread` is blocked in a `kata_sync`
/// primitive, or until `grace` has passed, and says which happened.
///
/// A correct answer that spins (with `yield_now`) is never seen blocked, so
/// tests use this only to give a wrong answer time to misbehave, never as a
/// verdict: after it returns, they check that the call has not returned.
pub fn until_blocked(thread: &str, grace: Duration) -> bool {
    until(grace, || {
        asleep_in_kata_sync().iter().any(|b| b.thread == thread)
    })
}

/// Polls `event` until it is true or `deadline` has passed; returns whether
/// it became true.
pub fn until(deadline: Duration, mut event: impl FnMut() -> bool) -> bool {
    let _polling = kata_hooks::polling();
    let start = Instant::now();
    loop {
        if event() {
            return true;
        }
        if start.elapsed() >= deadline {
            return false;
        }
        std::thread::park_timeout(Duration::from_millis(1));
    }
}

/// Waits until `done()` holds, or until the thread named `thread` has been
/// seen blocked in a `kata_sync` primitive in `polls` polls in a row (about
/// 1 ms apart), or until `grace` has passed; returns whether `done()` held.
///
/// Blocked means asleep in the kernel too (see [`asleep_in_kata_sync`]);
/// several polls, because a thread that was just woken but has not run yet
/// can still look asleep for a moment. Like [`until_blocked`], this only
/// gives a wrong answer time to misbehave: the verdict comes from what the
/// test checks afterwards.
pub fn settle(thread: &str, polls: u32, grace: Duration, mut done: impl FnMut() -> bool) -> bool {
    let mut blocked_polls = 0;
    let mut finished = false;
    until(grace, || {
        if done() {
            finished = true;
            return true;
        }
        let blocked = asleep_in_kata_sync().iter().any(|b| b.thread == thread);
        blocked_polls = if blocked { blocked_polls + 1 } else { 0 };
        blocked_polls >= polls
    });
    finished
}

/// Waits until every thread the kata started from this thread's family, and
/// still running, has been blocked in a `kata_sync` primitive in `polls`
/// polls in a row (about 1 ms apart); or until `give_up()` holds, or
/// [`stall_timeout`] has passed. Returns the names of the kata's threads
/// that were running at the last poll: empty when they all slept.
///
/// This is an event a correct answer produces however busy the machine is:
/// a thread on its way to a wait is runnable, and gets there. A thread that
/// spins never gets there, so a suite passes a `give_up` that measures what
/// the spinning costs, in CPU time, to fail it sooner than the deadline.
pub fn until_kata_threads_blocked(polls: u32, mut give_up: impl FnMut() -> bool) -> Vec<String> {
    let mut in_a_row = 0;
    let mut running = Vec::new();
    until(stall_timeout(), || {
        let blocked: Vec<Option<u64>> = asleep_in_kata_sync()
            .into_iter()
            .map(|b| b.live_id)
            .collect();
        running = kata_hooks::kata_threads()
            .into_iter()
            .filter(|(id, _)| !blocked.contains(&Some(*id)))
            .map(|(_, name)| name)
            .collect();
        in_a_row = if running.is_empty() { in_a_row + 1 } else { 0 };
        in_a_row >= polls || give_up()
    });
    running
}

/// The deadline for an event that a correct answer produces: half the
/// watchdog's wall-clock ceiling (30 s by default). It is generous on
/// purpose, since a correct answer on a busy machine may be slow, and costs
/// nothing when the event comes; when nothing can produce it any more,
/// [`until_done`] gives up long before.
pub fn stall_timeout() -> Duration {
    crate::wall_ceiling() / 2
}

/// How long every other thread of the scenario must stay asleep before
/// [`until_done`] decides the event will never come.
const STUCK_CONFIRM: Duration = Duration::from_secs(1);

/// Waits for an event that a correct answer produces, and returns whether it
/// came. It gives up when nothing can produce it any more: every other thread
/// of the scenario (see [`crate::blocked_threads`]) has been asleep in the
/// kernel, with no progress, for a second; or after [`stall_timeout`]. A
/// busy machine delays the event but never makes it look impossible, since a
/// thread that is delayed is runnable, not asleep.
pub fn until_done(mut event: impl FnMut() -> bool) -> bool {
    let _awaiting = kata_hooks::awaiting();
    let start = Instant::now();
    let deadline = stall_timeout();
    let mut asleep_since: Option<Instant> = None;
    let mut progress = crate::events::PROGRESS.load(std::sync::atomic::Ordering::Relaxed);
    loop {
        if event() {
            return true;
        }
        if start.elapsed() >= deadline {
            return false;
        }
        let now = crate::events::PROGRESS.load(std::sync::atomic::Ordering::Relaxed);
        if now == progress && crate::watchdog::others_asleep() {
            if asleep_since.get_or_insert_with(Instant::now).elapsed() >= STUCK_CONFIRM {
                return false;
            }
        } else {
            asleep_since = None;
        }
        progress = now;
        std::thread::park_timeout(Duration::from_millis(1));
    }
}

/// Receives from `rx` as [`until_done`] waits: `None` when nothing can send
/// any more, or after [`stall_timeout`].
pub fn recv<T>(rx: &std::sync::mpsc::Receiver<T>) -> Option<T> {
    let mut got = None;
    until_done(|| match rx.try_recv() {
        Ok(v) => {
            got = Some(v);
            true
        }
        Err(std::sync::mpsc::TryRecvError::Empty) => false,
        Err(std::sync::mpsc::TryRecvError::Disconnected) => true,
    });
    got
}

/// Why [`recv`] or [`until_done`] gave up, for an `expect` message: the event
/// never came, and nothing could produce it any more (or the deadline passed).
pub struct NeverCame;

impl std::fmt::Debug for NeverCame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("it never came: every other thread was asleep with nothing moving, or the deadline passed")
    }
}
