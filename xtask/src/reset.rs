//! `cargo xtask reset <kata>`: restore the stub, keeping a backup of the
//! learner's files first. It never loses work: every file it would change is
//! copied to `.kata-progress/backups/` and the copy's path is printed.

use std::path::PathBuf;
use std::process::Command;

use crate::term::Out;
use crate::{Code, kata, paths, progress};

#[derive(clap::Args)]
pub struct Args {
    /// The kata to reset.
    pub kata: String,
}

/// The files git tracks under `katas/<kata>/`, and their committed content.
fn pristine(kata: &str) -> Result<Vec<(PathBuf, Vec<u8>)>, String> {
    let rel = format!("katas/{kata}");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(paths::root())
            .output()
            .map_err(|e| format!("could not run git ({e}); reset needs the project's git history"))
    };
    let listed = git(&["ls-files", "-z", "--", &rel])?;
    if !listed.status.success() {
        return Err(String::from_utf8_lossy(&listed.stderr).into_owned());
    }
    let mut out = Vec::new();
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let shown = git(&["show", &format!("HEAD:{name}")])?;
        if !shown.status.success() {
            return Err(String::from_utf8_lossy(&shown.stderr).into_owned());
        }
        out.push((paths::root().join(&name), shown.stdout));
    }
    if out.is_empty() {
        return Err(format!("git tracks no files under {rel}"));
    }
    Ok(out)
}

pub fn run(args: &Args, out: &Out) -> Code {
    let k = match kata::find(&args.kata) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return Code::Usage;
        }
    };
    let files = match pristine(&k.name) {
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
    let mut changed = 0;
    for (path, stub) in &files {
        let current = std::fs::read(path).ok();
        if current.as_deref() == Some(stub.as_slice()) {
            continue;
        }
        if let Some(current) = current {
            let rel = path.strip_prefix(&k.stub_dir).unwrap_or(path);
            let backup = backup_dir.join(rel);
            let saved = backup
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&backup, &current));
            if let Err(e) = saved {
                // No backup, no reset: the learner's file stays as it is.
                eprintln!(
                    "error: could not back up {} to {}: {e}; nothing was reset",
                    paths::display(path),
                    backup.display()
                );
                return Code::Internal;
            }
            println!(
                "saved {} to {}",
                paths::display(path),
                paths::display(&backup)
            );
        }
        if let Err(e) = std::fs::write(path, stub) {
            eprintln!("error: could not restore {}: {e}", paths::display(path));
            return Code::Internal;
        }
        changed += 1;
    }
    if changed == 0 {
        println!("{} is already the stub; nothing to do.", k.name);
    } else {
        println!(
            "{} {} restored to the stub ({changed} file{}).",
            out.green("reset:"),
            k.name,
            if changed == 1 { "" } else { "s" }
        );
        progress::update(&k.name, |s| s.status = Some("not started".into()));
    }
    Code::Ok
}
