//! Stage 6 of 6, model: every interleaving of small crawls with 2 workers, under
//! loom.
//!
//! Two workers and the main thread. `kata_test::model::run` uses a preemption
//! bound of 3 (override with `KATA_LOOM_PREEMPTIONS`); `cargo xtask check`
//! builds this in release mode. The parser's records live outside the model
//! (see `common`), so they add no interleavings.
#![cfg(loom)]

mod common;

use std::sync::Arc;

use common::{Site, parser};
use kata_test::{Property, model};
use web_crawler::crawl;

const TERMINATION: Property = Property {
    name: "with 2 workers, crawl returns only once nothing is queued and nothing is in flight, in every interleaving",
    cause: "termination decided by an empty queue alone: a fetch in flight can still add pages. Count fetches in flight, under the same lock as the queue",
    book: "crawler-termination",
};

const ONCE: Property = Property {
    name: "with 2 workers, a page linked from two pages fetched at once is fetched once, in every interleaving",
    cause: "a check-then-act race: the seen set was checked in one critical section and updated in another. Use `seen.insert(url)`, which does both, under one lock",
    book: "web-crawler",
};

#[test]
fn a_chain_is_crawled_to_its_end() {
    let _check = kata_test::check(&TERMINATION);
    // Returning while the start page is in flight needs no preemption at
    // all; bound 2 keeps a crawler built on message queues to seconds.
    model::run_with_preemptions(2, || {
        let start = "http://a/1";
        let site = Arc::new(Site::new(
            start,
            &[
                ("http://a/1", &["http://a/2"]),
                ("http://a/2", &["http://b/1"]),
            ],
        ));
        let result = crawl(start, parser(&site), 2);
        site.assert_crawled(start, &result, 2);
    });
}

#[test]
fn a_page_two_fetches_find_at_once_is_fetched_once() {
    let _check = kata_test::check(&ONCE);
    // Two fetches in flight that both find a/4. The race needs only one
    // preemption (between one worker's look and its insert), and at the
    // default bound of 3 a crawler built on message queues takes minutes,
    // so this scenario runs at 2.
    model::run_with_preemptions(2, || {
        let start = "http://a/1";
        let site = Arc::new(Site::new(
            start,
            &[
                ("http://a/1", &["http://a/2", "http://a/3"]),
                ("http://a/2", &["http://a/4"]),
                ("http://a/3", &["http://a/4"]),
            ],
        ));
        let result = crawl(start, parser(&site), 2);
        site.assert_crawled(start, &result, 2);
    });
}
