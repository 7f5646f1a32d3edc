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

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KataState {
    /// `not started`, `unfinished`, `failing at <stage>`, or `passed`.
    pub status: Option<String>,
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
                    status: s["status"].as_str().map(str::to_owned),
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
                json!({ "status": s.status, "hints_shown": s.hints_shown }),
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
