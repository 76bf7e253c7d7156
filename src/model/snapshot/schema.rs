//! `--validate` of a `<domainsnapshot>` document: what libvirt's `domainsnapshot.rng` allows of
//! each child of the root, as names and values (a saved domain definition is checked by the
//! names of the domain schema, as `define --validate` checks one).

use super::STATES;
use crate::model::dom::Element;
use crate::model::moment::{
    abs_file_path, attrs_within, disk_name, domain_valid, parent_valid, text_only, uuid,
    validate as check, ChildRule,
};

/// The formats the schema allows a snapshot disk's driver (`storageFormatBacking`).
const BACKING_FORMATS: [&str; 5] = ["cow", "qcow", "qcow2", "qed", "vmdk"];

pub fn validate(root: &Element) -> Result<(), String> {
    let rules: &[ChildRule] = &[
        ("name", &text_only),
        ("description", &text_only),
        ("state", &state),
        ("creationTime", &text_only),
        ("memory", &memory),
        ("disks", &disks),
        ("revertDisks", &disks),
        ("active", &|e| {
            text_only(e) && matches!(e.text().trim(), "0" | "1")
        }),
        ("domain", &domain),
        ("inactiveDomain", &domain_valid),
        ("parent", &|e| parent_valid(e, &|_| true)),
        ("cookie", &|_| true),
    ];
    check(root, rules)
}

/// A state the schema names (`nostate` and `pmsuspended` are not among them).
fn state(e: &Element) -> bool {
    let text = e.text();
    let s = text.trim();
    text_only(e) && s != "nostate" && s != "pmsuspended" && STATES.contains(&s)
}

/// `<memory snapshot='no|internal'/>`, or `<memory [snapshot='external'] file='/path'/>`.
fn memory(e: &Element) -> bool {
    let plain = attrs_within(e, &["snapshot", "file"]) && e.elements().next().is_none();
    let snapshot = e
        .attrs
        .iter()
        .find(|a| a.name == "snapshot")
        .map(|a| a.value.trim());
    let file = e
        .attrs
        .iter()
        .find(|a| a.name == "file")
        .map(|a| a.value.as_str());
    plain
        && match (snapshot, file) {
            (Some("no" | "internal"), None) => true,
            (Some("external") | None, Some(f)) => abs_file_path(f),
            _ => false,
        }
}

fn disks(e: &Element) -> bool {
    attrs_within(e, &[]) && e.elements().all(|d| d.is("disk") && disk(d))
}

/// One `<disk>`: its name, where its snapshot goes, and for an external one, the new image.
fn disk(d: &Element) -> bool {
    let attr = |n: &str| d.attrs.iter().find(|a| a.name == n).map(|a| a.value.trim());
    let named = d
        .attrs
        .iter()
        .find(|a| a.name == "name")
        .is_some_and(|a| disk_name(&a.value));
    if !named || !attrs_within(d, &["name", "snapshot", "type"]) {
        return false;
    }
    match attr("snapshot") {
        Some("no" | "internal" | "manual") => {
            return attr("type").is_none() && d.elements().next().is_none()
        }
        Some("external") | None => {}
        Some(_) => return false,
    }
    let kind = attr("type").unwrap_or("file");
    if !matches!(kind, "file" | "block" | "network") {
        return false;
    }
    let mut seen: Vec<&str> = Vec::new();
    d.elements().all(|c| {
        let once = !seen.contains(&c.name.as_str());
        seen.push(&c.name);
        once && match c.name.as_str() {
            "source" => source(c, kind),
            "driver" => driver(c),
            "snapshotDeleteInProgress" => c.attrs.is_empty() && c.elements().next().is_none(),
            _ => false,
        }
    })
}

/// A file's or a block device's path is absolute; the rest are the domain schema's names.
fn source(s: &Element, kind: &str) -> bool {
    let path = match kind {
        "file" => s.attrs.iter().find(|a| a.name == "file"),
        "block" => s.attrs.iter().find(|a| a.name == "dev"),
        _ => None,
    };
    let required_ok = kind != "block" || path.is_some();
    required_ok && path.is_none_or(|a| abs_file_path(&a.value)) && domain_valid(s)
}

fn driver(d: &Element) -> bool {
    let format_ok = d
        .attrs
        .iter()
        .find(|a| a.name == "type")
        .is_none_or(|a| BACKING_FORMATS.contains(&a.value.trim()));
    attrs_within(d, &["type"])
        && format_ok
        && d.elements()
            .all(|c| c.is("metadata_cache") && domain_valid(c))
}

/// A full definition, or the `<domain><uuid>` of an older snapshot.
fn domain(e: &Element) -> bool {
    let mut children = e.elements();
    let stub = match (children.next(), children.next()) {
        (Some(u), None) => u.is("uuid") && text_only(u) && uuid(u.text().trim()),
        _ => false,
    };
    (e.attrs.is_empty() && stub) || domain_valid(e)
}
