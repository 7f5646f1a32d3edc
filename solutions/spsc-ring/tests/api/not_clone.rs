// One producer and one consumer: a clone of either half would be a second
// one, pushing into (or popping from) the same slots at once.
//
// Checked at run time, with a message that says which half: an inherent
// method that exists only when the half is Clone wins over the trait method
// that always exists, so `is_clone` is true exactly when the half is Clone.
use std::marker::PhantomData;

use spsc_ring::{Consumer, Producer};

trait Fallback {
    fn is_clone(&self) -> bool {
        false
    }
}
struct CloneProbe<T>(PhantomData<T>);
#[allow(dead_code, reason = "called only when the answer is wrong")]
impl<T: Clone> CloneProbe<T> {
    fn is_clone(&self) -> bool {
        true
    }
}
impl<T> Fallback for CloneProbe<T> {}

pub fn run() {
    assert!(
        !CloneProbe::<Producer<u8>>(PhantomData).is_clone(),
        "Producer<u8> implements Clone: a clone would be a second producer"
    );
    assert!(
        !CloneProbe::<Consumer<u8>>(PhantomData).is_clone(),
        "Consumer<u8> implements Clone: a clone would be a second consumer"
    );
}
