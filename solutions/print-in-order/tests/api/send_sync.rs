// Shared by reference across the three threads.
use print_in_order::Foo;

fn assert_send_sync<T: Send + Sync>() {}

fn main() {
    assert_send_sync::<Foo>();
}
