//! Stage 4 of 7, functional: what the lock does, with the order of events forced
//! by the test, never by timing. A thread that must wait is started, seen
//! blocked in a `kata_sync` primitive (or given a grace period to misbehave),
//! and only then is the next step taken.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use kata_test::record::Trace;
use kata_test::{Property, spawn, wait};
use rw_lock::RwLock;

/// How long a thread that must block is given to be seen asleep (or to get
/// in, wrongly) before the test moves on. A right answer is seen asleep
/// within milliseconds, so this is generous, for loaded machines, and stays
/// below the watchdog's stall limit.
const GRACE: Duration = Duration::from_secs(2);
/// Polls in a row a thread must be seen blocked before it counts as asleep.
const SETTLE_POLLS: u32 = 20;

const READERS_TOGETHER: Property = Property {
    name: "readers hold the lock at the same time",
    cause: "read waits while another reader holds the lock: count the readers in the state, and make a reader wait only for a writer (holding or waiting)",
    book: "rw-readers-together",
};

const WRITER_EXCLUDES: Property = Property {
    name: "a writer holds the lock alone: no reader or writer gets in until its guard is dropped, and then they do",
    cause: "write does not wait for the readers to leave, read does not wait for the writer, or a guard's drop does not wake the threads waiting for it",
    book: "rw-writer-excludes",
};

const WRITER_PREFERENCE: Property = Property {
    name: "once a writer waits, a new reader waits behind it, and the writer goes first when the readers holding the lock leave",
    cause: "read lets a reader in while a writer waits (reader preference: a steady stream of readers starves the writer). Count the waiting writers in the state and make new readers wait while that count is above 0",
    book: "rw-writer-preference",
};

const MANY_READERS: Property = Property {
    name: "a writer waits until every reader has left, however many hold the lock at once (65,536 read guards)",
    cause: "the count of readers holding the lock is too narrow (a u8 or u16 that wraps or saturates): with that many readers it reaches 0 while some still hold the lock, and a writer gets in beside them. Count readers in a usize",
    book: "rw-writer-excludes",
};

const VALUE: Property = Property {
    name: "the guards give access to the value: what a writer stores, the next reader and writer see",
    cause: "a guard dereferences to something other than the lock's one value",
    book: "rw-writer-excludes",
};

#[test]
fn two_readers_hold_the_lock_at_once() {
    let check = kata_test::check(&READERS_TOGETHER);
    let lock = Arc::new(RwLock::new(7_u32));
    let inside = [
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    ];
    let readers: Vec<_> = (0..2)
        .map(|me| {
            let (lock, inside, log) = (Arc::clone(&lock), inside.clone(), Arc::clone(check.log()));
            let name = format!("reader-{}", me + 1);
            spawn(name.clone(), move || {
                let w = log.worker(name);
                let call = w.call("read()");
                let guard = lock.read();
                drop(call);
                assert_eq!(*guard, 7, "a read guard must see the lock's value");
                inside[me].store(true, Ordering::SeqCst);
                // The rendezvous: while holding the guard, wait for the other
                // reader to be inside too.
                let other = 1 - me;
                // Until the other reader is inside too, or nothing can move
                // any more (it is asleep, blocked behind this guard): a lock
                // that serialises readers fails here, by name.
                let met = wait::until_done(|| inside[other].load(Ordering::SeqCst));
                assert!(
                    met,
                    "reader-{} held the lock and reader-{} never got in beside it: readers must share the lock",
                    me + 1,
                    other + 1
                );
                drop(guard);
            })
        })
        .collect();
    readers.into_iter().for_each(kata_test::join);
}

/// Starts `name` calling `f` on the lock, and returns a flag that is set
/// once the call has returned (that is, the thread is inside).
fn start<F>(
    check: &kata_test::Check,
    name: &'static str,
    what: &'static str,
    f: F,
) -> (kata_sync::thread::JoinHandle<()>, Arc<AtomicBool>)
where
    F: FnOnce() + Send + 'static,
{
    let entered = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&entered);
    let log = Arc::clone(check.log());
    let handle = spawn(name, move || {
        let w = log.worker(name);
        let call = w.call(what);
        f();
        drop(call);
        flag.store(true, Ordering::SeqCst);
    });
    (handle, entered)
}

/// Gives `name` time to get in (wrongly) or to fall asleep; returns whether
/// it got in.
fn got_in(name: &str, entered: &AtomicBool) -> bool {
    wait::settle(name, SETTLE_POLLS, GRACE, || entered.load(Ordering::SeqCst))
}

fn is_blocked(name: &str) -> bool {
    kata_test::blocked_threads()
        .iter()
        .any(|(t, _, _)| t == name)
}

#[test]
fn a_writer_excludes_readers_and_writers_until_it_leaves() {
    let check = kata_test::check(&WRITER_EXCLUDES);
    let lock = Arc::new(RwLock::new(0_u32));
    let mut guard = lock.write();
    *guard = 1;

    let (reader, reader_in) = {
        let lock = Arc::clone(&lock);
        start(
            &check,
            "reader",
            "read() while a writer holds the lock",
            move || {
                let g = lock.read();
                // 1 if it went before writer-2, 11 after it: both are allowed.
                assert!(
                    *g == 1 || *g == 11,
                    "the reader saw {}, but the writers stored only 1 and then 11",
                    *g
                );
            },
        )
    };
    let (writer, writer_in) = {
        let lock = Arc::clone(&lock);
        start(
            &check,
            "writer-2",
            "write() while a writer holds the lock",
            move || {
                let mut g = lock.write();
                *g += 10;
            },
        )
    };
    assert!(
        !got_in("reader", &reader_in),
        "a reader got in while a writer held the lock"
    );
    assert!(
        !got_in("writer-2", &writer_in),
        "a second writer got in while a writer held the lock"
    );
    drop(guard);
    kata_test::join(reader);
    kata_test::join(writer);
    assert_eq!(*lock.read(), 11, "the value after both writers");
}

