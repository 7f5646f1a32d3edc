// Shared by reference across threads: Send + Sync whenever K and V are.
use time_map::TimeMap;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<TimeMap<u64, String>>();
    assert_send_sync::<TimeMap<String, Vec<u8>>>();
}
