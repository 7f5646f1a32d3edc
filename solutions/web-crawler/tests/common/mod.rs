//! What the web-crawler suites share: a site as a table of pages, a parser
//! that serves it and records every call, and the answer a crawl must give.
//!
//! The parser's bookkeeping uses std's primitives, outside loom's model: it is
//! the test's instrument, not part of the program under test, and it never
//! blocks while holding them.
// Each test target uses a different part of this module.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use web_crawler::HtmlParser;

/// The host of a `http://host/path` URL.
pub fn host_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// What a call to `get_urls` does besides answering.
pub type Hook = Box<dyn Fn(&Site, &str) + Send + Sync>;

/// A site: each page's links, and a record of every fetch.
pub struct Site {
    pages: HashMap<String, Vec<String>>,
    start_host: String,
    /// How many times each URL was fetched.
    calls: Mutex<HashMap<String, usize>>,
    /// URLs fetched although their host is not the start's.
    foreign: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    hook: Option<Hook>,
}

impl Site {
    /// A site from `(page, links)` pairs; a page missing from the table has
    /// no links.
    pub fn new(start: &str, pages: &[(&str, &[&str])]) -> Self {
        Self::from_table(
            start,
            pages
                .iter()
                .map(|(p, links)| (p.to_string(), links.iter().map(|l| l.to_string()).collect()))
                .collect(),
        )
    }

    pub fn from_table(start: &str, pages: HashMap<String, Vec<String>>) -> Self {
        Self {
            pages,
            start_host: host_of(start).to_owned(),
            calls: Mutex::default(),
            foreign: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            hook: None,
        }
    }

    /// Runs `hook` inside every fetch, after it is counted as in flight.
    pub fn with_hook(mut self, hook: impl Fn(&Site, &str) + Send + Sync + 'static) -> Self {
        self.hook = Some(Box::new(hook));
        self
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Every URL with the start's host reachable from `start`.
    pub fn expected(&self, start: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::from([start.to_owned()]);
        let mut queue = VecDeque::from([start.to_owned()]);
        while let Some(url) = queue.pop_front() {
            for link in self.pages.get(&url).into_iter().flatten() {
                if host_of(link) == self.start_host && seen.insert(link.clone()) {
                    queue.push_back(link.clone());
                }
            }
        }
        seen
    }

    /// Asserts that `result` is exactly the reachable same-host pages, each
    /// once, and that every one of them was fetched exactly once and nothing
    /// else was fetched.
    pub fn assert_crawled(&self, start: &str, result: &[String], workers: usize) {
        let expected = self.expected(start);
        let got: BTreeSet<String> = result.iter().cloned().collect();
        assert_eq!(
            got.len(),
            result.len(),
            "crawl returned {} URLs but only {} different ones: a URL came back more than once",
            result.len(),
            got.len()
        );
        let missing: Vec<&String> = expected.difference(&got).take(5).collect();
        let extra: Vec<&String> = got.difference(&expected).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "crawl with {workers} workers returned {} URLs, {} expected; missing (first 5): {missing:?}; not reachable on the start's host (first 5): {extra:?}",
            got.len(),
            expected.len()
        );
        let foreign = self.foreign.lock().unwrap();
        assert!(
            foreign.is_empty(),
            "get_urls was called for {} URLs on another host than the start's, e.g. {:?}",
            foreign.len(),
            foreign.first()
        );
        let calls = self.calls.lock().unwrap();
        let twice: Vec<(&String, &usize)> = calls.iter().filter(|(_, n)| **n > 1).take(3).collect();
        assert!(
            twice.is_empty(),
            "get_urls was called more than once for {} URLs, e.g. {twice:?}: check that a URL is new and mark it seen in one critical section",
            calls.values().filter(|n| **n > 1).count()
        );
        let never: Vec<&String> = expected
            .iter()
            .filter(|u| !calls.contains_key(*u))
            .take(5)
            .collect();
        assert!(
            never.is_empty(),
            "these pages were returned but never fetched (first 5): {never:?}"
        );
    }
}

impl HtmlParser for Site {
    fn get_urls(&self, url: &str) -> Vec<String> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        *self
            .calls
            .lock()
            .unwrap()
            .entry(url.to_owned())
            .or_default() += 1;
        if host_of(url) != self.start_host {
            self.foreign.lock().unwrap().push(url.to_owned());
        }
        if let Some(hook) = &self.hook {
            hook(self, url);
        }
        let links = self.pages.get(url).cloned().unwrap_or_default();
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        links
    }
}

/// Shares a site with `crawl` as the `Arc<dyn HtmlParser>` it takes, keeping
/// a handle to read its records afterwards.
pub fn parser(site: &std::sync::Arc<Site>) -> kata_sync::Arc<dyn HtmlParser> {
    // Loom's `Arc::from_std` wants the only handle, so the crawl gets a fresh
    // one that forwards to the shared site.
    let shared: std::sync::Arc<dyn HtmlParser> = std::sync::Arc::new(Forward(site.clone()));
    #[cfg(loom)]
    return kata_sync::Arc::from_std(shared);
    #[cfg(not(loom))]
    shared
}

struct Forward(std::sync::Arc<Site>);

impl HtmlParser for Forward {
    fn get_urls(&self, url: &str) -> Vec<String> {
        self.0.get_urls(url)
    }
}

/// Fetches that wait until a number of them are in flight at once, or give
/// up after a deadline.
#[derive(Default)]
pub struct Meeting {
    arrived: Mutex<usize>,
    all_here: Condvar,
    pub gave_up: AtomicUsize,
}

impl Meeting {
    /// Waits until `n` fetches have arrived (this one included), at most
    /// `deadline`; says whether they all came.
    pub fn meet(&self, n: usize, deadline: Duration) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        // Once one fetch has given up, the answer is known: later ones do not
        // wait again (a sequential crawl would otherwise wait once per page).
        if self.gave_up.load(Ordering::SeqCst) > 0 {
            return false;
        }
        self.all_here.notify_all();
        drop(arrived);
        // Waits until all n are here, or until nothing else can arrive (every
        // other thread asleep, with nothing moving, for a second), or the
        // deadline: a busy machine delays the others, it never gives up early.
        let _ = deadline;
        let met = kata_test::wait::until_done(|| *self.arrived.lock().unwrap() >= n);
        if !met {
            self.gave_up.fetch_add(1, Ordering::SeqCst);
        }
        met
    }

    pub fn arrived(&self) -> usize {
        *self.arrived.lock().unwrap()
    }
}

/// A gate fetches wait at until the test opens it.
#[derive(Default)]
pub struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    pub fn wait(&self) {
        let mut open = self.open.lock().unwrap();
        while !*open {
            open = self.opened.wait(open).unwrap();
        }
    }

    pub fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

/// `http://host/path`.
pub fn url(host: &str, page: usize) -> String {
    format!("http://{host}/p{page}")
}
