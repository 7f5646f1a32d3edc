//! Stage 3 of 7, api: the public API is exactly the statement's, and the bucket
//! is Send + Sync.

use kata_test::Property;

mod send_sync;
mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement, and the bucket is Send + Sync",
    cause: "a signature differs from the stub's, or a field makes the bucket !Sync (e.g. Cell or Rc)",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
    send_sync::run();
}
