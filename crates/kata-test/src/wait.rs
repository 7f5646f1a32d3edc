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
        kata_sync::__check::blocked_threads()
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
