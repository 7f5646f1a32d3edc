// Shared by reference between the philosophers' threads.
use dining_philosophers::DiningPhilosophers;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<DiningPhilosophers>();
}
