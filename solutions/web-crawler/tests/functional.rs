//! Stage 4 of 6, functional: what a crawl returns and fetches, site by site, and
//! that it really fetches in parallel, but never on more than `workers`
//! threads. Parallelism is proved by fetches that wait for each other (with a
//! deadline), never by timing.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use common::{Gate, Meeting, Site, parser, url};
use kata_test::{Property, expect_panic, spawn, wait};
use rstest::rstest;
use web_crawler::crawl;

/// How long a crawl that may run too many fetches is given to show it. Only
/// a wrong answer can fail because of it.
const GRACE: Duration = Duration::from_millis(300);
/// The most the start page's fetch waits for the other workers to settle.
const SETTLE: Duration = Duration::from_secs(1);
/// How long fetches that must overlap wait for each other. Shorter than the
/// watchdog's 5 s, so "never parallel" fails with this suite's message.
const MEET_DEADLINE: Duration = Duration::from_secs(2);

const ZERO: Property = Property {
    name: "crawl with 0 workers panics with a message that names the parameter and its value",
    cause: "a crawl with no workers would fetch nothing: assert workers > 0 and name it in the message",
    book: "api",
};

const RESULT: Property = Property {
    name: "crawl returns exactly the same-host pages reachable from the start, each once, fetching each once and nothing on another host",
    cause: "a URL checked against the seen set in one critical section and added in another, a host compared wrongly, or a crawl that stops early",
    book: "web-crawler",
};

const PARALLEL: Property = Property {
    name: "with k pages to fetch and k workers, k fetches are in flight at once",
    cause: "fetches that do not overlap: get_urls called with the lock held, a single-threaded crawl, or workers that exit when the queue is momentarily empty",
    book: "crawler-parallel",
};

const BOUNDED: Property = Property {
    name: "never more than `workers` fetches are in flight at once",
    cause: "a thread per URL (or per batch): start exactly `workers` threads and let them share the queue",
    book: "crawler-parallel",
};

const COMPLETE: Property = Property {
    name: "crawl does not return while a fetch is in flight",
    cause: "the crawl was declared over when the queue was empty, but a fetch in flight can still add pages: the work left is the queue plus the fetches in flight",
    book: "crawler-termination",
};

const NO_THREAD_LEFT: Property = Property {
    name: "crawl returns only once the crawl is complete, and leaves none of its threads running",
    cause: "workers left waiting for work that will never come: when nothing is queued and nothing is in flight, wake every worker so it exits, and join them all before returning",
    book: "crawler-termination",
};

#[test]
fn crawl_panics_on_zero_workers_naming_it() {
    let _check = kata_test::check(&ZERO);
    let site = Arc::new(Site::new("http://a/", &[]));
    let message = expect_panic("crawl(start, parser, 0)", || {
        crawl("http://a/", parser(&site), 0)
    });
    assert!(
        message.contains("workers") && message.contains('0'),
        "crawl with 0 workers panicked, but its message does not name workers and its value 0: {message:?}"
    );
}

type Pages = &'static [(&'static str, &'static [&'static str])];

const NO_LINKS: Pages = &[];
const SELF_LINK: Pages = &[("http://a/1", &["http://a/1"])];
const CYCLE: Pages = &[
    ("http://a/1", &["http://a/2"]),
    ("http://a/2", &["http://a/3"]),
    ("http://a/3", &["http://a/1", "http://a/2"]),
];
const OTHER_HOSTS: Pages = &[
    (
        "http://a/1",
        &["http://b/1", "http://a/2", "http://ab/3", "http://a.b/4"],
    ),
    ("http://a/2", &["http://c/x", "http://a/5"]),
    // Never fetched, so its link to a/9 is never seen.
    ("http://b/1", &["http://a/9"]),
    ("http://a/5", &["http://a"]),
];
const DIAMONDS: Pages = &[
    ("http://a/1", &["http://a/2", "http://a/3", "http://a/4"]),
    ("http://a/2", &["http://a/5", "http://a/6"]),
    ("http://a/3", &["http://a/5", "http://a/6", "http://a/1"]),
    ("http://a/4", &["http://a/6", "http://a/7"]),
    ("http://a/7", &["http://a/2", "http://a/8"]),
    // Not reachable from the start.
    ("http://a/99", &["http://a/1"]),
];

#[rstest]
fn crawl_returns_exactly_the_reachable_same_host_pages(
    #[values(
        ("no links", NO_LINKS),
        ("self link", SELF_LINK),
        ("cycle", CYCLE),
        ("other hosts", OTHER_HOSTS),
        ("diamonds", DIAMONDS)
    )]
    site: (&str, Pages),
    #[values(1, 2, 4)] workers: usize,
) {
    let check = kata_test::check(&RESULT);
    let (name, pages) = site;
    let start = "http://a/1";
    let site = Arc::new(Site::new(start, pages));
    let w = check.log().worker("main");
    let call = w.call(format_args!(
        "crawl({start}) of the {name} site with {workers} workers"
    ));
    let result = crawl(start, parser(&site), workers);
    drop(call);
    site.assert_crawled(start, &result, workers);
}

