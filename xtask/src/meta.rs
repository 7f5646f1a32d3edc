//! The kata metadata in `katas.toml`: order, difficulty, book chapter,
//! benchmark family and graded hints, all in one versioned file.

use std::path::PathBuf;

use crate::paths;

#[derive(Debug, Clone)]
pub struct Meta {
    pub name: String,
    pub difficulty: Difficulty,
    pub chapter: String,
    /// The benchmark `compare` runs; `None` for a coordination kata
    /// (`bench = "none"`), whose cost is in the waiting.
    pub bench: Option<Bench>,
    pub hints: Vec<String>,
    /// `allow_unsafe = true`: the kata may use `unsafe` (the primitives katas).
    pub allow_unsafe: bool,
    /// `forbid = ["Mutex", ...]`: facade primitives the kata asks you to build.
    pub forbid: Vec<String>,
}

impl Meta {
    /// The facade stage's rules for this kata.
    pub fn policy(&self) -> crate::scan::Policy {
        crate::scan::Policy {
            allow_unsafe: self.allow_unsafe,
            forbid: self.forbid.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    pub fn name(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// The benchmark families a kata can name in `katas.toml` (`compare` runs
/// it); `bench = "none"` is a kata with no benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bench {
    Queue,
    Cache,
    TimeMap,
}

impl Bench {
    const ALL: [Bench; 3] = [Bench::Queue, Bench::Cache, Bench::TimeMap];

    pub fn name(self) -> &'static str {
        match self {
            Bench::Queue => "queue",
            Bench::Cache => "cache",
            Bench::TimeMap => "time-map",
        }
    }

    /// Where crates/kata-bench keeps it.
    pub fn family(self) -> crate::bench::Family {
        crate::bench::family(self.name()).expect("every Bench is a family of kata-bench")
    }
}

/// Reads one of `all` by name, or says what the choices are.
fn one_of<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
    s: &str,
) -> Result<T, String> {
    all.iter().copied().find(|x| name(*x) == s).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        format!("{what} `{s}`: use {}", names.join(", "))
    })
}

pub fn file() -> PathBuf {
    paths::root().join("katas.toml")
}

