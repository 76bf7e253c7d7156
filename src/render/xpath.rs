//! `--xpath` and `--wrap` of the XML commands, as virsh's `virshDumpXML` does them: the
//! document parsed as libxml2 parses it without blanks, the expression evaluated (XPath 1.0)
//! with the root element as the context node, and each selected node written as libxml2's
//! `xmlNodeDump` writes it (attributes in double quotes, children indented two spaces unless
//! an element holds text); with `--wrap`, all of them under one `<nodes>` element.

use serde::Serialize;
use sxd_document::dom::{self, ChildOfElement};
use sxd_document::QName;
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value};

use crate::error::Error;
use crate::model::dom::{Element, Node as ModelNode};
use crate::model::xml::{libxml_attr, libxml_text};
use crate::render::TextView;

/// What an expression selected, each node as libxml2 writes it (or the `<nodes>` element
/// holding them all, with `--wrap`).
#[derive(Debug, Serialize)]
pub struct Selected {
    pub nodes: Vec<String>,
}

impl TextView for Selected {
    fn text(&self, _quiet: bool) -> String {
        self.nodes.iter().map(|n| format!("{n}\n")).collect()
    }
}

/// Why nothing was selected.
#[derive(Debug, PartialEq)]
pub enum XPathError {
    /// libxml2 could not read the expression: it says so on stderr, and virsh succeeds.
    Invalid,
    /// The expression is not a node set, or the document did not parse: virsh's error.
    Failed(Error),
}

/// The nodes of `xml` that `expr` selects.
pub fn select(xml: &str, expr: &str, wrap: bool) -> Result<Selected, XPathError> {
    let parsed =
        crate::model::dom::parse(xml).map_err(|e| XPathError::Failed(Error::xml_detail(e)))?;
    let package = sxd_document::Package::new();
    let doc = package.as_document();
    let root = build(doc, &parsed, &[]);
    doc.root().append_child(root);
    drop_blanks(root);
    let xpath = match Factory::new().build(expr) {
        Ok(Some(x)) => x,
        Ok(None) | Err(_) => return Err(XPathError::Invalid),
    };
    let value = xpath
        .evaluate(&Context::new(), root)
        .map_err(|_| XPathError::Invalid)?;
    let Value::Nodeset(set) = value else {
        return Err(XPathError::Failed(Error::internal(format!(
            "Incorrect xpath '{expr}'"
        ))));
    };
    let nodes = in_document_order(root, set.iter().collect());
    if !wrap {
        let out = nodes
            .into_iter()
            .map(|n| {
                let mut s = String::new();
                dump(&mut s, n, Some(0));
                s
            })
            .collect();
        return Ok(Selected { nodes: out });
    }
    // `<nodes>` takes the attributes as its own, the rest as children (adjacent text merged,
    // as xmlAddChild merges it); it is laid out unless a child is text.
    let layout = !nodes.iter().any(|n| matches!(n, Node::Text(_)));
    // An attribute of a name `<nodes>` has already replaces it, at the end (xmlAddChild).
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut children: Vec<(bool, String)> = Vec::new();
    for n in nodes {
        if let Node::Attribute(a) = n {
            let name = qualified(a.preferred_prefix(), a.name().local_part());
            attrs.retain(|(k, _)| *k != name);
            let mut s = String::new();
            dump(&mut s, n, None);
            attrs.push((name, s));
            continue;
        }
        let text = matches!(n, Node::Text(_));
        let mut s = String::new();
        dump(&mut s, n, layout.then_some(1));
        match children.last_mut() {
            Some((true, last)) if text => last.push_str(&s),
            _ => children.push((text, s)),
        }
    }
    let mut out = String::from("<nodes");
    for (_, a) in &attrs {
        out.push_str(a);
    }
    if children.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        for (_, c) in &children {
            if layout {
                out.push_str("\n  ");
            }
            out.push_str(c);
        }
        if layout {
            out.push('\n');
        }
        out.push_str("</nodes>");
    }
    Ok(Selected { nodes: vec![out] })
}

