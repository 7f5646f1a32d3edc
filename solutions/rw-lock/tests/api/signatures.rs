// The signatures, with a value type that implements no trait at all, so an
// extra bound such as `T: Clone`, `T: Send` or `T: Default` is caught.
use std::ops::{Deref, DerefMut};

use rw_lock::{ReadGuard, RwLock, WriteGuard};

struct Opaque;

fn read_target<'a>(g: &'a ReadGuard<'_, Opaque>) -> &'a Opaque {
    Deref::deref(g)
}

fn write_target<'a>(g: &'a mut WriteGuard<'_, Opaque>) -> &'a mut Opaque {
    DerefMut::deref_mut(g)
}

pub fn run() {
    let _new: fn(Opaque) -> RwLock<Opaque> = RwLock::new;
    let _read: for<'a> fn(&'a RwLock<Opaque>) -> ReadGuard<'a, Opaque> = RwLock::read;
    let _write: for<'a> fn(&'a RwLock<Opaque>) -> WriteGuard<'a, Opaque> = RwLock::write;
    let _ = (read_target, write_target);
}
