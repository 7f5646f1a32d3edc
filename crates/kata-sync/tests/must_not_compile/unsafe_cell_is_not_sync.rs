// An `UnsafeCell` is not Sync (nor is std's): sharing one between threads
// needs a type that says, with an `unsafe impl Sync`, how access is
// synchronised.
use kata_sync::cell::UnsafeCell;

fn main() {
    let cell: &'static UnsafeCell<u8> = Box::leak(Box::new(UnsafeCell::new(0)));
    std::thread::spawn(move || cell.with(|_| ()));
}
