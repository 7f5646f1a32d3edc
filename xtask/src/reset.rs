//! `cargo xtask reset <kata>`: restore the stub, keeping a backup of the
//! learner's files first. It never loses work: every file it would change is
//! copied to `.kata-progress/backups/` and the copy's path is printed.

use std::path::PathBuf;

use crate::term::Out;
use crate::{Code, kata, paths, progress};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to reset.
    pub kata: String,
}

/// The kata's files as shipped: the pristine stub (kept with the solution,
/// so a learner who commits their work still resets to the real stub) and
/// the generated manifest.
fn pristine(k: &kata::Kata) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let stub = std::fs::read(k.pristine_stub())
        .map_err(|e| format!("{}: {e}", paths::display(&k.pristine_stub())))?;
    Ok(vec![
        (k.stub_dir.join("src").join("lib.rs"), stub),
        (
            k.stub_dir.join("Cargo.toml"),
            kata::stub_manifest(&k.name).into_bytes(),
        ),
    ])
}

pub fn run(args: &Args, out: &Out) -> Code {
    let k = match kata::find(&args.kata) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Usage;
        }
    };
    let files = match pristine(&k) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Internal;
        }
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let backup_dir = progress::dir()
        .join("backups")
        .join(format!("{}-{stamp}", k.name));
    let changed = match restore(&k, &files, &backup_dir) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Internal;
        }
    };
    if changed == 0 {
        println!("{} is already the stub; nothing to do.", k.name);
    } else {
        println!(
            "{} {} restored to the stub ({changed} file{}).",
            out.green("reset:"),
            k.name,
            if changed == 1 { "" } else { "s" }
        );
        progress::update(&k.name, |s| s.status = progress::Status::NotStarted);
    }
    Code::Ok
}

/// Writes each pristine file over the learner's, after copying the learner's
/// version into `backup_dir`; returns how many files changed. A file that
/// cannot be backed up is not overwritten.
fn restore(
    k: &kata::Kata,
    files: &[(PathBuf, Vec<u8>)],
    backup_dir: &std::path::Path,
) -> Result<usize, String> {
    let mut changed = 0;
    for (path, stub) in files {
        let current = std::fs::read(path).ok();
        if current.as_deref() == Some(stub.as_slice()) {
            continue;
        }
        if let Some(current) = current {
            let rel = path.strip_prefix(&k.stub_dir).unwrap_or(path);
            let backup = backup_dir.join(rel);
            backup
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&backup, &current))
                .map_err(|e| {
                    format!(
                        "could not back up {} to {}: {e}; nothing more was reset",
                        paths::display(path),
                        backup.display()
                    )
                })?;
            println!(
                "saved {} to {}",
                paths::display(path),
                paths::display(&backup)
            );
        }
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, stub))
            .map_err(|e| format!("could not restore {}: {e}", paths::display(path)))?;
        changed += 1;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The learner committed their work: reset still restores the stub as
    /// shipped (not `HEAD`), and keeps their file in the backup.
    #[test]
    fn reset_restores_the_shipped_stub_and_backs_up_the_learners_file() {
        let real = kata::find("foobar").expect("foobar exists");
        let tmp = std::env::temp_dir().join(format!("xtask-reset-{}", std::process::id()));
        let k = kata::Kata {
            stub_dir: tmp.join("katas/foobar"),
            ..real.clone()
        };
        let lib = k.stub_dir.join("src/lib.rs");
        std::fs::create_dir_all(lib.parent().unwrap()).unwrap();
        std::fs::write(&lib, "// my committed answer\n").unwrap();
        let backups = tmp.join("backups");
        let n = restore(&k, &pristine(&k).unwrap(), &backups).unwrap();
        assert_eq!(n, 2, "the stub and the manifest are written");
        assert_eq!(
            std::fs::read(&lib).unwrap(),
            std::fs::read(real.pristine_stub()).unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(backups.join("src/lib.rs")).unwrap(),
            "// my committed answer\n"
        );
        // A second reset finds nothing to do and backs nothing up.
        assert_eq!(restore(&k, &pristine(&k).unwrap(), &backups).unwrap(), 0);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
