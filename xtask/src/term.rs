//! Output: colour on a terminal, plain when piped or when NO_COLOR is set.

use std::io::IsTerminal;

pub struct Out {
    pub quiet: bool,
    pub verbose: bool,
    color: bool,
}

impl Out {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        let color = std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Out {
            quiet,
            verbose,
            color,
        }
    }

    /// Plain output whatever the terminal, for tests.
    #[cfg(test)]
    pub fn plain() -> Self {
        Out {
            quiet: false,
            verbose: false,
            color: false,
        }
    }

    pub fn color(&self) -> bool {
        self.color
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    /// A progress line, dropped with --quiet.
    pub fn status(&self, s: &str) {
        if !self.quiet {
            println!("{s}");
        }
    }
}
