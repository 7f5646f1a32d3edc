// The signatures, with an item type that implements no trait but Send, so an
// extra bound such as `T: Clone`, `T: Default` or `T: Debug` is caught.
use spsc_ring::{Consumer, Producer, ring};

struct Opaque;

pub fn run() {
    let _ring: fn(usize) -> (Producer<Opaque>, Consumer<Opaque>) = ring::<Opaque>;
    let _push: fn(&mut Producer<Opaque>, Opaque) -> Result<(), Opaque> = Producer::push;
    let _pop: fn(&mut Consumer<Opaque>) -> Option<Opaque> = Consumer::pop;
}