/// `nodes` in document order, an element's attributes in the order they were written (the
/// evaluator's own order puts them by name).
// A node hashes by its identity in the document, which its interior mutability never changes.
#[allow(clippy::mutable_key_type)]
fn in_document_order<'d>(root: dom::Element<'d>, mut nodes: Vec<Node<'d>>) -> Vec<Node<'d>> {
    #[allow(clippy::mutable_key_type)]
    fn walk<'d>(e: dom::Element<'d>, order: &mut std::collections::HashMap<Node<'d>, usize>) {
        let next = order.len();
        order.insert(Node::Element(e), next);
        for a in e.attributes() {
            let next = order.len();
            order.insert(Node::Attribute(a), next);
        }
        for c in e.children() {
            match c {
                ChildOfElement::Element(x) => walk(x, order),
                ChildOfElement::Text(x) => {
                    let next = order.len();
                    order.insert(Node::Text(x), next);
                }
                ChildOfElement::Comment(x) => {
                    let next = order.len();
                    order.insert(Node::Comment(x), next);
                }
                ChildOfElement::ProcessingInstruction(x) => {
                    let next = order.len();
                    order.insert(Node::ProcessingInstruction(x), next);
                }
            }
        }
    }
    let mut order = std::collections::HashMap::new();
    walk(root, &mut order);
    nodes.sort_by_key(|n| order.get(n).copied().unwrap_or(usize::MAX));
    nodes
}

/// `e` (virtsh's own tree, which keeps the attributes in their order) as a document the
/// evaluator reads; `scope` is the namespace prefixes declared above it.
fn build<'d>(doc: dom::Document<'d>, e: &Element, scope: &[(String, String)]) -> dom::Element<'d> {
    let split = |name: &str| match name.split_once(':') {
        Some((p, l)) => (Some(p.to_string()), l.to_string()),
        None => (None, name.to_string()),
    };
    let mut scope = scope.to_vec();
    for a in &e.attrs {
        if let Some(prefix) = a.name.strip_prefix("xmlns:") {
            scope.push((prefix.to_string(), a.value.clone()));
        }
    }
    let (prefix, local) = split(&e.name);
    let el = doc.create_element(QName::with_namespace_uri(e.ns.as_deref(), &local));
    el.set_preferred_prefix(prefix.as_deref());
    for a in &e.attrs {
        match a.name.strip_prefix("xmlns") {
            Some("") => el.set_default_namespace_uri(Some(&a.value)),
            Some(p) if p.starts_with(':') => el.register_prefix(&p[1..], &a.value),
            _ => {
                let (prefix, local) = split(&a.name);
                let ns = prefix.as_ref().and_then(|p| {
                    scope
                        .iter()
                        .rev()
                        .find(|(q, _)| q == p)
                        .map(|(_, u)| u.as_str())
                });
                let attr = el.set_attribute_value(QName::with_namespace_uri(ns, &local), &a.value);
                attr.set_preferred_prefix(prefix.as_deref());
            }
        }
    }
    for c in &e.children {
        match c {
            ModelNode::Element(child) => el.append_child(build(doc, child, &scope)),
            ModelNode::Text(t) | ModelNode::Raw(t) => el.append_child(doc.create_text(t)),
        }
    }
    el
}

