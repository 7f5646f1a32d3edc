// Shared by reference between the two threads.
use foobar::FooBar;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<FooBar>();
}
