//! "Did you mean": one distance and one threshold, used by every suggestion
//! the game makes (commands, operations, flags, cause ids, scenario ids).

/// Levenshtein distance between two words, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest candidate to `word`, if it is near enough: at most three
/// edits, or a third of the candidate's length for long words. Ties go to
/// the alphabetically first, so the answer does not depend on order.
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    candidates
        .into_iter()
        .map(|c| (distance(word, c), c))
        .filter(|(d, c)| *d <= 3.max(c.chars().count() / 3))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn closest_picks_the_nearest_within_the_threshold() {
        let ops = ["describe-tasks", "describe-services", "list-tasks"];
        assert_eq!(closest("describe-task", ops), Some("describe-tasks"));
        assert_eq!(closest("zzzzzzzzzzzzzzzzzzzzzzzz", ops), None);
        assert_eq!(
            closest("ecz", ["ecs", "ec2"]),
            Some("ec2"),
            "ties: alphabetical"
        );
    }
}
