//! mutant: caps-workers-at-4
//! stage: functional
//! bug: `crawl` starts at most 4 threads, whatever `workers` asks for, so a crawl with 16 workers fetches only 4 pages at once. Tests with few workers never notice.

use std::collections::{HashSet, VecDeque};

use kata_sync::{Arc, Condvar, Mutex};

/// Fetches pages. The suite provides the implementation.
pub trait HtmlParser: Send + Sync + 'static {
    /// The URLs linked from `url`. Blocks like a network fetch; safe to call
    /// from many threads.
    fn get_urls(&self, url: &str) -> Vec<String>;
}

// ANCHOR: state
/// What the lock guards.
struct State {
    /// Seen but not yet fetched, oldest first.
    queue: VecDeque<String>,
    /// Every URL ever queued. Checked and updated in the same critical
    /// section (`insert` does both), so no URL is queued twice.
    seen: HashSet<String>,
    /// Fetches running now, with the lock released. Together with the queue,
    /// the whole of the work that is not done yet.
    in_flight: usize,
}

struct Crawl {
    state: Mutex<State>,
    /// Signalled when a URL is queued, and (to all) when the crawl is over.
    /// Only idle workers wait on it.
    changed: Condvar,
    host: String,
    parser: Arc<dyn HtmlParser>,
}
// ANCHOR_END: state

/// The host of a `http://host/path` URL.
fn host_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

// ANCHOR: crawl
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
        "crawl needs at least 1 worker, got workers = {workers}"
    );
    let crawl = Arc::new(Crawl {
        state: Mutex::new(State {
            queue: VecDeque::from([start_url.to_owned()]),
            seen: HashSet::from([start_url.to_owned()]),
            in_flight: 0,
        }),
        changed: Condvar::new(),
        host: host_of(start_url).to_owned(),
        parser,
    });
    // Exactly `workers` threads, so at most `workers` fetches run at once
    // whatever the shape of the site.
    let handles: Vec<_> = (0..workers.min(4))
        .map(|_| {
            let crawl = Arc::clone(&crawl);
            kata_sync::thread::spawn(move || crawl.work())
        })
        .collect();
    // Joining every worker is what makes "the crawl is over" true when we
    // return, and leaves no thread of ours running.
    for handle in handles {
        if let Err(payload) = handle.join() {
            std::panic::resume_unwind(payload);
        }
    }
    let state = crawl.state.lock();
    state.seen.iter().cloned().collect()
}
// ANCHOR_END: crawl

impl Crawl {
    // ANCHOR: work
    fn work(&self) {
        let mut state = self.state.lock();
        loop {
            if let Some(url) = state.queue.pop_front() {
                // Counted before the lock goes, so no other worker can see
                // "queue empty, nothing in flight" while this fetch may still
                // add pages.
                state.in_flight += 1;
                drop(state);
                // The fetch runs unlocked: that is what lets `workers` of
                // them overlap.
                let links = self.parser.get_urls(&url);
                state = self.state.lock();
                state.in_flight -= 1;
                for link in links {
                    // `insert` is the check and the act in one step, under
                    // the lock: a URL two pages link to is queued once.
                    if host_of(&link) == self.host && state.seen.insert(link.clone()) {
                        state.queue.push_back(link);
                        // One new URL lets one idle worker go.
                        self.changed.notify_one();
                    }
                }
            } else if state.in_flight == 0 {
                // Nothing queued and nothing that could queue more: the crawl
                // is over. Wake every idle worker so that it sees it too.
                self.changed.notify_all();
                return;
            } else {
                // Work may still come from a fetch in flight. `wait` in a
                // loop: the checks above run again after every wakeup.
                self.changed.wait(&mut state);
            }
        }
    }
    // ANCHOR_END: work
}
