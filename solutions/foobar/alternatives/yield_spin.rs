//! alternative: yield-spin
//! why: an atomic turn flag with Acquire/Release, waiting by spinning with `thread::yield_now` instead of sleeping on a condition variable; correct, and costs CPU while it waits.
//!
use kata_sync::atomic::{AtomicBool, Ordering};

pub struct FooBar {
    n: usize,
    foo_turn: AtomicBool,
}

impl FooBar {
    pub fn new(n: usize) -> Self {
        Self { n, foo_turn: AtomicBool::new(true) }
    }

    pub fn foo(&self, mut print_foo: impl FnMut()) {
        for _ in 0..self.n {
            // Acquire: pairs with bar's Release store.
            while !self.foo_turn.load(Ordering::Acquire) {
                kata_sync::thread::yield_now();
            }
            print_foo();
            // Release: publishes print_foo's writes to bar's Acquire load.
            self.foo_turn.store(false, Ordering::Release);
        }
    }

    pub fn bar(&self, mut print_bar: impl FnMut()) {
        for _ in 0..self.n {
            // Acquire: pairs with foo's Release store.
            while self.foo_turn.load(Ordering::Acquire) {
                kata_sync::thread::yield_now();
            }
            print_bar();
            // Release: publishes print_bar's writes to foo's Acquire load.
            self.foo_turn.store(true, Ordering::Release);
        }
    }
}
