// The signatures, with a T that has no bounds at all (Rc), and an `init`
// that is neither Send nor 'static and is called at most once (FnOnce: it
// moves out what it captured).
use std::rc::Rc;

use once_cell::OnceCell;

pub fn run() {
    let new: fn() -> OnceCell<Rc<String>> = OnceCell::new;
    let get: for<'a> fn(&'a OnceCell<Rc<String>>) -> Option<&'a Rc<String>> = OnceCell::get;
    let cell = new();
    assert!(get(&cell).is_none(), "a new cell must be empty");
    // Borrows `prefix` (not 'static) and moves `rest` out (FnOnce only).
    let prefix = String::from("fi");
    let p = &prefix;
    let rest = String::from("rst");
    let v: &Rc<String> = cell.get_or_init(move || {
        let mut s = rest;
        s.insert_str(0, p);
        Rc::new(s)
    });
    assert_eq!(v.as_str(), "first");
    let again: &Rc<String> = cell.get_or_init(|| unreachable!("init ran on a full cell"));
    assert!(std::ptr::eq(v, again));
    assert_eq!(get(&cell).map(|s| s.as_str()), Some("first"));
}
