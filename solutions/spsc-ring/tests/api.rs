//! Stage 1, api: the kata's public API is exactly the one the statement
//! fixes; each half can move to another thread, and neither can be cloned
//! or shared.
//!
//! trybuild compiles each file under `api/` on its own, so a mismatch is
//! reported against the case that shows it.

use kata_test::Property;

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
    // trybuild compiles the cases in a child cargo, which on a cold target
    // takes longer than the watchdog's patience; it runs no kata code.
    let _compiling = kata_test::busy();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/api/signatures.rs");
    cases.pass("tests/api/send.rs");
}

#[test]
fn producer_and_consumer_cannot_be_cloned_or_shared() {
    let _check = kata_test::check(&ONE_OF_EACH);
    let _compiling = kata_test::busy();
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/api/producer_is_not_clone.rs");
    cases.compile_fail("tests/api/consumer_is_not_clone.rs");
    // Not Sync is checked by a case that must compile: a compile-fail case
    // would have to match rustc's message, which names the type inside the
    // half that is not Sync, and that is the kata's own choice.
    cases.pass("tests/api/not_sync.rs");
}
