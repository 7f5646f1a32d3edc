//! The facade scan: find synchronisation that loom cannot see.
//!
//! Loom explores interleavings by intercepting every lock, wait and atomic
//! access. A kata that blocks on something loom does not model (std's
//! `Mutex`, parking_lot, a channel, `thread::sleep`) hangs the model checker
//! forever, so `check` refuses such code before the model stage and says
//! what to use instead. The scan parses the code with syn, so comments and
//! strings never trigger it, and it follows `use` aliases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::visit::Visit;

/// One use of a primitive loom cannot see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The offending path as written after alias resolution, e.g. `std::sync::Mutex`.
    pub path: String,
    /// What to use instead.
    pub instead: &'static str,
}

const CHANNEL: &str =
    "a queue built from kata_sync::Mutex and kata_sync::Condvar (loom cannot see channels)";
const ONCE: &str = "kata_sync::Mutex (std's one-time initialisers block where loom cannot see)";

// ANCHOR: rules
/// Path prefixes loom cannot see, and what to use instead. `core::` paths are
/// matched as `std::`.
const RULES: &[(&str, &str)] = &[
    ("std::sync::Mutex", "kata_sync::Mutex"),
    ("std::sync::MutexGuard", "kata_sync::MutexGuard"),
    ("std::sync::RwLock", "kata_sync::RwLock"),
    ("std::sync::Condvar", "kata_sync::Condvar"),
    ("std::sync::Barrier", "kata_sync::Barrier"),
    ("std::sync::atomic", "kata_sync::atomic"),
    ("std::sync::mpsc", CHANNEL),
    ("std::sync::mpmc", CHANNEL),
    ("std::sync::Once", ONCE),
    ("std::sync::OnceLock", ONCE),
    ("std::sync::LazyLock", ONCE),
    (
        "std::thread::sleep",
        "a kata_sync::Condvar wait (sleeping is not synchronisation, and loom cannot see it)",
    ),
    ("std::thread::spawn", "kata_sync::thread::spawn"),
    ("std::thread::scope", "kata_sync::thread::spawn with an Arc"),
    ("std::thread::Builder", "kata_sync::thread::spawn"),
    ("std::thread::yield_now", "kata_sync::thread::yield_now"),
    ("std::thread::park", "a kata_sync::Condvar"),
    ("std::thread::park_timeout", "a kata_sync::Condvar"),
    ("std::hint::spin_loop", "kata_sync::hint::spin_loop"),
    ("parking_lot", "the kata_sync item of the same name"),
    ("crossbeam_channel", CHANNEL),
    ("crossbeam", "kata_sync primitives"),
    ("crossbeam_utils", "kata_sync primitives"),
    (
        "tokio",
        "kata_sync primitives (the katas are about threads)",
    ),
];
// ANCHOR_END: rules

/// Scans `files`. A file that does not parse yields no finding: the build
/// stage reports it better.
pub fn scan(files: &[PathBuf]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        if let Ok(text) = std::fs::read_to_string(file) {
            findings.extend(scan_source(file, &text));
        }
    }
    findings
}

pub fn scan_source(file: &Path, text: &str) -> Vec<Finding> {
    let Ok(ast) = syn::parse_file(text) else {
        return Vec::new();
    };
    // First pass: `use` aliases (`use std::sync as s;` makes `s` mean std::sync).
    let mut aliases = Aliases::default();
    aliases.visit_file(&ast);
    let mut v = Scanner {
        file: file.to_path_buf(),
        aliases: aliases.map,
        findings: Vec::new(),
    };
    v.visit_file(&ast);
    v.findings.sort_by_key(|f| (f.line, f.column));
    v.findings
        .dedup_by(|a, b| a.line == b.line && a.path == b.path);
    v.findings
}

