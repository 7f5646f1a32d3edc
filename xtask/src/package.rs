//! The generated package that runs a suite against one subject.
//!
//! `check` never builds inside `katas/`. It writes a small package under
//! `target/kata-check/packages/<slug>/` whose library is the subject's file
//! (by absolute path) under the suite's library name, and whose `tests/` is a
//! link to the hidden suite. The same suite files therefore run unchanged
//! against the kata, the reference solution, a mutant or any file. Each
//! subject gets its own package, so cargo keeps every subject's artifacts
//! side by side in the shared target folder and switching between them costs
//! no rebuild.

use std::path::PathBuf;

use crate::kata::{Kata, Subject};
use crate::paths;

pub struct Package {
    pub dir: PathBuf,
    pub manifest: PathBuf,
}

/// Writes (or refreshes) the package for `subject`. Files are rewritten only
/// when their content changes, so cargo's fingerprints stay valid.
pub fn generate(kata: &Kata, subject: &Subject) -> Result<Package, String> {
    let dir = paths::check_dir().join("packages").join(&subject.slug);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    let manifest = dir.join("Cargo.toml");
    let manifest_text = manifest_text(kata, subject)?;
    write_if_changed(&manifest, &manifest_text)?;

    // The lockfile pins the same versions the workspace uses (and needs no
    // registry lookup). Cargo prunes what this package does not use and
    // writes the lockfile back; that happens here, once per change of the
    // workspace's lockfile or this manifest, because the threads and loom
    // builds then start together and must not both rewrite it.
    let lock = std::fs::read_to_string(paths::root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let seed = dir.join("Cargo.lock.seed");
    let key = format!("{manifest_text}\n{lock}");
    if std::fs::read_to_string(&seed).ok().as_deref() != Some(key.as_str()) {
        std::fs::write(dir.join("Cargo.lock"), &lock).map_err(|e| format!("Cargo.lock: {e}"))?;
        let pruned = paths::cargo()
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--manifest-path",
            ])
            .arg(&manifest)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        // Offline fails only if something is not downloaded yet; then the
        // first build fetches it (and writes the lockfile) on its own.
        if pruned {
            write_if_changed(&seed, &key)?;
        }
    }

    let tests = dir.join("tests");
    let suite = kata.solution_dir.join("tests");
    if std::fs::read_link(&tests).ok().as_ref() != Some(&suite) {
        let _ = std::fs::remove_file(&tests);
        std::os::unix::fs::symlink(&suite, &tests)
            .map_err(|e| format!("linking {}: {e}", tests.display()))?;
    }
    Ok(Package { dir, manifest })
}

fn write_if_changed(path: &std::path::Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The manifest: the subject as the library, the suite's dev-dependencies
/// with `workspace = true` resolved against the root manifest, and the
/// root's profiles.
fn manifest_text(kata: &Kata, subject: &Subject) -> Result<String, String> {
    let root_text = std::fs::read_to_string(paths::root().join("Cargo.toml"))
        .map_err(|e| format!("Cargo.toml: {e}"))?;
    let root: toml::Table = root_text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    let sol_path = kata.solution_dir.join("Cargo.toml");
    let sol: toml::Table = std::fs::read_to_string(&sol_path)
        .map_err(|e| format!("{}: {e}", sol_path.display()))?
        .parse()
        .map_err(|e| format!("{}: {e}", sol_path.display()))?;
    let ws_deps = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();

    let resolve = |table: Option<&toml::Value>| -> Result<toml::Table, String> {
        let mut out = toml::Table::new();
        for (name, spec) in table.and_then(|t| t.as_table()).into_iter().flatten() {
            let mut spec = spec.clone();
            if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                let mut base = ws_deps
                    .get(name)
                    .cloned()
                    .ok_or_else(|| format!("{name} is not in [workspace.dependencies]"))?;
                if let (Some(b), Some(s)) = (base.as_table_mut(), spec.as_table()) {
                    for (k, v) in s {
                        if k != "workspace" {
                            b.insert(k.clone(), v.clone());
                        }
                    }
                }
                spec = base;
            }
            if let Some(t) = spec.as_table_mut()
                && let Some(p) = t.get("path").and_then(|p| p.as_str())
            {
                let abs = paths::root().join(p);
                t.insert("path".into(), abs.display().to_string().into());
            }
            out.insert(name.clone(), spec);
        }
        Ok(out)
    };

    let mut doc = toml::Table::new();
    let mut package = toml::Table::new();
    package.insert("name".into(), format!("check-{}", subject.slug).into());
    package.insert("version".into(), "0.0.0".into());
    package.insert("edition".into(), "2024".into());
    package.insert("publish".into(), false.into());
    package.insert("autobins".into(), false.into());
    package.insert("autoexamples".into(), false.into());
    package.insert("autobenches".into(), false.into());
    doc.insert("package".into(), package.into());

    let mut lib = toml::Table::new();
    lib.insert("name".into(), kata.lib_name.clone().into());
    lib.insert("path".into(), subject.lib.display().to_string().into());
    // The subject has no tests of its own to run; skipping them halves the
    // compile work for its file.
    lib.insert("test".into(), false.into());
    lib.insert("doctest".into(), false.into());
    doc.insert("lib".into(), lib.into());

    doc.insert(
        "dependencies".into(),
        resolve(sol.get("dependencies"))?.into(),
    );
    doc.insert(
        "dev-dependencies".into(),
        resolve(sol.get("dev-dependencies"))?.into(),
    );
    // Its own workspace: the folder sits below the real workspace's root.
    doc.insert("workspace".into(), toml::Table::new().into());
    let mut profile = root
        .get("profile")
        .cloned()
        .unwrap_or_else(|| toml::Table::new().into());
    // The loom build is in release mode, where cargo compiles from scratch
    // by default. This package is recompiled on every check, mostly
    // unchanged: incremental compilation makes its loom build about four
    // times faster. Only this package; the dependencies are built once.
    let incremental: toml::Table = format!("package.check-{}.incremental = true", subject.slug)
        .parse()
        .map_err(|e| format!("profile: {e}"))?;
    if let Some(p) = profile.as_table_mut() {
        let release = p
            .entry("release")
            .or_insert_with(|| toml::Table::new().into());
        if let Some(r) = release.as_table_mut() {
            r.extend(incremental);
        }
    }
    doc.insert("profile".into(), profile);
    let lints: toml::Table = r#"rust.unexpected_cfgs = { level = "allow" }"#
        .parse()
        .expect("static TOML");
    doc.insert("lints".into(), lints.into());

    let header = format!(
        "# Generated by `cargo xtask check` for {} ({}); rewritten on every check.\n",
        kata.name,
        paths::display(&subject.lib)
    );
    Ok(header + &toml::to_string(&doc).map_err(|e| e.to_string())?)
}
