// Shared by reference between the three threads.
use zero_even_odd::ZeroEvenOdd;

fn assert_send_sync<T: Send + Sync>() {}

fn main() {
    assert_send_sync::<ZeroEvenOdd>();
}
