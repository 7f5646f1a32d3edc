//! alternative: coordinator-and-queues
//! why: the calling thread coordinates and the workers only fetch: it sends URLs to the workers through one queue and gets their links back through another (two small channels built on a Mutex and a Condvar). Only the coordinator touches the seen set and the count of URLs sent but not answered, so there is no check-then-act race to get wrong, and the crawl is over exactly when that count is 0.

use std::collections::{HashSet, VecDeque};

use kata_sync::{Arc, Condvar, Mutex};

/// Fetches pages. The suite provides the implementation.
pub trait HtmlParser: Send + Sync + 'static {
    /// The URLs linked from `url`. Blocks like a network fetch; safe to call
    /// from many threads.
    fn get_urls(&self, url: &str) -> Vec<String>;
}

/// An unbounded multi-producer multi-consumer queue.
struct Chan<T> {
    items: Mutex<VecDeque<T>>,
    ready: Condvar,
}

impl<T> Chan<T> {
    fn new() -> Self {
        Self {
            items: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }
    }

    fn send(&self, item: T) {
        self.items.lock().push_back(item);
        self.ready.notify_one();
    }

    fn recv(&self) -> T {
        let mut items = self.items.lock();
        loop {
            if let Some(item) = items.pop_front() {
                return item;
            }
            self.ready.wait(&mut items);
        }
    }
}

fn host_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest)
}

/// Every URL with `start_url`'s host reachable from `start_url`, each once.
///
/// # Panics
///
/// Panics if `workers` is 0, naming the value.
pub fn crawl(start_url: &str, parser: Arc<dyn HtmlParser>, workers: usize) -> Vec<String> {
    assert!(
        workers > 0,
        "crawl needs at least 1 worker, got workers = {workers}"
    );
    // `None` tells a worker to exit.
    let todo: Arc<Chan<Option<String>>> = Arc::new(Chan::new());
    let done: Arc<Chan<Vec<String>>> = Arc::new(Chan::new());
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (todo, done, parser) = (Arc::clone(&todo), Arc::clone(&done), Arc::clone(&parser));
            kata_sync::thread::spawn(move || {
                while let Some(url) = todo.recv() {
                    done.send(parser.get_urls(&url));
                }
            })
        })
        .collect();
    let host = host_of(start_url);
    let mut seen = HashSet::from([start_url.to_owned()]);
    todo.send(Some(start_url.to_owned()));
    // URLs sent to the workers whose links have not come back yet.
    let mut pending = 1;
    while pending > 0 {
        let links = done.recv();
        pending -= 1;
        for link in links {
            if host_of(&link) == host && seen.insert(link.clone()) {
                todo.send(Some(link));
                pending += 1;
            }
        }
    }
    for _ in 0..workers {
        todo.send(None);
    }
    for handle in handles {
        if let Err(payload) = handle.join() {
            std::panic::resume_unwind(payload);
        }
    }
    seen.into_iter().collect()
}
