//! Stage 3 of 7, api: the kata's public API is exactly the one the statement
//! fixes; each half can move to another thread, and neither can be cloned
//! or shared.
//!
//! Each module below is a case that must compile and run. The cases are
//! compiled with the rest of the suite, in the build every check makes
//! anyway; the checker reports each compile error against the case that
//! shows it.

use kata_test::Property;

mod not_clone;
mod not_sync;
mod send;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and Producer and Consumer are Send",
    cause: "a signature differs from the stub's, or a half holds something that is not Send (an Rc, a raw pointer without an `unsafe impl Send`)",
    book: "api",
};

const ONE_OF_EACH: Property = Property {
    name: "Producer and Consumer cannot be cloned or shared between threads",
    cause: "a half implements Clone, or is Sync: keep the `PhantomData<Cell<()>>` marker the stub gives each half, and do not derive Clone",
    book: "spsc-one-of-each",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send::run();
}

#[test]
fn producer_and_consumer_cannot_be_cloned_or_shared() {
    let _check = kata_test::check(&ONE_OF_EACH);
    not_clone::run();
    not_sync::run();
}
