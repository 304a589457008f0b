//! The JMESPath functions as Python's jmespath runs them: its argument
//! checks (`jmespath/functions.py`) and its numbers and key order.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use jmespath::ast::Ast;
use jmespath::{Context, ErrorReason, JmespathError, Rcvar, Runtime, Variable};
use serde_json::{Number, Value};

use super::json::compact_json_ascii;
use super::python::{py_repr_str, py_str};
use super::query::{
    from_var, new_object, null, number, ordered, to_var, Orders, HASH_FN, LITERAL_FN, PY_ERROR,
    VALUES_FN,
};

/// A JMESPath function's parameter types as Python's jmespath declares them
/// (`jmespath/functions.py`); an empty list accepts anything.
#[derive(Debug, Clone, Copy)]
struct Signature {
    name: &'static str,
    params: &'static [&'static [&'static str]],
    variadic: bool,
}

const ANY: &[&str] = &[];

/// Python jmespath's functions, the same 26 the crate has.
const SIGNATURES: [Signature; 26] = {
    const fn sig(name: &'static str, params: &'static [&'static [&'static str]]) -> Signature {
        Signature {
            name,
            params,
            variadic: false,
        }
    }
    [
        sig("abs", &[&["number"]]),
        sig("avg", &[&["array-number"]]),
        sig("ceil", &[&["number"]]),
        sig("contains", &[&["array", "string"], ANY]),
        sig("ends_with", &[&["string"], &["string"]]),
        sig("floor", &[&["number"]]),
        sig("join", &[&["string"], &["array-string"]]),
        sig("keys", &[&["object"]]),
        sig("length", &[&["string", "array", "object"]]),
        sig("map", &[&["expref"], &["array"]]),
        sig("max", &[&["array-number", "array-string"]]),
        sig("max_by", &[&["array"], &["expref"]]),
        Signature {
            name: "merge",
            params: &[&["object"]],
            variadic: true,
        },
        sig("min", &[&["array-number", "array-string"]]),
        sig("min_by", &[&["array"], &["expref"]]),
        Signature {
            name: "not_null",
            params: &[ANY],
            variadic: true,
        },
        sig("reverse", &[&["array", "string"]]),
        sig("sort", &[&["array-string", "array-number"]]),
        sig("sort_by", &[&["array"], &["expref"]]),
        sig("starts_with", &[&["string"], &["string"]]),
        sig("sum", &[&["array-number"]]),
        sig("to_array", &[ANY]),
        sig("to_number", &[ANY]),
        sig("to_string", &[ANY]),
        sig("type", &[ANY]),
        sig("values", &[&["object"]]),
    ]
};