#[rstest]
#[case::two(2)]
#[case::four(4)]
#[case::sixteen(16)]
fn k_workers_fetch_k_pages_at_once(#[case] k: usize) {
    let check = kata_test::check(&PARALLEL);
    let start = url("a", 0);
    let children: Vec<String> = (1..=k).map(|i| url("a", i)).collect();
    let pages = [(start.clone(), children)].into_iter().collect();
    let meeting = Arc::new(Meeting::default());
    let m = Arc::clone(&meeting);
    let first = start.clone();
    let site = Arc::new(Site::from_table(&start, pages).with_hook(move |_, u| {
        if u == first {
            // Let the other workers reach their idle state (or misbehave:
            // exit, leaving this one alone) before the start page's links
            // appear. This fetch runs on one of the crawl's threads, so it
            // sees their count.
            wait::until(SETTLE, || {
                // Idle workers, that is: a thread joining others (`crawl`
                // waiting for its workers) does not count.
                kata_test::blocked_threads()
                    .iter()
                    .filter(|(_, op, _)| *op != "JoinHandle::join")
                    .count()
                    >= k - 1
                    || kata_test::live_kata_threads() <= 1
            });
        } else {
            m.meet(k, MEET_DEADLINE);
        }
    }));
    let w = check.log().worker("main");
    let call = w.call(format_args!(
        "crawl of a start page with {k} links, {k} workers"
    ));
    let result = crawl(&start, parser(&site), k);
    drop(call);
    let gave_up = meeting.gave_up.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        gave_up == 0,
        "{k} pages waited to be fetched by {k} workers, but at most {} of the fetches were ever in flight at once (after {MEET_DEADLINE:?}): the fetches do not run in parallel",
        site.max_in_flight()
    );
    site.assert_crawled(&start, &result, k);
}

#[test]
fn never_more_than_workers_fetches_in_flight() {
    let check = kata_test::check(&BOUNDED);
    let workers = 2;
    let links = 10;
    let start = url("a", 0);
    let children: Vec<String> = (1..=links).map(|i| url("a", i)).collect();
    let pages = [(start.clone(), children)].into_iter().collect();
    let gate = Arc::new(Gate::default());
    let g = Arc::clone(&gate);
    let first = start.clone();
    let site = Arc::new(Site::from_table(&start, pages).with_hook(move |_, u| {
        if u != first {
            g.wait();
        }
    }));
    let (done, returned) = mpsc::channel();
    let crawler = {
        let (site, start, log) = (Arc::clone(&site), start.clone(), Arc::clone(check.log()));
        spawn("crawler", move || {
            let w = log.worker("crawler");
            let call = w.call(format_args!("crawl with {workers} workers, {links} links"));
            let result = crawl(&start, parser(&site), workers);
            drop(call);
            done.send(result).unwrap();
        })
    };
    let reached = wait::until(MEET_DEADLINE, || site.in_flight() >= workers);
    // A crawl with too many threads shows it within the grace.
    wait::until(GRACE, || site.in_flight() > workers);
    let max = site.max_in_flight();
    gate.open();
    let result = kata_test::wait::recv(&returned)
        .ok_or(kata_test::wait::NeverCame)
        .expect("crawl did not return after every fetch was let go");
    kata_test::join(crawler);
    assert!(
        max <= workers,
        "{max} fetches were in flight at once with workers = {workers}"
    );
    assert!(
        reached,
        "{links} pages were queued for {workers} workers, but {workers} fetches were never in flight at once"
    );
    site.assert_crawled(&start, &result, workers);
}

#[rstest]
#[case::one_worker(1)]
#[case::three_workers(3)]
fn crawl_returns_complete_and_leaves_no_thread_running(#[case] workers: usize) {
    let check = kata_test::check(&NO_THREAD_LEFT);
    // A chain: each page is found only by the fetch of the one before, so the
    // queue is empty while every fetch is in flight.
    let pages: Vec<(String, Vec<String>)> = (0..20)
        .map(|i| (url("a", i), vec![url("a", i + 1)]))
        .collect();
    let start = url("a", 0);
    let site = Arc::new(Site::from_table(&start, pages.into_iter().collect()));
    let w = check.log().worker("main");
    let call = w.call(format_args!(
        "crawl of a chain of 21 pages with {workers} workers"
    ));
    let result = crawl(&start, parser(&site), workers);
    drop(call);
    site.assert_crawled(&start, &result, workers);
    let live = kata_test::live_kata_threads();
    assert_eq!(
        live, 0,
        "crawl returned, but {live} of the threads it started were still running: join every worker before returning"
    );
}

#[rstest]
#[case::one_worker(1)]
#[case::two_workers(2)]
fn crawl_does_not_return_while_a_fetch_is_in_flight(#[case] workers: usize) {
    let check = kata_test::check(&COMPLETE);
    let start = url("a", 0);
    let pages = [
        (start.clone(), vec![url("a", 1)]),
        (url("a", 1), vec![url("a", 2)]),
    ]
    .into_iter()
    .collect();
    let returned = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let r = Arc::clone(&returned);
    let first = start.clone();
    // The start page's fetch stays in flight until crawl returns, or for the
    // grace: a crawl that returns meanwhile has returned too early.
    let site = Arc::new(Site::from_table(&start, pages).with_hook(move |_, u| {
        if u == first {
            wait::until(GRACE, || r.load(std::sync::atomic::Ordering::SeqCst));
        }
    }));
    let (done, result) = mpsc::channel();
    let crawler = {
        let (site, start, log) = (Arc::clone(&site), start.clone(), Arc::clone(check.log()));
        spawn("crawler", move || {
            let w = log.worker("crawler");
            let call = w.call(format_args!(
                "crawl with {workers} workers, start page in flight"
            ));
            let result = crawl(&start, parser(&site), workers);
            drop(call);
            returned.store(true, std::sync::atomic::Ordering::SeqCst);
            done.send(result).unwrap();
        })
    };
    let result = kata_test::wait::recv(&result)
        .ok_or(kata_test::wait::NeverCame)
        .expect("crawl did not return");
    kata_test::join(crawler);
    site.assert_crawled(&start, &result, workers);
}
