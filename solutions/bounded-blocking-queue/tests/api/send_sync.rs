// Shared by reference across threads: Send + Sync whenever T: Send, even
// when T itself is not Sync (Cell<u8>).
use bounded_blocking_queue::BoundedBlockingQueue;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<BoundedBlockingQueue<u64>>();
    assert_send_sync::<BoundedBlockingQueue<String>>();
    assert_send_sync::<BoundedBlockingQueue<std::cell::Cell<u8>>>();
}
