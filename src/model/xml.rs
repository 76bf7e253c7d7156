//! Writing XML the way libvirt formats it (two-space indent, single-quoted attributes, empty
//! elements closed with `/>`), elements kept whole as libvirt or libxml2 prints them, and the
//! layout of libxml2's complaint about a document that is not well formed.

use super::dom::{is_ns_decl, Element, Node};

/// libvirt's escaping (`virBufferEscapeString`), for attribute values and text alike: the
/// control characters XML cannot hold (all below 0x20 but tab, newline and return) are left
/// out, as libvirt leaves them out.
pub fn escape(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| *c >= ' ' || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape_with(&kept, &[('\'', "&apos;"), ('"', "&quot;")])
}

/// `<`, `>` and `&` as entities, and each of `more` as given.
fn escape_with(s: &str, more: &[(char, &str)]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => match more.iter().find(|(m, _)| *m == c) {
                Some((_, with)) => out.push_str(with),
                None => out.push(c),
            },
        }
    }
    out
}

/// An indenting XML writer. Attributes whose value is `None` are left out.
#[derive(Default)]
pub struct XmlWriter {
    out: String,
    depth: usize,
}

pub type Attrs<'a> = &'a [(&'a str, Option<&'a str>)];

impl XmlWriter {
    pub fn new() -> XmlWriter {
        XmlWriter::default()
    }

    fn start(&mut self, name: &str, attrs: Attrs) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("='");
                self.out.push_str(&escape(v));
                self.out.push('\'');
            }
        }
    }

    /// `<name ...>` and a newline; children follow, one level deeper.
    pub fn open(&mut self, name: &str, attrs: Attrs) {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// `</name>`, one level up.
    pub fn close(&mut self, name: &str) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name .../>`
    pub fn empty(&mut self, name: &str, attrs: Attrs) {
        self.start(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name ...>text</name>`
    pub fn text(&mut self, name: &str, attrs: Attrs, text: &str) {
        self.start(name, attrs);
        self.out.push('>');
        self.out.push_str(&escape(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// An element with all it holds, children indented unless it holds text (then it is
    /// written on one line, as libxml2 does for mixed content).
    pub fn element(&mut self, e: &Element, style: Style) {
        self.indent();
        write_element(&mut self.out, e, style, Some(self.depth));
        self.out.push('\n');
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// How a kept element is written: as libvirt formats its own elements, or as libxml2 dumps a
/// node (`<metadata>`): double quotes, namespace declarations first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Libvirt,
    Libxml,
}

/// libxml2's escaping of an attribute value (`xmlBufAttrSerializeTxtContent`).
pub fn libxml_attr(s: &str) -> String {
    escape_with(
        s,
        &[
            ('"', "&quot;"),
            ('\n', "&#10;"),
            ('\r', "&#13;"),
            ('\t', "&#9;"),
        ],
    )
}

/// libxml2's escaping of text.
pub fn libxml_text(s: &str) -> String {
    escape_with(s, &[('\r', "&#13;")])
}

/// `e` written on its own, as if `depth` levels deep.
pub fn render(e: &Element, style: Style, depth: usize) -> String {
    let mut out = String::new();
    write_element(&mut out, e, style, Some(depth));
    out
}

/// Writes `e`; `depth` is its indentation level, `None` inside text (no layout).
fn write_element(out: &mut String, e: &Element, style: Style, depth: Option<usize>) {
    out.push('<');
    out.push_str(&e.name);
    let attr = |out: &mut String, name: &str, value: &str| {
        out.push(' ');
        out.push_str(name);
        match style {
            Style::Libvirt => {
                out.push_str("='");
                out.push_str(&escape(value));
                out.push('\'');
            }
            Style::Libxml => {
                out.push_str("=\"");
                out.push_str(&libxml_attr(value));
                out.push('"');
            }
        }
    };
    // libxml2 writes namespace declarations first; libvirt keeps the order it was given.
    let decls = e.attrs.iter().filter(|a| is_ns_decl(&a.name));
    let plain = e.attrs.iter().filter(|a| !is_ns_decl(&a.name));
    let ordered: Vec<_> = match style {
        Style::Libxml => decls.chain(plain).collect(),
        Style::Libvirt => e.attrs.iter().collect(),
    };
    for a in ordered {
        attr(out, &a.name, &a.value);
    }
    let never_empty = style == Style::Libvirt && e.never_empty;
    if e.children.is_empty() && !never_empty {
        out.push_str("/>");
        return;
    }
    out.push('>');
    let inline =
        !never_empty && (depth.is_none() || e.children.iter().any(|n| matches!(n, Node::Text(_))));
    for n in &e.children {
        match n {
            Node::Text(t) => out.push_str(&match style {
                Style::Libvirt => escape(t),
                Style::Libxml => libxml_text(t),
            }),
            Node::Element(c) if inline => write_element(out, c, style, None),
            Node::Element(c) => {
                let level = depth.unwrap_or(0) + 1;
                out.push('\n');
                out.push_str(&"  ".repeat(level));
                write_element(out, c, style, Some(level));
            }
            Node::Raw(r) => {
                out.push('\n');
                out.push_str(&"  ".repeat(depth.unwrap_or(0) + 1));
                out.push_str(r);
            }
        }
    }
    if !inline {
        out.push('\n');
        out.push_str(&"  ".repeat(depth.unwrap_or(0)));
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
}

/// Where and why a document is not well formed, in the words libxml2 uses (libvirt prints
/// them as they are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The text of the line shown under the message (`(null)` for an empty document).
    pub context: String,
}

impl std::fmt::Display for Malformed {
    /// libvirt's layout: `at line N: MSG`, the line, then dashes up to a caret at the column.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "at line {}: {}\n{}\n{}^",
            self.line,
            self.message,
            self.context,
            "-".repeat(self.column.saturating_sub(1))
        )
    }
}

/// The fault at byte `offset`: its line, and the line shown with the caret's column. At the
/// very end of a document libxml2 shows the last line that has text, caret after it.
pub(super) fn fault(doc: &str, offset: usize, message: String) -> Malformed {
    let offset = offset.min(doc.len());
    let line = doc[..offset].matches('\n').count() + 1;
    let mut at = offset;
    if at == doc.len() {
        at = doc.trim_end_matches(['\n', '\r']).len();
    }
    let start = doc[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = doc[start..].find('\n').map_or(doc.len(), |i| start + i);
    let column = doc[start..at].chars().count() + 1;
    Malformed {
        line,
        column,
        message,
        context: doc[start..end].to_string(),
    }
}

pub(super) fn line_of(doc: &str, offset: usize) -> usize {
    doc[..offset.min(doc.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_uses_libvirt_layout() {
        let mut w = XmlWriter::new();
        w.open("pool", &[("type", Some("dir"))]);
        w.text("name", &[], "a<b");
        w.empty("x", &[("a", Some("it's")), ("b", None)]);
        w.close("pool");
        assert_eq!(
            w.finish(),
            "<pool type='dir'>\n  <name>a&lt;b</name>\n  <x a='it&apos;s'/>\n</pool>\n"
        );
    }
}
