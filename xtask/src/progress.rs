//! The learner's progress, kept between runs in `.kata-progress/` (ignored by
//! git): each kata's last check status and how many hints were shown.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use crate::paths;

pub fn dir() -> PathBuf {
    match std::env::var_os("KATA_PROGRESS_DIR") {
        Some(d) => PathBuf::from(d),
        None => paths::root().join(".kata-progress"),
    }
}

fn file() -> PathBuf {
    dir().join("state.json")
}

/// Where a kata stands after its last check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Status {
    /// Never checked, or every function is still `todo!()`.
    #[default]
    NotStarted,
    /// Some `todo!()` are left.
    Unfinished,
    /// The last check failed this stage (its name).
    FailingAt(String),
    Passed,
}

impl Status {
    /// As `state.json` keeps it, and as `list` shows it.
    pub fn text(&self) -> String {
        match self {
            Status::NotStarted => "not started".into(),
            Status::Unfinished => "unfinished".into(),
            Status::FailingAt(stage) => format!("failing at {stage}"),
            Status::Passed => "passed".into(),
        }
    }

    /// Reads [`Status::text`] back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "not started" => Some(Status::NotStarted),
            "unfinished" => Some(Status::Unfinished),
            "passed" => Some(Status::Passed),
            _ => s
                .strip_prefix("failing at ")
                .map(|stage| Status::FailingAt(stage.to_owned())),
        }
    }

    pub fn is_failing(&self) -> bool {
        matches!(self, Status::Unfinished | Status::FailingAt(_))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KataState {
    pub status: Status,
    pub hints_shown: usize,
}

pub fn load() -> BTreeMap<String, KataState> {
    let Ok(text) = std::fs::read_to_string(file()) else {
        return BTreeMap::new();
    };
    let Ok(v) = serde_json::from_str::<Value>(&text) else {
        return BTreeMap::new();
    };
    v["katas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, s)| {
            (
                k.clone(),
                KataState {
                    status: s["status"]
                        .as_str()
                        .and_then(Status::parse)
                        .unwrap_or_default(),
                    hints_shown: s["hints_shown"].as_u64().unwrap_or(0) as usize,
                },
            )
        })
        .collect()
}

fn save(states: &BTreeMap<String, KataState>) {
    let katas: serde_json::Map<String, Value> = states
        .iter()
        .map(|(k, s)| {
            (
                k.clone(),
                json!({ "status": s.status.text(), "hints_shown": s.hints_shown }),
            )
        })
        .collect();
    let _ = std::fs::create_dir_all(dir());
    // Write then rename, so an interrupted write never leaves half a file.
    let tmp = file().with_extension("json.tmp");
    let text = serde_json::to_string_pretty(&json!({ "katas": katas })).unwrap_or_default();
    if std::fs::write(&tmp, text).is_ok() {
        let _ = std::fs::rename(&tmp, file());
    }
}

pub fn update(kata: &str, change: impl FnOnce(&mut KataState)) {
    let mut states = load();
    change(states.entry(kata.to_owned()).or_default());
    save(&states);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_reads_back_as_it_was_written() {
        for s in [
            Status::NotStarted,
            Status::Unfinished,
            Status::FailingAt("model".into()),
            Status::Passed,
        ] {
            assert_eq!(Status::parse(&s.text()), Some(s));
        }
        assert_eq!(Status::parse("vibes"), None);
    }
}
