//! The browser check of `cargo xtask book --check`: every built page loaded
//! in headless Chromium, from our own static server, failing on a console
//! error, an uncaught exception, a resource that does not load, a broken
//! image, or a search for "lost wakeup" that finds nothing.
//!
//! No driver crate: `chromium --headless --dump-dom` prints the page's DOM
//! once it has loaded, and the server inserts a small script at the top of
//! every page that records what went wrong and writes it into that DOM.
//! Where no Chromium is installed the check is skipped, and says so
//! (`.ci/run` installs it where apt is available).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::paths;

/// What the browser must find.
pub const SEARCH: &str = "lost wakeup";

/// Browsers run at once: each mostly waits, but the machine may be small.
const AT_ONCE: usize = 3;

/// The longest one page may take before it is called a hang.
const PAGE_TIMEOUT: Duration = Duration::from_secs(60);

/// The script put at the top of every page. It records console errors,
/// uncaught errors and rejections, and resources that fail to load; a
/// moment after `load` it checks every image and the search results, and
/// writes all of it into a `<pre id="xtask-browser-check">`.
const PROBE: &str = r#"<script>
(function () {
  var problems = [];
  var say = function (s) { problems.push(String(s)); };
  var error = console.error;
  console.error = function () {
    say('console error: ' + Array.prototype.join.call(arguments, ' '));
    return error.apply(console, arguments);
  };
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) {
      say('could not load ' + (t.src || t.href));
    } else {
      say('uncaught error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')');
    }
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    say('unhandled rejection: ' + e.reason);
  });
  window.addEventListener('load', function () {
    setTimeout(function () {
      var images = document.querySelectorAll('img');
      for (var i = 0; i < images.length; i++) {
        if (!images[i].complete || images[i].naturalWidth === 0) {
          say('broken image: ' + images[i].getAttribute('src'));
        }
      }
      var results = document.getElementById('mdbook-searchresults');
      var out = document.createElement('pre');
      out.id = 'xtask-browser-check';
      out.setAttribute('data-images', String(images.length));
      out.setAttribute('data-results', String(results ? results.children.length : -1));
      out.textContent = problems.join('\n');
      document.body.appendChild(out);
    }, 1500);
  });
})();
</script>"#;

/// The Chromium to drive: `$CHROMIUM`, else the first of the usual names
/// that runs.
fn chromium() -> Option<(PathBuf, String)> {
    let named = std::env::var_os("CHROMIUM").map(PathBuf::from);
    let usual = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    named
        .into_iter()
        .chain(usual.iter().map(PathBuf::from))
        .find_map(|bin| {
            let out = Command::new(&bin)
                .arg("--version")
                .stderr(Stdio::null())
                .output()
                .ok()?;
            // "Chromium 156.0.8078.114 built on Debian ..." -> the first two words.
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let version = text
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            out.status.success().then_some((bin, version))
        })
}

/// What one page load found.
#[derive(Debug, Default, PartialEq)]
struct Probe {
    problems: Vec<String>,
    images: usize,
    results: i64,
}

