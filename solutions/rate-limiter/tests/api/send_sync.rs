// Shared by reference across threads: the bucket is Send + Sync.
use rate_limiter::TokenBucket;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<TokenBucket>();
}
