//! Named threads for the suites: loom's under `--cfg loom`, std's otherwise.
//! Names matter because reports are read by people: "producer-2 is blocked in
//! Condvar::wait at src/lib.rs:31" beats "ThreadId(7)".

use kata_sync::thread::JoinHandle;

/// Spawns a named thread.
#[track_caller]
pub fn spawn<F, T>(name: impl Into<String>, f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // The suite's threads are not the kata's: `live_kata_threads` must not
    // count them. (A guard, not a closure, so that the timeline shows the
    // suite's line for the spawn.)
    let _suite = kata_hooks::spawning_for_the_suite();
    kata_sync::thread::Builder::new()
        .name(name.into())
        .spawn(f)
        .expect("the suite could not spawn a thread")
}

/// Joins a thread, re-raising its panic in the caller so the test fails with
/// the thread's own message.
pub fn join<T>(handle: JoinHandle<T>) -> T {
    match handle.join() {
        Ok(v) => v,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Joins every thread, in the order they finish, re-raising the first panic;
/// returns their results in the order of `threads`.
///
/// A thread that panicked (a race report, say) is joined, and its panic
/// reported, before the threads left waiting for it, which would otherwise
/// hang until the watchdog called it a deadlock. Real threads only: loom's
/// threads cannot be polled for having finished.
#[cfg(not(loom))]
#[track_caller]
pub fn join_as_they_finish<T>(threads: Vec<JoinHandle<T>>) -> Vec<T> {
    // Waiting for threads to finish is blocked, as far as the deadlock
    // detector is concerned: if every thread it waits for is blocked too,
    // nothing can move.
    let _joining = kata_hooks::enter("JoinHandle::join", std::panic::Location::caller());
    let mut pending: Vec<(usize, JoinHandle<T>)> = threads.into_iter().enumerate().collect();
    let mut results: Vec<Option<T>> = pending.iter().map(|_| None).collect();
    while !pending.is_empty() {
        // Not `wait::until`, which marks the thread as polling: this thread
        // is blocked for as long as the threads it waits for are.
        while !pending.iter().any(|(_, t)| t.is_finished()) {
            std::thread::park_timeout(std::time::Duration::from_millis(1));
        }
        let i = pending
            .iter()
            .position(|(_, t)| t.is_finished())
            .expect("a thread finished");
        let (slot, handle) = pending.swap_remove(i);
        results[slot] = Some(join(handle));
    }
    results.into_iter().map(|r| r.expect("joined")).collect()
}
