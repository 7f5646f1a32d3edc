// Shared by reference between the atoms' threads.
use h2o::H2O;

fn assert_send_sync<T: Send + Sync>() {}

pub fn run() {
    assert_send_sync::<H2O>();
}
