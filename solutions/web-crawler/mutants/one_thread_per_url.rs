//! mutant: one-thread-per-url
//! stage: functional
//! bug: every URL is fetched on a thread of its own, which spawns a thread for each new link it finds: the fetches overlap, but there is no bound on how many run at once (and a big site means thousands of threads).

use std::collections::HashSet;

use kata_sync::{Arc, Mutex};

/// Fetches pages. The suite provides the implementation.
pub trait HtmlParser: Send + Sync + 'static {
    /// The URLs linked from `url`. Blocks like a network fetch; safe to call
    /// from many threads.
    fn get_urls(&self, url: &str) -> Vec<String>;
}

struct Crawl {
    seen: Mutex<HashSet<String>>,
    host: String,
    parser: Arc<dyn HtmlParser>,
}

fn host_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// Every URL with `start_url`'s host reachable from `start_url`.
pub fn crawl(start_url: &str, parser: Arc<dyn HtmlParser>, workers: usize) -> Vec<String> {
    assert!(
        workers > 0,
        "crawl needs at least 1 worker, got workers = {workers}"
    );
    let crawl = Arc::new(Crawl {
        seen: Mutex::new(HashSet::from([start_url.to_owned()])),
        host: host_of(start_url).to_owned(),
        parser,
    });
    fetch(&crawl, start_url.to_owned());
    let seen = crawl.seen.lock();
    seen.iter().cloned().collect()
}

/// Fetches `url`, then each new link on a thread of its own, and waits for
/// them all.
fn fetch(crawl: &Arc<Crawl>, url: String) {
    let links = crawl.parser.get_urls(&url);
    // BUG: one thread per new URL, whatever `workers` says.
    let children: Vec<_> = links
        .into_iter()
        .filter(|l| host_of(l) == crawl.host && crawl.seen.lock().insert(l.clone()))
        .map(|link| {
            let crawl = Arc::clone(crawl);
            kata_sync::thread::spawn(move || fetch(&crawl, link))
        })
        .collect();
    for child in children {
        if let Err(payload) = child.join() {
            std::panic::resume_unwind(payload);
        }
    }
}
