//! Maps a field path such as `services[0].network.subnets[1]` to the line and column where the
//! value at that path starts in a YAML text, so that semantic errors found after deserialisation
//! can be reported as `file:line:column: path: message`. The YAML text is walked once with
//! yaml-rust2's event parser (only the first document is considered); where the parser's markers
//! do not point at the start of a node (block mappings, indentless sequences, block scalars and
//! empty values), the position is corrected from the scanner's tokens and the text itself. When
//! the exact path does not exist, the position of its longest existing prefix is returned.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, Scanner, TScalarStyle};

/// A 1-based line and column in a YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub column: usize,
}

/// One step of a field path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A mapping key, compared with the key's scalar text.
    Key(String),
    /// A 0-based sequence index.
    Index(usize),
}

/// The start of the text, for documents without any node.
const START: Pos = Pos { line: 1, column: 1 };

/// Parses a path such as `services[0].network.subnets[1]` or `timeline[3].aws` into steps;
/// a key with dots in it is quoted in brackets (`profiles["api-2.3"].memory`).
/// A leading key is optional (`[2].name` is valid). Returns None when the path is malformed.
pub fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(quoted) = rest.strip_prefix("[\"") {
            // A key that holds dots or brackets itself: `profiles["api-2.3"]`.
            let close = quoted.find("\"]")?;
            steps.push(Step::Key(quoted[..close].to_owned()));
            rest = &quoted[close + 2..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let digits = &after[..close];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            steps.push(Step::Index(digits.parse().ok()?));
            rest = &after[close + 1..];
        } else {
            // Only the very first key may omit its leading dot.
            let body = if steps.is_empty() {
                rest
            } else {
                rest.strip_prefix('.')?
            };
            let end = body.find(['.', '[', ']']).unwrap_or(body.len());
            if end == 0 {
                return None;
            }
            steps.push(Step::Key(body[..end].to_owned()));
            rest = &body[end..];
        }
    }
    Some(steps)
}

/// Position where the value at `path` starts in `yaml`; when the exact path does not exist,
/// the position of its longest existing prefix (so an error still points near the right place);
/// None only if the text does not parse as YAML. The empty path is the document's root value.
pub fn locate(yaml: &str, path: &[Step]) -> Option<Pos> {
    let text: Vec<char> = yaml.chars().collect();
    // Token marks in stream order; used to place empty values and block scalar indicators.
    let tokens: Vec<Marker> = Scanner::new(yaml.chars()).map(|token| token.0).collect();
    let mut finder = Finder {
        target: path,
        text: &text,
        tokens: &tokens,
        stack: Vec::new(),
        best: None,
        root_seen: false,
    };
    Parser::new_from_str(yaml).load(&mut finder, false).ok()?;
    Some(finder.best.map_or(START, |(_, pos)| pos))
}

/// Convenience: `locate(yaml, &parse_path(path)?)`.
pub fn locate_str(yaml: &str, path: &str) -> Option<Pos> {
    locate(yaml, &parse_path(path)?)
}

/// How a node relates to the container it is in.
enum Role {
    Root,
    Key,
    Item,
    /// A mapping value; carries the position of its key.
    Value(Pos),
}

/// Where a mapping is between its keys and values.
enum Slot {
    Key,
    /// The next node is the value of this key (None when the key is not a scalar).
    Value(Option<String>, Pos),
}

enum Kind {
    /// A sequence and the index of its next item.
    Seq(usize),
    Map(Slot),
}

struct Frame {
    /// Number of target steps this container matches, when it lies on the target path.
    depth: Option<usize>,
    /// Start position; provisional (the raw marker) until `resolved`.
    pos: Pos,
    /// False for block mappings until their first child reveals where they start.
    resolved: bool,
    kind: Kind,
}

struct Finder<'a> {
    target: &'a [Step],
    text: &'a [char],
    tokens: &'a [Marker],
    stack: Vec<Frame>,
    /// Deepest matched prefix length and its position.
    best: Option<(usize, Pos)>,
    root_seen: bool,
}

