// Neither half is Sync: two threads sharing `&Producer` or `&Consumer` would
// be two producers or two consumers.
//
// This must compile. If a half were Sync, both impls of `AmbiguousIfSync`
// below would apply to it, and rustc would fail with "type annotations
// needed" at the line that names it.
use spsc_ring::{Consumer, Producer};

trait AmbiguousIfSync<A> {
    fn check() {}
}

impl<T: ?Sized> AmbiguousIfSync<()> for T {}

struct IsSync;

impl<T: ?Sized + Sync> AmbiguousIfSync<IsSync> for T {}

pub fn run() {
    <Producer<u8> as AmbiguousIfSync<_>>::check();
    <Consumer<u8> as AmbiguousIfSync<_>>::check();
}
