// The signatures, through function pointers, with a T that has no bounds at
// all (Rc is neither Send nor Sync): `new`, `lock` and `try_lock` must not
// ask more of T than the statement does.
#![allow(
    clippy::type_complexity,
    reason = "each signature is spelled out: it is what the case checks"
)]

use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use spin_lock::{SpinLock, SpinLockGuard, TicketLock, TicketLockGuard};

fn deref_both<G: Deref<Target = T> + DerefMut, T>(g: &mut G) -> &mut T {
    &mut *g
}

pub fn run() {
    let new: fn(Rc<u8>) -> SpinLock<Rc<u8>> = SpinLock::new;
    let lock: for<'a> fn(&'a SpinLock<Rc<u8>>) -> SpinLockGuard<'a, Rc<u8>> = SpinLock::lock;
    let try_lock: for<'a> fn(&'a SpinLock<Rc<u8>>) -> Option<SpinLockGuard<'a, Rc<u8>>> =
        SpinLock::try_lock;
    let spin = new(Rc::new(1));
    {
        let mut g = lock(&spin);
        *deref_both(&mut g) = Rc::new(2);
        assert!(
            try_lock(&spin).is_none(),
            "try_lock succeeded while a guard was held"
        );
    }
    let g = try_lock(&spin).expect("try_lock failed on a free lock");
    assert_eq!(**g, 2);
    drop(g);

    let new: fn(Rc<u8>) -> TicketLock<Rc<u8>> = TicketLock::new;
    let lock: for<'a> fn(&'a TicketLock<Rc<u8>>) -> TicketLockGuard<'a, Rc<u8>> = TicketLock::lock;
    let ticket = new(Rc::new(1));
    {
        let mut g = lock(&ticket);
        *deref_both(&mut g) = Rc::new(3);
    }
    assert_eq!(**lock(&ticket), 3);
}
