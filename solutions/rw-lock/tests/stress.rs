//! Stage 5 of 7, stress: readers and writers on real threads, hammering one lock.
//!
//! Who is inside is tracked by the suite's own counter, checked on every
//! entry and exit: a writer must find nobody inside, a reader no writer.
//! Writers also update an `Unsync` cell, which reports two writers inside at
//! once as a data race. The watchdog turns a lost wakeup into a report of
//! which calls never returned.
#![cfg(not(loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use kata_test::record::Unsync;
use kata_test::{Property, spawn};
use rstest::rstest;
use rw_lock::RwLock;

/// Lock acquisitions per thread.
const ROUNDS: usize = 20_000;
/// The suite's occupancy counter: readers count in the low bits, a writer
/// adds this bit.
const WRITER: usize = 1 << 32;

const EXCLUSION: Property = Property {
    name: "under load, a writer is always alone in the lock, readers never overlap a writer, and every call returns",
    cause: "a check of the state and the change to it are not done under the same mutex guard, a wait is not in a `while` loop, or a release wakes a thread that cannot go (notify_one on a condition variable shared by readers and writers) so the one that could sleeps on",
    book: "rw-writer-excludes",
};

#[rstest]
#[case::one_writer_three_readers(1, 3)]
#[case::two_writers_two_readers(2, 2)]
#[case::three_writers_one_reader(3, 1)]
fn writers_are_alone_and_readers_never_meet_a_writer(
    #[case] writers: usize,
    #[case] readers: usize,
) {
    let check = kata_test::check(&EXCLUSION);
    let lock = Arc::new(RwLock::new(0_usize));
    let occupancy = Arc::new(AtomicUsize::new(0));
    let writes = Arc::new(Unsync::new("the writers' count", 0_usize));

    let mut threads = Vec::new();
    for w in 0..writers {
        let (lock, occupancy, writes, log) = (
            Arc::clone(&lock),
            Arc::clone(&occupancy),
            Arc::clone(&writes),
            Arc::clone(check.log()),
        );
        let name = format!("writer-{w}");
        threads.push(spawn(name.clone(), move || {
            let worker = log.worker(name);
            for round in 0..ROUNDS {
                let call = worker.call("write()");
                let mut g = lock.write();
                drop(call);
                let before = occupancy.swap(WRITER, Ordering::SeqCst);
                assert!(
                    before == 0,
                    "a writer got in while {} reader(s) and {} writer(s) were inside",
                    before & (WRITER - 1),
                    before / WRITER
                );
                *g += 1;
                writes.with_mut(|n| *n += 1);
                if round % 16 == 0 {
                    std::thread::yield_now();
                }
                let after = occupancy.swap(0, Ordering::SeqCst);
                assert!(
                    after == WRITER,
                    "someone got in while a writer held the lock ({} reader(s) inside)",
                    after & (WRITER - 1)
                );
                drop(g);
            }
        }));
    }
    for r in 0..readers {
        let (lock, occupancy, log) = (
            Arc::clone(&lock),
            Arc::clone(&occupancy),
            Arc::clone(check.log()),
        );
        let name = format!("reader-{r}");
        threads.push(spawn(name.clone(), move || {
            let worker = log.worker(name);
            let mut last = 0;
            for round in 0..ROUNDS {
                let call = worker.call("read()");
                let g = lock.read();
                drop(call);
                let before = occupancy.fetch_add(1, Ordering::SeqCst);
                assert!(
                    before & WRITER == 0,
                    "a reader got in while a writer held the lock"
                );
                assert!(
                    *g >= last,
                    "a reader saw the count go back from {last} to {}: it read a value older than one it had already seen",
                    *g
                );
                last = *g;
                if round % 16 == 0 {
                    std::thread::yield_now();
                }
                let after = occupancy.fetch_sub(1, Ordering::SeqCst);
                assert!(
                    after & WRITER == 0,
                    "a writer got in while a reader held the lock"
                );
                drop(g);
            }
        }));
    }
    kata_test::join_as_they_finish(threads);
    let total = writers * ROUNDS;
    assert_eq!(*lock.read(), total, "the count after every write");
    let writes = Arc::into_inner(writes).expect("every thread is joined");
    assert_eq!(writes.into_inner(), total, "the writers' own count");
}
