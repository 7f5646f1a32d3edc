//! Stage 5 of 6, stress: sites of thousands of pages on real threads.
//!
//! Each page links to a handful of others chosen by a fixed pseudo-random
//! sequence: many pages are linked from several others at once (the race on
//! the seen set), some links go to other hosts, some pages are unreachable.
//! Checked: the result, each page fetched once, never more than `workers`
//! fetches in flight, and no thread left running.
#![cfg(not(loom))]

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::{Site, parser, url};
use kata_test::Property;
use rstest::rstest;
use web_crawler::crawl;

const PAGES: usize = 3_000;
const LINKS_PER_PAGE: usize = 6;
const ROUNDS: usize = 3;

const UNDER_LOAD: Property = Property {
    name: "on a site of thousands of pages, crawl returns exactly the reachable same-host pages, fetches each once, never more than `workers` at once, and leaves no thread running",
    cause: "a URL checked against the seen set and marked in two critical sections, a crawl that stops while fetches are in flight, or too many threads",
    book: "web-crawler",
};

/// A site of `PAGES` pages on host `a`, with links drawn from a fixed LCG.
fn site(seed: u64) -> HashMap<String, Vec<String>> {
    let mut x = seed;
    let mut next = move || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) as usize
    };
    (0..PAGES)
        .map(|p| {
            let links = (0..LINKS_PER_PAGE)
                .map(|_| match next() % 20 {
                    0 => url("b", next() % PAGES),
                    // Mostly links to nearby pages, so many pages are
                    // reached from several fetches in flight at once.
                    1..=14 => url("a", (p + 1 + next() % 8) % PAGES),
                    _ => url("a", next() % (PAGES + 200)),
                })
                .collect();
            (url("a", p), links)
        })
        .collect()
}

#[rstest]
#[case::one_worker(1)]
#[case::three_workers(3)]
#[case::eight_workers(8)]
fn thousands_of_pages_are_each_fetched_once(#[case] workers: usize) {
    let check = kata_test::check(&UNDER_LOAD);
    for round in 0..ROUNDS {
        let start = url("a", 0);
        let site = Arc::new(Site::from_table(&start, site(round as u64 + 1)));
        let w = check.log().worker("main");
        let call = w.call(format_args!(
            "crawl of {PAGES} pages with {workers} workers (round {round})"
        ));
        let result = crawl(&start, parser(&site), workers);
        drop(call);
        site.assert_crawled(&start, &result, workers);
        let max = site.max_in_flight();
        assert!(
            max <= workers,
            "{max} fetches were in flight at once with workers = {workers}"
        );
        let live = kata_test::live_kata_threads();
        assert_eq!(
            live, 0,
            "crawl returned, but {live} of the threads it started were still running"
        );
    }
}
