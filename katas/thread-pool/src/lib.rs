//! # Thread pool
//!
//! Build a pool of a fixed number of worker threads that run the jobs given
//! to them, with a bounded queue of jobs waiting to run:
//!
//! - `new(workers, queue_capacity)` starts `workers` threads. At most
//!   `queue_capacity` accepted jobs wait in the queue (jobs being run do not
//!   count). The capacity may be any number from 1 up, however large:
//!   `new(2, 1 << 40)` must work.
//! - `execute(job)` queues a job, blocking while the queue is full.
//! - `try_execute(job)` does the same but returns `Err(Rejected::Full)`
//!   instead of blocking.
//! - `shutdown()` stops accepting jobs and returns at once: from then on
//!   `execute` and `try_execute` return `Err(Rejected::ShutDown)` (a caller
//!   blocked in `execute` too), but every job already accepted still runs.
//! - `join()` shuts down, waits until every accepted job has run and every
//!   worker thread has exited, and returns how many jobs panicked.
//! - Dropping a pool without `join` behaves like `join` and discards the count.
//!
//! A job that panics must not take its worker down: later jobs still run on
//! `workers` threads. Idle workers must sleep, not spin. The pool is shared
//! by reference across threads, so it must be `Send + Sync`.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, `thread::spawn`, ...). Do not busy-wait,
//! and do not sleep to wait for another thread. `std::panic::catch_unwind`
//! is allowed.
//!
//! What you may change: anything in this file except the public API above
//! (names, signatures, the derives on `Rejected`), which the hidden suite
//! calls exactly as given. Add private fields, types, helpers and imports as
//! you like; only `std` and `kata_sync` are available, and this file is all
//! that `check` compiles.
//!
//! Check your answer with `cargo xtask check thread-pool`.
//! Stuck? `cargo xtask hint thread-pool`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

/// Why a pool did not accept a job.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    /// The queue is full (only `try_execute` says this; `execute` waits).
    Full,
    /// `shutdown` (or `join`) has begun: the pool accepts no more jobs.
    ShutDown,
}

/// A fixed set of worker threads that run the jobs given to them, with a
/// bounded queue of jobs waiting to run.
pub struct ThreadPool {
    // TODO: the workers, the queue of jobs, and whatever you need to make
    // threads wait.
}

impl ThreadPool {
    /// Starts `workers` threads; at most `queue_capacity` accepted jobs wait
    /// to run.
    ///
    /// # Panics
    ///
    /// Panics if `workers` or `queue_capacity` is 0, with a message that
    /// names the parameter and its value.
    pub fn new(workers: usize, queue_capacity: usize) -> Self {
        // TODO: reject the zeros, then start the workers.
        todo!()
    }

    /// Queues a job, blocking while the queue is full. `Err(ShutDown)` once
    /// shutdown has begun.
    pub fn execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        // TODO
        todo!()
    }

    /// Like `execute`, but `Err(Full)` instead of blocking.
    pub fn try_execute(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Rejected> {
        // TODO
        todo!()
    }

    /// Stops accepting jobs and returns at once; jobs already accepted still
    /// run.
    pub fn shutdown(&self) {
        // TODO
        todo!()
    }

    /// Shuts down, waits until every accepted job has run and every worker
    /// has exited, and returns how many jobs panicked.
    pub fn join(self) -> usize {
        // TODO
        todo!()
    }
}

impl Drop for ThreadPool {
    /// Behaves like `join`, and discards the count.
    fn drop(&mut self) {
        // TODO: the same as join; `join` takes `self`, so share a helper
        // that takes `&mut self`.
        todo!()
    }
}
