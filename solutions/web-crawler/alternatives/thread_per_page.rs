//! alternative: thread-per-page
//! why: a thread for every page found, with a semaphore of `workers` permits around each fetch, so no more than `workers` fetches run at once however many threads exist. A page is claimed by inserting it into the shared `seen` set (insert and check in one step, under its lock). Each thread records the handles of the threads it starts before it ends, so when the caller has joined every handle on the list and found it empty, every page has been fetched.

use std::collections::HashSet;

use kata_sync::thread::{self, JoinHandle};
use kata_sync::{Arc, Mutex, Semaphore};

/// Fetches pages. The suite provides the implementation.
pub trait HtmlParser: Send + Sync + 'static {
    /// The URLs linked from `url`. Blocks like a network fetch; safe to call
    /// from many threads.
    fn get_urls(&self, url: &str) -> Vec<String>;
}

struct Crawl {
    host: String,
    parser: Arc<dyn HtmlParser>,
    /// Every page claimed so far (fetched, being fetched or about to be).
    seen: Mutex<HashSet<String>>,
    /// One permit per fetch that may run now.
    fetches: Semaphore,
    /// Threads started and not joined yet.
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// The host of a `http://host/path` URL.
fn host_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// Every URL with `start_url`'s host reachable from `start_url`, each once,
/// in any order, fetched on up to `workers` threads at once.
///
/// # Panics
///
/// Panics if `workers` is 0, with a message that names the parameter and its
/// value.
pub fn crawl(start_url: &str, parser: Arc<dyn HtmlParser>, workers: usize) -> Vec<String> {
    assert!(
        workers > 0,
        "workers must be at least 1, got workers = {workers}"
    );
    let crawl = Arc::new(Crawl {
        host: host_of(start_url).to_owned(),
        parser,
        seen: Mutex::new(HashSet::from([start_url.to_owned()])),
        fetches: Semaphore::new(workers),
        threads: Mutex::new(Vec::new()),
    });
    visit(&crawl, start_url.to_owned());
    // A thread pushes its children's handles before it ends, so once the
    // thread is joined they are on the list: an empty list after a join
    // means no thread is left that could start another.
    loop {
        let next = crawl.threads.lock().pop();
        let Some(handle) = next else { break };
        if let Err(payload) = handle.join() {
            std::panic::resume_unwind(payload);
        }
    }
    let seen = crawl.seen.lock();
    seen.iter().cloned().collect()
}

/// Starts a thread that fetches `url`, which the caller has claimed, and
/// visits every new same-host page it links to.
fn visit(crawl: &Arc<Crawl>, url: String) {
    let handle = {
        let crawl = Arc::clone(crawl);
        thread::spawn(move || {
            crawl.fetches.acquire();
            let links = crawl.parser.get_urls(&url);
            crawl.fetches.release();
            for link in links {
                // Claim and check in one critical section: checked and
                // inserted apart, two threads could both claim the page.
                if host_of(&link) == crawl.host && crawl.seen.lock().insert(link.clone()) {
                    visit(&crawl, link);
                }
            }
        })
    };
    crawl.threads.lock().push(handle);
}
