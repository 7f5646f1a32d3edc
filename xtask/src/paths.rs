//! Where things are. The project root is computed here and nowhere else.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The workspace root: the nearest folder, from the current one up, that
/// holds both `katas.toml` and `xtask/`; failing that, the parent of this
/// crate's folder as it was when xtask was built.
///
/// The search comes first because cargo does not rebuild xtask when the
/// whole checkout moves (its fingerprints are relative to the workspace),
/// and the compile-time path would then point at the old place.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let is_root = |d: &Path| d.join("katas.toml").is_file() && d.join("xtask").is_dir();
        std::env::current_dir()
            .ok()
            .and_then(|cwd| cwd.ancestors().find(|d| is_root(d)).map(Path::to_path_buf))
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .parent()
                    .expect("xtask lives one level below the workspace root")
                    .to_path_buf()
            })
    })
}

pub fn katas() -> PathBuf {
    root().join("katas")
}

pub fn solutions() -> PathBuf {
    root().join("solutions")
}

/// Everything `check` generates lives below here, never in `katas/`.
pub fn check_dir() -> PathBuf {
    target_dir().join("kata-check")
}

/// The workspace's target folder, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// `path` relative to the root when it is inside it, for messages.
pub fn display(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The cargo that runs us (`CARGO`), so a pinned toolchain is respected.
pub fn cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    std::process::Command::new(cargo)
}
