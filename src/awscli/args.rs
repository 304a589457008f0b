//! AWS-CLI-shaped command lines: splitting, the optional leading `aws`,
//! `--flag value` pairs, JSON and shorthand values, and the CLI's own
//! argument error texts.

use serde_json::{Map, Value};

pub use crate::error::ArgError;

/// One parsed command line: service, operation and flags in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// `ecs`, `ec2`, `iam`, `logs`, ...
    pub service: String,
    /// `describe-tasks`, `create-route`, ...
    pub operation: String,
    flags: Vec<(String, Option<String>)>,
    used: Vec<bool>,
    positionals: Vec<String>,
    positionals_used: usize,
}

impl Invocation {
    /// Parses a line such as `aws ec2 create-route --route-table-id rtb-1 ...`.
    pub fn parse(line: &str) -> Result<Invocation, ArgError> {
        let words = shlex::split(line).ok_or_else(|| {
            ArgError("Error parsing parameter: unbalanced quotes in the command line".into())
        })?;
        Self::from_words(&words)
    }

    /// Parses already-split words.
    pub fn from_words(words: &[String]) -> Result<Invocation, ArgError> {
        if let Some(i) = words.iter().position(|w| w == "|") {
            return Err(ArgError(format!(
                "`| {}` is a shell pipe: a local play session runs it through your shell, but here the command reaches faultline without a shell. Run it without `| ...`, or shape the output with --query.",
                words[i + 1..].join(" ")
            )));
        }
        let mut it = words.iter().peekable();
        if it.peek().map(|w| w.as_str()) == Some("aws") {
            it.next();
        }
        let usage = "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]";
        let service = it
            .next()
            .ok_or_else(|| {
                ArgError(format!(
                    "{usage}\naws: error: the following arguments are required: command"
                ))
            })?
            .clone();
        let operation = it
            .next()
            .ok_or_else(|| {
                ArgError(format!(
                    "{usage}\naws: error: the following arguments are required: operation"
                ))
            })?
            .clone();
        let mut flags: Vec<(String, Option<String>)> = Vec::new();
        let rest: Vec<&String> = it.collect();
        // Positional arguments (`logs tail <group>`) come before the first flag.
        let positionals: Vec<String> = rest
            .iter()
            .take_while(|w| !w.starts_with("--"))
            .map(|w| w.to_string())
            .collect();
        let mut i = positionals.len();
        while i < rest.len() {
            let w = rest[i];
            let Some(name) = w.strip_prefix("--") else {
                return Err(ArgError(format!("Unknown options: {w}")));
            };
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (name.to_string(), None),
            };
            if inline.is_some() {
                flags.push((name, inline));
                i += 1;
                continue;
            }
            // Values may be several words for list parameters (`--subnets a b`).
            let mut vals = Vec::new();
            let mut j = i + 1;
            while j < rest.len() && !(rest[j].starts_with("--") && rest[j].len() > 2) {
                vals.push(rest[j].clone());
                j += 1;
            }
            flags.push((
                name,
                if vals.is_empty() {
                    None
                } else {
                    Some(vals.join("\u{1f}"))
                },
            ));
            i = j;
        }
        let used = vec![false; flags.len()];
        Ok(Invocation {
            service,
            operation,
            flags,
            used,
            positionals,
            positionals_used: 0,
        })
    }

    /// Names of the flags given, in order.
    pub fn flag_names(&self) -> Vec<&str> {
        self.flags.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Whether `--name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    /// The next positional argument, if any.
    pub fn positional(&mut self) -> Option<String> {
        let v = self.positionals.get(self.positionals_used).cloned();
        if v.is_some() {
            self.positionals_used += 1;
        }
        v
    }

    /// The value of `--name`, once.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, ArgError> {
        match self.flags.iter().position(|(n, _)| n == name) {
            None => Ok(None),
            Some(i) => {
                self.used[i] = true;
                match &self.flags[i].1 {
                    Some(v) => Ok(Some(v.replace('\u{1f}', " "))),
                    None => Err(ArgError(format!(
                        "aws: error: argument --{name}: expected one argument"
                    ))),
                }
            }
        }
    }

    /// The values of a list parameter (`--tasks a b c`).
    pub fn values(&mut self, name: &str) -> Result<Option<Vec<String>>, ArgError> {
        match self.flags.iter().position(|(n, _)| n == name) {
            None => Ok(None),
            Some(i) => {
                self.used[i] = true;
                match &self.flags[i].1 {
                    Some(v) => Ok(Some(v.split('\u{1f}').map(|s| s.to_string()).collect())),
                    None => Err(ArgError(format!(
                        "aws: error: argument --{name}: expected at least one argument"
                    ))),
                }
            }
        }
    }

    /// A boolean switch, with its `--no-` form.
    pub fn switch(&mut self, name: &str) -> Result<Option<bool>, ArgError> {
        let neg = format!("no-{name}");
        for (i, (n, v)) in self.flags.iter().enumerate() {
            if n == name || *n == neg {
                if v.is_some() {
                    return Err(ArgError(format!(
                        "Unknown options: {}",
                        v.as_deref().unwrap_or("").replace('\u{1f}', ", ")
                    )));
                }
                self.used[i] = true;
                return Ok(Some(n == name));
            }
        }
        Ok(None)
    }

    /// Fails with `Unknown options: ...` if any flag was not consumed.
    pub fn finish(&self) -> Result<(), ArgError> {
        let mut unknown: Vec<String> = self.positionals[self.positionals_used..].to_vec();
        let flags: Vec<String> = self
            .flags
            .iter()
            .zip(&self.used)
            .filter(|(_, u)| !**u)
            .flat_map(|((n, v), _)| {
                let mut out = vec![format!("--{n}")];
                if let Some(v) = v {
                    out.extend(v.split('\u{1f}').map(|s| s.to_string()));
                }
                out
            })
            .collect();
        unknown.extend(flags);
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(ArgError(format!("Unknown options: {}", unknown.join(", "))))
        }
    }
}

/// Parses a parameter value: JSON when it starts with `{` or `[` (or is
/// quoted), otherwise AWS CLI shorthand.
pub fn parse_value(text: &str) -> Result<Value, String> {
    let t = text.trim();
    if t.starts_with("file://") || t.starts_with("fileb://") {
        return Err(
            "file:// parameters are read from your disk by a local play session; here the command reaches faultline without one, so paste the JSON inline".into(),
        );
    }
    if t.starts_with('{') || t.starts_with('[') || t.starts_with('"') {
        return serde_json::from_str(t)
            .map_err(|e| format!("Invalid JSON: {e}\nJSON received: {t}"));
    }
    let mut p = Shorthand {
        s: t.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = p.structure()?;
    if p.i != p.s.len() {
        return Err(format!(
            "Expected: ',', received: '{}' for input:\n{t}",
            p.s[p.i] as char
        ));
    }
    Ok(v)
}

struct Shorthand<'a> {
    s: &'a [u8],
    i: usize,
    /// Lists and structures open at this point (bounded: the parser recurses).
    depth: usize,
}

impl Shorthand<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn structure(&mut self) -> Result<Value, String> {
        let mut map = Map::new();
        loop {
            let key = self.word(b"=")?;
            if self.peek() != Some(b'=') {
                return Err(format!(
                    "Expected: '=', received: '{}' for input",
                    self.peek().map(|c| c as char).unwrap_or(' ')
                ));
            }
            self.i += 1;
            let mut v = self.value()?;
            // `Values=a,b`: words after a bare value that are not `key=` continue a list.
            if v.is_string() {
                let mut items = vec![v.clone()];
                while self.peek() == Some(b',') && !self.next_segment_is_key() {
                    self.i += 1;
                    items.push(self.value()?);
                }
                if items.len() > 1 {
                    v = Value::Array(items);
                }
            }
            map.insert(key.trim().to_string(), v);
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                }
                _ => break,
            }
        }
        Ok(Value::Object(map))
    }

    /// Whether the text after the next `,` is a `key=` (a new member) rather than another list item.
    fn next_segment_is_key(&self) -> bool {
        let rest = &self.s[self.i + 1..];
        for &c in rest {
            match c {
                b'=' => return true,
                b',' | b']' | b'}' | b'[' | b'{' => return false,
                _ => {}
            }
        }
        false
    }

    fn value(&mut self) -> Result<Value, String> {
        if matches!(self.peek(), Some(b'[' | b'{')) {
            self.depth += 1;
            if self.depth > crate::limits::MAX_NESTING {
                return Err(format!(
                    "nested more than {} levels deep",
                    crate::limits::MAX_NESTING
                ));
            }
            let v = self.nested();
            self.depth -= 1;
            return v;
        }
        self.nested()
    }

    fn nested(&mut self) -> Result<Value, String> {
        match self.peek() {
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        _ => return Err("Expected: ']' to close the list".into()),
                    }
                }
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.i += 1;
                let v = self.structure()?;
                if self.peek() != Some(b'}') {
                    return Err("Expected: '}' to close the structure".into());
                }
                self.i += 1;
                Ok(v)
            }
            _ => {
                // A bare word; inside a structure a following `=` means a nested key list (`a=1,b=2`).
                let w = self.word(b",]}")?;
                Ok(Value::String(w))
            }
        }
    }

    fn word(&mut self, stops: &[u8]) -> Result<String, String> {
        let start = self.i;
        if matches!(self.peek(), Some(b'"') | Some(b'\'')) {
            let q = self.s[self.i];
            self.i += 1;
            let st = self.i;
            while self.peek().is_some_and(|c| c != q) {
                self.i += 1;
            }
            let w = String::from_utf8_lossy(&self.s[st..self.i]).to_string();
            self.i += 1;
            return Ok(w);
        }
        while let Some(c) = self.peek() {
            if stops.contains(&c) {
                break;
            }
            self.i += 1;
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deep_shorthand_is_refused_not_a_stack_overflow() {
        for v in [
            format!("a={}{}", "{b=".repeat(20_000), "}".repeat(20_000)),
            format!("a={}{}", "[".repeat(20_000), "]".repeat(20_000)),
        ] {
            let e = parse_value(&v).unwrap_err();
            assert!(e.contains("nested more than 64 levels deep"), "{e}");
        }
        assert!(parse_value(&format!("a={}x{}", "[".repeat(60), "]".repeat(60))).is_ok());
    }

    #[test]
    fn shorthand_network_configuration() {
        let v = parse_value("awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-1],assignPublicIp=DISABLED}").unwrap();
        assert_eq!(
            v,
            json!({"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"],"securityGroups":["sg-1"],"assignPublicIp":"DISABLED"}})
        );
        assert!(parse_value("a={b=1").is_err());
        assert_eq!(
            parse_value("Name=association.subnet-id,Values=subnet-1,subnet-2").unwrap(),
            json!({"Name":"association.subnet-id","Values":["subnet-1","subnet-2"]})
        );
        assert_eq!(
            parse_value("Name=x,Values=a,Other=b").unwrap(),
            json!({"Name":"x","Values":"a","Other":"b"})
        );
        assert_eq!(parse_value("[1,2]").unwrap(), json!([1, 2]));
    }

    #[test]
    fn flags_and_errors() {
        let mut inv = Invocation::parse(
            "aws ecs update-service --cluster prod --service web --force-new-deployment --bogus 1",
        )
        .unwrap();
        assert_eq!(inv.service, "ecs");
        assert_eq!(inv.value("cluster").unwrap().as_deref(), Some("prod"));
        assert_eq!(inv.switch("force-new-deployment").unwrap(), Some(true));
        assert_eq!(inv.value("task-definition").unwrap(), None);
        inv.value("service").unwrap();
        assert_eq!(inv.finish().unwrap_err().0, "Unknown options: --bogus, 1");
        let mut inv = Invocation::parse("ecs describe-tasks --cluster prod --tasks a b").unwrap();
        assert_eq!(
            inv.values("tasks").unwrap(),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert!(Invocation::parse("ecs 'describe").is_err());
        assert!(Invocation::parse("aws").is_err());
    }
}
