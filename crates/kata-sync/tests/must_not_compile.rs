//! The facade must reject what std rejects. A kata is written against
//! `kata_sync` but is meant to be an answer in std Rust (and in an
//! interview): if the facade let through something std's types forbid, an
//! answer could pass the checker and still not compile with std's types.
//!
//! Each case under `must_not_compile/` is a program that std's types reject
//! and that must fail the same way with the facade's. trybuild compiles them
//! one by one and compares rustc's message with the `.stderr` beside it.
//! (The same properties in the other direction, that the facade accepts what
//! std accepts, are the doc tests and the reference solutions.)

#[test]
fn the_facade_rejects_what_std_rejects() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/must_not_compile/*.rs");
}
