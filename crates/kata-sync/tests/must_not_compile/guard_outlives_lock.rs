// A guard borrows its mutex: it cannot outlive it.
use kata_sync::{Mutex, MutexGuard};

fn guard() -> MutexGuard<'static, u8> {
    let lock = Mutex::new(0u8);
    lock.lock()
}

fn main() {
    drop(guard());
}
