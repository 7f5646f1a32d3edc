// The signatures. The callbacks here are neither Send nor 'static and keep
// state between calls (a counter they own), so an extra bound such as
// `+ Send + 'static`, or `Fn` in place of `FnMut`, is caught. The methods are
// called through `&FizzBuzz`, as the threads will call them. With n = 0 no
// callback runs, so one thread can call all four.
use std::cell::RefCell;
use std::rc::Rc;

use fizz_buzz::FizzBuzz;

pub fn run() {
    let new: fn(usize) -> FizzBuzz = FizzBuzz::new;
    let kata = new(0);
    let shared: &FizzBuzz = &kata;
    let out = Rc::new(RefCell::new(Vec::<String>::new()));

    let (o, mut calls) = (Rc::clone(&out), 0_u32);
    let () = shared.fizz(move || {
        calls += 1;
        o.borrow_mut().push(format!("fizz {calls}"));
    });
    let local = RefCell::new(0_u32);
    let () = shared.buzz(|| *local.borrow_mut() += 1);
    let mut fizzbuzzes = 0_u32;
    let () = shared.fizzbuzz(|| fizzbuzzes += 1);
    let mut sum = 0_usize;
    let () = shared.number(|i: usize| sum += i);

    assert!(out.borrow().is_empty(), "n = 0: print_fizz must not run");
    assert_eq!(*local.borrow(), 0, "n = 0: print_buzz must not run");
    assert_eq!(fizzbuzzes, 0, "n = 0: print_fizzbuzz must not run");
    assert_eq!(sum, 0, "n = 0: print_number must not run");
}
