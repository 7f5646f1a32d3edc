//! Stage 3 of 6, api: the kata's public API is exactly the one the issue fixes,
//! and the pool can be shared across threads.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the pool is Send + Sync",
    cause: "a signature differs from the stub's (jobs are `impl FnOnce() + Send + 'static`), or a field makes the pool !Sync",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
