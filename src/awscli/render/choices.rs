//! argparse's invalid choice message (`awscli/argparser.py`) with
//! `difflib`'s close-match suggestions.

use std::collections::HashMap;

use super::python::py_repr_str;

/// `CLIArgParser._check_value`'s message: the choices two to a line, padded
/// to 40, then `difflib.get_close_matches` suggestions.
pub(super) fn invalid_choice(value: &str, choices: &[&str]) -> String {
    let mut lines = vec!["Invalid choice, valid choices are:\n".to_string()];
    for pair in choices.chunks(2) {
        let cells: Vec<String> = pair.iter().map(|c| format!("{c:<40}")).collect();
        lines.push(cells.join(" | "));
    }
    let near = close_matches(value, choices);
    if !near.is_empty() {
        lines.push(format!(
            "\n\nInvalid choice: {}, maybe you meant:\n",
            py_repr_str(value)
        ));
        lines.extend(near.iter().map(|w| format!("  * {w}")));
    }
    lines.join("\n")
}

/// `difflib.get_close_matches(word, choices, n=3, cutoff=0.8)`.
fn close_matches<'a>(word: &str, choices: &[&'a str]) -> Vec<&'a str> {
    let b: Vec<char> = word.chars().collect();
    let mut scored: Vec<(f64, &str)> = choices
        .iter()
        .map(|c| (ratio(&c.chars().collect::<Vec<_>>(), &b), *c))
        .filter(|(r, _)| *r >= 0.8)
        .collect();
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| y.1.cmp(x.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// `SequenceMatcher(None, a, b).ratio()`.
fn ratio(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * matching_chars(a, b) as f64 / total as f64
}

fn matching_chars(a: &[char], b: &[char]) -> usize {
    let (i, j, k) = longest_match(a, b);
    if k == 0 {
        return 0;
    }
    k + matching_chars(&a[..i], &b[..j]) + matching_chars(&a[i + k..], &b[j + k..])
}

/// `find_longest_match` without junk: the earliest longest common run.
fn longest_match(a: &[char], b: &[char]) -> (usize, usize, usize) {
    let (mut best_i, mut best_j, mut best) = (0, 0, 0);
    let mut prev: HashMap<usize, usize> = HashMap::new();
    for (i, ca) in a.iter().enumerate() {
        let mut next = HashMap::new();
        for (j, _) in b.iter().enumerate().filter(|(_, cb)| *cb == ca) {
            let k = j
                .checked_sub(1)
                .and_then(|p| prev.get(&p))
                .copied()
                .unwrap_or(0)
                + 1;
            next.insert(j, k);
            if k > best {
                (best_i, best_j, best) = (i + 1 - k, j + 1 - k, k);
            }
        }
        prev = next;
    }
    (best_i, best_j, best)
}
