// Shared by reference between threads: Send + Sync whenever T: Send + Sync.
// And not Sync when T is only Send (Cell): two threads would get `&Cell` at
// once. Checked without a compile-fail case: an inherent method that exists
// only when the bound holds wins over the trait method that always exists.
use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::Arc;

use once_cell::OnceCell;

fn assert_send_sync<T: Send + Sync>() {}

trait Fallback {
    fn is_sync(&self) -> bool {
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

pub fn run() {
    assert_send_sync::<OnceCell<u64>>();
    assert_send_sync::<OnceCell<Vec<String>>>();
    assert_send_sync::<OnceCell<Arc<u8>>>();
    assert!(
        !SyncProbe::<OnceCell<Cell<u8>>>(PhantomData).is_sync(),
        "OnceCell<Cell<u8>> is Sync, but Cell is not: every thread would share one &Cell; ask `T: Send + Sync` in `unsafe impl Sync`"
    );
}
