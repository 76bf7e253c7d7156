//! A parsed XML document as a tree, read the way libvirt reads its XML through libxml2: the
//! first of two like-named elements wins, text is kept as written, namespaces resolve to
//! their URI, and a document libxml2 refuses (not well formed, a character XML forbids,
//! nesting past 256 levels) is refused with libxml2's words, line and caret.
//!
//! Every element and attribute remembers whether a model read it, so that what a model did
//! not read can be kept, refused or dropped on purpose (see `model::extra`), never by accident.

use std::cell::Cell;

use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::xml::{fault, line_of, Malformed};

/// libxml2's nesting limit without `XML_PARSE_HUGE`: 256 levels below the root.
const MAX_DEPTH: usize = 257;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// The name as written, with its prefix (`xmlns:app`, `b:x`, `type`).
    pub name: String,
    pub value: String,
    used: Cell<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    Text(String),
    /// Markup already written, put on a line of its own (never from a parsed document).
    Raw(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The name as written, with its prefix.
    pub name: String,
    /// The namespace URI the element is in, when it is in one.
    pub ns: Option<String>,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// Written open and closed on two lines even when empty (libvirt's `<devices>`, a
    /// network's `<ip>`).
    pub never_empty: bool,
    used: Cell<bool>,
}

impl Element {
    pub fn new(name: &str) -> Element {
        Element {
            name: name.to_string(),
            ns: None,
            attrs: Vec::new(),
            children: Vec::new(),
            never_empty: false,
            used: Cell::new(false),
        }
    }

    /// The element, written open and closed even when empty.
    pub fn never_empty(mut self) -> Element {
        self.never_empty = true;
        self
    }

    /// `<name>text</name>`
    pub fn leaf(name: &str, text: &str) -> Element {
        let mut e = Element::new(name);
        e.children.push(Node::Text(text.to_string()));
        e
    }

    /// The element with attribute `name` added.
    pub fn with(mut self, name: &str, value: impl AsRef<str>) -> Element {
        self.attrs.push(Attr::new(name, value.as_ref()));
        self
    }

    /// The element with attribute `name` added when there is a value.
    pub fn with_opt(self, name: &str, value: Option<impl AsRef<str>>) -> Element {
        match value {
            Some(v) => self.with(name, v),
            None => self,
        }
    }

    /// The element with `child` added.
    pub fn with_child(mut self, child: Element) -> Element {
        self.push(child);
        self
    }

    pub fn push(&mut self, child: Element) {
        self.children.push(Node::Element(child));
    }

    pub fn push_opt(&mut self, child: Option<Element>) {
        if let Some(c) = child {
            self.push(c);
        }
    }

    /// Whether a model read this element.
    pub fn is_read(&self) -> bool {
        self.used.get()
    }

    /// The name without its prefix.
    pub fn local(&self) -> &str {
        self.name.rsplit(':').next().unwrap_or(&self.name)
    }

    /// True for an element of libvirt's own vocabulary (no namespace) named `name`.
    pub fn is(&self, name: &str) -> bool {
        self.ns.is_none() && self.name == name
    }

    /// The value of attribute `name`; marks it read.
    pub fn attr(&self, name: &str) -> Option<&str> {
        let a = self.attrs.iter().find(|a| a.name == name)?;
        a.used.set(true);
        Some(&a.value)
    }

    /// The first child element of libvirt's vocabulary named `name`; marks it read.
    pub fn child(&self, name: &str) -> Option<&Element> {
        let e = self.elements().find(|e| e.is(name))?;
        e.mark();
        Some(e)
    }

    /// Every child element named `name`, in order; marks each read.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.elements()
            .filter(move |e| e.is(name))
            .inspect(|e| e.mark())
    }

    /// The first child element in namespace `ns` with local name `local`; marks it read.
    pub fn child_ns(&self, ns: &str, local: &str) -> Option<&Element> {
        let e = self
            .elements()
            .find(|e| e.ns.as_deref() == Some(ns) && e.local() == local)?;
        e.mark();
        Some(e)
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// The text of the element and all its descendants (XPath's `string()`).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
                Node::Raw(_) => {}
            }
        }
    }

    /// The text of the first child named `name`, as written.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::text)
    }

    /// Marks this element read, with all it holds: for elements a model keeps whole.
    pub fn mark(&self) {
        self.used.set(true);
    }

    pub fn mark_all(&self) {
        self.used.set(true);
        for a in &self.attrs {
            a.used.set(true);
        }
        for e in self.elements() {
            e.mark_all();
        }
    }

    /// Marks attributes read that a model knows and deliberately does not keep.
    pub fn ignore_attrs(&self, names: &[&str]) {
        for a in &self.attrs {
            if names.contains(&a.name.as_str()) {
                a.used.set(true);
            }
        }
    }

    /// Child elements no model read.
    pub fn unread_children(&self) -> impl Iterator<Item = &Element> {
        self.elements().filter(|e| !e.used.get())
    }

    /// Attributes no model read, namespace declarations aside.
    pub fn unread_attrs(&self) -> impl Iterator<Item = &Attr> {
        self.attrs
            .iter()
            .filter(|a| !a.used.get() && !is_ns_decl(&a.name))
    }
}