impl MarkedEventReceiver for Finder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, style, ..) => {
                let (depth, role) = self.context();
                let pos = self.scalar_pos(&value, style, mark, &role);
                let key = matches!(role, Role::Key).then_some(value);
                self.leaf(depth, pos, key);
            }
            Event::Alias(_) => {
                let (depth, _) = self.context();
                self.leaf(depth, pos_of(mark), None);
            }
            Event::SequenceStart(..) => self.open(mark, true),
            Event::MappingStart(..) => self.open(mark, false),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
    }
}

impl Finder<'_> {
    /// Target depth (if on the path) and role of the node that starts now.
    fn context(&mut self) -> (Option<usize>, Role) {
        let Some(top) = self.stack.last() else {
            let depth = (!self.root_seen).then_some(0);
            self.root_seen = true;
            return (depth, Role::Root);
        };
        let descend = |step: Step| {
            top.depth
                .filter(|&d| self.target.get(d) == Some(&step))
                .map(|d| d + 1)
        };
        match &top.kind {
            Kind::Seq(index) => (descend(Step::Index(*index)), Role::Item),
            Kind::Map(Slot::Key) => (None, Role::Key),
            Kind::Map(Slot::Value(key, key_pos)) => {
                let depth = key.clone().and_then(|k| descend(Step::Key(k)));
                (depth, Role::Value(*key_pos))
            }
        }
    }

    /// A scalar or alias at `pos`.
    fn leaf(&mut self, depth: Option<usize>, pos: Pos, key: Option<String>) {
        self.resolve_pending(pos);
        self.record(depth, pos);
        self.child_done(key, pos);
    }

    fn open(&mut self, mark: Marker, is_seq: bool) {
        let (depth, role) = self.context();
        let raw = pos_of(mark);
        let exact = match self.text.get(mark.index()) {
            Some('[' | '{') => Some(raw),
            _ if is_seq => Some(self.sequence_pos(mark, &role)),
            // A block mapping's marker sits on its first `:`; its first key tells where it starts.
            _ => None,
        };
        if let Some(pos) = exact {
            self.resolve_pending(pos);
            self.record(depth, pos);
        }
        let kind = if is_seq {
            Kind::Seq(0)
        } else {
            Kind::Map(Slot::Key)
        };
        self.stack.push(Frame {
            depth,
            pos: exact.unwrap_or(raw),
            resolved: exact.is_some(),
            kind,
        });
    }

    fn close(&mut self) {
        if let Some(top) = self.stack.last() {
            if !top.resolved {
                let pos = top.pos;
                self.resolve_pending(pos);
            }
        }
        if let Some(frame) = self.stack.pop() {
            self.child_done(None, frame.pos);
        }
    }

    /// Gives `pos` to the containers still waiting for their first child to start.
    fn resolve_pending(&mut self, pos: Pos) {
        let mut found = Vec::new();
        for frame in self.stack.iter_mut().rev() {
            if frame.resolved {
                break;
            }
            frame.resolved = true;
            frame.pos = pos;
            found.push(frame.depth);
        }
        for depth in found {
            self.record(depth, pos);
        }
    }

    fn record(&mut self, depth: Option<usize>, pos: Pos) {
        if let Some(d) = depth {
            if self.best.is_none_or(|(best, _)| d > best) {
                self.best = Some((d, pos));
            }
        }
    }

    /// Advances the innermost container past a finished child.
    fn child_done(&mut self, key: Option<String>, pos: Pos) {
        if let Some(top) = self.stack.last_mut() {
            match &mut top.kind {
                Kind::Seq(index) => *index += 1,
                Kind::Map(slot @ Slot::Key) => *slot = Slot::Value(key, pos),
                Kind::Map(slot) => *slot = Slot::Key,
            }
        }
    }

    fn scalar_pos(&self, value: &str, style: TScalarStyle, mark: Marker, role: &Role) -> Pos {
        match style {
            // An empty plain scalar is an empty node; its marker is that of the next token.
            TScalarStyle::Plain if value.is_empty() => match role {
                Role::Value(key_pos) => *key_pos,
                _ => self.empty_node_pos(mark),
            },
            // The marker of a block scalar is its first content line; find its `|` or `>`.
            TScalarStyle::Literal | TScalarStyle::Folded => {
                self.block_indicator_pos(mark).unwrap_or(pos_of(mark))
            }
            _ => pos_of(mark),
        }
    }

    /// The last token before `mark` in stream order.
    fn token_before(&self, mark: Marker) -> Option<Marker> {
        self.tokens
            .iter()
            .rev()
            .find(|t| t.index() < mark.index())
            .copied()
    }

    /// An empty node sits right after the token before it; in a block sequence, at its `-`.
    fn empty_node_pos(&self, mark: Marker) -> Pos {
        let Some(prev) = self.token_before(mark) else {
            return START;
        };
        if let Some(Frame {
            kind: Kind::Seq(_),
            pos,
            ..
        }) = self.stack.last()
        {
            if self.char_on_line(prev, pos.column) == Some('-') {
                return Pos {
                    line: prev.line(),
                    column: pos.column,
                };
            }
        }
        pos_of(prev)
    }

    /// Finds the `|` or `>` that introduces the block scalar whose content starts at `mark`.
    fn block_indicator_pos(&self, mark: Marker) -> Option<Pos> {
        let prev = self.token_before(mark)?;
        let start = prev.index();
        let mut i = start;
        // After `- ` the token marker is already on the indicator; otherwise skip the
        // preceding token (`:`, `?`, a tag, an anchor, `---`) and the blanks after it.
        if !matches!(self.text.get(i), Some('|' | '>')) {
            while self.text.get(i).is_some_and(|c| !c.is_whitespace()) {
                i += 1;
            }
            while matches!(self.text.get(i), Some(' ' | '\t')) {
                i += 1;
            }
        }
        let found = matches!(self.text.get(i), Some('|' | '>')) && i <= mark.index();
        found.then(|| Pos {
            line: prev.line(),
            column: prev.col() + (i - start) + 1,
        })
    }

    /// Where a sequence starts: its `[`, or the `-` of its first entry.
    fn sequence_pos(&self, mark: Marker, role: &Role) -> Pos {
        // An indentless sequence (`key:` then `- item` at the key's indentation) is marked
        // after its first `- `; its dash is in the key's column on the marker's line.
        if let Role::Value(key_pos) = role {
            if self.char_on_line(mark, key_pos.column) == Some('-') && key_pos.line < mark.line() {
                return Pos {
                    line: mark.line(),
                    column: key_pos.column,
                };
            }
        }
        pos_of(mark)
    }

    /// The character at 1-based `column` on the line of `mark`.
    fn char_on_line(&self, mark: Marker, column: usize) -> Option<char> {
        let line_start = mark.index().checked_sub(mark.col())?;
        let index = line_start.checked_add(column.checked_sub(1)?)?;
        let c = *self.text.get(index)?;
        // Make sure the column does not run past the end of the line.
        let same_line = self
            .text
            .get(line_start..index)?
            .iter()
            .all(|&c| c != '\n' && c != '\r');
        same_line.then_some(c)
    }
}

