//! What a document held that a model did not read. libvirt knows far more XML than virtsh
//! models; what libvirt's schema knows is kept, printed back where libvirt prints it, and
//! refused by a driver that cannot honour it. What the schema does not know is dropped, as
//! libvirt drops it (or refused under `--validate`).

use super::dom::{Attr, Element, Node};
use super::schema;

fn known_element(e: &Element) -> bool {
    e.ns.is_none() && schema::ELEMENTS.binary_search(&e.name.as_str()).is_ok()
}

fn known_attr(name: &str) -> bool {
    schema::ATTRIBUTES.binary_search(&name).is_ok()
}

/// The unread rest of one element: its unread attributes, its unread children (whole), and
/// the unread rest of the children that were read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extra {
    attrs: Vec<(String, String)>,
    whole: Vec<Element>,
    inner: Vec<(String, Extra)>,
}

impl Extra {
    /// The unread rest of `e`, which is then all read.
    pub fn of(e: &Element) -> Extra {
        let mut extra = Extra {
            attrs: e
                .unread_attrs()
                .filter(|a| known_attr(&a.name))
                .map(|a| (a.name.clone(), a.value.clone()))
                .collect(),
            // An unread twin of a child that was read is a duplicate: the first one won.
            whole: e
                .unread_children()
                .filter(|c| known_element(c))
                .filter(|c| !e.elements().any(|r| r.is_read() && r.name == c.name))
                .cloned()
                .collect(),
            inner: Vec::new(),
        };
        for c in e.elements().filter(|c| c.is_read()) {
            let rest = Extra::of(c);
            if !rest.is_empty() {
                extra.inner.push((c.name.clone(), rest));
            }
        }
        e.mark_all();
        extra
    }

    /// The value of a kept attribute of the element itself (a disk's `snapshot`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.whole.is_empty() && self.inner.is_empty()
    }

    /// Adds what was kept to `built`, the element a model formatted. A kept child goes before
    /// the first child that comes after it in `order` (libvirt's order of the children), or
    /// last.
    pub fn merge(&self, built: &mut Element, order: &[&str]) {
        for (name, value) in &self.attrs {
            built.attrs.push(Attr::new(name, value));
        }
        for kept in &self.whole {
            insert(built, kept.clone(), order);
        }
        for (name, rest) in &self.inner {
            let found = built
                .children
                .iter()
                .position(|n| matches!(n, Node::Element(c) if c.name == *name));
            let at = found.unwrap_or_else(|| insert(built, Element::new(name), order));
            if let Some(Node::Element(target)) = built.children.get_mut(at) {
                rest.merge(target, &[]);
            }
        }
    }

    /// What was kept, each as `<parent><child>` or `<parent attr='...'>` for a message; `at`
    /// is the element it was kept from.
    pub fn describe(&self, at: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .attrs
            .iter()
            .map(|(name, value)| format!("<{at} {name}='{value}'>"))
            .collect();
        out.extend(self.whole.iter().map(|e| format!("<{at}><{}>", e.name)));
        for (name, rest) in &self.inner {
            out.extend(rest.describe(name));
        }
        out
    }
}

/// Puts `child` into `parent` before the first child that comes after it in `order`, or
/// last; returns where.
fn insert(parent: &mut Element, child: Element, order: &[&str]) -> usize {
    let rank = |name: &str| order.iter().position(|o| *o == name);
    let at = rank(&child.name)
        .and_then(|mine| {
            parent.children.iter().position(|n| match n {
                Node::Element(c) => rank(&c.name).is_some_and(|theirs| theirs > mine),
                _ => false,
            })
        })
        .unwrap_or(parent.children.len());
    parent.children.insert(at, Node::Element(child));
    at
}

/// Checks `root` against the names libvirt's schema knows, the way `--validate` reports
/// the first fault: libxml2's RelaxNG messages for an unknown attribute of the root, an
/// unknown child of it, or anything unknown deeper in one of its children.
pub fn validate(root: &Element) -> Result<(), String> {
    let top = &root.name;
    if let Some(a) = root
        .attrs
        .iter()
        .find(|a| !known_attr(&a.name) && !super::dom::is_ns_decl(&a.name))
    {
        return Err(format!("Invalid attribute {} for element {top}", a.name));
    }
    for child in root.elements().filter(|c| c.ns.is_none()) {
        if !known_element(child) {
            return Err(format!("Element {top} has extra content: {}", child.name));
        }
        if child.name != "metadata" && !all_known(child) {
            return Err(format!(
                "Extra element {} in interleave\nElement {top} failed to validate content",
                child.name
            ));
        }
    }
    Ok(())
}

fn all_known(e: &Element) -> bool {
    e.attrs
        .iter()
        .all(|a| known_attr(&a.name) || super::dom::is_ns_decl(&a.name))
        && e.elements()
            .filter(|c| c.ns.is_none())
            .all(|c| known_element(c) && all_known(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dom::parse;

    #[test]
    fn known_leftovers_are_kept_and_put_back_in_order() {
        let doc = parse(
            "<devices><disk snapshot='no' bogus='1'><source file='/f' startupPolicy='optional'/>\
             <iotune/><nonsense/></disk><hostdev mode='subsystem'/><memballoon model='none'/></devices>",
        )
        .unwrap();
        let disk = doc.child("disk").unwrap();
        disk.child("source").unwrap().attr("file");
        let extra = Extra::of(disk);
        assert_eq!(
            extra.describe("disk"),
            [
                "<disk snapshot='no'>",
                "<disk><iotune>",
                "<source startupPolicy='optional'>"
            ]
        );
        let mut built = Element::new("disk");
        let mut source = Element::new("source");
        source.attrs.push(Attr::new("file", "/f"));
        built.children.push(Node::Element(source));
        extra.merge(&mut built, &[]);
        let source = built.elements().next().unwrap();
        assert_eq!(source.attrs.len(), 2);
        assert_eq!(built.elements().nth(1).unwrap().name, "iotune");

        doc.child("memballoon").unwrap().mark_all();
        let rest = Extra::of(&doc);
        let mut devices = Element::new("devices");
        devices
            .children
            .push(Node::Element(Element::new("memballoon")));
        rest.merge(&mut devices, &["disk", "hostdev", "memballoon"]);
        let names: Vec<_> = devices.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["hostdev", "memballoon"]);
    }

    #[test]
    fn validation_names_the_first_unknown() {
        let check = |doc: &str| validate(&parse(doc).unwrap());
        assert_eq!(check("<domain type='test'><name>a</name></domain>"), Ok(()));
        assert_eq!(
            check("<domain type='test' foo='1'/>").unwrap_err(),
            "Invalid attribute foo for element domain"
        );
        assert_eq!(
            check("<domain><bogus/></domain>").unwrap_err(),
            "Element domain has extra content: bogus"
        );
        assert_eq!(
            check("<domain><devices><bogus/></devices></domain>").unwrap_err(),
            "Extra element devices in interleave\nElement domain failed to validate content"
        );
    }
}
