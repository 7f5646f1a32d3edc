// Shared by reference across threads.
use thread_pool::{Rejected, ThreadPool};

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<ThreadPool>();
    assert_send_sync::<Rejected>();
}
