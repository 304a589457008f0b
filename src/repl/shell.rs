//! What the player's own shell does around an `aws` command at work, done
//! for a local session: `file://` parameters read from the disk, relative to
//! the current directory, and a trailing `| jq ...` run through `sh -c` with
//! the command's output on its standard input. A session shared with
//! watchers does neither: it refuses with a clear message.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A line split at its first `|` outside quotes: the command, and the shell
/// pipeline after it (trimmed), if any. `||` is not a pipe.
pub fn split_pipe(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let bytes: Vec<(usize, char)> = line.char_indices().collect();
    for (k, &(i, c)) in bytes.iter().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (Some('"'), '"') => quote = None,
            (Some('"'), '\\') => escaped = true,
            (Some(_), _) => {}
            (None, '\\') => escaped = true,
            (None, '\'' | '"') => quote = Some(c),
            (None, '|') => {
                if bytes.get(k + 1).is_some_and(|&(_, n)| n == '|') {
                    return (line, None);
                }
                let rest = line[i + 1..].trim();
                return (line[..i].trim_end(), Some(rest));
            }
            _ => {}
        }
    }
    (line, None)
}

/// Whether a line names a `file://` or `fileb://` parameter.
pub fn has_paramfile(line: &str) -> bool {
    shlex::split(line).is_some_and(|w| w.iter().any(|w| paramfile_of(w).is_some()))
}

/// The path inside `file://PATH` (or `--flag=file://PATH`), if the word is one.
fn paramfile_of(word: &str) -> Option<(&str, &str)> {
    let value = match word.split_once('=') {
        Some((flag, v)) if flag.starts_with("--") => v,
        _ => word,
    };
    ["file://", "fileb://"]
        .iter()
        .find_map(|p| value.strip_prefix(p).map(|path| (*p, path)))
}

/// The line with every `file://PATH` parameter replaced by the file's text,
/// read relative to `cwd` (`~` is the home folder), as the AWS CLI reads
/// paramfiles; the CLI's error when a file cannot be read.
pub fn expand_paramfiles(line: &str, cwd: &Path) -> Result<String, String> {
    let words = shlex::split(line).ok_or_else(|| {
        "Error parsing parameter: unbalanced quotes in the command line".to_string()
    })?;
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut flag = String::new();
    for w in &words {
        if let Some((prefix, path)) = paramfile_of(w) {
            let param = match w.split_once('=') {
                Some((f, _)) if f.starts_with("--") => f.to_string(),
                _ => flag.clone(),
            };
            let text = read_paramfile(prefix, path, cwd).map_err(|e| {
                // [C] awscli 1.45.11: Error parsing parameter '--cli-input-json':
                // Unable to load paramfile file://x.json: [Errno 2] No such file
                // or directory: 'x.json'
                format!("Error parsing parameter '{param}': Unable to load paramfile {prefix}{path}: {e}")
            })?;
            let word = match w.split_once('=') {
                Some((f, _)) if f.starts_with("--") => format!("{f}={text}"),
                _ => text,
            };
            out.push(quote(&word));
        } else {
            if w.starts_with("--") {
                flag = w.split('=').next().unwrap_or(w).to_string();
            }
            out.push(quote(w));
        }
    }
    Ok(out.join(" "))
}

fn quote(w: &str) -> String {
    shlex::try_quote(w)
        .map(|q| q.into_owned())
        .unwrap_or_else(|_| w.replace('\0', ""))
}

/// A paramfile's text, or the error as Python words it (`[Errno 2] No such
/// file or directory: 'x.json'`).
fn read_paramfile(_prefix: &str, path: &str, cwd: &Path) -> Result<String, String> {
    let expanded: PathBuf = match path.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(rest))
            .unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    };
    let full = if expanded.is_absolute() {
        expanded.clone()
    } else {
        cwd.join(&expanded)
    };
    let python_error = |e: std::io::Error| -> String {
        let shown = expanded.display();
        match e.raw_os_error() {
            Some(n) => {
                let text = e.to_string();
                let msg = text
                    .strip_suffix(&format!(" (os error {n})"))
                    .unwrap_or(&text)
                    .to_string();
                format!("[Errno {n}] {msg}: '{shown}'")
            }
            None => format!("{e}: '{shown}'"),
        }
    };
    let bytes = std::fs::read(&full).map_err(python_error)?;
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "'{}' is not UTF-8 text; faultline reads only text paramfiles",
            expanded.display()
        )
    })
}

/// Runs `pipeline` with `sh -c`, `text` (and a newline) on its standard
/// input; its output goes to the terminal. Returns what went wrong, if anything.
pub fn pipe(text: &str, pipeline: &str) -> Result<(), String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(pipeline)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run sh for `| {pipeline}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A pipeline that stops reading early (`| head -1`) is not an error.
        let _ = stdin.write_all(text.as_bytes());
        if !text.is_empty() && !text.ends_with('\n') {
            let _ = stdin.write_all(b"\n");
        }
    }
    child
        .wait()
        .map_err(|e| format!("`| {pipeline}` did not finish: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipe_is_split_off_outside_quotes_only() {
        assert_eq!(
            split_pipe("ecs list-clusters | jq -r '.clusterArns[]'"),
            ("ecs list-clusters", Some("jq -r '.clusterArns[]'"))
        );
        assert_eq!(
            split_pipe("logs filter-log-events --log-group-name g --filter-pattern '?ERROR | WARN' | sort | uniq -c"),
            ("logs filter-log-events --log-group-name g --filter-pattern '?ERROR | WARN'", Some("sort | uniq -c"))
        );
        assert_eq!(
            split_pipe(r#"ecs describe-services --query "services[?a=='|']" | grep x"#),
            (
                r#"ecs describe-services --query "services[?a=='|']""#,
                Some("grep x")
            )
        );
        assert_eq!(split_pipe("ecs list-clusters"), ("ecs list-clusters", None));
        assert_eq!(split_pipe(r"echo a\|b"), (r"echo a\|b", None));
    }

    #[test]
    fn paramfiles_are_read_relative_to_the_current_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("td.json"), "[{\"name\": \"app\"}]\n").unwrap();
        let line = expand_paramfiles(
            "ecs register-task-definition --family x --container-definitions file://td.json",
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            shlex::split(&line).unwrap().last().unwrap(),
            "[{\"name\": \"app\"}]\n"
        );
        let line = expand_paramfiles(
            "iam put-role-policy --policy-document=file://td.json",
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            shlex::split(&line).unwrap()[2],
            "--policy-document=[{\"name\": \"app\"}]\n"
        );
    }

    #[test]
    fn a_missing_paramfile_gives_the_cli_error() {
        let dir = tempfile::tempdir().unwrap();
        // [C] awscli 1.45.11, the same line run in an empty folder.
        assert_eq!(
            expand_paramfiles(
                "ecs register-task-definition --cli-input-json file://x.json",
                dir.path()
            )
            .unwrap_err(),
            "Error parsing parameter '--cli-input-json': Unable to load paramfile file://x.json: [Errno 2] No such file or directory: 'x.json'"
        );
    }
}