/// Every kata's metadata, in the recommended order.
pub fn load() -> Result<Vec<Meta>, String> {
    let path = file();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let list = doc
        .get("kata")
        .and_then(|k| k.as_array())
        .ok_or_else(|| format!("{}: no [[kata]] entries", path.display()))?;
    list.iter()
        .enumerate()
        .map(|(i, k)| {
            let s = |key: &str| {
                k.get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{}: kata #{} has no `{key}`", path.display(), i + 1))
            };
            let hints = k
                .get("hints")
                .and_then(|h| h.as_array())
                .map(|h| {
                    h.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let forbid = k
                .get("forbid")
                .and_then(|h| h.as_array())
                .map(|h| {
                    h.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let name = s("name")?;
            let bad = |e: String| format!("{}: `{name}` has {e}", path.display());
            let difficulty = one_of(
                &Difficulty::ALL,
                Difficulty::name,
                "difficulty",
                &s("difficulty")?,
            )
            .map_err(bad)?;
            let bench = match s("bench")?.as_str() {
                "none" => None,
                b => Some(
                    one_of(&Bench::ALL, Bench::name, "bench", b)
                        .map_err(|e| bad(format!("{e} or none")))?,
                ),
            };
            Ok(Meta {
                name,
                difficulty,
                chapter: s("chapter")?,
                bench,
                hints,
                allow_unsafe: k
                    .get("allow_unsafe")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                forbid,
            })
        })
        .collect()
}

/// One kata's metadata, or the error to print.
pub fn find(name: &str) -> Result<Meta, String> {
    load()?
        .into_iter()
        .find(|m| m.name == name)
        .ok_or_else(|| format!("katas.toml has no entry for `{name}`"))
}

/// What is out of line between `katas.toml` and the folders, each with its fix.
pub fn problems() -> Vec<String> {
    let metas = match load() {
        Ok(m) => m,
        Err(e) => return vec![e],
    };
    let mut out = Vec::new();
    let listed: Vec<&str> = metas.iter().map(|m| m.name.as_str()).collect();
    for dir in [paths::solutions(), paths::katas()] {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().join("src").is_dir() && !listed.contains(&name.as_str()) {
                out.push(format!(
                    "{}/{name} is not in katas.toml: add a [[kata]] entry with its difficulty, chapter, bench and hints",
                    paths::display(&dir)
                ));
            }
        }
    }
    out.extend(unknown_book_topics());
    for m in &metas {
        // The learner's own folder under katas/ may be missing or broken:
        // what must exist is what the project ships.
        let sol = paths::solutions().join(&m.name);
        for (file, what) in [
            (sol.join("Cargo.toml"), "solution"),
            (sol.join("stub.rs"), "pristine stub (the stub as shipped)"),
        ] {
            if !file.is_file() {
                out.push(format!(
                    "katas.toml lists `{}` but {} is missing: add its {what} or remove the entry",
                    m.name,
                    paths::display(&file),
                ));
            }
        }
        if m.hints.is_empty() {
            out.push(format!(
                "katas.toml: `{}` has no hints: add at least a concept, a nudge and a sketch",
                m.name
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for m in &metas {
        if !seen.insert(&m.name) {
            out.push(format!("katas.toml lists `{}` twice: remove one", m.name));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// The repository guard: katas.toml and the folders agree, and every
    /// kata has hints.
    #[test]
    fn katas_toml_matches_the_folders() {
        let problems = super::problems();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// Every book topic a failure can send the learner to, where it is named:
/// each suite's `Property { book: "..." }` and the checker's own. A key
/// missing from `book/topics.toml` would print "book topic `x`" instead of
/// a section.
fn unknown_book_topics() -> Vec<String> {
    let topics = std::fs::read_to_string(paths::root().join("book/topics.toml"))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("topics")?.as_table().cloned())
        .unwrap_or_default();
    let mut files = Vec::new();
    let mut stack = vec![paths::solutions(), paths::root().join("xtask/src/check")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && (p.components().any(|c| c.as_os_str() == "tests")
                    || p.starts_with(paths::root().join("xtask")))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for key in book_keys(&text) {
            if !topics.contains_key(key) {
                out.push(format!(
                    "{} names the book topic `{key}`, which book/topics.toml does not define: add it there, or use one it has",
                    paths::display(&f)
                ));
            }
        }
    }
    out
}

/// The book topic keys named in Rust source: `book: "key"`,
/// `book: Some("key"` and `book = Some("key"`.
fn book_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    for marker in ["book: \"", "book: Some(\"", "book = Some(\""] {
        let mut rest = text;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            if let Some(end) = rest.find('"') {
                keys.push(&rest[..end]);
            }
        }
    }
    keys
}

#[cfg(test)]
mod topic_tests {
    #[test]
    fn a_name_outside_the_choices_says_what_the_choices_are() {
        use super::{Bench, Difficulty, one_of};
        assert_eq!(
            one_of(&Difficulty::ALL, Difficulty::name, "difficulty", "medium"),
            Ok(Difficulty::Medium)
        );
        assert_eq!(
            one_of(&Difficulty::ALL, Difficulty::name, "difficulty", "tricky"),
            Err("difficulty `tricky`: use easy, medium, hard".to_owned())
        );
        // Every family a kata can name is one kata-bench has.
        for b in Bench::ALL {
            assert_eq!(
                b.family(),
                crate::bench::family(b.name()).expect("a family")
            );
        }
    }

    #[test]
    fn book_keys_are_found_in_each_form() {
        let src = r#"Property { name: "n", cause: "c", book: "lost-wakeup" }; f.book = Some("spin".into()); Failure { book: Some("facade".into()) }"#;
        assert_eq!(super::book_keys(src), ["lost-wakeup", "facade", "spin"]);
    }

    #[test]
    fn every_book_topic_named_by_a_suite_or_the_checker_exists() {
        let unknown = super::unknown_book_topics();
        assert!(unknown.is_empty(), "{unknown:#?}");
    }
}
