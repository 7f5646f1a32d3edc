// Shared by reference across threads: Send + Sync whenever K and V are.
use idempotency_store::IdempotencyStore;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<IdempotencyStore<u64, String>>();
    assert_send_sync::<IdempotencyStore<String, Vec<u8>>>();
}
