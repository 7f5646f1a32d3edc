// A guard must be released on the thread that took the lock (std's
// `MutexGuard` is not Send): moving it to another thread does not compile.
use kata_sync::Mutex;

fn main() {
    let lock = Box::leak(Box::new(Mutex::new(0u8)));
    let guard = lock.lock();
    std::thread::spawn(move || drop(guard));
}
