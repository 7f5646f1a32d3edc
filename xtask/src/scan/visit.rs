//! The syntax walk behind the facade stage: every path, macro, attribute and
//! item of the kata, checked against [`policy`](super::policy).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::policy::{self, Policy};
use super::{Finding, Kind, flatten_use};

pub(super) struct Scanner<'p> {
    pub file: PathBuf,
    pub aliases: HashMap<String, Vec<String>>,
    pub local_macros: HashSet<String>,
    pub policy: &'p Policy,
    pub findings: Vec<Finding>,
}

fn ident(s: &str) -> String {
    s.strip_prefix("r#").unwrap_or(s).to_owned()
}

impl Scanner<'_> {
    fn push(&mut self, span: Span, path: String, kind: Kind) {
        let start = span.start();
        self.findings.push(Finding {
            file: self.file.clone(),
            line: start.line,
            column: start.column + 1,
            path,
            kind,
        });
    }

    /// Checks a path (already split into segments) used at `span`.
    fn check(&mut self, segments: Vec<String>, span: Span, resolve: bool) {
        let mut segs: Vec<String> = segments.iter().map(|s| ident(s)).collect();
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
        let Some(root) = segs.first().cloned() else {
            return;
        };
        if root == "core" || root == "alloc" {
            segs[0] = "std".into();
        }
        let glob = segs.last().is_some_and(|s| s == "*");
        let module: Vec<String> = if glob {
            segs[..segs.len() - 1].to_vec()
        } else {
            segs.clone()
        };
        let joined = module.join("::");

        for (rule, instead) in policy::INVISIBLE {
            let hit = policy::starts_with(&joined, rule)
                // `use std::sync::*` brings in every rule below std::sync.
                || (glob && policy::starts_with(rule, &joined));
            if hit {
                let path = if glob { format!("{joined}::*") } else { joined };
                self.push(span, path, Kind::Invisible { instead });
                return;
            }
        }

        match segs[0].as_str() {
            "std" => {
                let ok = if glob {
                    policy::ALLOWED_STD
                        .iter()
                        .any(|p| policy::starts_with(&joined, p))
                        || (self.policy.allow_unsafe
                            && policy::ALLOWED_STD_UNSAFE
                                .iter()
                                .any(|p| policy::starts_with(&joined, p)))
                } else {
                    policy::allowed_std(&joined, self.policy)
                };
                if !ok {
                    let (why, instead) = policy::why_refused(&joined);
                    let path = if glob { format!("{joined}::*") } else { joined };
                    self.push(span, path, Kind::Outside { why, instead });
                }
            }
            "kata_sync" => {
                let item = segs.get(1).map(String::as_str);
                match item {
                    None => {}
                    Some("*") if !self.policy.forbid.is_empty() => self.push(
                        span,
                        "kata_sync::*".into(),
                        Kind::Outside {
                            why: "imports everything, including the primitives this kata asks you to build",
                            instead: "import each kata_sync item by name",
                        },
                    ),
                    Some("*") => {}
                    Some(item) if !policy::FACADE.contains(&item) => self.push(
                        span,
                        joined,
                        Kind::Outside {
                            why: "is not part of the facade's public API",
                            instead: "the kata_sync items the book lists",
                        },
                    ),
                    Some(item) if self.policy.forbid.iter().any(|f| f == item) => {
                        self.push(span, joined, Kind::ReadyMade)
                    }
                    Some(_) => {}
                }
            }
            "kata_hooks" | "kata_test" | "lincheck" | "proc_macro" | "test" => self.push(
                span,
                joined,
                Kind::Outside {
                    why: "belongs to the checker, not to kata code",
                    instead: "kata_sync",
                },
            ),
            _ => {}
        }
    }

    /// Paths inside macro calls (`println!`, `assert!`, ...) are tokens, not
    /// syntax: find runs of `ident :: ident ...` in them.
    fn check_tokens(&mut self, tokens: TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut span = Span::call_site();
        let mut colons = 0;
        let flush = |s: &mut Self, run: &mut Vec<String>, span: Span| {
            if !run.is_empty() {
                // A lone identifier can be an alias of a refused module
                // only when it is used as a path, which takes `::`.
                if run.len() > 1 {
                    s.check(std::mem::take(run), span, true);
                }
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

    /// A `macro_rules!` body that builds a path from a metavariable
    /// (`$m::var`, `std::$x`) could reach any module without naming it.
    fn check_macro_rules_body(&mut self, tokens: TokenStream) {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tt) in tts.iter().enumerate() {
            if let TokenTree::Group(g) = tt {
                self.check_macro_rules_body(g.stream());
                continue;
            }
            let is_dollar = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == '$');
            let is_colon = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == ':');
            if is_dollar(tt) {
                let after = is_colon(tts.get(i + 2)) && is_colon(tts.get(i + 3));
                let before = i >= 2 && is_colon(tts.get(i - 1)) && is_colon(tts.get(i - 2));
                if after || before {
                    self.push(
                        tt.span(),
                        "$metavariable::path".into(),
                        Kind::Outside {
                            why: "builds a path out of a macro argument, which the facade stage cannot follow",
                            instead: "write the path out in full",
                        },
                    );
                }
            }
        }
    }

    fn refuse(&mut self, span: Span, what: &str, why: &'static str, instead: &'static str) {
        self.push(span, what.to_owned(), Kind::Outside { why, instead });
    }

    fn check_unsafe(&mut self, span: Span, what: &str) {
        if !self.policy.allow_unsafe {
            self.refuse(
                span,
                what,
                "is unsafe code, which this kata does not need (only the katas that build primitives allow it)",
                "safe code and the kata_sync primitives",
            );
        }
    }
}

