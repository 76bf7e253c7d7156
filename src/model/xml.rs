//! Writing XML the way libvirt formats it (two-space indent, single-quoted attributes, empty
//! elements closed with `/>`), and checking that a document is well formed, with the line and
//! column of the first fault.

use quick_xml::events::Event;
use quick_xml::Reader;

/// libvirt's escaping (`virBufferEscapeString`), for attribute values and text alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
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

    pub fn finish(self) -> String {
        self.out
    }
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
fn fault(doc: &str, offset: usize, message: String) -> Malformed {
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

fn line_of(doc: &str, offset: usize) -> usize {
    doc[..offset.min(doc.len())].matches('\n').count() + 1
}

/// Entity references libxml2 knows without a DTD.
fn check_entities(doc: &str, start: usize, text: &str) -> Result<(), Malformed> {
    let mut rest = text;
    let mut base = start;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let end = after.find(';').unwrap_or(after.len());
        let name = &after[..end];
        let known = matches!(name, "lt" | "gt" | "amp" | "apos" | "quot") || name.starts_with('#');
        if !known {
            return Err(fault(
                doc,
                base + i + 1 + end + 1,
                format!("Entity '{name}' not defined"),
            ));
        }
        base += i + 1 + end;
        rest = &after[end..];
    }
    Ok(())
}

/// Checks that `doc` is one well-formed element; returns the root element's name.
pub fn check_well_formed(doc: &str) -> Result<String, Malformed> {
    if doc.trim().is_empty() {
        return Err(Malformed {
            line: 1,
            column: 1,
            message: "Document is empty".into(),
            context: "(null)".into(),
        });
    }
    let mut reader = Reader::from_str(doc);
    reader.config_mut().check_end_names = false;
    // Open elements: name and the offset of their start tag.
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut root: Option<String> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = reader.error_position() as usize;
                return Err(fault(doc, at, describe(&e)));
            }
        };
        let after = reader.buffer_position() as usize;
        let top_level = stack.is_empty();
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                if top_level && root.is_some() {
                    return Err(fault(
                        doc,
                        before,
                        "Extra content at the end of the document".into(),
                    ));
                }
                for attr in e.attributes().with_checks(true) {
                    if attr.is_err() {
                        let tag = &doc[before..after];
                        let eq = tag.find('=').map_or(0, |i| i + 1);
                        return Err(fault(doc, before + eq, "AttValue: \" or ' expected".into()));
                    }
                }
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                root.get_or_insert_with(|| name.clone());
                if matches!(event, Event::Start(_)) {
                    stack.push((name, before));
                }
            }
            Event::End(e) => {
                let found = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if let Some(ws) = found.find(|c: char| c.is_whitespace()) {
                    let tail = &found[ws..];
                    let skip = tail.len() - tail.trim_start().len();
                    if !tail.trim().is_empty() {
                        return Err(fault(doc, before + 2 + ws + skip, "expected '>'".into()));
                    }
                }
                let found = found.trim_end().to_string();
                let (open, at) = stack.pop().unwrap_or_default();
                if open != found {
                    return Err(fault(
                        doc,
                        after,
                        format!(
                            "Opening and ending tag mismatch: {open} line {} and {found}",
                            line_of(doc, at)
                        ),
                    ));
                }
            }
            Event::Text(t) => {
                let text = String::from_utf8_lossy(t.as_ref());
                if top_level && !text.trim().is_empty() {
                    let junk = before + (text.len() - text.trim_start().len());
                    let message = if root.is_some() {
                        "Extra content at the end of the document"
                    } else {
                        "Start tag expected, '<' not found"
                    };
                    return Err(fault(doc, junk, message.into()));
                }
                check_entities(doc, before, &text)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((open, at)) = stack.last() {
        let message = format!(
            "Premature end of data in tag {open} line {}",
            line_of(doc, *at)
        );
        return Err(fault(doc, doc.len(), message));
    }
    root.ok_or_else(|| fault(doc, doc.len(), "Start tag expected, '<' not found".into()))
}

fn describe(e: &quick_xml::Error) -> String {
    use quick_xml::errors::SyntaxError;
    match e {
        quick_xml::Error::Syntax(SyntaxError::UnclosedTag) => "expected '>'".into(),
        quick_xml::Error::Syntax(s) => format!("{s}"),
        other => other.to_string(),
    }
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

    /// libvirt 11.3's messages for these documents, captured from `virsh define`.
    #[test]
    fn malformed_documents_read_as_libxml2_reports_them() {
        let cases = [
            (
                "<domain type='test'>\n  <name>bad</name>\n  <memory>1024</memory\n</domain>\n",
                "at line 4: expected '>'\n</domain>\n^",
            ),
            (
                "<domain type='test'>\n  <name>bad</name>\n  <memory>1024</memry>\n</domain>",
                "at line 3: Opening and ending tag mismatch: memory line 3 and memry\n  <memory>1024</memry>\n----------------------^",
            ),
            (
                "<domain type='test'>\n  <name>bad</name>\n",
                "at line 3: Premature end of data in tag domain line 1\n  <name>bad</name>\n------------------^",
            ),
            (
                "<domain type='test'>\n</domain>\njunk",
                "at line 3: Extra content at the end of the document\njunk\n^",
            ),
            ("junk", "at line 1: Start tag expected, '<' not found\njunk\n^"),
            ("", "at line 1: Document is empty\n(null)\n^"),
            (
                "<domain type='test'>\n  <name a=b>x</name>\n</domain>",
                "at line 2: AttValue: \" or ' expected\n  <name a=b>x</name>\n----------^",
            ),
            (
                "<domain type='test'>\n  <name>a &foo; b</name>\n</domain>",
                "at line 2: Entity 'foo' not defined\n  <name>a &foo; b</name>\n---------------^",
            ),
            (
                "<domain type='test'>\n  <name>x</name>\n</domain>\n<x/>",
                "at line 4: Extra content at the end of the document\n<x/>\n^",
            ),
        ];
        for (doc, want) in cases {
            let got = check_well_formed(doc).unwrap_err().to_string();
            assert_eq!(got, want, "for {doc:?}");
        }
        assert_eq!(check_well_formed("<a><b/>&amp;&#65;</a>").unwrap(), "a");
    }
}
