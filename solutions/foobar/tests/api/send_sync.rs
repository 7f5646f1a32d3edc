// Shared by reference between the two threads.
use foobar::FooBar;

fn assert_send_sync<T: Send + Sync>() {}

fn main() {
    assert_send_sync::<FooBar>();
}
