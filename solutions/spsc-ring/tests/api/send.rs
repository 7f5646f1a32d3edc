// Each half can move to another thread whenever T: Send, even when T itself
// is not Sync (Cell<u8>).
use spsc_ring::{Consumer, Producer};

fn assert_send<T: Send>() {}

pub fn run() {
    assert_send::<Producer<u64>>();
    assert_send::<Consumer<u64>>();
    assert_send::<Producer<String>>();
    assert_send::<Consumer<String>>();
    assert_send::<Producer<std::cell::Cell<u8>>>();
    assert_send::<Consumer<std::cell::Cell<u8>>>();
}
