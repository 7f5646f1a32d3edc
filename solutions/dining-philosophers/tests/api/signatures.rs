// The signature. The callbacks here are neither Send nor 'static, and each
// moves a value it owns out (so only FnOnce fits), so an extra bound such as
// `+ Send + 'static`, or `Fn`/`FnMut` in place of `FnOnce`, is caught. The
// method is called through `&DiningPhilosophers`, as the threads will call
// it. One philosopher alone at the table always gets both forks.
use std::cell::RefCell;
use std::rc::Rc;

use dining_philosophers::DiningPhilosophers;

pub fn run() {
    let new: fn() -> DiningPhilosophers = DiningPhilosophers::new;
    let kata = new();
    let shared: &DiningPhilosophers = &kata;
    let out = Rc::new(RefCell::new(Vec::<String>::new()));
    let step = |what: &str| {
        let (out, what) = (Rc::clone(&out), what.to_owned());
        move || out.borrow_mut().push(what)
    };
    let () = shared.wants_to_eat(
        3,
        step("pick left"),
        step("pick right"),
        step("eat"),
        step("put left"),
        step("put right"),
    );
    assert_eq!(out.borrow().len(), 5, "every callback runs once");
}
