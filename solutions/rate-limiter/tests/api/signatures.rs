// The signatures, with a clock written outside the kata, as user code would.
use std::time::Duration;

use kata_sync::Arc;
use rate_limiter::{Clock, TokenBucket};

struct Fixed;

impl Clock for Fixed {
    fn now(&self) -> Duration {
        Duration::from_secs(1)
    }
}

pub fn run() {
    let _new: fn(u64, u64, Arc<dyn Clock>) -> TokenBucket = TokenBucket::new;
    let _acquire: fn(&TokenBucket, u64) -> bool = TokenBucket::try_acquire;
    // The trait is object-safe and its bounds are the statement's.
    fn bounds<T: Send + Sync + 'static + ?Sized>() {}
    bounds::<dyn Clock>();
    let _ = || {
        let clock: Arc<dyn Clock> = Arc::new(Fixed);
        let bucket = TokenBucket::new(1, 1, clock);
        bucket.try_acquire(1)
    };
}
