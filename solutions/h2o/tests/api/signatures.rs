// The signatures. The callbacks here are neither Send nor 'static, and one
// moves a value it owns out (so only FnOnce fits), so an extra bound such as
// `+ Send + 'static`, or `Fn`/`FnMut` in place of `FnOnce`, is caught. The
// methods are called through `&H2O`, as the threads will call them. Nothing
// is called, since one thread alone can never form a molecule.
use std::cell::RefCell;
use std::rc::Rc;

use h2o::H2O;

#[allow(dead_code)]
fn calls(kata: &H2O) {
    let out = Rc::new(RefCell::new(Vec::<String>::new()));
    let owned = String::from("H");
    let o = Rc::clone(&out);
    let () = kata.hydrogen(move || o.borrow_mut().push(owned));
    let local = RefCell::new(0_u32);
    let () = kata.oxygen(|| *local.borrow_mut() += 1);
}

pub fn run() {
    let new: fn() -> H2O = H2O::new;
    let kata = new();
    let _shared: &H2O = &kata;
    let _calls: fn(&H2O) = calls;
}