type Body = dyn Fn(&[Rcvar], &mut Context<'_>, &Orders) -> jmespath::SearchResult + Send + Sync;

fn boxed<F>(f: F) -> Box<Body>
where
    F: Fn(&[Rcvar], &mut Context<'_>, &Orders) -> jmespath::SearchResult + Send + Sync + 'static,
{
    Box::new(f)
}

/// The crate's functions behind Python's argument checks, with the ones that
/// differ from Python's replaced, plus the internal functions.
pub(super) fn runtime(orders: &Arc<Orders>) -> Runtime {
    let mut builtins = Runtime::new();
    builtins.register_builtin_functions();
    let mut runtime = Runtime::new();
    for sig in SIGNATURES {
        let body: Box<Body> = match sig.name {
            "abs" => boxed(|args, _, _| Ok(number(num(&args[0]).and_then(py_abs)))),
            "avg" => boxed(|args, _, _| Ok(py_avg(array(&args[0])))),
            "ceil" => boxed(|args, _, _| Ok(number(num(&args[0]).map(|n| py_round(n, f64::ceil))))),
            "floor" => {
                boxed(|args, _, _| Ok(number(num(&args[0]).map(|n| py_round(n, f64::floor)))))
            }
            "sum" => boxed(|args, _, _| Ok(number(py_sum(array(&args[0]))))),
            "to_number" => boxed(|args, _, _| Ok(py_to_number(&args[0]))),
            "to_string" => boxed(|args, _, orders| {
                Ok(match &*args[0] {
                    Variable::String(_) => args[0].clone(),
                    _ => {
                        let value = from_var(&args[0], &orders.lock());
                        Rcvar::new(Variable::String(compact_json_ascii(&value)))
                    }
                })
            }),
            "keys" => boxed(|args, _, orders| {
                let orders = orders.lock();
                let keys = match &*args[0] {
                    Variable::Object(fields) => ordered(&args[0], fields, &orders)
                        .into_iter()
                        .map(|(k, _)| Rcvar::new(Variable::String(k.clone())))
                        .collect(),
                    _ => Vec::new(),
                };
                Ok(Rcvar::new(Variable::Array(keys)))
            }),
            "values" => {
                boxed(|args, _, orders| Ok(object_values(&args[0], orders).unwrap_or_else(null)))
            }
            "merge" => boxed(|args, _, orders| py_merge(args, orders)),
            "contains" => match builtins.deregister_function("contains") {
                Some(inner) => boxed(move |args, ctx, _| match (&*args[0], &*args[1]) {
                    (Variable::String(_), Variable::String(_)) | (Variable::Array(_), _) => {
                        inner.evaluate(args, ctx)
                    }
                    (_, search) => Err(py_error(format!(
                        "'in <string>' requires string as left operand, not {}",
                        var_py_type(search)
                    ))),
                }),
                None => continue,
            },
            "sort_by" => boxed(py_sort_by),
            "max_by" => boxed(|args, ctx, orders| py_extreme_by("max_by", args, ctx, orders)),
            "min_by" => boxed(|args, ctx, orders| py_extreme_by("min_by", args, ctx, orders)),
            name => match builtins.deregister_function(name) {
                Some(inner) => boxed(move |args, ctx, _| inner.evaluate(args, ctx)),
                None => continue,
            },
        };
        let orders = Arc::clone(orders);
        runtime.register_function(
            sig.name,
            Box::new(move |args: &[Rcvar], ctx: &mut Context<'_>| {
                check_args(sig, args, &orders)?;
                body(args, ctx, &orders)
            }),
        );
    }
    let hash_orders = Arc::clone(orders);
    runtime.register_function(
        HASH_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            Ok(multi_select_hash(args, &hash_orders))
        }),
    );
    let literal_orders = Arc::clone(orders);
    runtime.register_function(
        LITERAL_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            let json = args.first().and_then(|a| a.as_string().cloned());
            let value = json.and_then(|j| serde_json::from_str::<Value>(&j).ok());
            Ok(value.map_or_else(null, |v| to_var(&v, &mut literal_orders.lock())))
        }),
    );
    let values_orders = Arc::clone(orders);
    runtime.register_function(
        VALUES_FN,
        Box::new(move |args: &[Rcvar], _: &mut Context<'_>| {
            Ok(args
                .first()
                .and_then(|a| object_values(a, &values_orders))
                .unwrap_or_else(null))
        }),
    );
    runtime
}

/// `[Identity, Literal [keys...], values...]` into an object in key order;
/// `null` when the current node is null, as the CLI's jmespath does.
fn multi_select_hash(args: &[Rcvar], orders: &Orders) -> Rcvar {
    let (Some(data), Some(Variable::Array(keys))) = (args.first(), args.get(1).map(|k| &**k))
    else {
        return null();
    };
    if data.is_null() {
        return null();
    }
    let mut fields = BTreeMap::new();
    let mut order = Vec::new();
    for (key, value) in keys.iter().zip(&args[2..]) {
        if let Some(key) = key.as_string() {
            if fields.insert(key.clone(), value.clone()).is_none() {
                order.push(key.clone());
            }
        }
    }
    new_object(fields, order, &mut orders.lock())
}

/// An object's values in key order, or `None` for anything else.
fn object_values(var: &Rcvar, orders: &Orders) -> Option<Rcvar> {
    let Variable::Object(fields) = &**var else {
        return None;
    };
    let orders = orders.lock();
    let values = ordered(var, fields, &orders)
        .into_iter()
        .map(|(_, v)| v.clone())
        .collect();
    Some(Rcvar::new(Variable::Array(values)))
}

fn array(var: &Rcvar) -> &[Rcvar] {
    var.as_array().map_or(&[], Vec::as_slice)
}

