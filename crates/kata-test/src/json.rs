//! Just enough JSON writing for the report lines; the runner parses them.

use std::fmt::Write;

/// Builds one JSON object, field by field.
pub(crate) struct Object(String);

impl Object {
    pub(crate) fn new() -> Self {
        Object(String::from("{"))
    }

    pub(crate) fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        quote(&mut self.0, value);
        self
    }

    pub(crate) fn opt(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub(crate) fn num(mut self, key: &str, value: u64) -> Self {
        self.key(key);
        let _ = write!(self.0, "{value}");
        self
    }

    pub(crate) fn list(mut self, key: &str, values: &[String]) -> Self {
        self.key(key);
        self.0.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            quote(&mut self.0, v);
        }
        self.0.push(']');
        self
    }

    /// A list of rows, each a list of strings.
    pub(crate) fn rows(mut self, key: &str, rows: &[Vec<String>]) -> Self {
        self.key(key);
        self.0.push('[');
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            self.0.push('[');
            for (j, v) in row.iter().enumerate() {
                if j > 0 {
                    self.0.push(',');
                }
                quote(&mut self.0, v);
            }
            self.0.push(']');
        }
        self.0.push(']');
        self
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, key);
        self.0.push(':');
    }

    pub(crate) fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_control_characters() {
        let line = Object::new()
            .str("m", "a \"b\"\\\n\u{1}")
            .num("n", 7)
            .list("l", &["x".into(), "y\"".into()])
            .rows("r", &[vec!["a".into(), "b".into()], vec![]])
            .finish();
        assert_eq!(
            line,
            r#"{"m":"a \"b\"\\\n\u0001","n":7,"l":["x","y\""],"r":[["a","b"],[]]}"#
        );
    }
}
