//! The one place kata code gets its synchronisation primitives from.
//!
//! Every kata and every reference solution imports from `kata_sync` instead of
//! `std::sync`, `parking_lot` or `crossbeam`. That lets one source file run two
//! ways:
//!
//! - on real threads, where the primitives are [`parking_lot`]'s (the stress
//!   stage of `cargo xtask check`, and ordinary builds);
//! - under [loom] when built with `RUSTFLAGS="--cfg loom"`, where every lock,
//!   wait and atomic access is a point at which loom may switch threads, so it
//!   can try every interleaving (the model stage);
//! - under [shuttle] when built with `--cfg loom --cfg kata_shuttle`: the
//!   crate named `loom` is then shuttle, whose scheduler samples the
//!   interleavings of the tests whose busy-waits loom cannot bound.
//!
//! The API follows parking_lot: `lock()` returns the guard directly (no
//! poisoning), and [`Condvar::wait`] takes `&mut MutexGuard`.
//!
//! # Check builds
//!
//! With the `check` feature, which the hidden suites turn on, two things change:
//!
//! - **Condition variables wake spuriously.** The standard library allows a
//!   `wait` to return without a notification, but neither parking_lot nor loom
//!   ever does that, so the classic bug of `if` where `while` belongs would go
//!   unseen. In check builds the first `wait` a thread makes returns at once
//!   (after releasing and re-taking the lock, as a real wakeup does), the next
//!   one really waits, and so on, alternating. A waiter in a loop never notices;
//!   an `if` is caught the first time it waits. Because every second wait is
//!   real, a missing `notify` still leaves its waiter stuck, so that bug is
//!   caught too.
//! - **Blocked threads are recorded** with the caller's source location, so a
//!   deadlock report can say "thread 3 is blocked in `Condvar::wait` at
//!   src/lib.rs:42". The blocking calls carry `#[track_caller]` for this.
//!
//! # Examples
//!
//! ```
//! use kata_sync::{Arc, Condvar, Mutex};
//!
//! let pair = Arc::new((Mutex::new(false), Condvar::new()));
//! let pair2 = Arc::clone(&pair);
//! let t = kata_sync::thread::spawn(move || {
//!     let (ready, cv) = &*pair2;
//!     *ready.lock() = true;
//!     cv.notify_one();
//! });
//! let (ready, cv) = &*pair;
//! let mut guard = ready.lock();
//! cv.wait_while(&mut guard, |ready| !*ready); // loops: spurious wakeups are fine
//! assert!(*guard);
//! drop(guard);
//! t.join().unwrap();
//! ```
//!
//! [loom]: https://docs.rs/loom
//! [shuttle]: https://docs.rs/shuttle

pub mod atomic;
mod barrier;
pub mod cell;
mod condvar;
mod mutex;
mod rwlock;
mod semaphore;

mod hooks;
pub mod thread;

pub use barrier::Barrier;
pub use condvar::Condvar;
pub use mutex::{Mutex, MutexGuard};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::Semaphore;

#[cfg(loom)]
pub use loom::sync::Arc;
#[cfg(not(loom))]
pub use std::sync::Arc;

/// Spin-loop hints. Under loom, [`hint::spin_loop`](crate::hint::spin_loop)
/// yields to another thread, which is what lets loom explore a spin loop.
pub mod hint {
    /// Tells the processor this thread is busy-waiting. Under loom it yields
    /// to another thread. In check builds the call is counted for the calling
    /// thread, so a suite can tell that a spinner reached its wait loop.
    pub fn spin_loop() {
        crate::hooks::spun();
        #[cfg(loom)]
        loom::hint::spin_loop();
        #[cfg(not(loom))]
        std::hint::spin_loop();
    }
}