impl Attr {
    pub fn new(name: &str, value: &str) -> Attr {
        Attr {
            name: name.to_string(),
            value: value.to_string(),
            used: Cell::new(false),
        }
    }
}

pub fn is_ns_decl(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:")
}

/// Chars XML 1.0 allows in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Resolves entity and character references in `raw` (at byte `at` of `doc`), as libxml2
/// does without a DTD; `forbidden` is libxml2's message for a raw character XML forbids.
fn unescape(
    doc: &str,
    at: usize,
    raw: &str,
    forbidden: impl Fn(char) -> String,
) -> Result<String, Malformed> {
    if let Some((i, c)) = raw.char_indices().find(|&(_, c)| !xml_char(c)) {
        return Err(fault(doc, at + i, forbidden(c)));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut base = at;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').unwrap_or(after.len());
        let name = &after[..end];
        let after_ref = base + i + 1 + end + 1;
        match name {
            "lt" => out.push('<'),
            "gt" => out.push('>'),
            "amp" => out.push('&'),
            "apos" => out.push('\''),
            "quot" => out.push('"'),
            _ if name.starts_with('#') => {
                let code = match name.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => name[1..].parse::<u32>().ok(),
                };
                match code.and_then(char::from_u32).filter(|&c| xml_char(c)) {
                    Some(c) => out.push(c),
                    None => {
                        let value = code.unwrap_or(0);
                        return Err(fault(
                            doc,
                            after_ref,
                            format!("xmlParseCharRef: invalid xmlChar value {value}"),
                        ));
                    }
                }
            }
            _ => {
                return Err(fault(
                    doc,
                    after_ref,
                    format!("Entity '{name}' not defined"),
                ))
            }
        }
        base += i + 1 + end + 1;
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Namespace declarations in scope, innermost last: (prefix, URI); "" is the default.
struct Scopes(Vec<Vec<(String, String)>>);

impl Scopes {
    fn resolve(&self, name: &str) -> Option<String> {
        let prefix = name.rsplit_once(':').map_or("", |(p, _)| p);
        self.0
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.clone())
            .filter(|uri| !uri.is_empty())
    }
}

/// The attributes of a start tag at byte `at`, checked and unescaped.
fn attributes(doc: &str, at: usize, tag: &BytesStart) -> Result<Vec<Attr>, Malformed> {
    let mut out: Vec<Attr> = Vec::new();
    for attr in tag.attributes().with_checks(true) {
        let attr = match attr {
            Ok(a) => a,
            Err(AttrError::Duplicated(pos, _)) => {
                // libxml2 points past the value of the second one.
                let second = &doc[at + 1 + pos..];
                let name = &second[..second.find(['=', ' ', '\t', '\n']).unwrap_or(second.len())];
                let end = second
                    .find(['\'', '"'])
                    .and_then(|q| {
                        let quote = second[q..].chars().next()?;
                        second[q + 1..].find(quote).map(|e| q + 1 + e + 1)
                    })
                    .unwrap_or(0);
                return Err(fault(
                    doc,
                    at + 1 + pos + end,
                    format!("Attribute {name} redefined"),
                ));
            }
            Err(_) => {
                let tag_text = &doc[at..];
                let eq = tag_text.find('=').map_or(0, |i| i + 1);
                return Err(fault(doc, at + eq, "AttValue: \" or ' expected".into()));
            }
        };
        let name = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let raw = String::from_utf8_lossy(&attr.value);
        // Where the value starts in the document, for a fault inside it.
        let value_at = raw_offset(doc, at, &raw);
        // Attribute-value normalisation, before references are resolved: each tab, newline
        // or return written as such is a space (a CR LF one), while `&#10;` or `&#9;` is the
        // character itself, as libxml2 keeps it.
        let normal = raw.replace("\r\n", "\n").replace(['\t', '\n', '\r'], " ");
        let value = unescape(doc, value_at, &normal, |_| {
            "invalid character in attribute value".into()
        })?;
        out.push(Attr::new(&name, &value));
    }
    Ok(out)
}

