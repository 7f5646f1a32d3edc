//! Stage 3 of 6, api: the kata's public API is exactly the one the issue fixes.

use kata_test::Property;

mod signatures;

const API: Property = Property {
    name: "the public API matches the kata's statement",
    cause: "the HtmlParser trait or crawl's signature differs from the stub's",
    book: "api",
};

#[test]
fn public_api_matches_the_statement() {
    let _check = kata_test::check(&API);
    signatures::run();
}
