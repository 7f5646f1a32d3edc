//! The api stage's compile errors, told apart from the learner's own and
//! from the rest of the suite's, and named by the property their case checks.
//!
//! A suite's `tests/api/main.rs` declares its cases as modules (`mod
//! signatures;`) and calls each from a `#[test]` that checks a `Property`.
//! The cases compile in the threads build, with the other test targets, so
//! the api stage costs no build of its own. When a case does not compile
//! against the learner's API there is no test run to say which property
//! broke, so the property is read from `main.rs`: the `#[test]` that calls
//! `<case>::…` and the `const` it passes to `kata_test::check`.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;

/// Where each compile error of the threads build belongs.
#[derive(Debug, Default)]
pub(super) struct CompileErrors<'a> {
    /// In the learner's file: the build stage fails.
    pub mine: Vec<&'a build::Diagnostic>,
    /// In an api case: the api stage fails, naming the case.
    pub api: Vec<&'a build::Diagnostic>,
    /// Elsewhere in the suite: the API passed its cases but the suite still
    /// does not compile against it (the api stage fails, once).
    pub suite: Vec<&'a build::Diagnostic>,
}

pub(super) fn classify<'a>(
    errors: &'a [build::Diagnostic],
    pkg_dir: &Path,
    subject: &Subject,
) -> CompileErrors<'a> {
    let mut out = CompileErrors::default();
    for d in errors {
        match &d.file {
            Some(f) if pipeline::in_subject(&pkg_dir.join(f), subject) => out.mine.push(d),
            Some(f) if f.starts_with("tests/api") => out.api.push(d),
            _ => out.suite.push(d),
        }
    }
    out
}

/// What one property of `main.rs` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct PropertyText {
    pub name: String,
    pub cause: String,
    pub book: String,
}

/// The property each case (by module name) checks, read from the suite's
/// `tests/api/main.rs`. A case no `#[test]` names gets the file's first
/// property.
pub(super) fn case_properties(main_rs: &str) -> BTreeMap<String, PropertyText> {
    let Ok(file) = syn::parse_file(main_rs) else {
        return BTreeMap::new();
    };
    let mut consts = BTreeMap::new();
    let mut first = None;
    let mut modules = Vec::new();
    let mut tests = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Const(c) => {
                if let Some(p) = property_fields(&c.expr) {
                    first.get_or_insert_with(|| p.clone());
                    consts.insert(c.ident.to_string(), p);
                }
            }
            syn::Item::Mod(m) => modules.push(m.ident.to_string()),
            syn::Item::Fn(f) if f.attrs.iter().any(|a| a.path().is_ident("test")) => {
                tests.push(idents(&f.block));
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for m in modules {
        let named = tests.iter().find_map(|words: &Vec<String>| {
            words.contains(&m).then(|| {
                words
                    .windows(2)
                    .find(|w| w[0] == "check" && consts.contains_key(&w[1]))
                    .and_then(|w| consts.get(&w[1]).cloned())
            })?
        });
        if let Some(p) = named.or_else(|| first.clone()) {
            out.insert(m, p);
        }
    }
    out
}

fn property_fields(expr: &syn::Expr) -> Option<PropertyText> {
    let syn::Expr::Struct(s) = expr else {
        return None;
    };
    if !s.path.is_ident("Property") {
        return None;
    }
    let mut p = PropertyText::default();
    for f in &s.fields {
        let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&f.member, &f.expr) else {
            continue;
        };
        let syn::Lit::Str(text) = &lit.lit else {
            continue;
        };
        match name.to_string().as_str() {
            "name" => p.name = text.value(),
            "cause" => p.cause = text.value(),
            "book" => p.book = text.value(),
            _ => {}
        }
    }
    Some(p)
}

/// Every identifier in a block, in order (`kata_test::check(&API)` gives
/// `kata_test`, `check`, `API`).
fn idents(block: &syn::Block) -> Vec<String> {
    struct Idents(Vec<String>);
    impl<'ast> syn::visit::Visit<'ast> for Idents {
        fn visit_ident(&mut self, i: &'ast syn::Ident) {
            self.0.push(i.to_string());
        }
    }
    let mut v = Idents(Vec::new());
    syn::visit::Visit::visit_block(&mut v, block);
    v.0
}

/// The api stage's failures: one per case that does not compile, named by
/// the property it checks.
/// `is_mine` says whether a file is the learner's, for the line to blame.
pub(super) fn case_failures(
    errors: &[&build::Diagnostic],
    suite_dir: &Path,
    is_mine: impl Fn(&Path) -> bool,
) -> Vec<Failure> {
    let main_rs = std::fs::read_to_string(suite_dir.join("tests/api/main.rs")).unwrap_or_default();
    let properties = case_properties(&main_rs);
    let mut by_case: BTreeMap<String, Vec<&build::Diagnostic>> = BTreeMap::new();
    for d in errors {
        let case = d
            .file
            .as_deref()
            .and_then(Path::file_stem)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        by_case.entry(case).or_default().push(d);
    }
    by_case
        .into_iter()
        .map(|(case, ds)| {
            let p = properties.get(&case).cloned().unwrap_or_default();
            let rendered: Vec<&str> = ds.iter().map(|d| d.rendered.trim_end()).collect();
            Failure {
                title: format!("the api case `{case}` does not compile against this API"),
                property: (!p.name.is_empty()).then(|| p.name.clone()),
                what: format!(
                    "{}\n(the case uses the API exactly as the kata's statement gives it; compare your signatures with the stub's)",
                    rendered.join("\n")
                ),
                at: ds.iter().flat_map(|d| &d.spans).find_map(|(f, l)| {
                    is_mine(f).then(|| format!("{}:{l}", paths::display(f)))
                }),
                cause: (!p.cause.is_empty()).then(|| p.cause.clone()),
                book: Some(if p.book.is_empty() { "api".into() } else { p.book }),
                test: case,
                ..Failure::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: &str = r#"
        use kata_test::Property;
        mod signatures;
        mod send;
        mod not_clone;
        const API: Property = Property { name: "api", cause: "a signature", book: "api" };
        const ONE: Property = Property { name: "one of each", cause: "Clone", book: "spsc-one-of-each" };
        #[test]
        fn public_api() { let _check = kata_test::check(&API); signatures::run(); send::run(); }
        #[test]
        fn one_of_each() { let _check = kata_test::check(&ONE); not_clone::run(); }
    "#;

    #[test]
    fn each_case_is_named_by_the_property_of_the_test_that_runs_it() {
        let p = case_properties(MAIN);
        assert_eq!(p["signatures"].name, "api");
        assert_eq!(p["send"].name, "api");
        assert_eq!(p["not_clone"].name, "one of each");
        assert_eq!(p["not_clone"].book, "spsc-one-of-each");
    }

    #[test]
    fn every_suite_names_a_property_for_every_api_case() {
        for suite in std::fs::read_dir(paths::root().join("solutions")).expect("solutions") {
            let main_rs = suite.expect("entry").path().join("tests/api/main.rs");
            let text = std::fs::read_to_string(&main_rs).expect("every suite has an api stage");
            let p = case_properties(&text);
            assert!(!p.is_empty(), "{}: no case found", main_rs.display());
            assert!(
                p.values().all(|p| !p.name.is_empty() && !p.book.is_empty()),
                "{}: {p:?}",
                main_rs.display()
            );
        }
    }
}
