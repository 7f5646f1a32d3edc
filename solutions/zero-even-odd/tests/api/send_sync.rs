// Shared by reference between the three threads.
use zero_even_odd::ZeroEvenOdd;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<ZeroEvenOdd>();
}