fn num(var: &Variable) -> Option<&Number> {
    match var {
        Variable::Number(n) => Some(n),
        _ => None,
    }
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

fn int_number(i: i128) -> Option<Number> {
    i64::try_from(i)
        .map(Number::from)
        .or_else(|_| u64::try_from(i).map(Number::from))
        .ok()
        .or_else(|| Number::from_f64(i as f64))
}

/// Python's `math.ceil`/`math.floor`: ints stay, floats become ints.
fn py_round(n: &Number, round: fn(f64) -> f64) -> Number {
    if as_int(n).is_some() {
        return n.clone();
    }
    let f = round(n.as_f64().unwrap_or(0.0));
    if f.is_finite() && f.abs() < 9.0e18 {
        Number::from(f as i64)
    } else {
        Number::from_f64(f).unwrap_or_else(|| n.clone())
    }
}

/// `abs()` keeps ints ints.
fn py_abs(n: &Number) -> Option<Number> {
    match as_int(n) {
        Some(i) => int_number(i.abs()),
        None => Number::from_f64(n.as_f64()?.abs()),
    }
}

/// Python's `sum()`: ints while every item is an int, then a float.
fn py_sum(items: &[Rcvar]) -> Option<Number> {
    let mut int: Option<i128> = Some(0);
    let mut float = 0.0;
    for n in items.iter().filter_map(|v| num(v)) {
        match (int, as_int(n)) {
            (Some(acc), Some(i)) => int = Some(acc.saturating_add(i)),
            (Some(acc), None) => {
                float = acc as f64 + n.as_f64()?;
                int = None;
            }
            (None, _) => float += n.as_f64()?,
        }
    }
    match int {
        Some(i) => int_number(i),
        None => Number::from_f64(float),
    }
}

/// `avg()`: `sum / float(len)`, `null` for an empty list.
fn py_avg(items: &[Rcvar]) -> Rcvar {
    if items.is_empty() {
        return null();
    }
    let total = py_sum(items).and_then(|n| n.as_f64());
    number(total.and_then(|t| Number::from_f64(t / items.len() as f64)))
}

/// `to_number()`: `int(s)`, else `float(s)`, else `null`; booleans are `null`.
fn py_to_number(var: &Rcvar) -> Rcvar {
    match &**var {
        Variable::Number(_) => var.clone(),
        Variable::String(s) => {
            let s = s.trim();
            let int = s.parse::<i64>().ok().map(Number::from);
            let int = int.or_else(|| s.parse::<u64>().ok().map(Number::from));
            number(int.or_else(|| s.parse::<f64>().ok().and_then(Number::from_f64)))
        }
        _ => null(),
    }
}

fn py_merge(args: &[Rcvar], orders: &Orders) -> jmespath::SearchResult {
    let mut orders = orders.lock();
    let mut fields = BTreeMap::new();
    let mut order = Vec::new();
    for arg in args {
        let map = match &**arg {
            Variable::Object(map) => map,
            // `dict.update()` of an empty string or list changes nothing.
            Variable::String(s) if s.is_empty() => continue,
            Variable::Array(items) if items.is_empty() => continue,
            Variable::String(_) => {
                return Err(py_error(
                    "dictionary update sequence element #0 has length 1; 2 is required".to_string(),
                ))
            }
            Variable::Array(_) => {
                return Err(py_error(
                    "cannot convert dictionary update sequence element #0 to a sequence"
                        .to_string(),
                ))
            }
            other => {
                return Err(py_error(format!(
                    "'{}' object is not iterable",
                    var_py_type(other)
                )))
            }
        };
        for (key, value) in ordered(arg, map, &orders) {
            if fields.insert(key.clone(), value.clone()).is_none() {
                order.push(key.clone());
            }
        }
    }
    Ok(new_object(fields, order, &mut orders))
}

fn expref<'a>(var: &'a Rcvar, func: &str) -> Result<&'a Ast, JmespathError> {
    var.as_expref()
        .ok_or_else(|| type_error(func, "None", jtype(var), &["expref"]))
}

/// `sort_by()`: keys must all have the type of the first, number or string.
fn py_sort_by(args: &[Rcvar], ctx: &mut Context<'_>, orders: &Orders) -> jmespath::SearchResult {
    let items = array(&args[0]);
    if items.is_empty() {
        return Ok(args[0].clone());
    }
    let ast = expref(&args[1], "sort_by")?;
    let first = jmespath::interpret(&items[0], ast, ctx)?;
    let required = jtype(&first);
    if required != "number" && required != "string" {
        let value = py_str(&from_var(&items[0], &orders.lock()));
        return Err(type_error(
            "sort_by",
            &value,
            required,
            &["string", "number"],
        ));
    }
    let mut keyed = Vec::with_capacity(items.len());
    for item in items {
        let key = jmespath::interpret(item, ast, ctx)?;
        if jtype(&key) != required {
            let value = py_str(&from_var(&key, &orders.lock()));
            return Err(type_error("sort_by", &value, jtype(&key), &[required]));
        }
        keyed.push((key, item.clone()));
    }
    keyed.sort_by(|a, b| compare_keys(&a.0, &b.0));
    Ok(Rcvar::new(Variable::Array(
        keyed.into_iter().map(|(_, item)| item).collect(),
    )))
}

