// One consumer: a second one would pop the same item twice.
use spsc_ring::Consumer;

fn assert_clone<T: Clone>() {}

fn main() {
    assert_clone::<Consumer<u8>>();
}
