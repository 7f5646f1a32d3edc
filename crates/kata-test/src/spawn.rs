//! Named threads for the suites: loom's under `--cfg loom`, std's otherwise.
//! Names matter because reports are read by people: "producer-2 is blocked in
//! Condvar::wait at src/lib.rs:31" beats "ThreadId(7)".

use kata_sync::thread::JoinHandle;

/// Spawns a named thread.
pub fn spawn<F, T>(name: impl Into<String>, f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    #[cfg(loom)]
    let builder = loom::thread::Builder::new();
    #[cfg(not(loom))]
    let builder = std::thread::Builder::new();
    builder
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
