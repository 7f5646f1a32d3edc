//! `cargo xtask watch [<kata>]`: re-check a kata every time one of its files
//! is saved, and move on to the next kata once it passes.
//!
//! Changes are seen through the operating system's file events (the `notify`
//! crate). Where those do not work (some network and container file systems,
//! or too many watches), watch says so and polls modification times instead;
//! `--poll` asks for polling from the start.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher as _};

use crate::kata::{self, Kata};
use crate::term::Out;
use crate::{Code, check, hint, paths, progress};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to start with; by default the first one not yet passed.
    pub kata: Option<String>,
    /// Poll for changes every second instead of using file-system events.
    #[arg(long)]
    pub poll: bool,
}

/// What wakes the loop up.
#[derive(Debug, PartialEq, Eq)]
enum Event {
    /// A source file of the kata changed.
    Changed(PathBuf),
    /// A command typed by the learner, one per line.
    Key(String),
    /// The file watcher failed after starting; fall back to polling.
    WatchFailed(String),
}

/// How long to wait for an editor's burst of writes to settle.
const SETTLE: Duration = Duration::from_millis(300);
/// How often the poller looks at modification times.
const POLL_EVERY: Duration = Duration::from_secs(1);

const KEYS: &str = "save a file to re-check  ·  h: hint  ·  c: check now  ·  n: next kata  ·  q: quit  (then Enter)";

