// Both locks are shared by reference between threads: Send + Sync whenever
// T: Send, even when T is not Sync (Cell), as std's Mutex is. And not when T
// is not Send (Rc): an `unsafe impl<T> Sync` with no bound would let two
// threads clone one Rc at once. The second half is checked without a
// compile-fail case: an inherent method that exists only when the bound
// holds wins over the trait method that always exists.
use std::cell::Cell;
use std::marker::PhantomData;
use std::rc::Rc;

use spin_lock::{SpinLock, TicketLock};

fn assert_send_sync<T: Send + Sync>() {}

trait Fallback {
    fn is_sync(&self) -> bool {
        false
    }
    fn is_send(&self) -> bool {
        false
    }
}
struct SyncProbe<T>(PhantomData<T>);
#[allow(dead_code, reason = "called only when the answer is wrong")]
impl<T: Sync> SyncProbe<T> {
    fn is_sync(&self) -> bool {
        true
    }
}
impl<T> Fallback for SyncProbe<T> {}

struct SendProbe<T>(PhantomData<T>);
#[allow(dead_code, reason = "called only when the answer is wrong")]
impl<T: Send> SendProbe<T> {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T> Fallback for SendProbe<T> {}

pub fn run() {
    assert_send_sync::<SpinLock<Cell<u8>>>();
    assert_send_sync::<TicketLock<Cell<u8>>>();
    assert_send_sync::<SpinLock<Vec<u8>>>();
    assert_send_sync::<TicketLock<Vec<u8>>>();

    assert!(
        !SyncProbe::<SpinLock<Rc<u8>>>(PhantomData).is_sync(),
        "SpinLock<Rc<u8>> is Sync, but Rc is not Send: ask `T: Send` in `unsafe impl Sync`"
    );
    assert!(
        !SendProbe::<SpinLock<Rc<u8>>>(PhantomData).is_send(),
        "SpinLock<Rc<u8>> is Send, but Rc is not: ask `T: Send` in `unsafe impl Send`"
    );
    assert!(
        !SyncProbe::<TicketLock<Rc<u8>>>(PhantomData).is_sync(),
        "TicketLock<Rc<u8>> is Sync, but Rc is not Send: ask `T: Send` in `unsafe impl Sync`"
    );
    assert!(
        !SendProbe::<TicketLock<Rc<u8>>>(PhantomData).is_send(),
        "TicketLock<Rc<u8>> is Send, but Rc is not: ask `T: Send` in `unsafe impl Send`"
    );
}
