// The signatures. The callbacks here are neither Send nor 'static and keep
// state between calls (a counter they own), so an extra bound such as
// `+ Send + 'static`, or `Fn` in place of `FnMut`, is caught. The methods are
// called through `&FooBar`, as the threads will call them. With n = 0 neither
// callback runs, so one thread can call both.
use std::cell::RefCell;
use std::rc::Rc;

use foobar::FooBar;

pub fn run() {
    let new: fn(usize) -> FooBar = FooBar::new;
    let kata = new(0);
    let shared: &FooBar = &kata;
    let out = Rc::new(RefCell::new(Vec::<String>::new()));

    let (o, mut calls) = (Rc::clone(&out), 0_u32);
    let () = shared.foo(move || {
        calls += 1;
        o.borrow_mut().push(format!("foo {calls}"));
    });
    let local = RefCell::new(0_u32);
    let () = shared.bar(|| *local.borrow_mut() += 1);

    assert!(out.borrow().is_empty(), "n = 0: print_foo must not run");
    assert_eq!(*local.borrow(), 0, "n = 0: print_bar must not run");
}
