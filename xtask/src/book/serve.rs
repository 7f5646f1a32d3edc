//! `cargo xtask book --serve`: the built book over HTTP on localhost, rebuilt
//! when its sources or the solutions it includes change. A static file
//! server is a page of code; mdBook's own server would triple its install
//! time.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::term::Out;
use crate::{Code, paths};

pub fn run(mdbook: &Path, port: u16, out: &Out) -> Code {
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{port}: {e} (try --port)");
            return Code::Usage;
        }
    };
    println!(
        "{} http://127.0.0.1:{port}/  (rebuilt when book/src or solutions/ change; Ctrl-C stops)",
        out.green("serving the book at")
    );
    let _watcher = watch_and_rebuild(mdbook.to_path_buf(), out);
    let root = super::build_dir();
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || {
            let _ = respond(stream, &root, None);
        });
    }
    Code::Ok
}

/// Serves `root` on a free localhost port in the background, for the
/// browser check, with `head` inserted at the start of every page's
/// `<head>`. Returns the port; the server lives as long as the process.
pub fn spawn_in_background(root: PathBuf, head: &'static str) -> std::io::Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = respond(stream, &root, Some(head));
            });
        }
    });
    Ok(port)
}

/// Rebuilds after a burst of changes settles. Returns the watcher, which
/// stops watching when dropped; `None` (with a note) if watching fails.
fn watch_and_rebuild(mdbook: PathBuf, out: &Out) -> Option<notify::RecommendedWatcher> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        if e.is_ok_and(|e| !e.kind.is_access()) {
            let _ = tx.send(());
        }
    })
    .ok()?;
    for dir in [super::src_dir(), paths::solutions()] {
        if let Err(e) = watcher.watch(&dir, RecursiveMode::Recursive) {
            println!(
                "note: not watching {} ({e}); re-run to rebuild",
                paths::display(&dir)
            );
        }
    }
    let quiet = Out::new(true, out.verbose);
    std::thread::spawn(move || {
        while rx.recv().is_ok() {
            while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
            match super::build(&mdbook, &quiet) {
                Ok(()) => println!("rebuilt; reload the page"),
                Err(e) => println!("rebuild failed: {e}"),
            }
        }
    });
    Some(watcher)
}

fn respond(mut stream: TcpStream, root: &Path, head: Option<&str>) -> std::io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let (status, kind, body) = match file_for(root, path).and_then(|f| {
        let body = std::fs::read(&f).ok()?;
        Some((f, body))
    }) {
        Some((file, body)) => {
            let kind = content_type(&file);
            let body = match head {
                Some(head) if kind.starts_with("text/html") => inject(body, head),
                _ => body,
            };
            ("200 OK", kind, body)
        }
        None => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
        ),
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

/// `head` inserted right after the page's `<head>` tag, so that it runs
/// before any of the page's own scripts.
fn inject(page: Vec<u8>, head: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&page);
    match text.find("<head>") {
        Some(at) => {
            let at = at + "<head>".len();
            format!("{}{head}{}", &text[..at], &text[at..]).into_bytes()
        }
        None => page,
    }
}

/// The file a URL path names under `root`, never outside it.
fn file_for(root: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = Path::new(url_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let path = root.join(relative.to_string_lossy().replace("%20", " "));
    let path = if path.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    path.is_file().then_some(path)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_inside_the_book_only() {
        let root = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        std::fs::create_dir_all(root.join("part-1")).unwrap();
        std::fs::write(root.join("index.html"), "i").unwrap();
        std::fs::write(root.join("part-1/a.html"), "a").unwrap();
        let got = (
            file_for(&root, "/"),
            file_for(&root, "/part-1/a.html"),
            file_for(&root, "/../etc/passwd"),
            file_for(&root, "/nope.html"),
        );
        std::fs::remove_dir_all(&root).ok();
        assert_eq!(got.0, Some(root.join("index.html")));
        assert_eq!(got.1, Some(root.join("part-1/a.html")));
        assert_eq!(got.2, None, "no way out of the book");
        assert_eq!(got.3, None);
    }
}
