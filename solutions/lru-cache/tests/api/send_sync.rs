// Shared by reference across threads: Send + Sync whenever K and V are.
use lru_cache::LruCache;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<LruCache<u64, String>>();
    assert_send_sync::<LruCache<String, Vec<u8>>>();
}
