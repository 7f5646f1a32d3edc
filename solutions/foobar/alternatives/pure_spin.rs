//! alternative: pure-spin
//! why: an atomic turn flag with Acquire/Release and an empty busy loop (no yield, no hint): correct, wasteful; loom can explore it because facade atomics yield when a thread re-reads an unchanged value.

use kata_sync::atomic::{AtomicBool, Ordering};
pub struct FooBar { n: usize, foo_turn: AtomicBool }
impl FooBar {
    pub fn new(n: usize) -> Self { Self { n, foo_turn: AtomicBool::new(true) } }
    pub fn foo(&self, mut print_foo: impl FnMut()) {
        for _ in 0..self.n {
            while !self.foo_turn.load(Ordering::Acquire) {}
            print_foo();
            self.foo_turn.store(false, Ordering::Release);
        }
    }
    pub fn bar(&self, mut print_bar: impl FnMut()) {
        for _ in 0..self.n {
            while self.foo_turn.load(Ordering::Acquire) {}
            print_bar();
            self.foo_turn.store(true, Ordering::Release);
        }
    }
}
