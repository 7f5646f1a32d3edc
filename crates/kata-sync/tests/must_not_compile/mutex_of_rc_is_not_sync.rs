// A mutex is Sync only when its data is Send (std's `Mutex<T>: Sync` needs
// `T: Send`): a lock cannot make an `Rc` safe to clone from two threads.
use std::rc::Rc;

use kata_sync::{Arc, Mutex};

fn main() {
    let shared = Arc::new(Mutex::new(Rc::new(0u8)));
    std::thread::spawn(move || drop(shared));
}
