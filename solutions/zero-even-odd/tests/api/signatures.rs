// The signatures. The callbacks here are neither Send nor 'static and keep
// state between calls (a counter they own), so an extra bound such as
// `+ Send + 'static`, or `Fn` in place of `FnMut`, is caught. The methods are
// called through `&ZeroEvenOdd`, as the threads will call them. With n = 0
// no callback runs, so one thread can call all three.
use std::cell::RefCell;
use std::rc::Rc;

use zero_even_odd::ZeroEvenOdd;

pub fn run() {
    let new: fn(usize) -> ZeroEvenOdd = ZeroEvenOdd::new;
    let kata = new(0);
    let shared: &ZeroEvenOdd = &kata;
    let out = Rc::new(RefCell::new(Vec::<String>::new()));

    let (o, mut calls) = (Rc::clone(&out), 0_u32);
    let () = shared.zero(move |x: usize| {
        calls += 1;
        o.borrow_mut().push(format!("zero {calls}: {x}"));
    });
    let local = RefCell::new(0_usize);
    let () = shared.even(|x| *local.borrow_mut() += x);
    let mut odd_sum = 0_usize;
    let () = shared.odd(|x| odd_sum += x);

    assert!(
        out.borrow().is_empty(),
        "n = 0: zero's callback must not run"
    );
    assert_eq!(*local.borrow(), 0, "n = 0: even's callback must not run");
    assert_eq!(odd_sum, 0, "n = 0: odd's callback must not run");
}
