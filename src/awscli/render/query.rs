//! `--query`: JMESPath compiled and searched on the `jmespath` crate, with
//! the key order, syntax errors and search errors of Python's jmespath.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jmespath::ast::Ast;
use jmespath::{Context, ErrorReason, JmespathError, Rcvar, RuntimeError, Variable};
use serde_json::{Number, Value};

use super::functions::runtime;
use super::RenderError;

/// Internal function standing in for `{key: expr, ...}`, so the object keeps
/// its keys in the order written (the crate's objects are sorted maps).
/// `#` cannot appear in a JMESPath identifier.
pub(super) const HASH_FN: &str = "faultline#multi_select_hash";
/// Internal function standing in for `expr.*`, yielding values in key order.
pub(super) const VALUES_FN: &str = "faultline#object_values";
/// Internal function standing in for a JSON literal holding an object: it
/// parses the literal's text again so the object keeps its key order.
pub(super) const LITERAL_FN: &str = "faultline#json_literal";
/// Marks an error message already worded as Python's jmespath words it.
pub(super) const PY_ERROR: &str = "\u{1}";

/// Key order of the objects alive during one search, by address: the
/// response's objects and the ones queries build. The crate's `Variable`
/// objects are sorted maps; Python's dicts keep insertion order.
type KeyOrders = HashMap<usize, Vec<String>>;

#[derive(Debug, Default)]
pub(super) struct Orders(Mutex<KeyOrders>);

impl Orders {
    pub(super) fn lock(&self) -> MutexGuard<'_, KeyOrders> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn addr(var: &Rcvar) -> usize {
    Rcvar::as_ptr(var) as usize
}

/// A compiled `--query`.
pub(super) struct Query<'q> {
    text: std::borrow::Cow<'q, str>,
    ast: Ast,
}

