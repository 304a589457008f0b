//! Bounds on what input may cost, where AWS itself sets none: how deeply a
//! `--query` or a scenario file may nest, how long a chain a query may be,
//! and how much of each command's output a session keeps. AWS's own limits
//! (routes per table, subnets per VPC, tasks per service) are enforced where
//! the operations are, with AWS's texts.

/// Deepest nesting of brackets in a `--query`, and of collections in a
/// scenario or environment file. Real queries and files nest a handful deep.
pub const MAX_NESTING: usize = 64;

/// Most chained sub-expressions (`a.b`, `a | b`) in one `--query`.
pub const MAX_QUERY_CHAIN: usize = 64;

/// Most tasks one ECS service may run: the "tasks per service" quota's
/// default [V: Amazon ECS service quotas].
pub const MAX_DESIRED: u32 = 5_000;

/// Routes in one route table: the VPC quota's default [V: Amazon VPC quotas,
/// "Routes per route table", 50, adjustable up to 1,000].
pub const MAX_ROUTES: usize = 50;

/// Subnets in one VPC: the VPC quota's default [V: Amazon VPC quotas,
/// "Subnets per VPC", 200].
pub const MAX_SUBNETS: usize = 200;

/// Longest pre-history (history before the first timeline entry, plus the
/// timeline) an incident may have: two days of virtual time. ECS shows the
/// last 100 service events and stopped tasks for about an hour, so older
/// history changes nothing the player can see, and the engine pays for every
/// virtual hour.
pub const MAX_HISTORY: i64 = 48 * 3_600_000;

/// Longest `success.hold` a scenario may ask for.
pub const MAX_HOLD: i64 = 6 * 3_600_000;

/// Longest `success.within` a scenario may give the fix.
pub const MAX_WITHIN: i64 = 24 * 3_600_000;

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

/// Where a YAML text nests deeper than [`MAX_NESTING`] (line and column, from
/// 1), counting block nesting by indentation and `- ` markers, and flow
/// collections by their brackets; checked before the YAML parser (whose cost
/// grows with the square of the depth) sees the text.
pub fn yaml_too_deep(text: &str) -> Option<(usize, usize)> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (n, line) in text.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let mut col = line.len() - body.len();
        if flow == 0 {
            while indents.last().is_some_and(|&i| i >= col) {
                indents.pop();
            }
            indents.push(col);
        }
        let mut rest = body;
        while let Some(r) = rest.strip_prefix("- ") {
            indents.push(col);
            col += 2;
            rest = r.trim_start_matches(' ');
        }
        if indents.len() > MAX_NESTING {
            return Some((n + 1, col + 1));
        }
        let mut quote: Option<char> = None;
        for (i, c) in rest.char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '#' if i == 0 || rest[..i].ends_with(' ') => break,
                    '[' | '{' => {
                        flow += 1;
                        if indents.len() + flow > MAX_NESTING {
                            return Some((n + 1, col + i + 1));
                        }
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
        }
    }
    None
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
        assert!(check_query(&("a.".repeat(64) + "a")).is_ok());
        assert!(check_query(&chain).unwrap_err().contains("300 expressions"));
    }

    #[test]
    fn yaml_nesting_is_bounded_in_flow_and_block_style() {
        assert_eq!(yaml_too_deep("a:\n  b: [1, {c: [2]}]\n  - x\n"), None);
        let flow = format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(yaml_too_deep(&flow), Some((1, 67)));
        let mut block = String::new();
        for i in 0..100 {
            block.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert_eq!(yaml_too_deep(&block).map(|p| p.0), Some(65));
        let seq = format!("{}x\n", "- ".repeat(100));
        assert!(yaml_too_deep(&seq).is_some());
        assert_eq!(yaml_too_deep("a: '[[[[[[[[[[[[[[[[[['\n"), None, "quoted");
    }
}