/// The calls to `todo!()` / `unimplemented!()` left in `files`, as (file, line).
pub fn todos(files: &[PathBuf]) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(ast) = syn::parse_file(&text) else {
            continue;
        };
        let mut t = Todos(Vec::new());
        t.visit_file(&ast);
        out.extend(t.0.into_iter().map(|line| (file.clone(), line)));
    }
    out
}

/// How many functions with bodies `files` define; the kata is "not started"
/// when every one of them is still a `todo!()`.
pub fn function_count(files: &[PathBuf]) -> usize {
    struct Fns(usize);
    impl<'a> Visit<'a> for Fns {
        fn visit_item_fn(&mut self, f: &'a syn::ItemFn) {
            self.0 += 1;
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'a syn::ImplItemFn) {
            self.0 += 1;
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
    let mut n = Fns(0);
    for file in files {
        if let Some(ast) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| syn::parse_file(&t).ok())
        {
            n.visit_file(&ast);
        }
    }
    n.0
}

struct Todos(Vec<usize>);

impl<'a> Visit<'a> for Todos {
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if m.path.is_ident("todo") || m.path.is_ident("unimplemented") {
            self.0.push(m.path.segments[0].ident.span().start().line);
        }
    }
}

#[derive(Default)]
struct Aliases {
    map: HashMap<String, Vec<String>>,
}

impl<'a> Visit<'a> for Aliases {
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        for (name, path, _) in flatten_use(&u.tree) {
            if let Some(name) = name {
                self.map.insert(name, path);
            }
        }
    }
}

