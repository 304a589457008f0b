//! Bounds on what input may cost, where AWS itself sets none: how deeply a
//! `--query` or a scenario file may nest, how long a chain a query may be,
//! and how much of each command's output a session keeps. AWS's own limits
//! (routes per table, subnets per VPC, tasks per service) are enforced where
//! the operations are, with AWS's texts.

/// Deepest nesting of brackets in a `--query`, and of collections in a
/// scenario or environment file. Real queries and files nest a handful deep.
pub const MAX_NESTING: usize = 64;

/// Most chained sub-expressions (`a.b`, `a | b`) in one `--query`.
pub const MAX_QUERY_CHAIN: usize = 256;

/// Longest command line a session takes, in bytes. (A pasted task
/// definition is a few KB; anything near this is a mistake, and every line is
/// kept in the session's journal and report.)
pub const MAX_LINE: usize = 64 * 1024;

/// Checks a JMESPath expression's nesting and chain length before it is
/// parsed (the parser recurses on both; past these bounds a query could
/// exhaust the stack).
pub fn check_query(q: &str) -> Result<(), String> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut chain = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in q.chars() {
        if let Some(open) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == open {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '[' | '(' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            '.' | '|' => chain += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "--query nests {deepest} levels deep; faultline evaluates at most {MAX_NESTING}"
        ));
    }
    if chain > MAX_QUERY_CHAIN {
        return Err(format!(
            "--query chains {chain} expressions; faultline evaluates at most {MAX_QUERY_CHAIN}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_queries_pass_and_deep_ones_are_refused() {
        assert!(check_query("services[0].events[:3].message").is_ok());
        assert!(check_query("Tags[?Key=='Name'] | [0].Value").is_ok());
        assert!(
            check_query("'[[[[[[' ").is_ok(),
            "brackets in a literal do not count"
        );
        let deep = format!("{}@{}", "[".repeat(65), "]".repeat(65));
        assert!(check_query(&deep).unwrap_err().contains("65 levels"));
        let chain = "a.".repeat(300) + "a";
        assert!(check_query(&chain).unwrap_err().contains("300 expressions"));
    }
}
