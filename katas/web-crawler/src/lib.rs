//! # Web crawler multithreaded (LeetCode 1242)
//!
//! Crawl a website, fetching pages on several threads at once:
//!
//! - URLs look like `http://host/path` (no port, no query string).
//! - Start from `start_url`. Fetch a page by calling `parser.get_urls(url)`,
//!   which returns the URLs the page links to. It blocks like a network fetch
//!   and is safe to call from many threads at once.
//! - Follow only links whose host is the same as `start_url`'s host: never
//!   fetch a page on another host.
//! - Fetch each page once: never call `get_urls` twice for the same URL.
//! - Run up to `workers` fetches at once (not more), and really do run them
//!   at the same time: the suite's parser blocks some calls until several are
//!   in flight.
//! - Return every same-host URL reachable from `start_url` (itself included),
//!   each once, in any order. Return only once the crawl is complete, and
//!   leave no thread you started running.
//!
//! Rules: take every synchronisation primitive from `kata_sync` (its `Mutex`,
//! `Condvar`, `Semaphore`, atomics, `thread::spawn`, `Arc`, ...). Do not
//! busy-wait, and do not sleep to wait for another thread.
//!
//! What you may change: anything in this file except the public API (the
//! trait and `crawl`'s signature), which the hidden suite calls exactly as
//! given. Add private types, helpers and imports as you like; only `std` and
//! `kata_sync` are available, and this file is all that `check` compiles.
//!
//! Check your answer with `cargo xtask check web-crawler`.
//! Stuck? `cargo xtask hint web-crawler`.

// The stub's parameters go unused until you fill it in.
#![allow(unused_variables, dead_code)]

use kata_sync::Arc;

/// Fetches pages. The suite provides the implementation.
pub trait HtmlParser: Send + Sync + 'static {
    /// The URLs linked from `url`. Blocks like a network fetch; safe to call
    /// from many threads.
    fn get_urls(&self, url: &str) -> Vec<String>;
}

/// Every URL with `start_url`'s host reachable from `start_url`, each once,
/// in any order, fetched on up to `workers` threads at once.
///
/// # Panics
///
/// Panics if `workers` is 0, with a message that names the parameter and its
/// value.
pub fn crawl(start_url: &str, parser: Arc<dyn HtmlParser>, workers: usize) -> Vec<String> {
    // TODO: reject 0 workers, then crawl.
    todo!()
}
