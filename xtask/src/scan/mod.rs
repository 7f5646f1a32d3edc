//! The facade stage: what kata code may use.
//!
//! Two reasons to refuse code before it runs. Loom explores interleavings by
//! intercepting every lock, wait and atomic access, so a kata that blocks on
//! something loom does not model (std's `Mutex`, parking_lot, a channel,
//! `thread::sleep`) would hang the model checker. And the kata runs in the
//! same process as the hidden tests, so the verdict can be trusted only if
//! kata code cannot reach the environment, files or processes, nor tell that
//! it is being checked: everything outside an allowlist of what a
//! concurrency answer needs is refused ([`policy`] holds the rules). The
//! scan parses the code with syn, so comments and strings never trigger it,
//! and it follows `use` aliases.

mod policy;
mod visit;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proc_macro2::Span;
use syn::visit::Visit;

pub use policy::Policy;

/// One thing the facade stage refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// What was refused, e.g. `std::sync::Mutex` or `include_str!`.
    pub path: String,
    pub kind: Kind,
}

/// Why it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Synchronisation loom cannot see.
    Invisible { instead: &'static str },
    /// Outside the allowlist: the checker could not trust the run.
    Outside {
        why: &'static str,
        instead: &'static str,
    },
    /// A ready-made primitive this kata asks the learner to build.
    ReadyMade,
}

/// Scans `files` under `policy`. A file that does not parse yields no
/// finding: the build stage reports it better.
pub fn scan(files: &[PathBuf], policy: &Policy) -> Vec<Finding> {
    let mut findings = Vec::new();
    for file in files {
        if let Ok(text) = std::fs::read_to_string(file) {
            findings.extend(scan_source(file, &text, policy));
        }
    }
    findings
}

pub fn scan_source(file: &Path, text: &str, policy: &Policy) -> Vec<Finding> {
    let Ok(ast) = syn::parse_file(text) else {
        return Vec::new();
    };
    // First pass: `use` aliases (`use std::sync as s;` makes `s` mean std::sync).
    let mut aliases = Aliases::default();
    aliases.visit_file(&ast);
    let mut v = visit::Scanner {
        file: file.to_path_buf(),
        aliases: aliases.map,
        local_macros: visit::local_macros(&ast),
        policy,
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
pub(crate) fn flatten_use(tree: &syn::UseTree) -> Vec<(Option<String>, Vec<String>, Span)> {
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

#[cfg(test)]
mod tests;

/// Whether `files` contain any `unsafe` code (blocks, functions, impls,
/// traits): the Miri stage has nothing to check in code without it.
pub fn uses_unsafe(files: &[PathBuf]) -> bool {
    struct Unsafe(bool);
    impl<'a> Visit<'a> for Unsafe {
        fn visit_expr_unsafe(&mut self, _: &'a syn::ExprUnsafe) {
            self.0 = true;
        }
        fn visit_signature(&mut self, s: &'a syn::Signature) {
            self.0 |= s.unsafety.is_some();
        }
        fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
            self.0 |= i.unsafety.is_some();
            syn::visit::visit_item_impl(self, i);
        }
        fn visit_item_trait(&mut self, i: &'a syn::ItemTrait) {
            self.0 |= i.unsafety.is_some();
            syn::visit::visit_item_trait(self, i);
        }
    }
    let mut u = Unsafe(false);
    for file in files {
        if let Some(ast) = std::fs::read_to_string(file)
            .ok()
            .and_then(|t| syn::parse_file(&t).ok())
        {
            u.visit_file(&ast);
        }
    }
    u.0
}
