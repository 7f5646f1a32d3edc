//! `cargo xtask list`: every kata in order, with its status.

use crate::progress::Status;
use crate::term::Out;
use crate::{Code, kata, meta, progress};

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: &Args, out: &Out) -> Code {
    let metas = meta::load().unwrap_or_default();
    let states = progress::load();
    let katas = kata::all();
    let width = katas.iter().map(|k| k.name.len()).max().unwrap_or(4).max(4);
    println!(
        "{}",
        out.bold(&format!(
            "  #  {:<width$}  {:<10}  {:<22}  chapter",
            "kata", "difficulty", "status"
        ))
    );
    let mut passed = 0;
    for (i, k) in katas.iter().enumerate() {
        let m = metas.iter().find(|m| m.name == k.name);
        let status = states
            .get(&k.name)
            .map(|s| s.status.clone())
            .unwrap_or_default();
        let text = format!("{:<22}", status.text());
        let painted = match status {
            Status::Passed => {
                passed += 1;
                out.green(&text)
            }
            s if s.is_failing() => out.red(&text),
            _ => out.dim(&text),
        };
        println!(
            "  {:>2} {:<width$}  {:<10}  {painted}  book/src/{}",
            i + 1,
            k.name,
            m.map_or("?", |m| m.difficulty.name()),
            m.map_or("?", |m| m.chapter.as_str()),
        );
    }
    let total = katas.len().max(1);
    let bar_width = 30;
    let filled = passed * bar_width / total;
    println!(
        "\n  [{}{}] {passed}/{} passed",
        out.green(&"#".repeat(filled)),
        "-".repeat(bar_width - filled),
        katas.len()
    );
    if let Some(next) = katas
        .iter()
        .find(|k| states.get(&k.name).map(|s| &s.status) != Some(&Status::Passed))
    {
        println!("  next: cargo xtask check {}", next.name);
    }
    Code::Ok
}