/// Whether `s` is blank as libxml2 counts it.
fn blank(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Removes the blank text libxml2 drops when it parses without blanks (`areBlanks`, without a
/// DTD): blank text between elements, unless the element already holds text (mixed content)
/// or the blank text is all it holds.
fn drop_blanks(e: dom::Element<'_>) {
    let children = e.children();
    let count = children.len();
    let mut kept: Vec<bool> = Vec::new();
    for (i, c) in children.into_iter().enumerate() {
        match c {
            ChildOfElement::Text(t) if blank(t.text()) => {
                let keep = match (kept.first(), kept.last()) {
                    // The only content: kept.
                    (None, None) => i + 1 == count,
                    (Some(first), Some(last)) => *first || *last,
                    _ => unreachable!("first and last come together"),
                };
                if keep {
                    kept.push(true);
                } else {
                    t.remove_from_parent();
                }
            }
            ChildOfElement::Text(_) => kept.push(true),
            ChildOfElement::Element(child) => {
                drop_blanks(child);
                kept.push(false);
            }
            _ => kept.push(false),
        }
    }
}

/// An element's name as written: its prefix, if any, and local name.
fn qualified(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_string(),
    }
}

/// The namespace declarations `e` carries itself (those in scope here and not at its parent).
fn own_namespaces(e: dom::Element<'_>) -> Vec<(String, String)> {
    let inherited: Vec<(String, String)> = match e.parent().and_then(|p| p.element()) {
        Some(p) => p
            .namespaces_in_scope()
            .into_iter()
            .map(|n| (n.prefix().to_string(), n.uri().to_string()))
            .collect(),
        None => Vec::new(),
    };
    let mut own: Vec<(String, String)> = e
        .namespaces_in_scope()
        .into_iter()
        .map(|n| (n.prefix().to_string(), n.uri().to_string()))
        .filter(|n| n.0 != "xml" && !inherited.contains(n))
        .collect();
    own.sort();
    own
}

/// Writes `node` as `xmlNodeDump` does; `level` is its indentation level, `None` inside
/// text (no layout).
fn dump(out: &mut String, node: Node<'_>, level: Option<usize>) {
    match node {
        Node::Element(e) => {
            write_element(out, e, level);
        }
        Node::Attribute(a) => {
            out.push(' ');
            out.push_str(&qualified(a.preferred_prefix(), a.name().local_part()));
            out.push_str("=\"");
            out.push_str(&libxml_attr(a.value()));
            out.push('"');
        }
        Node::Text(t) => out.push_str(&libxml_text(t.text())),
        Node::Comment(c) => out.push_str(&format!("<!--{}-->", c.text())),
        Node::ProcessingInstruction(p) => match p.value() {
            Some(v) => out.push_str(&format!("<?{} {v}?>", p.target())),
            None => out.push_str(&format!("<?{}?>", p.target())),
        },
        Node::Namespace(n) => {
            out.push_str(&format!(
                " xmlns:{}=\"{}\"",
                n.prefix(),
                libxml_attr(n.uri())
            ));
        }
        Node::Root(r) => {
            for c in r.children() {
                if let Some(e) = c.element() {
                    write_element(out, e, level);
                }
            }
        }
    }
}

fn write_element(out: &mut String, e: dom::Element<'_>, level: Option<usize>) {
    let name = qualified(e.preferred_prefix(), e.name().local_part());
    out.push('<');
    out.push_str(&name);
    if let Some(uri) = e.default_namespace_uri() {
        out.push_str(&format!(" xmlns=\"{}\"", libxml_attr(uri)));
    }
    for (prefix, uri) in own_namespaces(e) {
        out.push_str(&format!(" xmlns:{prefix}=\"{}\"", libxml_attr(&uri)));
    }
    for a in e.attributes() {
        dump(out, Node::Attribute(a), None);
    }
    let children = e.children();
    if children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    // libxml2 lays children out only when none of them is text.
    let layout = level.filter(|_| {
        !children
            .iter()
            .any(|c| matches!(c, ChildOfElement::Text(_)))
    });
    for c in children {
        if let Some(l) = layout {
            out.push('\n');
            out.push_str(&"  ".repeat(l + 1));
        }
        let child = match c {
            ChildOfElement::Element(x) => Node::Element(x),
            ChildOfElement::Text(x) => Node::Text(x),
            ChildOfElement::Comment(x) => Node::Comment(x),
            ChildOfElement::ProcessingInstruction(x) => Node::ProcessingInstruction(x),
        };
        dump(out, child, layout.map(|l| l + 1));
    }
    if let Some(l) = layout {
        out.push('\n');
        out.push_str(&"  ".repeat(l));
    }
    out.push_str("</");
    out.push_str(&name);
    out.push('>');
}
