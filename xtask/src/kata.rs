//! Which katas exist, and what a check is pointed at.

use std::path::{Path, PathBuf};

/// A kata: its stub under `katas/`, its reference solution and hidden suite
/// under `solutions/`.
#[derive(Clone, Debug)]
pub struct Kata {
    pub name: String,
    /// The library name the suite imports (`bounded_blocking_queue`).
    pub lib_name: String,
    pub stub_dir: PathBuf,
    pub solution_dir: PathBuf,
}

impl Kata {
    pub fn mutants_dir(&self) -> PathBuf {
        self.solution_dir.join("mutants")
    }
}

/// Every kata, in the order `katas.toml` recommends; any kata it does not
/// list follows, by name (the metadata guard test reports those).
pub fn all() -> Vec<Kata> {
    let order: Vec<String> = crate::meta::load()
        .map(|m| m.into_iter().map(|m| m.name).collect())
        .unwrap_or_default();
    let mut katas: Vec<Kata> = std::fs::read_dir(crate::paths::solutions())
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .filter_map(|e| load(&e.file_name().to_string_lossy()).ok())
        .collect();
    katas.sort_by_key(|k| {
        (
            order
                .iter()
                .position(|n| n == &k.name)
                .unwrap_or(usize::MAX),
            k.name.clone(),
        )
    });
    katas
}

/// Looks a kata up by name, with a suggestion when the name is close.
pub fn find(name: &str) -> Result<Kata, String> {
    if let Ok(k) = load(name) {
        return Ok(k);
    }
    let names: Vec<String> = all().into_iter().map(|k| k.name).collect();
    let close = names
        .iter()
        .find(|n| n.contains(name) || name.contains(n.as_str()));
    let mut msg = format!("there is no kata named `{name}`");
    if let Some(c) = close {
        msg.push_str(&format!("; did you mean `{c}`?"));
    }
    msg.push_str(&format!("\nkatas: {}", names.join(", ")));
    Err(msg)
}

fn load(name: &str) -> Result<Kata, String> {
    let solution_dir = crate::paths::solutions().join(name);
    let manifest = solution_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    let doc: toml::Table = text
        .parse()
        .map_err(|e| format!("{}: {e}", manifest.display()))?;
    let lib_name = doc
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| name.replace('-', "_"));
    Ok(Kata {
        name: name.to_owned(),
        lib_name,
        stub_dir: crate::paths::katas().join(name),
        solution_dir,
    })
}

/// What a check runs the suite against.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The library root file.
    pub lib: PathBuf,
    /// Files and folders whose frames count as "the learner's line".
    pub impl_dir: PathBuf,
    /// The Rust files the facade scan reads.
    pub sources: Vec<PathBuf>,
    /// Unique among subjects of one kata; names the generated package.
    pub slug: String,
}

impl Subject {
    pub fn kata(k: &Kata) -> Self {
        Self::crate_src(&k.stub_dir, format!("kata-{}", k.name))
    }

    pub fn solution(k: &Kata) -> Self {
        Self::crate_src(&k.solution_dir, format!("solution-{}", k.name))
    }

    fn crate_src(dir: &Path, slug: String) -> Self {
        let src = dir.join("src");
        Subject {
            lib: src.join("lib.rs"),
            sources: rust_files(&src),
            impl_dir: src,
            slug,
        }
    }

    /// A single file checked in place of the kata (`--impl`, and mutants).
    pub fn file(k: &Kata, file: &Path) -> Result<Self, String> {
        let file = std::fs::canonicalize(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if !file.is_file() {
            return Err(format!("{} is not a file", file.display()));
        }
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().replace('_', "-"))
            .unwrap_or_default();
        // Named by the file alone, not by why it is checked: `cargo xtask
        // test` checks each mutant as a mutant, and `book --check` checks the
        // quoted ones again as a learner would (`--impl`); one name lets the
        // second reuse the first's build.
        let slug = format!("file-{}-{stem}-{:08x}", k.name, short_hash(&file));
        Ok(Subject {
            lib: file.clone(),
            impl_dir: file.clone(),
            sources: vec![file],
            slug,
        })
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A stable (FNV-1a) hash of a path, to keep generated folder names short.
fn short_hash(p: &Path) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in p.as_os_str().as_encoded_bytes() {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

impl Kata {
    /// The stub as shipped with the project: `reset` restores it, and
    /// `cargo xtask test` checks it, whatever the learner has done to theirs.
    pub fn pristine_stub(&self) -> PathBuf {
        self.solution_dir.join("stub.rs")
    }
}

/// The manifest of a learner's kata package. The same for every kata but the
/// names, so it is generated rather than kept twice.
pub fn stub_manifest(name: &str) -> String {
    let lib = format!("{}_kata", name.replace('-', "_"));
    format!(
        r#"# Generated by `cargo xtask reset`; the same for every kata but the names.
[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
rust-version = "1.95"
license = "MIT OR Apache-2.0"
publish = false

# A package of its own, outside the maintainers' workspace: your kata can be
# half-written and nothing else breaks. rust-analyzer works here as usual.
[workspace]

# The reference solution owns the plain library name; this one differs so
# the two can be built side by side (`cargo xtask compare`).
[lib]
name = "{lib}"

# Import every synchronisation primitive from `kata_sync`: `cargo xtask
# check` runs this same file under loom, which sees only the facade.
[dependencies]
kata-sync = {{ path = "../../crates/kata-sync" }}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guards the layout: every kata has a stub that marks what to fill in,
    /// and `katas/` holds nothing but what the learner edits.
    #[test]
    fn every_kata_has_a_stub_with_todos_and_no_spoilers() {
        for k in all() {
            let lib = k.pristine_stub();
            let text = std::fs::read_to_string(&lib)
                .unwrap_or_else(|e| panic!("{}: {e}: add the stub", lib.display()));
            assert!(
                text.contains("// TODO:"),
                "{}: a stub must mark each place to edit with `// TODO:`",
                lib.display()
            );
            // The learner's folder may not exist yet, or hold a build.
            for entry in std::fs::read_dir(&k.stub_dir)
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                assert!(
                    ["Cargo.toml", "Cargo.lock", "src", "target"].contains(&name.as_str()),
                    "{}: `{name}` does not belong in katas/ (hidden tests and mutants live under solutions/)",
                    k.stub_dir.display()
                );
            }
        }
    }
}
