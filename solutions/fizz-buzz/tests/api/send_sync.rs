// Shared by reference between the four threads.
use fizz_buzz::FizzBuzz;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<FizzBuzz>();
}
