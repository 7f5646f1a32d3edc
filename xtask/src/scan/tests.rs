//! The facade stage's rules, one test per refused construct, and the
//! constructs a correct answer needs, which must pass.

use super::*;

fn scan_with(src: &str, policy: &Policy) -> Vec<(usize, String)> {
    scan_source(Path::new("lib.rs"), src, policy)
        .into_iter()
        .map(|f| (f.line, f.path))
        .collect()
}

fn paths(src: &str) -> Vec<(usize, String)> {
    scan_with(src, &Policy::default())
}

fn refused(src: &str) -> Vec<String> {
    paths(src).into_iter().map(|(_, p)| p).collect()
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
    assert_eq!(
        refused(src),
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
fn passes_comments_strings_the_facade_and_data_holding_std() {
    let src = r#"
        // std::sync::Mutex would hang loom; std::env::var is refused
        use kata_sync::{Mutex, Condvar, atomic::{AtomicBool, Ordering}, thread, cell::UnsafeCell};
        use std::sync::Arc;
        use std::collections::{HashMap, VecDeque};
        use std::fmt::{self, Debug};
        use std::time::Duration;
        use std::panic::{self, AssertUnwindSafe};
        #[derive(Debug, Clone, Default)]
        #[allow(dead_code)]
        struct S { q: VecDeque<u64>, m: HashMap<String, u64> }
        #[cfg(test)]
        mod tests { #[test] fn t() { assert_eq!(1, 1); } }
        fn f() -> &'static str {
            let r = panic::catch_unwind(AssertUnwindSafe(|| 1));
            if std::thread::panicking() { return "x"; }
            let _ = (r, u64::MAX, std::mem::take(&mut 0u8), format!("{}", 1), vec![1]);
            println!("{:?}", Duration::from_secs(1));
            "std::thread::sleep"
        }
        macro_rules! twice { ($e:expr) => { $e; $e }; }
        fn g() { twice!(f()); }
    "#;
    assert_eq!(paths(src), vec![]);
}

#[test]
fn sees_paths_inside_macros() {
    let src = "fn f() { println!(\"{:?}\", std::thread::sleep(d())); }";
    assert_eq!(paths(src), vec![(1, "std::thread::sleep".to_owned())]);
}

#[test]
fn refuses_the_environment_files_processes_and_the_network() {
    let src = r#"
        use std::env;
        fn f() {
            let _ = env::var("KATA_REPORT");
            let _ = std::fs::OpenOptions::new();
            std::process::exit(0);
            let _ = std::net::TcpStream::connect("x");
            let _ = std::io::stdin();
            let _ = std::os::raw::c_int::default();
        }
    "#;
    let found = refused(src);
    for p in [
        "std::env",
        "std::env::var",
        "std::fs::OpenOptions::new",
        "std::process::exit",
        "std::net::TcpStream::connect",
        "std::io::stdin",
        "std::os::raw::c_int::default",
    ] {
        assert!(found.iter().any(|f| f == p), "{p} not refused in {found:?}");
    }
}

#[test]
fn refuses_file_inclusion_and_build_environment_macros() {
    for (src, what) in [
        (
            "const S: &str = include_str!(\"../tests/functional.rs\");",
            "include_str!",
        ),
        ("const S: &[u8] = include_bytes!(\"x\");", "include_bytes!"),
        ("include!(\"../../solutions/x/src/lib.rs\");", "include!"),
        ("const S: &str = env!(\"CARGO_PKG_NAME\");", "env!"),
        ("const S: Option<&str> = option_env!(\"X\");", "option_env!"),
        ("const S: &str = file!();", "file!"),
        ("fn f() { unsafe { core::arch::asm!(\"nop\") } }", "asm!"),
        ("core::arch::global_asm!(\"\");", "global_asm!"),
        ("#[doc = include_str!(\"x\")] struct S;", "include_str!"),
    ] {
        let found = scan_with(
            src,
            &Policy {
                allow_unsafe: true,
                forbid: vec![],
            },
        );
        assert!(
            found.iter().any(|(_, p)| p == what),
            "{what} not refused in {src}: {found:?}"
        );
    }
}

#[test]
fn refuses_cfg_that_could_tell_a_check_from_a_real_run() {
    for src in [
        "#[cfg(loom)] fn f() {}",
        "#[cfg(not(loom))] fn f() {}",
        "#[cfg(kata_shuttle)] fn f() {}",
        "fn f() -> bool { cfg!(kata_shuttle) }",
        "#[cfg(feature = \"check\")] fn f() {}",
        "#[cfg(debug_assertions)] fn f() {}",
        "#[cfg_attr(loom, allow(dead_code))] fn f() {}",
        "fn f() -> bool { cfg!(loom) }",
        "fn f() -> bool { cfg!(debug_assertions) }",
    ] {
        assert!(!paths(src).is_empty(), "not refused: {src}");
    }
    assert!(paths("#[cfg(test)] mod tests {}").is_empty());
}

#[test]
fn refuses_the_facade_internals_and_the_checker_crates() {
    for src in [
        "fn f() -> bool { kata_sync::__check::SPURIOUS_WAKEUPS }",
        "use kata_sync::hooks;",
        "fn f() { kata_hooks::reset(); }",
        "use kata_test::progress;",
    ] {
        assert!(!paths(src).is_empty(), "not refused: {src}");
    }
}

#[test]
fn refuses_path_modules_extern_blocks_and_exported_symbols() {
    for src in [
        "#[path = \"../../solutions/x/src/lib.rs\"] mod sol;",
        "mod other;",
        "extern \"C\" { fn write(fd: i32); }",
        "unsafe extern \"C\" { fn write(fd: i32); }",
        "#[link(name = \"c\")] unsafe extern \"C\" {}",
        "#[no_mangle] pub fn main() {}",
        "#[unsafe(no_mangle)] pub fn main() {}",
        "#[export_name = \"main\"] pub fn f() {}",
        "#[unsafe(link_section = \".init_array\")] static S: u8 = 0;",
        "#[used] static S: u8 = 0;",
        "extern crate std as s;",
        "pub extern \"C\" fn f() {}",
    ] {
        let found = scan_with(
            src,
            &Policy {
                allow_unsafe: true,
                forbid: vec![],
            },
        );
        assert!(!found.is_empty(), "not refused: {src}");
    }
}

#[test]
fn refuses_macros_that_build_paths_from_arguments() {
    let src = "macro_rules! m { ($x:ident) => { $x::env::var(\"X\") }; }\nmacro_rules! n { ($x:ident) => { std::$x::var(\"X\") }; }";
    assert_eq!(paths(src).len(), 2);
}

#[test]
fn refuses_unknown_macros() {
    assert_eq!(
        refused("fn f() { thread_local!(static X: u8 = 0); }"),
        ["thread_local!"]
    );
}

#[test]
fn unsafe_only_where_the_kata_allows_it() {
    let src = "struct S(kata_sync::cell::UnsafeCell<u8>);\nunsafe impl Sync for S {}\nfn f(s: &S) -> u8 { s.0.with(|p| unsafe { *p }) }\nunsafe fn g() {}\nfn h() { let _ = std::ptr::null::<u8>(); }";
    assert_eq!(paths(src).len(), 4);
    let allowed = Policy {
        allow_unsafe: true,
        forbid: vec![],
    };
    assert_eq!(scan_with(src, &allowed), vec![]);
}

#[test]
fn refuses_ready_made_primitives_a_kata_forbids() {
    let policy = Policy {
        allow_unsafe: true,
        forbid: vec!["Mutex".into(), "Condvar".into()],
    };
    let src = "use kata_sync::Mutex;\nfn f() { let c = kata_sync::Condvar::new(); }\nuse kata_sync::atomic::AtomicBool;";
    let found = scan_with(src, &policy);
    assert_eq!(
        found,
        vec![
            (1, "kata_sync::Mutex".to_owned()),
            (2, "kata_sync::Condvar::new".to_owned())
        ]
    );
    assert_eq!(scan_with("use kata_sync::*;", &policy).len(), 1);
}

#[test]
fn refuses_thread_identity_and_clocks() {
    let found = refused(
        "fn f() { let _ = std::thread::current(); let _ = std::time::Instant::now(); std::panic::set_hook(Box::new(|_| {})); }",
    );
    assert_eq!(
        found,
        [
            "std::thread::current",
            "std::time::Instant::now",
            "std::panic::set_hook"
        ]
    );
}

#[test]
fn refuses_type_names_which_would_reveal_the_suite() {
    assert_eq!(
        refused("fn f<T>() -> &'static str { std::any::type_name::<T>() }"),
        ["std::any::type_name"]
    );
    assert!(refused("fn f(p: Box<dyn std::any::Any + Send>) {}").is_empty());
}

#[test]
fn raw_identifiers_and_leading_colons_do_not_hide_a_path() {
    assert_eq!(
        refused("fn f() { let _ = ::std::r#env::var(\"X\"); }"),
        ["std::env::var"]
    );
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

/// Every reference solution, every stub and every correct alternative uses
/// only what the allowlist lets through; a mutant is refused here only when
/// its header names the facade stage.
#[test]
fn the_shipped_code_passes_the_facade_stage_unless_meant_to_fail_it() {
    let root = crate::paths::root();
    let metas = crate::meta::load().expect("katas.toml loads");
    let mut wrong = Vec::new();
    for m in metas {
        let policy = m.policy();
        let sol = root.join("solutions").join(&m.name);
        let mut files = vec![
            sol.join("src/lib.rs"),
            root.join("katas").join(&m.name).join("src/lib.rs"),
        ];
        for dir in ["alternatives", "mutants"] {
            if let Ok(rd) = std::fs::read_dir(sol.join(dir)) {
                files.extend(rd.flatten().map(|e| e.path()));
            }
        }
        for f in files.into_iter().filter(|f| f.is_file()) {
            let text = std::fs::read_to_string(&f).unwrap();
            let meant = text.contains("//! stage: facade");
            let found = scan_source(&f, &text, &policy);
            if found.is_empty() == meant {
                wrong.push(format!(
                    "{}: {}",
                    f.display(),
                    if meant {
                        "its header names the facade stage, but nothing was refused".to_owned()
                    } else {
                        format!("{found:?}")
                    }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