/// Runs the check on the built book in `build`. `Ok` with a line that says
/// "skipped" where there is no Chromium.
pub fn check(build: &Path) -> Result<String, Vec<String>> {
    let Some((bin, version)) = chromium() else {
        return Ok(
            "skipped: no Chromium here (install the `chromium` package, or set CHROMIUM; .ci/run installs it where apt is available)"
                .to_owned(),
        );
    };
    let started = Instant::now();
    let port = super::serve::spawn_in_background(build.to_path_buf(), PROBE)
        .map_err(|e| vec![format!("cannot serve the book on localhost: {e}")])?;
    let mut pages = html_pages(build);
    pages.sort();
    let search = format!("index.html?search={}", SEARCH.replace(' ', "%20"));
    let mut urls = pages.clone();
    urls.push(search.clone());

    let profiles = paths::target_dir().join("browser-check");
    let next = AtomicUsize::new(0);
    let found: Mutex<Vec<(String, Result<Probe, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..AT_ONCE {
            let (bin, urls, next, found) = (&bin, &urls, &next, &found);
            let profile = profiles.join(format!("profile-{worker}"));
            s.spawn(move || {
                loop {
                    // Relaxed: only hands out indices; the scope's join
                    // publishes the results.
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(url) = urls.get(i) else { break };
                    let got = load(bin, &profile, &format!("http://127.0.0.1:{port}/{url}"));
                    found
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((url.clone(), got));
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&profiles);

    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut problems = Vec::new();
    let mut images = 0;
    let mut results = 0;
    for (url, got) in found {
        match got {
            Err(e) => problems.push(format!("{url}: {e}")),
            Ok(probe) => {
                problems.extend(probe.problems.iter().map(|p| format!("{url}: {p}")));
                if url == search {
                    results = probe.results;
                    if probe.results <= 0 {
                        problems.push(format!("a search for \"{SEARCH}\" found nothing ({url})"));
                    }
                } else {
                    images += probe.images;
                }
            }
        }
    }
    problems.sort();
    if problems.is_empty() {
        Ok(format!(
            "{} pages in {version}, {images} images, {results} results for \"{SEARCH}\" ({:.0} s)",
            pages.len(),
            started.elapsed().as_secs_f64()
        ))
    } else {
        Err(problems)
    }
}

/// Every `.html` file under `build`, as a URL path relative to it.
fn html_pages(build: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    let mut stack = vec![build.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html")
                && let Ok(rel) = path.strip_prefix(build)
            {
                pages.push(rel.to_string_lossy().replace('\\', "/").replace(' ', "%20"));
            }
        }
    }
    pages
}

/// Loads one page in headless Chromium and reads what the probe wrote.
fn load(bin: &Path, profile: &Path, url: &str) -> Result<Probe, String> {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            // Timers and loads run in virtual time: the probe's delay
            // costs no wall time.
            "--virtual-time-budget=5000",
            // Offline: the book must not need anything but itself, and a
            // check must not depend on the network.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
    let read = |mut stream: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stream.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped")));
    let stderr = read(Box::new(child.stderr.take().expect("piped")));
    let started = Instant::now();
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if started.elapsed() > PAGE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "Chromium did not finish loading it in {} s",
                PAGE_TIMEOUT.as_secs()
            ));
        }
        // Polling the child: std has no wait-with-timeout for a process.
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = stdout.join().unwrap_or_default();
    let log = stderr.join().unwrap_or_default();
    read_probe(&dom).ok_or_else(|| {
        // The probe never reported: say what the browser's log says.
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        format!(
            "the page never finished loading (no probe report in the DOM){}",
            if console.is_empty() {
                String::new()
            } else {
                format!("; console: {}", console.join(" | "))
            }
        )
    })
}

/// The probe's report in a dumped DOM.
fn read_probe(dom: &str) -> Option<Probe> {
    let start = dom.find("<pre id=\"xtask-browser-check\"")?;
    let rest = &dom[start..];
    let tag_end = rest.find('>')?;
    let tag = &rest[..tag_end];
    let attr = |name: &str| -> Option<i64> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        tag[at..].split('"').next()?.parse().ok()
    };
    let body = &rest[tag_end + 1..rest.find("</pre>")?];
    let text = body
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    Some(Probe {
        problems: text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        images: usize::try_from(attr("data-images")?).ok()?,
        results: attr("data-results")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_report_is_read_back_from_the_dom() {
        let dom = r#"<html><body><p>x</p><pre id="xtask-browser-check" data-images="2" data-results="-1">console error: a &lt;b&gt;
broken image: c.svg</pre></body></html>"#;
        assert_eq!(
            read_probe(dom),
            Some(Probe {
                problems: vec!["console error: a <b>".into(), "broken image: c.svg".into()],
                images: 2,
                results: -1,
            })
        );
        assert_eq!(read_probe("<html></html>"), None);
    }

    /// The browser check alone, on the book as last built (`cargo xtask
    /// book` first): `cargo test -p xtask browser -- --ignored --nocapture`.
    #[test]
    #[ignore = "needs a built book and Chromium; `book --check` runs it"]
    fn the_built_book_passes_in_a_browser() {
        let got = check(&crate::book::build_dir());
        println!("{got:#?}");
        assert!(got.is_ok());
    }
}
