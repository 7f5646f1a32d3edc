// The signatures, with an item type that implements no trait at all, so an
// extra bound such as `T: Clone` or `T: Debug` on the impl is caught.
use bounded_blocking_queue::BoundedBlockingQueue;

struct Opaque;

pub fn run() {
    let _new: fn(usize) -> BoundedBlockingQueue<Opaque> = BoundedBlockingQueue::new;
    let _enqueue: fn(&BoundedBlockingQueue<Opaque>, Opaque) = BoundedBlockingQueue::enqueue;
    let _dequeue: fn(&BoundedBlockingQueue<Opaque>) -> Opaque = BoundedBlockingQueue::dequeue;
    let _size: fn(&BoundedBlockingQueue<Opaque>) -> usize = BoundedBlockingQueue::size;
}
