//! `--output json` (`formatter.py` `JSONFormatter`): Python's `json.dumps`
//! written through a serde_json [`Formatter`], also used for JMESPath's
//! `to_string`.

use std::io;

use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Map, Value};

use super::python::py_float;

/// `json.dump(response, indent=4, ensure_ascii=False)` and a newline, unless
/// the response is `{}` (`if response != {}`); `null` prints as `null`.
pub(super) fn json_output(value: &Value) -> String {
    if value.as_object().is_some_and(Map::is_empty) {
        return String::new();
    }
    let mut out = py_json(value, true, false);
    out.push('\n');
    out
}

/// `json.dumps(value, separators=(',', ':'))`, as JMESPath's `to_string`.
pub(super) fn compact_json_ascii(value: &Value) -> String {
    py_json(value, false, true)
}

/// `value` as Python's `json` writes it: with `indent=4` if `pretty`, else
/// with `separators=(',', ':')`; `ascii` is `ensure_ascii`. serde_json's
/// serializer walks the value and finds the characters to escape; [`PyJson`]
/// decides how each piece is written.
fn py_json(value: &Value, pretty: bool, ascii: bool) -> String {
    let formatter = PyJson {
        pretty,
        ascii,
        level: 0,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(Vec::with_capacity(1024), formatter);
    // A `Value` always serializes (its keys are strings) and a `Vec` never
    // fails to take bytes.
    serde::Serialize::serialize(value, &mut ser).expect("a JSON value serializes into memory");
    // serde_json copies the input's UTF-8 and writes only ASCII of its own.
    String::from_utf8(ser.into_inner()).expect("serde_json writes UTF-8")
}

/// A serde_json [`Formatter`] for Python's `json`
/// module (`json.encoder`): floats as `repr(float)` (`1e-05`, `1e+16`), the
/// escapes `\" \\ \n \r \t \b \f` and `\u00XX` in lowercase for other
/// control characters, and with `ensure_ascii` every character past `~` as
/// `\uXXXX` (UTF-16 surrogate pairs beyond the BMP). Pretty output indents by
/// four spaces a level, separates items with `,` (no trailing space) and keys
/// with `: `, and prints empty containers as `[]` and `{}`; compact output
/// uses `,` and `:`.
struct PyJson {
    /// `indent=4` rather than `separators=(',', ':')`.
    pretty: bool,
    /// `ensure_ascii`.
    ascii: bool,
    /// The depth of containers open.
    level: usize,
    /// Whether the innermost open container has had an item.
    has_value: bool,
}

/// Spaces for indentation, written a slice at a time.
const SPACES: [u8; 64] = [b' '; 64];

impl PyJson {
    /// Before an item: the separator, then (pretty) a new line indented to the level.
    fn item<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !self.pretty {
            return if first { Ok(()) } else { w.write_all(b",") };
        }
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w, self.level)
    }

    fn indent<W: ?Sized + io::Write>(&self, w: &mut W, level: usize) -> io::Result<()> {
        let mut n = 4 * level;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.pretty && self.has_value {
            w.write_all(b"\n")?;
            self.indent(w, self.level)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for PyJson {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(py_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(w, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !self.ascii {
            return w.write_all(fragment.as_bytes());
        }
        // Runs of printable ASCII go out as they are; `~` is the last one
        // `ensure_ascii` leaves alone.
        let bytes = fragment.as_bytes();
        let mut run = 0;
        for (i, c) in fragment.char_indices() {
            if c > '~' {
                w.write_all(&bytes[run..i])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write_u_escape(w, *unit)?;
                }
                run = i + c.len_utf8();
            }
        }
        w.write_all(&bytes[run..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let short: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            // Python leaves `/` alone; serde_json never asks for this.
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write_u_escape(w, u16::from(byte)),
        };
        w.write_all(short)
    }
}

/// `\uXXXX` with lowercase hex digits, as Python writes it.
fn write_u_escape<W: ?Sized + io::Write>(w: &mut W, unit: u16) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digit = |shift: u16| HEX[usize::from((unit >> shift) & 0xf)];
    w.write_all(&[b'\\', b'u', digit(12), digit(8), digit(4), digit(0)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Number};

    /// The JSON writer this file had before serde_json did the walking and
    /// escaping, kept as the reference the fast path must equal byte for byte.
    mod former {
        use super::super::super::python::py_number;
        use serde_json::{Map, Value};

        /// `json.dump(response, indent=4, ensure_ascii=False)` and a newline, unless
        /// the response is `{}` (`if response != {}`); `null` prints as `null`.
        pub(super) fn json_output(value: &Value) -> String {
            if value.as_object().is_some_and(Map::is_empty) {
                return String::new();
            }
            let mut out = String::new();
            write_json(value, 0, &mut out);
            out.push('\n');
            out
        }

        fn write_json(value: &Value, level: usize, out: &mut String) {
            let pad = |out: &mut String, level: usize| out.push_str(&" ".repeat(4 * level));
            match value {
                Value::Array(items) if !items.is_empty() => {
                    out.push_str("[\n");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(",\n");
                        }
                        pad(out, level + 1);
                        write_json(item, level + 1, out);
                    }
                    out.push('\n');
                    pad(out, level);
                    out.push(']');
                }
                Value::Object(map) if !map.is_empty() => {
                    out.push_str("{\n");
                    for (i, (key, item)) in map.iter().enumerate() {
                        if i > 0 {
                            out.push_str(",\n");
                        }
                        pad(out, level + 1);
                        out.push_str(&json_string(key, false));
                        out.push_str(": ");
                        write_json(item, level + 1, out);
                    }
                    out.push('\n');
                    pad(out, level);
                    out.push('}');
                }
                _ => write_compact_json(value, false, out),
            }
        }

        /// `json.dumps(value, separators=(',', ':'))`, as JMESPath's `to_string`.
        pub(super) fn write_compact_json(value: &Value, ascii: bool, out: &mut String) {
            match value {
                Value::Null => out.push_str("null"),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::Number(n) => out.push_str(&py_number(n)),
                Value::String(s) => out.push_str(&json_string(s, ascii)),
                Value::Array(items) => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        write_compact_json(item, ascii, out);
                    }
                    out.push(']');
                }
                Value::Object(map) => {
                    out.push('{');
                    for (i, (key, item)) in map.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(&json_string(key, ascii));
                        out.push(':');
                        write_compact_json(item, ascii, out);
                    }
                    out.push('}');
                }
            }
        }

        /// A JSON string as Python's `json` writes it; `ascii` is `ensure_ascii`.
        fn json_string(s: &str, ascii: bool) -> String {
            let mut out = String::with_capacity(s.len() + 2);
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if c < ' ' || (ascii && c > '~') => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
    }

    /// What the former writer prints for `value`: `--output json`, and
    /// JMESPath's `to_string` (compact, `ensure_ascii`).
    fn former_outputs(value: &Value) -> (String, String) {
        let mut compact = String::new();
        former::write_compact_json(value, true, &mut compact);
        (former::json_output(value), compact)
    }

    fn assert_same_as_former(value: &Value) {
        let (pretty, compact) = former_outputs(value);
        assert_eq!(json_output(value), pretty, "--output json of {value:?}");
        assert_eq!(compact_json_ascii(value), compact, "to_string of {value:?}");
    }

    #[test]
    fn json_escapes_and_numbers_read_as_python_json_dumps() {
        // Expected texts are Python 3's json.dumps(v, indent=4,
        // ensure_ascii=False) and json.dumps(v, separators=(',', ':')).
        let value = json!({
            "s": "café 中 \u{2028} \u{feff} \u{7f} \u{80} \u{0}\u{1}\u{1f}\u{8}\u{c}\n\r\t \"q\" \\ / 😀",
            "e": [], "o": {}, "n": [{"a": [[], {}]}],
            "f": [1e-5, 1e16, -0.0, 100.0, 5e-324, f64::MAX, 0.1],
            "i": [0, -1, i64::MIN, u64::MAX]
        });
        let pretty = "{\n    \"s\": \"café 中 \u{2028} \u{feff} \u{7f} \u{80} \\u0000\\u0001\\u001f\\b\\f\\n\\r\\t \\\"q\\\" \\\\ / 😀\",\n    \"e\": [],\n    \"o\": {},\n    \"n\": [\n        {\n            \"a\": [\n                [],\n                {}\n            ]\n        }\n    ],\n    \"f\": [\n        1e-05,\n        1e+16,\n        -0.0,\n        100.0,\n        5e-324,\n        1.7976931348623157e+308,\n        0.1\n    ],\n    \"i\": [\n        0,\n        -1,\n        -9223372036854775808,\n        18446744073709551615\n    ]\n}\n";
        assert_eq!(json_output(&value), pretty);
        let compact = "{\"s\":\"caf\\u00e9 \\u4e2d \\u2028 \\ufeff \\u007f \\u0080 \\u0000\\u0001\\u001f\\b\\f\\n\\r\\t \\\"q\\\" \\\\ / \\ud83d\\ude00\",\"e\":[],\"o\":{},\"n\":[{\"a\":[[],{}]}],\"f\":[1e-05,1e+16,-0.0,100.0,5e-324,1.7976931348623157e+308,0.1],\"i\":[0,-1,-9223372036854775808,18446744073709551615]}";
        assert_eq!(compact_json_ascii(&value), compact);
        assert_same_as_former(&value);
    }

    #[test]
    fn json_output_equals_the_former_writer_on_chosen_values() {
        let strings = [
            "",
            "plain",
            "\"",
            "\\",
            "/",
            "\"\\\"",
            "tab\there",
            "\r\n",
            "\u{0}",
            "\u{1f}",
            "\u{7f}",
            "\u{80}",
            "\u{a0}",
            "\u{ad}",
            "caf\u{e9}",
            "\u{4e2d}\u{6587}",
            "\u{2028}\u{2029}",
            "\u{fffd}",
            "\u{feff}",
            "\u{ffff}",
            "\u{1f600}",
            "\u{1f468}\u{200d}\u{1f469}",
            "\u{10ffff}",
            "a\u{1f600}b\"c\u{8}d\u{c}e",
            "~",
            "\u{7e}\u{7f}",
        ];
        let floats = [
            0.0,
            -0.0,
            0.1,
            0.5,
            1.0,
            -2.0,
            100.0,
            1.5,
            1e-4,
            1e-5,
            1.5e-7,
            1e15,
            1e16,
            1e22,
            123456789012345678.0,
            9007199254740993.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            5e-324,
            f64::EPSILON,
            std::f64::consts::PI,
        ];
        let mut values = vec![
            json!(null),
            json!(true),
            json!(false),
            json!([]),
            json!({}),
            json!([[]]),
            json!([{}]),
            json!({"a": {}}),
            json!({"a": []}),
            json!([[], {}, [[]], {"b": {}}]),
            json!([0, 1, -1, i64::MAX, i64::MIN, u64::MAX]),
            json!({"tasks": [{"containers": [{"name": "web", "exitCode": 137, "reason": null}],
                   "overrides": {}, "tags": [], "cpu": "256", "memoryReservation": 0.5}],
                   "failures": []}),
        ];
        for s in strings {
            values.push(json!(s));
            values.push(json!([s]));
            values.push(json!({ s: s }));
        }
        for f in floats {
            values.push(json!(f));
            values.push(json!({"n": [f, -f]}));
        }
        let mut deep = json!("\u{1f600}");
        for depth in 0..40 {
            deep = if depth % 2 == 0 {
                json!([deep, depth])
            } else {
                json!({"k": deep, "e": {}})
            };
        }
        values.push(deep);
        for value in &values {
            assert_same_as_former(value);
        }
    }

    /// Strings weighted towards what the escaper treats specially.
    fn arb_string() -> impl Strategy<Value = String> {
        let char = prop_oneof![
            4 => proptest::char::range('\u{0}', '\u{7f}'),
            1 => proptest::sample::select(vec!['"', '\\', '\u{7f}', '\u{80}', '\u{e9}', '\u{2028}', '\u{feff}', '\u{1f600}', '\u{10ffff}']),
            1 => any::<char>(),
        ];
        proptest::collection::vec(char, 0..12).prop_map(|chars| chars.into_iter().collect())
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let float = prop_oneof![
            any::<f64>(),
            any::<i32>().prop_map(f64::from),
            (-30i32..30, 1u8..10).prop_map(|(e, m)| f64::from(m) * 10f64.powi(e)),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            float.prop_filter_map("JSON numbers are finite", |f| Number::from_f64(f)
                .map(Value::Number)),
            arb_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((arb_string(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn json_output_equals_the_former_writer_on_random_values(value in arb_value()) {
            let (pretty, compact) = former_outputs(&value);
            prop_assert_eq!(json_output(&value), pretty);
            prop_assert_eq!(compact_json_ascii(&value), compact);
        }
    }
}
