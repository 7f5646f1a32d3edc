// One producer: a second one would push into the same slots at once.
use spsc_ring::Producer;

fn assert_clone<T: Clone>() {}

fn main() {
    assert_clone::<Producer<u8>>();
}