impl<'q> Query<'q> {
    pub(super) fn compile(text: &'q str) -> Result<Query<'q>, RenderError> {
        let text = legacy_literals(text);
        let ast = jmespath::parse(&text).map_err(|e| {
            RenderError::Query(format!(
                "Bad value for --query {text}: {}",
                parse_error(&text, &e)
            ))
        })?;
        let ast = rewrite(ast, &text);
        Ok(Query { text, ast })
    }

    pub(super) fn search(&self, value: &Value) -> Result<Value, RenderError> {
        let orders = Arc::new(Orders::default());
        let root = to_var(value, &mut orders.lock());
        let runtime = runtime(&orders);
        let mut ctx = Context::new(&self.text, &runtime);
        let result = jmespath::interpret(&root, &self.ast, &mut ctx).map_err(query_error)?;
        let orders = orders.lock();
        Ok(from_var(&result, &orders))
    }
}

/// Backtick literals that are not JSON, as Python's jmespath (the AWS CLI's)
/// reads them: its lexer tries the text as JSON, then as a JSON string (a
/// deprecated form AWS's own examples use: ``Tags[?Key==`Name`]``,
/// `` `0.0.0.0/0` ``). The crate takes JSON only, so such a literal is
/// rewritten as the JSON string it stands for. Raw strings (`'...'`) and
/// quoted identifiers (`"..."`) are passed over.
fn legacy_literals(text: &str) -> std::borrow::Cow<'_, str> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                while let Some((_, d)) = chars.next() {
                    out.push(d);
                    if d == '\\' {
                        if let Some((_, e)) = chars.next() {
                            out.push(e);
                        }
                    } else if d == c {
                        break;
                    }
                }
            }
            '`' => {
                let mut raw = String::new();
                let mut closed = false;
                while let Some((_, d)) = chars.next() {
                    if d == '\\' && chars.peek().is_some_and(|(_, e)| *e == '`') {
                        raw.push('`');
                        chars.next();
                    } else if d == '`' {
                        closed = true;
                        break;
                    } else {
                        raw.push(d);
                    }
                }
                if closed && serde_json::from_str::<Value>(&raw).is_err() {
                    // Python: json.loads('"%s"' % lexeme).
                    let as_string = serde_json::to_string(raw.trim_start()).unwrap_or_default();
                    out.push('`');
                    out.push_str(&as_string.replace('`', "\\`"));
                    out.push('`');
                    changed = true;
                } else {
                    out.push('`');
                    out.push_str(&raw.replace('`', "\\`"));
                    if closed {
                        out.push('`');
                    }
                }
            }
            _ => out.push(c),
        }
    }
    if changed {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A syntax error in Python jmespath's words where the crate's error maps to
/// one (unknown character, unclosed quote, early end, stray closing token),
/// else the crate's own.
fn parse_error(text: &str, err: &JmespathError) -> String {
    let ErrorReason::Parse(msg) = &err.reason else {
        return err.to_string().trim_end().to_string();
    };
    let at = text.get(..err.offset).map_or(0, |s| s.chars().count());
    let lexer = |what: &str| {
        format!(
            "Bad jmespath expression: {what}:\n{text}\n{}^",
            " ".repeat(at)
        )
    };
    let found = msg.rsplit_once(" -- found ").map(|(_, token)| token);
    if found == Some("Eof") {
        let caret = " ".repeat(text.chars().count() + 1);
        return format!(
            "Invalid jmespath expression: Incomplete expression:\n\"{text}\"\n{caret}^"
        );
    }
    if let Some(c) = msg.strip_prefix("Invalid character: ") {
        return lexer(&format!("Unknown token {c}"));
    }
    if msg.starts_with("'-' must be followed") {
        return lexer("Unknown token '-'");
    }
    if msg.starts_with("'=' is not valid") {
        return lexer("Unknown token '='");
    }
    if msg.starts_with("Unclosed ") {
        return lexer(msg.split(':').next().unwrap_or(msg));
    }
    // Tokens that end Python's Pratt loop early are "unexpected"; tokens it
    // tries to continue with but cannot are "invalid".
    let token = found.and_then(python_token);
    let (what, (value, kind)) = match (msg.split(" -- ").next(), token) {
        (Some("Did not parse the complete expression"), Some(t)) => {
            (format!("Unexpected token: {}", t.0), t)
        }
        (Some("Unexpected led token"), Some(t)) => ("invalid token".to_string(), t),
        _ => return err.to_string().trim_end().to_string(),
    };
    format!(
        "{what}: Parse error at column {at}, token \"{value}\" ({kind}), for expression:\n\"{text}\"\n{}^",
        " ".repeat(at + 1)
    )
}

/// A crate token's text and Python jmespath's (upper-cased) type for it.
fn python_token(debug: &str) -> Option<(&'static str, &'static str)> {
    Some(match debug {
        "Rbracket" => ("]", "RBRACKET"),
        "Rparen" => (")", "RPAREN"),
        "Rbrace" => ("}", "RBRACE"),
        "Lbrace" => ("{", "LBRACE"),
        "Comma" => (",", "COMMA"),
        "Colon" => (":", "COLON"),
        "At" => ("@", "CURRENT"),
        "Ampersand" => ("&", "EXPREF"),
        "Not" => ("!", "NOT"),
        _ => return None,
    })
}

/// The error text for a failed search, as the CLI prints it.
fn query_error(err: JmespathError) -> RenderError {
    let text = match &err.reason {
        ErrorReason::Parse(msg) if msg.starts_with(PY_ERROR) => msg[PY_ERROR.len()..].to_string(),
        ErrorReason::Runtime(RuntimeError::UnknownFunction(name)) => {
            format!("Unknown function: {name}()")
        }
        reason => reason.to_string(),
    };
    RenderError::Query(text)
}

/// Replaces the AST nodes whose results would lose key order.
fn rewrite(ast: Ast, text: &str) -> Ast {
    let b = |node: Box<Ast>| Box::new(rewrite(*node, text));
    let all = |nodes: Vec<Ast>| nodes.into_iter().map(|n| rewrite(n, text)).collect();
    match ast {
        Ast::Literal { offset, value } if has_object(&value) => match literal_text(text, offset) {
            Some(json) => Ast::Function {
                offset,
                name: LITERAL_FN.to_string(),
                args: vec![Ast::Literal {
                    offset,
                    value: Rcvar::new(Variable::String(json)),
                }],
            },
            None => Ast::Literal { offset, value },
        },
        Ast::MultiHash { offset, elements } => {
            let keys = elements
                .iter()
                .map(|kv| Rcvar::new(Variable::String(kv.key.clone())))
                .collect();
            let mut args = vec![
                Ast::Identity { offset },
                Ast::Literal {
                    offset,
                    value: Rcvar::new(Variable::Array(keys)),
                },
            ];
            args.extend(elements.into_iter().map(|kv| rewrite(kv.value, text)));
            Ast::Function {
                offset,
                name: HASH_FN.to_string(),
                args,
            }
        }
        Ast::ObjectValues { offset, node } => Ast::Function {
            offset,
            name: VALUES_FN.to_string(),
            args: vec![rewrite(*node, text)],
        },
        Ast::Comparison {
            offset,
            comparator,
            lhs,
            rhs,
        } => Ast::Comparison {
            offset,
            comparator,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Condition {
            offset,
            predicate,
            then,
        } => Ast::Condition {
            offset,
            predicate: b(predicate),
            then: b(then),
        },
        Ast::Expref { offset, ast } => Ast::Expref {
            offset,
            ast: b(ast),
        },
        Ast::Flatten { offset, node } => Ast::Flatten {
            offset,
            node: b(node),
        },
        Ast::Function { offset, name, args } => Ast::Function {
            offset,
            name,
            args: all(args),
        },
        Ast::MultiList { offset, elements } => Ast::MultiList {
            offset,
            elements: all(elements),
        },
        Ast::Not { offset, node } => Ast::Not {
            offset,
            node: b(node),
        },
        Ast::Projection { offset, lhs, rhs } => Ast::Projection {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::And { offset, lhs, rhs } => Ast::And {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Or { offset, lhs, rhs } => Ast::Or {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        Ast::Subexpr { offset, lhs, rhs } => Ast::Subexpr {
            offset,
            lhs: b(lhs),
            rhs: b(rhs),
        },
        leaf @ (Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. }) => leaf,
    }
}

fn has_object(var: &Variable) -> bool {
    match var {
        Variable::Object(_) => true,
        Variable::Array(items) => items.iter().any(|v| has_object(v)),
        _ => false,
    }
}

/// The JSON text of the `` `...` `` literal starting at byte `offset`.
fn literal_text(text: &str, offset: usize) -> Option<String> {
    let mut chars = text.get(offset..)?.chars();
    if chars.next() != Some('`') {
        return None;
    }
    let mut raw = String::new();
    while let Some(c) = chars.next() {
        match c {
            '`' => return Some(raw.replace("\\`", "`")),
            '\\' => {
                raw.push(c);
                raw.extend(chars.next());
            }
            c => raw.push(c),
        }
    }
    None
}

pub(super) fn to_var(value: &Value, orders: &mut KeyOrders) -> Rcvar {
    match value {
        Value::Null => Rcvar::new(Variable::Null),
        Value::Bool(b) => Rcvar::new(Variable::Bool(*b)),
        Value::Number(n) => Rcvar::new(Variable::Number(n.clone())),
        Value::String(s) => Rcvar::new(Variable::String(s.clone())),
        Value::Array(items) => Rcvar::new(Variable::Array(
            items.iter().map(|v| to_var(v, orders)).collect(),
        )),
        Value::Object(map) => {
            let fields = map
                .iter()
                .map(|(k, v)| (k.clone(), to_var(v, orders)))
                .collect();
            new_object(fields, map.keys().cloned().collect(), orders)
        }
    }
}

pub(super) fn new_object(
    fields: BTreeMap<String, Rcvar>,
    order: Vec<String>,
    orders: &mut KeyOrders,
) -> Rcvar {
    let object = Rcvar::new(Variable::Object(fields));
    orders.insert(addr(&object), order);
    object
}

pub(super) fn from_var(var: &Rcvar, orders: &KeyOrders) -> Value {
    match &**var {
        Variable::Null | Variable::Expref(_) => Value::Null,
        Variable::Bool(b) => Value::Bool(*b),
        Variable::Number(n) => Value::Number(n.clone()),
        Variable::String(s) => Value::String(s.clone()),
        Variable::Array(items) => Value::Array(items.iter().map(|v| from_var(v, orders)).collect()),
        Variable::Object(fields) => Value::Object(
            ordered(var, fields, orders)
                .into_iter()
                .map(|(k, v)| (k.clone(), from_var(v, orders)))
                .collect(),
        ),
    }
}

/// An object's fields in the order they were given (sorted if unknown).
pub(super) fn ordered<'v>(
    var: &Rcvar,
    fields: &'v BTreeMap<String, Rcvar>,
    orders: &KeyOrders,
) -> Vec<(&'v String, &'v Rcvar)> {
    if let Some(keys) = orders
        .get(&addr(var))
        .filter(|keys| keys.len() == fields.len())
    {
        if let Some(picked) = keys.iter().map(|k| fields.get_key_value(k)).collect() {
            return picked;
        }
    }
    fields.iter().collect()
}

pub(super) fn null() -> Rcvar {
    Rcvar::new(Variable::Null)
}

pub(super) fn number(n: Option<Number>) -> Rcvar {
    Rcvar::new(n.map_or(Variable::Null, Variable::Number))
}
