//! Colour: whether output is coloured is decided once, at the edge
//! ([`Paint::decide`], from `--color`, `CLICOLOR_FORCE`, `NO_COLOR`,
//! `CLICOLOR` and whether standard output is a terminal), and the decision is
//! passed down as a [`Paint`] value to everything that prints. Nothing below
//! the edge looks at the environment or the terminal.
//!
//! The escape codes come from the `colored` crate. `colored` also consults a
//! process-wide switch when it renders; [`Paint::decide`] sets that switch
//! once, from the same decision, and a `Paint` that is off never reaches
//! `colored` at all, so the value passed down is what decides. Widths are
//! always measured on the plain text: pad first, then paint.

use colored::{ColoredString, Colorize};

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it on).
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Whether to colour, decided once and passed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paint {
    on: bool,
}

/// What a piece of text means, and so its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Headings and column names.
    Heading,
    /// Identifiers (scenario ids, resource ids).
    Id,
    /// Good news: ok, healed, an easy scenario.
    Good,
    /// A warning or middling value: a decoy, a medium scenario.
    Warn,
    /// Bad news: FAIL, not healed, a fault, a penalty, a hard scenario.
    Bad,
    /// Secondary text: hints, dim remarks.
    Dim,
    /// The REPL's prompt.
    Prompt,
    /// JSON object keys.
    JsonKey,
    /// JSON strings.
    JsonString,
    /// JSON numbers.
    JsonNumber,
    /// JSON `true`, `false`, `null`.
    JsonLiteral,
}

impl Paint {
    /// Colour on or off, as given (tests, and callers that decided already).
    pub const fn new(on: bool) -> Paint {
        Paint { on }
    }

    /// Plain text.
    pub const fn plain() -> Paint {
        Paint { on: false }
    }

    /// The one decision: `--color always|never` wins; under `auto`,
    /// `CLICOLOR_FORCE` (set, not `0`) turns colour on, then `NO_COLOR` (set,
    /// not empty) or `CLICOLOR=0` turns it off, else colour is on when
    /// `is_terminal` (standard output is a terminal) and `TERM` is not `dumb`.
    /// Sets `colored`'s process-wide switch to the same answer; call it once, at the edge.
    pub fn decide(choice: ColorChoice, is_terminal: bool) -> Paint {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        let on = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
                    true
                } else if var("NO_COLOR").is_some() || var("CLICOLOR").is_some_and(|v| v == "0") {
                    false
                } else {
                    is_terminal && var("TERM").is_none_or(|t| t != "dumb")
                }
            }
        };
        colored::control::set_override(on);
        Paint { on }
    }

    /// Whether colour is on.
    pub fn is_on(self) -> bool {
        self.on
    }

    /// `text` in the colour of `role` (unchanged when colour is off).
    pub fn paint(self, role: Role, text: &str) -> String {
        if !self.on || text.is_empty() {
            return text.to_string();
        }
        let c: ColoredString = match role {
            Role::Heading => text.bold(),
            Role::Id => text.cyan(),
            Role::Good => text.green(),
            Role::Warn => text.yellow(),
            Role::Bad => text.red(),
            Role::Dim => text.dimmed(),
            Role::Prompt => text.cyan().bold(),
            Role::JsonKey => text.blue(),
            Role::JsonString => text.green(),
            Role::JsonNumber => text.cyan(),
            Role::JsonLiteral => text.yellow(),
        };
        c.to_string()
    }

    /// A scenario's difficulty (1-5) as five stars, coloured by how hard it is.
    pub fn difficulty(self, d: u8) -> String {
        let d = usize::from(d.min(5));
        let stars = format!("{}{}", "*".repeat(d), ".".repeat(5 - d));
        let role = match d {
            0..=2 => Role::Good,
            3 => Role::Warn,
            _ => Role::Bad,
        };
        self.paint(role, &stars)
    }

    /// JSON output coloured for a terminal: keys, strings, numbers, literals.
    /// Text that is not a JSON document comes back as it is.
    pub fn json(self, text: &str) -> String {
        let t = text.trim_start();
        if !self.on || !(t.starts_with('{') || t.starts_with('[')) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() * 2);
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '"' {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i = (i + 1).min(chars.len());
                let s: String = chars[start..i].iter().collect();
                let is_key = chars[i..].iter().find(|c| !c.is_whitespace()) == Some(&':');
                let role = if is_key {
                    Role::JsonKey
                } else {
                    Role::JsonString
                };
                out.push_str(&self.paint(role, &s));
                continue;
            }
            if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
            {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || ".eE+-".contains(chars[i])) {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                out.push_str(&self.paint(Role::JsonNumber, &s));
                continue;
            }
            let lit = ["true", "false", "null"]
                .into_iter()
                .find(|lit| chars[i..].iter().take(lit.len()).copied().eq(lit.chars()));
            match lit {
                Some(lit) => {
                    out.push_str(&self.paint(Role::JsonLiteral, lit));
                    i += lit.len();
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`).
pub fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_is_plain_and_on_is_colored_text_around_the_same_words() {
        // A `Paint` that is on renders through `colored`, whose switch the edge sets.
        colored::control::set_override(true);
        let off = Paint::plain();
        let on = Paint::new(true);
        assert_eq!(off.paint(Role::Bad, "FAIL"), "FAIL");
        assert_eq!(off.difficulty(3), "***..");
        let red = on.paint(Role::Bad, "FAIL");
        assert!(
            red.starts_with("\x1b[") && red.ends_with("\x1b[0m"),
            "{red:?}"
        );
        assert_eq!(strip(&red), "FAIL");
        let json = "{\n  \"a\": [1, -2.5e3, \"x\", true, null]\n}";
        assert_eq!(off.json(json), json);
        let colored = on.json(json);
        assert_ne!(colored, json);
        assert_eq!(strip(&colored), json);
        // Text that is not JSON is left alone.
        assert_eq!(on.json("Done."), "Done.");
    }
}