/// `max_by()`/`min_by()`: the first item with the largest/smallest key.
fn py_extreme_by(
    func: &str,
    args: &[Rcvar],
    ctx: &mut Context<'_>,
    orders: &Orders,
) -> jmespath::SearchResult {
    let ast = expref(&args[1], func)?;
    let (want, op) = if func == "max_by" {
        (Ordering::Greater, '>')
    } else {
        (Ordering::Less, '<')
    };
    let mut best: Option<(Rcvar, Rcvar)> = None;
    for item in array(&args[0]) {
        let key = jmespath::interpret(item, ast, ctx)?;
        let t = jtype(&key);
        if t != "number" && t != "string" {
            let value = py_str(&from_var(&key, &orders.lock()));
            return Err(type_error(func, &value, t, &["number", "string"]));
        }
        match &best {
            Some((best_key, _)) if jtype(best_key) != t => {
                let (a, b) = (var_py_type(&key), var_py_type(best_key));
                return Err(py_error(format!(
                    "'{op}' not supported between instances of '{a}' and '{b}'"
                )));
            }
            Some((best_key, _)) if compare_keys(&key, best_key) != want => {}
            _ => best = Some((key, item.clone())),
        }
    }
    Ok(best.map_or_else(null, |(_, item)| item))
}

fn compare_keys(a: &Variable, b: &Variable) -> Ordering {
    match (a, b) {
        (Variable::Number(x), Variable::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Variable::String(x), Variable::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// JMESPath's type name of a value.
fn jtype(var: &Variable) -> &'static str {
    match var {
        Variable::Null => "null",
        Variable::String(_) => "string",
        Variable::Bool(_) => "boolean",
        Variable::Number(_) => "number",
        Variable::Array(_) => "array",
        Variable::Object(_) => "object",
        Variable::Expref(_) => "expref",
    }
}

fn var_py_type(var: &Variable) -> &'static str {
    match var {
        Variable::Expref(_) => "_Expression",
        Variable::Number(n) if n.is_f64() => "float",
        Variable::Number(_) => "int",
        Variable::Null => "NoneType",
        Variable::String(_) => "str",
        Variable::Bool(_) => "bool",
        Variable::Array(_) => "list",
        Variable::Object(_) => "dict",
    }
}

fn py_error(text: String) -> JmespathError {
    JmespathError::new("", 0, ErrorReason::Parse(format!("{PY_ERROR}{text}")))
}

/// Python jmespath's `JMESPathTypeError`.
fn type_error(func: &str, value: &str, actual: &str, expected: &[&str]) -> JmespathError {
    let expected: Vec<String> = expected.iter().map(|t| py_repr_str(t)).collect();
    py_error(format!(
        "In function {func}(), invalid type for value: {value}, expected one of: [{}], received: \"{actual}\"",
        expected.join(", ")
    ))
}

/// Python jmespath's arity and argument type checks.
fn check_args(sig: Signature, args: &[Rcvar], orders: &Orders) -> Result<(), JmespathError> {
    let n = sig.params.len();
    let noun = if n == 1 { "argument" } else { "arguments" };
    if sig.variadic && args.len() < n {
        return Err(py_error(format!(
            "Expected at least {n} {noun} for function {}(), received {}",
            sig.name,
            args.len()
        )));
    }
    if !sig.variadic && args.len() != n {
        return Err(py_error(format!(
            "Expected {n} {noun} for function {}(), received {}",
            sig.name,
            args.len()
        )));
    }
    let show = |var: &Rcvar| py_str(&from_var(var, &orders.lock()));
    for (arg, types) in args.iter().zip(sig.params) {
        if types.is_empty() {
            continue;
        }
        let actual = jtype(arg);
        if !types.iter().any(|t| t.split('-').next() == Some(actual)) {
            return Err(type_error(sig.name, &show(arg), actual, types));
        }
        let subtypes: Vec<&str> = types
            .iter()
            .filter_map(|t| t.split_once('-').map(|(_, s)| s))
            .collect();
        let items = array(arg);
        let allowed = match subtypes.as_slice() {
            [] => continue,
            [only] => *only,
            _ => {
                let Some(first) = items.first() else { continue };
                match subtypes.iter().find(|s| **s == jtype(first)) {
                    Some(s) => *s,
                    None => {
                        return Err(type_error(
                            sig.name,
                            &show(first),
                            var_py_type(first),
                            types,
                        ))
                    }
                }
            }
        };
        if let Some(bad) = items.iter().find(|item| jtype(item) != allowed) {
            return Err(type_error(sig.name, &show(bad), var_py_type(bad), types));
        }
    }
    Ok(())
}
