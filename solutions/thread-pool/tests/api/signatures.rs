// The signatures. Jobs need only be Send: one that captures a Cell (Send,
// not Sync) must be accepted, so a `Sync` bound on the job is caught.
use std::cell::Cell;

use thread_pool::{Rejected, ThreadPool};

fn submit(pool: &ThreadPool) -> Result<(), Rejected> {
    let cell = Cell::new(1);
    pool.execute(move || cell.set(2))?;
    let boxed: Box<dyn FnOnce() + Send> = Box::new(|| {});
    pool.try_execute(boxed)
}

pub fn run() {
    let _new: fn(usize, usize) -> ThreadPool = ThreadPool::new;
    let _shutdown: fn(&ThreadPool) = ThreadPool::shutdown;
    let _join: fn(ThreadPool) -> usize = ThreadPool::join;
    let _submit: fn(&ThreadPool) -> Result<(), Rejected> = submit;
    // Rejected is compared and printed by callers: PartialEq and Debug.
    let full = Rejected::Full;
    assert_eq!(full, Rejected::Full);
    assert_ne!(full, Rejected::ShutDown);
    let _ = format!("{:?}", Rejected::ShutDown);
}
