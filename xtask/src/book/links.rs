//! Internal links and anchors of the built book, and the places outside the
//! book that point into it (book/topics.toml, katas.toml).
//!
//! The built HTML is checked rather than the Markdown, because anchors are
//! made by mdBook (heading ids) and links are rewritten by it (`.md` to
//! `.html`): what matters is what a reader's browser will find.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `href`/`src` in the built pages that points inside the book must
/// reach a file, and its `#fragment` an `id` on that page.
pub fn check_built(build: &Path) -> Result<String, Vec<String>> {
    let pages = html_files(build);
    if pages.is_empty() {
        return Err(vec![format!("no HTML pages under {}", build.display())]);
    }
    let mut ids: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let name = page.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // print.html repeats every chapter, 404.html uses site-absolute
        // links, toc.html is generated navigation: all derived from pages
        // that are checked themselves.
        if matches!(name, "print.html" | "404.html" | "toc.html") {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(page) else {
            continue;
        };
        if let Some(pos) = html.find("{{#") {
            let snippet: String = html[pos..].chars().take(60).collect();
            problems.push(format!(
                "{}: an mdBook directive was not expanded: {snippet}",
                rel(build, page)
            ));
        }
        for link in links_in(&html) {
            let Some((target, fragment)) = resolve(page, &link) else {
                continue;
            };
            checked += 1;
            if !target.is_file() {
                problems.push(format!(
                    "{}: link to `{link}`, but {} does not exist",
                    rel(build, page),
                    rel(build, &target)
                ));
                continue;
            }
            if let Some(fragment) = fragment {
                let known = ids.entry(target.clone()).or_insert_with(|| {
                    std::fs::read_to_string(&target)
                        .map(|h| ids_in(&h))
                        .unwrap_or_default()
                });
                if !known.contains(&fragment) {
                    problems.push(format!(
                        "{}: link to `{link}`, but {} has no heading or element with id `{fragment}`",
                        rel(build, page),
                        rel(build, &target)
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(format!("{checked} links in {} pages resolve", pages.len()))
    } else {
        Err(problems)
    }
}

/// book/topics.toml's `page#anchor` values and katas.toml's chapters must
/// exist in the built book: they are how check failures and hints point in.
pub fn check_targets(build: &Path) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut count = 0;
    let topics = crate::paths::root().join("book/topics.toml");
    let table: toml::Table = std::fs::read_to_string(&topics)
        .map_err(|e| vec![format!("{}: {e}", topics.display())])?
        .parse()
        .map_err(|e| vec![format!("{}: {e}", topics.display())])?;
    let entries = table
        .get("topics")
        .and_then(|t| t.as_table())
        .cloned()
        .unwrap_or_default();
    for (key, value) in &entries {
        let Some(target) = value.as_str() else {
            continue;
        };
        count += 1;
        let (page, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let html = build.join(page.replace(".md", ".html"));
        let Ok(text) = std::fs::read_to_string(&html) else {
            problems.push(format!(
                "book/topics.toml: `{key}` points at {page}, which the book does not have"
            ));
            continue;
        };
        if let Some(f) = fragment
            && !ids_in(&text).contains(f)
        {
            problems.push(format!(
                "book/topics.toml: `{key}` points at {page}#{f}, but that page has no heading with id `{f}`"
            ));
        }
    }
    for m in crate::meta::load().map_err(|e| vec![e])? {
        count += 1;
        if !build.join(m.chapter.replace(".md", ".html")).is_file() {
            problems.push(format!(
                "katas.toml: `{}` names the chapter {}, which the book does not have",
                m.name, m.chapter
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!("{count} targets exist"))
    } else {
        Err(problems)
    }
}

fn rel(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The values of every `href="…"` and `src="…"` attribute.
fn links_in(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                links.push(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
    }
    links
}

/// The values of every `id="…"` attribute.
fn ids_in(html: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    ids
}

/// Where an internal link from `page` leads, and its fragment. `None` for
/// links that leave the book.
fn resolve(page: &Path, link: &str) -> Option<(PathBuf, Option<String>)> {
    let external = ["http:", "https:", "mailto:", "javascript:", "data:", "//"];
    if link.is_empty() || external.iter().any(|p| link.starts_with(p)) {
        return None;
    }
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f.to_owned()).filter(|f| !f.is_empty())),
        None => (link, None),
    };
    // Query strings (cache-busting on theme files) do not name files.
    let path = path.split('?').next().unwrap_or(path);
    let dir = page.parent()?;
    let target = if path.is_empty() {
        page.to_path_buf()
    } else {
        let t = dir.join(path.replace("%20", " "));
        if t.is_dir() { t.join("index.html") } else { t }
    };
    Some((target, fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_pages_and_anchors_are_reported_and_good_links_are_not() {
        let dir = std::env::temp_dir().join(format!("xtask-links-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("part")).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r##"<a href="part/b.html#here">ok</a> <a href="part/b.html#gone">bad anchor</a>
                <a href="missing.html">bad page</a> <a href="https://example.com/x">external</a>
                <a href="#top">same page</a> <h1 id="top">t</h1>"##,
        )
        .unwrap();
        std::fs::write(
            dir.join("part/b.html"),
            r#"<h2 id="here">h</h2><img src="../index.html">"#,
        )
        .unwrap();
        let got = check_built(&dir);
        std::fs::remove_dir_all(&dir).ok();
        let problems = got.expect_err("two links are broken");
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0].contains("#gone") && problems[0].contains("no heading"),
            "{problems:#?}"
        );
        assert!(
            problems[1].contains("missing.html") && problems[1].contains("does not exist"),
            "{problems:#?}"
        );
    }

    #[test]
    fn a_book_whose_links_all_resolve_passes() {
        let dir = std::env::temp_dir().join(format!("xtask-links-ok-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("index.html"),
            r#"<a href="index.html#a">x</a><p id="a">"#,
        )
        .unwrap();
        let got = check_built(&dir);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(got, Ok("1 links in 1 pages resolve".to_owned()));
    }
}