pub fn run(args: &Args, out: &Out) -> Code {
    let katas = kata::all();
    let mut current = match &args.kata {
        Some(name) => match kata::find(name) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("error: {e}");
                return Code::Usage;
            }
        },
        None => match next_unpassed(&katas, None, &passed_katas()) {
            Some(k) => k,
            None => {
                println!("{}", out.green("Every kata passes. Well done."));
                return Code::Ok;
            }
        },
    };

    let (tx, rx) = mpsc::channel();
    read_keys(tx.clone());
    let mut poll_reason = args.poll.then(|| "--poll was given".to_owned());
    let mut source = Source::start(&current.stub_dir, tx.clone(), &mut poll_reason);

    loop {
        clear_screen(out);
        let code = check::check_learner(&current, out);
        if code == Code::Internal {
            // The project is broken, not the kata: re-checking will not help
            // until it is fixed, but the learner may be fixing it, so go on.
            eprintln!("(watch goes on; fix the error above and save)");
        }
        if code == Code::Ok {
            match next_unpassed(&katas, Some(&current.name), &passed_katas()) {
                Some(next) => {
                    println!(
                        "\n{} moving on to {}: open {}",
                        out.green("Passed."),
                        out.bold(&next.name),
                        paths::display(&next.stub_dir.join("src/lib.rs"))
                    );
                    println!(
                        "{}",
                        out.dim(&format!(
                            "(compare with the reference any time: cargo xtask compare {})",
                            current.name
                        ))
                    );
                    current = next;
                    source = Source::start(&current.stub_dir, tx.clone(), &mut poll_reason);
                    println!("{}", out.dim("press Enter to start it"));
                    if wait_for_enter(&rx) == Flow::Quit {
                        return Code::Ok;
                    }
                    continue;
                }
                None => {
                    println!("\n{}", out.green("Every kata passes. Well done."));
                    return Code::Ok;
                }
            }
        }
        print_footer(&current, &source, &poll_reason, out);
        match wait(&rx, &current, out, &mut source, &mut poll_reason, &tx) {
            Flow::Check => {}
            Flow::Next => match next_after(&katas, &current.name) {
                Some(next) => {
                    current = next;
                    source = Source::start(&current.stub_dir, tx.clone(), &mut poll_reason);
                }
                None => println!("{} is the last kata", current.name),
            },
            Flow::Quit => return Code::Ok,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Check,
    Next,
    Quit,
}

/// Waits for a change worth re-checking, or a command.
fn wait(
    rx: &Receiver<Event>,
    current: &Kata,
    out: &Out,
    source: &mut Source,
    poll_reason: &mut Option<String>,
    tx: &Sender<Event>,
) -> Flow {
    loop {
        let Ok(event) = rx.recv() else {
            return Flow::Quit;
        };
        match event {
            Event::Changed(path) if relevant(&path) => {
                settle(rx);
                return Flow::Check;
            }
            Event::Changed(_) => {}
            Event::WatchFailed(reason) => {
                println!(
                    "{} file events stopped working ({reason}); polling every second instead",
                    out.yellow("note:")
                );
                *poll_reason = Some(reason);
                *source = Source::start(&current.stub_dir, tx.clone(), poll_reason);
            }
            Event::Key(k) => match k.trim() {
                "q" | "quit" => return Flow::Quit,
                "c" | "check" | "" => return Flow::Check,
                "n" | "next" => return Flow::Next,
                "h" | "hint" => {
                    hint::show(current, out);
                    println!("{}", out.dim(KEYS));
                }
                other => println!("unknown command `{other}`; {KEYS}"),
            },
        }
    }
}

/// After a pass: any key line goes on, `q` quits. File changes are ignored.
fn wait_for_enter(rx: &Receiver<Event>) -> Flow {
    loop {
        match rx.recv() {
            Ok(Event::Key(k)) if matches!(k.trim(), "q" | "quit") => return Flow::Quit,
            Ok(Event::Key(_)) => return Flow::Check,
            Ok(_) => {}
            Err(_) => return Flow::Quit,
        }
    }
}

/// Swallows the rest of a burst of change events (editors write a file in
/// several steps, and some write a backup beside it).
fn settle(rx: &Receiver<Event>) {
    loop {
        match rx.recv_timeout(SETTLE) {
            Ok(Event::Changed(_)) => continue,
            Ok(Event::Key(_)) | Ok(Event::WatchFailed(_)) => continue,
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Only source and manifest changes trigger a check: not editor swap files,
/// not build output.
fn relevant(path: &Path) -> bool {
    let is_source = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("rs") | Some("toml")
    );
    let in_target = path.components().any(|c| c.as_os_str() == "target");
    is_source && !in_target
}

fn print_footer(current: &Kata, source: &Source, poll_reason: &Option<String>, out: &Out) {
    let how = match (source, poll_reason) {
        (Source::Events(_), _) => "file events".to_owned(),
        (Source::Poll, Some(reason)) => format!("polling every second: {reason}"),
        (Source::Poll, None) => "polling every second".to_owned(),
    };
    println!(
        "\n{} {} ({how})",
        out.bold("watching"),
        paths::display(&current.stub_dir)
    );
    println!("{}", out.dim(KEYS));
}

fn clear_screen(out: &Out) {
    if std::io::stdout().is_terminal() && !out.quiet {
        // Erase the screen and the scrollback, then home the cursor.
        print!("\x1b[2J\x1b[3J\x1b[H");
    }
}

/// Forwards each line typed on stdin. When stdin is closed (not a terminal,
/// or at end of file) the thread ends and watch runs until interrupted.
fn read_keys(tx: Sender<Event>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(Event::Key(line)).is_err() {
                break;
            }
        }
    });
}

/// Where change events come from. Dropping it stops watching.
enum Source {
    Events(#[allow(dead_code)] notify::RecommendedWatcher),
    Poll,
}

impl Source {
    /// Watches `dir` with file events, or polls it when events are
    /// unavailable (then `poll_reason` says why).
    fn start(dir: &Path, tx: Sender<Event>, poll_reason: &mut Option<String>) -> Source {
        if poll_reason.is_none() {
            match events(dir, tx.clone()) {
                Ok(w) => return Source::Events(w),
                Err(e) => {
                    let reason = format!("file events are unavailable here: {e}");
                    println!("note: {reason}; polling every second instead");
                    *poll_reason = Some(reason);
                }
            }
        }
        poll(dir.to_path_buf(), tx);
        Source::Poll
    }
}

fn events(dir: &Path, tx: Sender<Event>) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let _ = match res {
            Ok(e) if e.kind.is_access() => Ok(()),
            Ok(e) => e
                .paths
                .into_iter()
                .try_for_each(|p| tx.send(Event::Changed(p))),
            Err(e) => tx.send(Event::WatchFailed(e.to_string())),
        };
    })?;
    watcher.watch(dir, RecursiveMode::Recursive)?;
    Ok(watcher)
}