/// Flattens a use tree into (name it binds, full path, span) triples. A glob
/// binds no name and ends its path with `*`.
fn flatten_use(tree: &syn::UseTree) -> Vec<(Option<String>, Vec<String>, Span)> {
    fn walk(
        t: &syn::UseTree,
        prefix: &mut Vec<String>,
        out: &mut Vec<(Option<String>, Vec<String>, Span)>,
    ) {
        match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, out);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut path = prefix.clone();
                if name == "self" {
                    let bound = prefix.last().cloned();
                    out.push((bound, path, n.ident.span()));
                } else {
                    path.push(name.clone());
                    out.push((Some(name), path, n.ident.span()));
                }
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                out.push((Some(r.rename.to_string()), path, r.ident.span()));
            }
            syn::UseTree::Glob(g) => {
                let mut path = prefix.clone();
                path.push("*".into());
                out.push((None, path, g.star_token.span));
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    walk(t, prefix, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

struct Scanner {
    file: PathBuf,
    aliases: HashMap<String, Vec<String>>,
    findings: Vec<Finding>,
}

impl Scanner {
    /// Checks a path (already split into segments) used at `span`.
    fn check(&mut self, segments: Vec<String>, span: Span, resolve: bool) {
        let mut segs = segments;
        if resolve && let Some(first) = segs.first() {
            // Only a path's first segment can be an alias; a path that merely
            // ends in `Mutex` is kata_sync's unless its root says otherwise.
            if let Some(full) = self.aliases.get(first)
                && full.first() != Some(first)
            {
                let mut expanded = full.clone();
                expanded.extend(segs.drain(1..));
                segs = expanded;
            }
        }
        if segs.first().is_some_and(|s| s == "core" || s == "alloc") {
            segs[0] = "std".into();
        }
        let glob = segs.last().is_some_and(|s| s == "*");
        for (rule, instead) in RULES {
            let rule: Vec<&str> = rule.split("::").collect();
            let hit = if glob {
                // `use std::sync::*` brings in every rule below std::sync.
                let module = &segs[..segs.len() - 1];
                rule.len() > module.len() && module.iter().zip(&rule).all(|(a, b)| a == b)
                    || segs.len() > rule.len() && rule.iter().zip(&segs).all(|(a, b)| a == b)
            } else {
                segs.len() >= rule.len() && rule.iter().zip(&segs).all(|(a, b)| a == b)
            };
            if hit {
                let start = span.start();
                self.findings.push(Finding {
                    file: self.file.clone(),
                    line: start.line,
                    column: start.column + 1,
                    path: segs.join("::"),
                    instead,
                });
                return;
            }
        }
    }

    /// Paths inside macro calls (`println!`, `assert!`, ...) are tokens, not
    /// syntax: find runs of `ident :: ident ...` in them.
    fn check_tokens(&mut self, tokens: TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut span = Span::call_site();
        let mut colons = 0;
        let flush = |s: &mut Self, run: &mut Vec<String>, span: Span| {
            if run.len() > 1 {
                s.check(std::mem::take(run), span, true);
            }
            run.clear();
        };
        for tt in tokens {
            match tt {
                TokenTree::Ident(id) => {
                    if run.is_empty() || colons == 2 {
                        if run.is_empty() {
                            span = id.span();
                        }
                        run.push(id.to_string());
                    } else {
                        flush(self, &mut run, span);
                        span = id.span();
                        run.push(id.to_string());
                    }
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
                TokenTree::Group(g) => {
                    flush(self, &mut run, span);
                    colons = 0;
                    self.check_tokens(g.stream());
                }
                _ => {
                    flush(self, &mut run, span);
                    colons = 0;
                }
            }
        }
        flush(self, &mut run, span);
    }
}

impl<'a> Visit<'a> for Scanner {
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        for (_, path, span) in flatten_use(&u.tree) {
            self.check(path, span, false);
        }
    }

    fn visit_path(&mut self, p: &'a syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = p.segments.first() {
            self.check(segs, first.ident.span(), true);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        self.check_tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(src: &str) -> Vec<(usize, String)> {
        scan_source(Path::new("lib.rs"), src)
            .into_iter()
            .map(|f| (f.line, f.path))
            .collect()
    }

    #[test]
    fn finds_std_primitives_in_use_items_and_paths() {
        let src = "use std::sync::{Arc, Mutex};\nfn f() { std::thread::sleep(std::time::Duration::from_millis(1)); }\n";
        assert_eq!(
            paths(src),
            vec![
                (1, "std::sync::Mutex".to_owned()),
                (2, "std::thread::sleep".to_owned())
            ]
        );
    }

    #[test]
    fn follows_aliases_and_core_paths() {
        let src = "use std::thread as t;\nuse std::sync;\nfn f() { t::sleep(d()); let m = sync::Condvar::new(); core::hint::spin_loop(); }\n";
        let found: Vec<String> = paths(src).into_iter().map(|(_, p)| p).collect();
        assert_eq!(
            found,
            [
                "std::thread::sleep",
                "std::sync::Condvar::new",
                "std::hint::spin_loop"
            ]
        );
    }

    #[test]
    fn flags_globs_and_third_party_crates() {
        let src = "use std::sync::*;\nuse parking_lot::Mutex;\nuse crossbeam_channel::bounded;\n";
        assert_eq!(paths(src).len(), 3);
    }

    #[test]
    fn ignores_comments_strings_the_facade_and_harmless_std() {
        let src = r#"
            // std::sync::Mutex would hang loom
            use kata_sync::{Mutex, Condvar, atomic::AtomicBool};
            use std::sync::Arc;
            use std::collections::VecDeque;
            fn f() -> &'static str { "std::thread::sleep" }
        "#;
        assert_eq!(paths(src), vec![]);
    }

    #[test]
    fn sees_paths_inside_macros() {
        let src = "fn f() { println!(\"{:?}\", std::thread::sleep(d())); }";
        assert_eq!(paths(src), vec![(1, "std::thread::sleep".to_owned())]);
    }

    #[test]
    fn counts_todo_placeholders() {
        let dir = std::env::temp_dir().join(format!("xtask-todo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("lib.rs");
        std::fs::write(
            &file,
            "fn a() { todo!() }\n// todo!()\nfn b() { unimplemented!(\"x\") }\n",
        )
        .unwrap();
        let lines: Vec<usize> = todos(&[file]).into_iter().map(|(_, l)| l).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(lines, [1, 3]);
    }
}
