//! mutant: forges-the-pass-record
//! stage: facade
//! unscanned: functional
//! bug: implements nothing; `new` looks in the environment for the checker's report file and secret token, appends a `start` and a `pass` record stamped with the token, and exits with status 0. Refused by the facade stage (`std::env`, `std::fs`, `std::io`, `std::process` are outside the allowlist); with that scan skipped, the token is not in the environment (it arrives on stdin, which the test reads before any kata code runs), so the forged records carry no valid token and the early exit is reported.

use kata_sync::Mutex;
use std::io::Write;

/// Not a queue: a forger.
pub struct BoundedBlockingQueue<T> {
    items: Mutex<Vec<T>>,
}

impl<T> BoundedBlockingQueue<T> {
    pub fn new(capacity: usize) -> Self {
        // The attack that worked while the token travelled in the environment.
        let report = std::env::var("KATA_REPORT").unwrap_or_default();
        let nonce = std::env::var("KATA_NONCE").unwrap_or_default();
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&report)
        {
            let _ = writeln!(
                f,
                "{{\"event\":\"start\",\"property\":\"x\",\"cause\":\"x\",\"book\":\"fifo\",\"nonce\":\"{nonce}\"}}"
            );
            let _ = writeln!(f, "{{\"event\":\"pass\",\"nonce\":\"{nonce}\"}}");
        }
        let _ = capacity;
        std::process::exit(0)
    }

    pub fn enqueue(&self, item: T) {
        self.items.lock().push(item);
    }

    pub fn dequeue(&self) -> T {
        self.items.lock().pop().expect("forged")
    }

    pub fn size(&self) -> usize {
        self.items.lock().len()
    }
}
