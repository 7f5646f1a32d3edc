// Shared by reference across threads: Send + Sync whenever T: Send + Sync,
// like std's RwLock; and Send alone when T is Send but not Sync (Cell<u8>).
use rw_lock::RwLock;

fn assert_send_sync<T: Send + Sync>() {}
fn assert_send<T: Send>() {}

pub fn run() {
    assert_send_sync::<RwLock<u64>>();
    assert_send_sync::<RwLock<String>>();
    assert_send_sync::<RwLock<Vec<u8>>>();
    assert_send::<RwLock<std::cell::Cell<u8>>>();
}