/// The byte offset of `raw` within the tag starting at `at` (the first occurrence after a
/// quote), for error positions.
fn raw_offset(doc: &str, at: usize, raw: &str) -> usize {
    let tag_end = doc[at..].find('>').map_or(doc.len(), |i| at + i);
    doc[at..tag_end]
        .match_indices(['\'', '"'])
        .map(|(i, _)| at + i + 1)
        .find(|&start| doc[start..].starts_with(raw))
        .unwrap_or(at)
}

/// Parses `doc` into its root element.
pub fn parse(doc: &str) -> Result<Element, Malformed> {
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
    // Open elements, with the offset of their start tag.
    let mut stack: Vec<(Element, usize)> = Vec::new();
    let mut scopes = Scopes(Vec::new());
    let mut root: Option<Element> = None;
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
        match &event {
            Event::Start(tag) | Event::Empty(tag) => {
                if stack.is_empty() && root.is_some() {
                    return Err(fault(
                        doc,
                        before,
                        "Extra content at the end of the document".into(),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    let message = "Excessive depth in document: 256 use XML_PARSE_HUGE option";
                    return Err(fault(doc, before, message.into()));
                }
                let name = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
                if let Some((bad, _)) = name.char_indices().find(|&(_, c)| !xml_char(c)) {
                    let message = format!(
                        "Couldn't find end of Start Tag {} line {}",
                        &name[..bad],
                        line_of(doc, before)
                    );
                    return Err(fault(doc, before + 1 + bad, message));
                }
                let attrs = attributes(doc, before, tag)?;
                let decls = attrs
                    .iter()
                    .filter(|a| is_ns_decl(&a.name))
                    .map(|a| {
                        let prefix = a.name.strip_prefix("xmlns:").unwrap_or("");
                        (prefix.to_string(), a.value.clone())
                    })
                    .collect();
                scopes.0.push(decls);
                let mut element = Element::new(&name);
                element.ns = scopes.resolve(&name);
                element.attrs = attrs;
                if matches!(event, Event::Start(_)) {
                    stack.push((element, before));
                } else {
                    scopes.0.pop();
                    match stack.last_mut() {
                        Some((parent, _)) => parent.children.push(Node::Element(element)),
                        None => root = Some(element),
                    }
                }
            }
            Event::End(tag) => {
                let found = String::from_utf8_lossy(tag.name().as_ref()).into_owned();
                if let Some(ws) = found.find(|c: char| c.is_whitespace()) {
                    let tail = &found[ws..];
                    let skip = tail.len() - tail.trim_start().len();
                    if !tail.trim().is_empty() {
                        return Err(fault(doc, before + 2 + ws + skip, "expected '>'".into()));
                    }
                }
                let found = found.trim_end();
                let Some((element, at)) = stack.pop() else {
                    return Err(fault(
                        doc,
                        before,
                        "Extra content at the end of the document".into(),
                    ));
                };
                if element.name != found {
                    return Err(fault(
                        doc,
                        after,
                        format!(
                            "Opening and ending tag mismatch: {} line {} and {found}",
                            element.name,
                            line_of(doc, at)
                        ),
                    ));
                }
                scopes.0.pop();
                let element = drop_blanks(element);
                match stack.last_mut() {
                    Some((parent, _)) => parent.children.push(Node::Element(element)),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                let raw = String::from_utf8_lossy(t.as_ref());
                if stack.is_empty() {
                    if raw.trim().is_empty() {
                        continue;
                    }
                    let junk = before + (raw.len() - raw.trim_start().len());
                    let message = if root.is_some() {
                        "Extra content at the end of the document"
                    } else {
                        "Start tag expected, '<' not found"
                    };
                    return Err(fault(doc, junk, message.into()));
                }
                let text = unescape(doc, before, &raw, |c| {
                    format!("PCDATA invalid Char value {}", c as u32)
                })?;
                if let Some((parent, _)) = stack.last_mut() {
                    parent.children.push(Node::Text(text));
                }
            }
            Event::CData(t) => {
                let text = String::from_utf8_lossy(t.as_ref()).into_owned();
                if let Some((parent, _)) = stack.last_mut() {
                    parent.children.push(Node::Text(text));
                }
            }
            Event::Comment(c) => {
                let text = String::from_utf8_lossy(c.as_ref());
                if let Some((i, ch)) = text.char_indices().find(|&(_, c)| !xml_char(c)) {
                    let message = format!("xmlParseComment: invalid xmlChar value {}", ch as u32);
                    return Err(fault(doc, before + 4 + i, message));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((open, at)) = stack.last() {
        let message = format!(
            "Premature end of data in tag {} line {}",
            open.name,
            line_of(doc, *at)
        );
        return Err(fault(doc, doc.len(), message));
    }
    root.ok_or_else(|| fault(doc, doc.len(), "Start tag expected, '<' not found".into()))
}

fn is_blank(t: &str) -> bool {
    t.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// Drops whitespace between child elements, as libxml2 does with blanks it deems ignorable;
/// whitespace that is all an element holds stays.
fn drop_blanks(mut e: Element) -> Element {
    if e.elements().next().is_some() {
        e.children
            .retain(|n| !matches!(n, Node::Text(t) if is_blank(t)));
    }
    e
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
            (
                "<domain type='test'><name>a&#1;b</name></domain>",
                "at line 1: xmlParseCharRef: invalid xmlChar value 1\n<domain type='test'><name>a&#1;b</name></domain>\n-------------------------------^",
            ),
            (
                "<domain type='test'><name>t</name><title>a\u{1}b</title></domain>",
                "at line 1: PCDATA invalid Char value 1\n<domain type='test'><name>t</name><title>a\u{1}b</title></domain>\n------------------------------------------^",
            ),
            (
                "<domain type='test'><memory unit='M\u{1}'>1</memory></domain>",
                "at line 1: invalid character in attribute value\n<domain type='test'><memory unit='M\u{1}'>1</memory></domain>\n-----------------------------------^",
            ),
            (
                "<domain type='test'><!-- \u{1} --></domain>",
                "at line 1: xmlParseComment: invalid xmlChar value 1\n<domain type='test'><!-- \u{1} --></domain>\n-------------------------^",
            ),
        ];
        for (doc, want) in cases {
            let got = parse(doc).unwrap_err().to_string();
            assert_eq!(got, want, "for {doc:?}");
        }
    }

    #[test]
    fn nesting_stops_where_libxml2_stops() {
        let nest = |levels: usize| {
            format!(
                "<domain>{}{}</domain>",
                "<a>".repeat(levels - 1),
                "</a>".repeat(levels - 1)
            )
        };
        assert!(parse(&nest(257)).is_ok());
        let err = parse(&nest(258)).unwrap_err();
        assert_eq!(
            err.message,
            "Excessive depth in document: 256 use XML_PARSE_HUGE option"
        );
        // The caret is under the `<` of the element one level too deep.
        assert_eq!(err.column, "<domain>".len() + 256 * 3 + 1);
    }

    #[test]
    fn first_of_two_wins_and_text_is_kept_as_written() {
        let root =
            parse("<d><name> sp </name><name>two</name><x>a&amp;&#65;<y>b</y></x></d>").unwrap();
        assert_eq!(root.child_text("name").as_deref(), Some(" sp "));
        assert_eq!(root.child_text("x").as_deref(), Some("a&Ab"));
        assert_eq!(root.children_named("name").count(), 2);
    }

    #[test]
    fn namespaces_resolve_and_reads_are_remembered() {
        let root = parse(
            "<d xmlns:q='urn:q'><q:cmd><q:arg value='-x'/></q:cmd><p:z/><m a='1' b='2'/></d>",
        )
        .unwrap();
        let cmd = root.child_ns("urn:q", "cmd").unwrap();
        assert_eq!(cmd.local(), "cmd");
        // An undeclared prefix is in no namespace, and is not libvirt's vocabulary either.
        assert!(root.elements().any(|e| e.name == "p:z" && e.ns.is_none()));
        let m = root.child("m").unwrap();
        assert_eq!(m.attr("a"), Some("1"));
        let unread: Vec<_> = m.unread_attrs().map(|a| a.name.as_str()).collect();
        assert_eq!(unread, ["b"]);
        let unread: Vec<_> = root.unread_children().map(|e| e.name.as_str()).collect();
        assert_eq!(unread, ["p:z"]);
    }

    #[test]
    fn a_redefined_attribute_is_refused() {
        let err = parse("<domain type='test' type='x'><name>t</name></domain>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "at line 1: Attribute type redefined\n<domain type='test' type='x'><name>t</name></domain>\n----------------------------^"
        );
    }
}