impl<'a> Visit<'a> for Scanner<'_> {
    fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
        for (_, path, span) in flatten_use(&u.tree) {
            self.check(path, span, false);
        }
        syn::visit::visit_item_use(self, u);
    }

    fn visit_path(&mut self, p: &'a syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = p.segments.first() {
            self.check(segs, first.ident.span(), true);
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let name = m
            .path
            .segments
            .last()
            .map(|s| ident(&s.ident.to_string()))
            .unwrap_or_default();
        let span = m.path.span();
        if name == "macro_rules" {
            self.check_macro_rules_body(m.tokens.clone());
        } else if name == "cfg" {
            if m.tokens.to_string().trim() != "test" {
                self.refuse(
                    span,
                    "cfg!",
                    "asks how the code was built, which would let it behave differently when checked",
                    "the same code for every build",
                );
            }
        } else if !policy::ALLOWED_MACROS.contains(&name.as_str())
            && !self.local_macros.contains(&name)
        {
            let why = match name.as_str() {
                "include" | "include_str" | "include_bytes" => {
                    "pulls in another file, which could be the hidden suite or the reference solution"
                }
                "env" | "option_env" => {
                    "reads the build environment, which would tell the kata it is being checked"
                }
                "asm" | "global_asm" | "naked_asm" => {
                    "is raw machine code, which no checker can see into"
                }
                "file" | "module_path" => {
                    "asks where the code is being built, which would tell the kata it is being checked"
                }
                _ => "is not one of the macros a kata may use",
            };
            self.refuse(
                span,
                &format!("{name}!"),
                why,
                "the macros of std's prelude (println!, format!, vec!, assert!, ...)",
            );
        }
        self.check_tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }

    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        let path = a.path();
        let name = path
            .segments
            .iter()
            .map(|s| ident(&s.ident.to_string()))
            .collect::<Vec<_>>();
        let span = path.span();
        let joined = name.join("::");
        if name.len() > 1 && policy::ALLOWED_TOOLS.contains(&name[0].as_str()) {
            return;
        }
        if joined == "cfg" {
            let args = match &a.meta {
                syn::Meta::List(l) => l.tokens.to_string(),
                _ => String::new(),
            };
            if args.trim() != "test" {
                self.refuse(
                    span,
                    &format!("#[cfg({})]", args.trim()),
                    "compiles different code depending on how the kata is built, which would let it behave differently when checked (only `cfg(test)` is allowed)",
                    "the same code for every build",
                );
            }
            return;
        }
        if joined == "doc" {
            // `#[doc = include_str!(...)]` is a macro in an attribute.
            if let syn::Meta::NameValue(nv) = &a.meta {
                self.visit_expr(&nv.value);
            }
            return;
        }
        if !policy::ALLOWED_ATTRIBUTES.contains(&joined.as_str()) {
            let why = match joined.as_str() {
                "path" => "loads a module from another file, which the facade stage would not see",
                "cfg_attr" => "changes attributes depending on how the kata is built",
                "link" | "link_name" | "link_section" | "used" => "reaches the linker",
                "no_mangle" | "export_name" | "unsafe" => {
                    "exports a symbol that could replace the checker's"
                }
                "global_allocator" | "panic_handler" => {
                    "replaces part of the runtime the checker relies on"
                }
                _ => "is not one of the attributes a kata may use",
            };
            self.refuse(
                span,
                &format!("#[{joined}]"),
                why,
                "derive, allow, inline, must_use, repr, doc and the like",
            );
        }
    }

    fn visit_item_extern_crate(&mut self, i: &'a syn::ItemExternCrate) {
        self.refuse(
            i.span(),
            &format!("extern crate {}", i.ident),
            "brings in a crate under another name, which the facade stage could not follow",
            "the crates already in scope (std and kata_sync)",
        );
    }

    fn visit_item_foreign_mod(&mut self, i: &'a syn::ItemForeignMod) {
        self.refuse(
            i.span(),
            "extern block",
            "declares foreign functions, which reach outside anything the checker can see",
            "nothing: a kata needs no foreign code",
        );
    }

    fn visit_item_mod(&mut self, i: &'a syn::ItemMod) {
        if i.content.is_none() {
            self.refuse(
                i.span(),
                &format!("mod {};", i.ident),
                "loads a module from another file, which the facade stage would not see",
                "an inline module (`mod name {{ ... }}`) in the same file",
            );
        }
        syn::visit::visit_item_mod(self, i);
    }

    fn visit_expr_unsafe(&mut self, e: &'a syn::ExprUnsafe) {
        self.check_unsafe(e.unsafe_token.span, "unsafe block");
        syn::visit::visit_expr_unsafe(self, e);
    }

    fn visit_signature(&mut self, s: &'a syn::Signature) {
        if let Some(u) = s.unsafety {
            self.check_unsafe(u.span, "unsafe fn");
        }
        if let Some(abi) = &s.abi {
            self.refuse(
                abi.extern_token.span,
                "extern fn",
                "is callable from foreign code under a fixed symbol",
                "a plain fn",
            );
        }
        syn::visit::visit_signature(self, s);
    }

    fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
        if let Some(u) = i.unsafety {
            self.check_unsafe(u.span, "unsafe impl");
        }
        syn::visit::visit_item_impl(self, i);
    }

    fn visit_item_trait(&mut self, i: &'a syn::ItemTrait) {
        if let Some(u) = i.unsafety {
            self.check_unsafe(u.span, "unsafe trait");
        }
        syn::visit::visit_item_trait(self, i);
    }
}

/// The names of the `macro_rules!` a file defines, which it may call.
pub(super) fn local_macros(ast: &syn::File) -> HashSet<String> {
    struct Defs(HashSet<String>);
    impl<'a> Visit<'a> for Defs {
        fn visit_item_macro(&mut self, m: &'a syn::ItemMacro) {
            if m.mac.path.is_ident("macro_rules")
                && let Some(name) = &m.ident
            {
                self.0.insert(name.to_string());
            }
            syn::visit::visit_item_macro(self, m);
        }
    }
    let mut d = Defs(HashSet::new());
    d.visit_file(ast);
    d.0
}
