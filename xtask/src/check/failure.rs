//! Failures that the facade scan and the compiler report.

use super::*;

pub(super) fn facade_failure(f: &scan::Finding) -> Failure {
    let at = Some(format!(
        "{}:{}:{}",
        paths::display(&f.file),
        f.line,
        f.column
    ));
    match &f.kind {
        scan::Kind::Invisible { instead } => Failure {
            title: format!("`{}` is not from kata_sync", f.path),
            property: Some("kata code takes every synchronisation primitive from kata_sync".into()),
            what: format!(
                "loom, which runs the model stage, cannot see `{}`: a thread blocked on it would hang the model checker",
                f.path
            ),
            at,
            cause: Some(format!("use {instead} instead")),
            book: Some("facade".into()),
            ..Failure::default()
        },
        scan::Kind::Outside { why, instead } => Failure {
            title: format!("`{}` is outside what a kata may use", f.path),
            property: Some(
                "kata code uses only kata_sync and the parts of std that hold data".into(),
            ),
            what: format!(
                "`{}` {why}. The kata runs in the same process as the hidden tests, so the checker can trust a run only if the code under test cannot reach anything else",
                f.path
            ),
            at,
            cause: Some(format!("use {instead} instead")),
            book: Some("allowlist".into()),
            ..Failure::default()
        },
        scan::Kind::ReadyMade => Failure {
            title: format!("`{}` is the primitive this kata asks you to build", f.path),
            property: Some("the kata builds its primitive from atomics (and, where the statement allows, the facade's other primitives)".into()),
            what: format!(
                "`{}` is on this kata's `forbid` list in katas.toml: using the ready-made one would skip the exercise",
                f.path
            ),
            at,
            cause: Some("build it from kata_sync::atomic and kata_sync::cell::UnsafeCell".into()),
            book: Some("facade".into()),
            ..Failure::default()
        },
    }
}

pub(super) fn compile_failure(d: &build::Diagnostic) -> Failure {
    Failure {
        title: format!("error: {}", d.message),
        what: d.rendered.trim_end().to_owned(),
        at: d
            .at
            .as_deref()
            .map(|a| paths::display(std::path::Path::new(a))),
        ..Failure::default()
    }
}

pub(super) fn suite_compile_failure(errors: &[&build::Diagnostic]) -> Failure {
    let first = errors
        .first()
        .map(|d| d.message.clone())
        .unwrap_or_default();
    Failure {
        title: "the hidden suite does not compile against this API".into(),
        property: Some("the public API matches the kata's statement".into()),
        what: format!(
            "{first}\n(the suite calls the API exactly as the kata's statement gives it; compare your signatures with the stub's)"
        ),
        cause: Some("a signature, a bound or a type differs from the stub".into()),
        book: Some("api".into()),
        ..Failure::default()
    }
}
