// The signatures. The callbacks here are neither Send nor 'static, and each
// can run only once (it moves a String out), so an extra bound such as
// `+ Send + 'static`, or `Fn` in place of `FnOnce`, is caught. The methods are
// called through `&Foo`, as the threads will call them.
use std::cell::RefCell;
use std::rc::Rc;

use print_in_order::Foo;

pub fn run() {
    let new: fn() -> Foo = Foo::new;
    let kata = new();
    let shared: &Foo = &kata;
    let out = Rc::new(RefCell::new(Vec::<String>::new()));
    let local = RefCell::new(0_u32);

    let (o, word) = (Rc::clone(&out), String::from("first"));
    let () = shared.first(move || o.borrow_mut().push(word));
    let (o, word) = (Rc::clone(&out), String::from("second"));
    let () = shared.second(|| {
        *local.borrow_mut() += 1;
        o.borrow_mut().push(word);
    });
    let (o, word) = (Rc::clone(&out), String::from("third"));
    let () = shared.third(move || o.borrow_mut().push(word));

    assert_eq!(*out.borrow(), ["first", "second", "third"]);
    assert_eq!(*local.borrow(), 1);
}
