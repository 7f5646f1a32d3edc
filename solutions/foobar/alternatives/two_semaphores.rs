//! alternative: two-semaphores
//! why: foo's semaphore starts with one permit and bar's with none; each side acquires its own and releases the other's after its callback, so exactly one permit exists, and it is the turn. A release is remembered if the other side is not waiting yet, and the semaphore's lock orders each callback before the next.

use kata_sync::Semaphore;

// ANCHOR: foobar
pub struct FooBar {
    n: usize,
    foo_may: Semaphore, // 1 permit at first: foo goes first
    bar_may: Semaphore, // 0 permits at first
}

impl FooBar {
    pub fn new(n: usize) -> Self {
        Self {
            n,
            foo_may: Semaphore::new(1),
            bar_may: Semaphore::new(0),
        }
    }

    pub fn foo(&self, mut print_foo: impl FnMut()) {
        for _ in 0..self.n {
            self.foo_may.acquire();
            print_foo();
            self.bar_may.release();
        }
    }

    pub fn bar(&self, mut print_bar: impl FnMut()) {
        for _ in 0..self.n {
            self.bar_may.acquire();
            print_bar();
            self.foo_may.release();
        }
    }
}
// ANCHOR_END: foobar