fn pos_of(mark: Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Pos> {
        Some(Pos { line, column })
    }

    const SERVICES: &str = "\
# a comment
name: demo
services:
  - name: web
    desired: 2
  - name: api   # trailing comment
    desired: 3
    network:
      subnets: [subnet-a, subnet-b]
";

    #[test]
    fn nested_mapping_key() {
        let yaml = "a:\n  b:\n    c: 1\n  d: 2\n";
        assert_eq!(locate_str(yaml, "a.b.c"), at(3, 8));
        assert_eq!(locate_str(yaml, "a.d"), at(4, 6));
        // A block mapping starts at its first key.
        assert_eq!(locate_str(yaml, "a.b"), at(3, 5));
        assert_eq!(locate_str(yaml, ""), at(1, 1));
    }

    #[test]
    fn sequence_of_mappings() {
        assert_eq!(locate_str(SERVICES, "services[1].desired"), at(7, 14));
        assert_eq!(locate_str(SERVICES, "services[1].name"), at(6, 11));
        assert_eq!(locate_str(SERVICES, "services[0]"), at(4, 5));
        assert_eq!(locate_str(SERVICES, "services"), at(4, 3));
        assert_eq!(locate_str(SERVICES, "name"), at(2, 7));
    }

    #[test]
    fn flow_sequence_element() {
        let path = "services[1].network.subnets";
        assert_eq!(locate_str(SERVICES, &format!("{path}[1]")), at(9, 27));
        assert_eq!(locate_str(SERVICES, &format!("{path}[0]")), at(9, 17));
        assert_eq!(locate_str(SERVICES, path), at(9, 16));
        let yaml = "x: [1, {h: 2}, [3, 4], {}]\n";
        assert_eq!(locate_str(yaml, "x[1].h"), at(1, 12));
        assert_eq!(locate_str(yaml, "x[2][1]"), at(1, 20));
        assert_eq!(locate_str(yaml, "x[3]"), at(1, 24));
        assert_eq!(locate_str("[a, [b, c]]", "[1][0]"), at(1, 6));
    }

    #[test]
    fn value_on_line_after_key() {
        let yaml = "a:\n  b:\n    \"quoted\"\nc:\n  # note\n  - 1\n";
        assert_eq!(locate_str(yaml, "a.b"), at(3, 5));
        assert_eq!(locate_str(yaml, "c"), at(6, 3));
        assert_eq!(locate_str(yaml, "c[0]"), at(6, 5));
    }

    #[test]
    fn indentless_sequences() {
        let yaml = "top:\n- - x\n  - y\n- name: z\n  list:\n  - # empty\n  - q\n";
        assert_eq!(locate_str(yaml, "top"), at(2, 1));
        assert_eq!(locate_str(yaml, "top[0]"), at(2, 3));
        assert_eq!(locate_str(yaml, "top[0][1]"), at(3, 5));
        assert_eq!(locate_str(yaml, "top[1]"), at(4, 3));
        assert_eq!(locate_str(yaml, "top[1].list"), at(6, 3));
        assert_eq!(locate_str(yaml, "top[1].list[0]"), at(6, 3));
        assert_eq!(locate_str(yaml, "top[1].list[1]"), at(7, 5));
    }

    #[test]
    fn block_scalars() {
        let yaml = "a: |\n  line1\n  line2\nb: >-\n\n  folded\nc:\n  - |+\n    x\nd: |\ne: 1\n";
        assert_eq!(locate_str(yaml, "a"), at(1, 4));
        assert_eq!(locate_str(yaml, "b"), at(4, 4));
        assert_eq!(locate_str(yaml, "c[0]"), at(8, 5));
        assert_eq!(locate_str(yaml, "d"), at(10, 4));
        assert_eq!(locate_str(yaml, "e"), at(11, 4));
    }

    #[test]
    fn empty_values() {
        let yaml = "a:\nb: 1\nseq:\n  -\n  - x\n  - !!null\nflow: {k: , m: 1}\n";
        // An empty mapping value points at its key.
        assert_eq!(locate_str(yaml, "a"), at(1, 1));
        assert_eq!(locate_str(yaml, "seq[0]"), at(4, 3));
        assert_eq!(locate_str(yaml, "seq[1]"), at(5, 5));
        assert_eq!(locate_str(yaml, "seq[2]"), at(6, 3));
        assert_eq!(locate_str(yaml, "flow.k"), at(7, 8));
        assert_eq!(locate_str("", ""), at(1, 1));
        assert_eq!(locate_str("# nothing\n", "a"), at(1, 1));
        assert_eq!(locate_str("---\n", ""), at(1, 1));
    }

    #[test]
    fn anchors_and_aliases() {
        let yaml = "base: &b\n  image: nginx\nsvc:\n  <<: *b\n  other: *b\n";
        assert_eq!(locate_str(yaml, "base.image"), at(2, 10));
        assert_eq!(locate_str(yaml, "svc.other"), at(5, 10));
        // Paths through an alias stop at the alias.
        assert_eq!(locate_str(yaml, "svc.other.image"), at(5, 10));
        assert_eq!(locate_str(yaml, "svc.<<"), at(4, 7));
    }

    #[test]
    fn missing_leaf_falls_back_to_longest_prefix() {
        assert_eq!(locate_str(SERVICES, "services[1].network.vpc"), at(9, 7));
        assert_eq!(locate_str(SERVICES, "services[1].missing.deeper"), at(6, 5));
        assert_eq!(locate_str(SERVICES, "nope"), at(2, 1));
        // A key step into a sequence, or an index into a mapping, does not match.
        assert_eq!(locate_str(SERVICES, "services.name"), at(4, 3));
        assert_eq!(locate_str(SERVICES, "name[0]"), at(2, 7));
    }

    #[test]
    fn index_out_of_range_falls_back() {
        assert_eq!(locate_str(SERVICES, "services[2].desired"), at(4, 3));
        assert_eq!(
            locate_str(SERVICES, "services[1].network.subnets[9]"),
            at(9, 16)
        );
        assert_eq!(locate(SERVICES, &[Step::Index(usize::MAX)]), at(2, 1));
    }

    #[test]
    fn only_first_document_and_first_duplicate() {
        let yaml = "a: 1\na: 2\n---\nb: 3\n";
        assert_eq!(locate_str(yaml, "a"), at(1, 4));
        assert_eq!(locate_str(yaml, "b"), at(1, 1));
    }

    #[test]
    fn crlf_and_tabs() {
        let yaml = "a:\r\n  b: 1\r\nc:\r\n- 2\r\n";
        assert_eq!(locate_str(yaml, "a.b"), at(2, 6));
        assert_eq!(locate_str(yaml, "c[0]"), at(4, 3));
        assert_eq!(locate_str(yaml, "c"), at(4, 1));
        assert_eq!(locate_str("k:\t'v'\n", "k"), at(1, 4));
    }

    #[test]
    fn non_scalar_keys_are_ignored() {
        let yaml = "? [a, b]\n: 1\n{x: y}: 2\nc: 3\n";
        assert_eq!(locate_str(yaml, "c"), at(4, 4));
        assert_eq!(locate_str(yaml, "a"), at(1, 3));
    }

    #[test]
    fn invalid_yaml_returns_none() {
        assert_eq!(locate_str("a: [1, 2\n", "a"), None);
        assert_eq!(locate_str("a: b: c\n", ""), None);
        assert_eq!(locate_str("a:\n  - x\n y: 1\n", "a"), None);
        assert_eq!(locate_str("a: *nope\n", "a"), None);
        // A malformed path also yields None.
        assert_eq!(locate_str("a: 1\n", "a..b"), None);
    }

    #[test]
    fn parse_path_edge_cases() {
        let key = |k: &str| Step::Key(k.to_owned());
        assert_eq!(
            parse_path("a.b[0][1].c"),
            Some(vec![
                key("a"),
                key("b"),
                Step::Index(0),
                Step::Index(1),
                key("c")
            ])
        );
        assert_eq!(parse_path("[0]"), Some(vec![Step::Index(0)]));
        assert_eq!(
            parse_path("[2].name"),
            Some(vec![Step::Index(2), key("name")])
        );
        assert_eq!(parse_path(""), Some(vec![]));
        assert_eq!(
            parse_path("timeline[3].aws"),
            Some(vec![key("timeline"), Step::Index(3), key("aws")])
        );
        assert_eq!(
            parse_path("profiles[\"api-2.3\"].memory"),
            Some(vec![key("profiles"), key("api-2.3"), key("memory")])
        );
        assert_eq!(
            locate_str(
                "profiles:\n  api-2.2: {}\n  api-2.3:\n    memory: 1\n",
                "profiles[\"api-2.3\"].memory"
            ),
            Some(Pos {
                line: 4,
                column: 13
            })
        );
        for bad in [
            "a[\"b\"",
            "a[\"b]",
            "a[x]",
            "a..b",
            ".a",
            "a.",
            "a[]",
            "a[",
            "a]",
            "a[0]b",
            "a[-1]",
            "a[+1]",
            "[0]a",
            "a.[0]",
            "a[99999999999999999999999]",
        ] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn arbitrary_text_does_not_panic() {
        for yaml in [
            "",
            "-",
            "- -",
            ":",
            "? ",
            "[",
            "{a: [}",
            "|",
            "a: |\n",
            "\u{feff}a: 1",
            "&a",
            "!!x",
            "a:\n\t- b",
            "- a\n-",
            "\r",
            "a: 'x\n",
            "%YAML 1.2\n---\na: 1",
        ] {
            for path in ["", "a", "[0]", "a[0].b", "[0][0]"] {
                let _ = locate_str(yaml, path);
            }
        }
    }
}
