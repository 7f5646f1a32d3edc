//! Waiting on events with a deadline, for the suites' main threads.

use std::time::{Duration, Instant};

/// Waits until the thread named `thread` is blocked in a `kata_sync`
/// primitive, or until `grace` has passed, and says which happened.
///
/// A correct answer that spins (with `yield_now`) is never seen blocked, so
/// tests use this only to give a wrong answer time to misbehave, never as a
/// verdict: after it returns, they check that the call has not returned.
pub fn until_blocked(thread: &str, grace: Duration) -> bool {
    until(grace, || {
        kata_hooks::blocked_threads()
            .iter()
            .any(|b| b.thread == thread)
    })
}

/// Polls `event` until it is true or `deadline` has passed; returns whether
/// it became true.
pub fn until(deadline: Duration, mut event: impl FnMut() -> bool) -> bool {
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
/// Several polls, because a thread that was just woken but has not run yet,
/// or one inside an injected spurious wakeup, also shows as blocked for a
/// moment. Like [`until_blocked`], this only gives a wrong answer time to
/// misbehave: the verdict comes from what the test checks afterwards.
pub fn settle(thread: &str, polls: u32, grace: Duration, mut done: impl FnMut() -> bool) -> bool {
    let mut blocked_polls = 0;
    let mut finished = false;
    until(grace, || {
        if done() {
            finished = true;
            return true;
        }
        let blocked = kata_hooks::blocked_threads()
            .iter()
            .any(|b| b.thread == thread);
        blocked_polls = if blocked { blocked_polls + 1 } else { 0 };
        blocked_polls >= polls
    });
    finished
}