#[test]
fn a_reader_excludes_writers_until_it_leaves() {
    let check = kata_test::check(&WRITER_EXCLUDES);
    let lock = Arc::new(RwLock::new(5_u32));
    let guard = lock.read();
    let (writer, writer_in) = {
        let lock = Arc::clone(&lock);
        start(
            &check,
            "writer",
            "write() while a reader holds the lock",
            move || {
                let mut g = lock.write();
                *g *= 2;
            },
        )
    };
    assert!(
        !got_in("writer", &writer_in),
        "a writer got in while a reader held the lock"
    );
    assert_eq!(*guard, 5, "the value changed under a read guard");
    drop(guard);
    kata_test::join(writer);
    assert_eq!(*lock.read(), 10, "the value after the writer");
}

// ANCHOR: writer_preference
#[test]
fn a_waiting_writer_goes_before_readers_that_came_after_it() {
    let check = kata_test::check(&WRITER_PREFERENCE);
    let lock = Arc::new(RwLock::new(0_u32));
    let order = Arc::new(Trace::new());

    // R1 (this thread) holds the lock for reading.
    let r1 = lock.read();

    // W asks to write, and must wait for R1.
    let (writer, writer_in) = {
        let (lock, order) = (Arc::clone(&lock), Arc::clone(&order));
        start(&check, "writer", "write() while R1 reads", move || {
            let mut g = lock.write();
            order.push("writer");
            *g += 1;
        })
    };
    assert!(
        !got_in("writer", &writer_in),
        "the writer got in while reader R1 held the lock"
    );
    assert!(
        is_blocked("writer"),
        "the writer neither got in nor waits in a kata_sync primitive after {GRACE:?}: wait on a Condvar, do not spin"
    );

    // R2 asks to read after W: it must wait behind W, although only a reader
    // holds the lock.
    let seen_by_r2 = Arc::new(AtomicU32::new(u32::MAX));
    let (reader, reader_in) = {
        let (lock, order, seen) = (
            Arc::clone(&lock),
            Arc::clone(&order),
            Arc::clone(&seen_by_r2),
        );
        start(
            &check,
            "reader-2",
            "read() while R1 reads and a writer waits",
            move || {
                let g = lock.read();
                order.push("reader-2");
                seen.store(*g, Ordering::SeqCst);
            },
        )
    };
    assert!(
        !got_in("reader-2", &reader_in),
        "reader R2 got in while a writer was waiting: new readers must queue behind a waiting writer (writer preference)"
    );

    // R1 leaves: W goes, then R2.
    drop(r1);
    kata_test::join(writer);
    kata_test::join(reader);
    assert_eq!(
        order.snapshot(),
        ["writer", "reader-2"],
        "after R1 left, the waiting writer must go before reader R2, which asked later"
    );
    assert_eq!(
        seen_by_r2.load(Ordering::SeqCst),
        1,
        "reader R2 came after the writer, so it must see its write"
    );
}
// ANCHOR_END: writer_preference

#[test]
fn guards_reach_the_one_value() {
    let _check = kata_test::check(&VALUE);
    let lock = RwLock::new(vec![1_u8]);
    lock.write().push(2);
    {
        let a = lock.read();
        let b = lock.read();
        assert_eq!(*a, [1, 2], "a read guard after a write");
        assert_eq!(*b, [1, 2], "a second read guard held beside the first");
    }
    lock.write().push(3);
    assert_eq!(*lock.read(), [1, 2, 3], "a read guard after two writes");
}

#[test]
fn a_writer_waits_for_every_one_of_many_readers() {
    let check = kata_test::check(&MANY_READERS);
    // 2^16 readers: a count that wraps at 256 or at 65,536 reads 0 while
    // they all hold the lock, and one that saturates reads 0 while the last
    // of them still does. (Miri, far slower, gets 2^8.)
    let n: usize = if cfg!(miri) { 1 << 8 } else { 1 << 16 };
    let lock = Arc::new(RwLock::new(0_u32));
    let mut guards: Vec<_> = (0..n).map(|_| lock.read()).collect();
    let (writer, writer_in) = {
        let lock = Arc::clone(&lock);
        start(
            &check,
            "writer",
            "write() while many readers hold the lock",
            move || *lock.write() += 1,
        )
    };
    assert!(
        !got_in("writer", &writer_in),
        "a writer got in while {n} readers held the lock"
    );
    // All but one leave: the one left must still keep the writer out.
    guards.truncate(1);
    assert!(
        !got_in("writer", &writer_in),
        "a writer got in while 1 of {n} readers still held the lock (the other {} had left)",
        n - 1
    );
    drop(guards);
    kata_test::join(writer);
    assert_eq!(*lock.read(), 1, "the value after the writer");
}
