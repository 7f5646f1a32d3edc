// Shared by reference across the three threads.
use print_in_order::Foo;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<Foo>();
}