/// Polls `dir` every second until the receiver is gone. (A poller left
/// from an earlier kata may still report that kata's files; watch re-checks
/// the current kata then, which is harmless.)
fn poll(dir: PathBuf, tx: Sender<Event>) {
    // The first snapshot is taken before returning, so that a change made
    // right after `poll` returns is seen as a change.
    let mut before = snapshot(&dir);
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(POLL_EVERY);
            let now = snapshot(&dir);
            if let Some(changed) = first_difference(&before, &now)
                && tx.send(Event::Changed(changed)).is_err()
            {
                return;
            }
            before = now;
        }
    });
}

type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

/// Modification time and size of every file below `dir`, `target/` excepted.
fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if entry.file_name() != "target" {
                    stack.push(path);
                }
            } else {
                files.insert(path, (meta.modified().ok(), meta.len()));
            }
        }
    }
    files
}

fn first_difference(before: &Snapshot, now: &Snapshot) -> Option<PathBuf> {
    now.iter()
        .find(|(p, v)| before.get(*p) != Some(v))
        .map(|(p, _)| p.clone())
        .or_else(|| before.keys().find(|p| !now.contains_key(*p)).cloned())
}

fn passed_katas() -> Vec<String> {
    progress::load()
        .into_iter()
        .filter(|(_, s)| s.status == progress::Status::Passed)
        .map(|(k, _)| k)
        .collect()
}

/// The first kata after `after` (or from the start) that has not passed,
/// wrapping round to the ones before it.
fn next_unpassed(katas: &[Kata], after: Option<&str>, passed: &[String]) -> Option<Kata> {
    let start = after
        .and_then(|a| katas.iter().position(|k| k.name == a))
        .map_or(0, |i| i + 1);
    katas
        .iter()
        .cycle()
        .skip(start)
        .take(katas.len())
        .find(|k| !passed.contains(&k.name) && Some(k.name.as_str()) != after)
        .cloned()
}

fn next_after(katas: &[Kata], name: &str) -> Option<Kata> {
    let i = katas.iter().position(|k| k.name == name)?;
    katas.get(i + 1).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn katas(names: &[&str]) -> Vec<Kata> {
        names
            .iter()
            .map(|n| Kata {
                name: (*n).to_owned(),
                lib_name: n.replace('-', "_"),
                stub_dir: PathBuf::from(n),
                solution_dir: PathBuf::from(n),
            })
            .collect()
    }

    fn name(k: Option<Kata>) -> Option<String> {
        k.map(|k| k.name)
    }

    #[test]
    fn next_unpassed_skips_passed_katas_and_wraps_round() {
        let ks = katas(&["a", "b", "c"]);
        let passed = vec!["b".to_owned()];
        assert_eq!(name(next_unpassed(&ks, None, &passed)), Some("a".into()));
        assert_eq!(
            name(next_unpassed(&ks, Some("a"), &passed)),
            Some("c".into())
        );
        assert_eq!(
            name(next_unpassed(&ks, Some("c"), &passed)),
            Some("a".into()),
            "after the last kata, an earlier unpassed one is next"
        );
        let all: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(name(next_unpassed(&ks, Some("b"), &all)), None);
    }

    #[test]
    fn only_sources_outside_target_trigger_a_check() {
        assert!(relevant(Path::new("katas/x/src/lib.rs")));
        assert!(relevant(Path::new("katas/x/Cargo.toml")));
        assert!(!relevant(Path::new("katas/x/src/.lib.rs.swp")));
        assert!(!relevant(Path::new("katas/x/target/debug/x.rs")));
    }

    #[test]
    fn the_poller_reports_a_saved_file() {
        let dir = std::env::temp_dir().join(format!("xtask-watch-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let file = dir.join("src/lib.rs");
        std::fs::write(&file, "// v1\n").unwrap();
        let (tx, rx) = mpsc::channel();
        poll(dir.clone(), tx);
        std::fs::write(&file, "// version two, longer\n").unwrap();
        let got = rx.recv_timeout(POLL_EVERY * 5);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(
            got.ok(),
            Some(Event::Changed(file)),
            "the poller did not report the change within 5 poll intervals"
        );
    }
}
