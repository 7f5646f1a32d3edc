//! Stage 6 of 7, model: every interleaving of small scenarios, under loom.
//!
//! In check builds every other `Condvar::wait` returns spuriously, starting
//! with the first, and the lock and re-lock around it are points where loom
//! may switch threads, so waiters line up on a condition variable in every
//! order loom can reach. A scenario where every thread ends up asleep is a
//! deadlock, which loom reports.
#![cfg(loom)]

use kata_sync::Arc;
use kata_test::record::Unsync;
use kata_test::{Property, model, spawn};
use rw_lock::RwLock;

const NO_LOST_WAITER: Property = Property {
    name: "a reader holding the lock, a writer and a second reader waiting: when the first reader leaves, everyone gets in, in every interleaving",
    cause: "the last reader's release wakes one thread with notify_one on a condition variable that readers wait on too: the wakeup can go to a reader that must keep waiting behind the writer, and the writer sleeps forever. Wake the writer on a condition variable only writers wait on, or use notify_all",
    book: "rw-lost-wakeup",
};

const WRITERS_PUBLISH: Property = Property {
    name: "writers are alone, and each sees everything the writers before it wrote, in every interleaving",
    cause: "a writer can get in beside another guard, or the guard's release is not ordered before the next acquire: change the state only under the mutex, and end the guard's access to the value before releasing",
    book: "rw-writer-excludes",
};

// ANCHOR: no_lost_waiter
#[test]
fn no_waiter_is_lost_when_the_last_reader_leaves() {
    let _check = kata_test::check(&NO_LOST_WAITER);
    model::run(|| {
        let lock = Arc::new(RwLock::new(0_u32));
        let first = lock.read();
        let writer = {
            let lock = Arc::clone(&lock);
            spawn("writer", move || *lock.write() += 1)
        };
        let reader = {
            let lock = Arc::clone(&lock);
            spawn("reader-2", move || *lock.read())
        };
        drop(first);
        kata_test::join(writer);
        let seen = kata_test::join(reader);
        assert!(
            seen <= 1,
            "reader-2 saw {seen}, but only one write happened"
        );
        assert_eq!(*lock.read(), 1, "the value after the write");
    });
}
// ANCHOR_END: no_lost_waiter

#[test]
fn writers_are_alone_and_see_each_others_writes() {
    let _check = kata_test::check(&WRITERS_PUBLISH);
    model::run(|| {
        let lock = Arc::new(RwLock::new(0_u32));
        let count = Arc::new(Unsync::new("the writers' own count", 0_u32));
        let writers: Vec<_> = (0..2)
            .map(|i| {
                let (lock, count) = (Arc::clone(&lock), Arc::clone(&count));
                spawn(format!("writer-{i}"), move || {
                    let mut g = lock.write();
                    *g += 1;
                    count.with_mut(|n| *n += 1);
                })
            })
            .collect();
        let seen = *lock.read();
        assert!(seen <= 2, "a reader saw {seen} after at most two writes");
        writers.into_iter().for_each(kata_test::join);
        assert_eq!(*lock.read(), 2, "the value after both writes");
    });
}
