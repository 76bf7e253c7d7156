//! What snapshots and checkpoints share (libvirt's `moment_conf.c`): a name, a description, a
//! parent, a creation time and the domain definition saved with them; how a document of either
//! kind names them and how they are written back; and the checks of `--validate` (libxml2's
//! RelaxNG messages) as far as the names and values of libvirt's schema go.

use super::dom::{is_ns_decl, Element};
use super::domain::{Disk, DiskSource};
use super::read::text_of;
use super::xml::{Style, XmlWriter};
use super::{DomainDef, ModelError};

/// A snapshot's or a checkpoint's common part (`virDomainMomentDef`).
#[derive(Debug, Clone, PartialEq)]
pub struct MomentDef {
    pub name: String,
    pub description: Option<String>,
    /// The parent's name; none for a root.
    pub parent: Option<String>,
    /// Seconds since the epoch (0: not known, not printed).
    pub creation_time: i64,
    /// The domain definition saved with the moment, if any.
    pub dom: Option<DomainDef>,
    /// A running domain's persistent definition, when it differed (`<inactiveDomain>`).
    pub inactive_dom: Option<DomainDef>,
}

/// How a moment document is read: as a new one (`now` becomes its creation time and, without
/// a name, its name), or as the metadata of an existing one (`redefine`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    pub redefine: bool,
    pub now: i64,
}

impl Reading {
    /// A new moment, created now.
    pub fn new_moment() -> Reading {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Reading {
            redefine: false,
            now,
        }
    }

    /// `--redefine`: the document says everything.
    pub fn redefine() -> Reading {
        Reading {
            redefine: true,
            now: 0,
        }
    }
}

/// The root element of a moment document, refused as libvirt refuses another root.
pub fn root(doc: &str, expected: &str) -> Result<Element, ModelError> {
    let root = super::dom::parse(doc).map_err(ModelError::Malformed)?;
    if root.name != expected {
        return Err(ModelError::Invalid(format!(
            "expecting root element of '{expected}', not '{}'",
            root.name
        )));
    }
    Ok(root)
}

/// `string(./name)`: a redefined moment must have one (`kind`: `snapshot`, `checkpoint`).
pub fn name(root: &Element, reading: Reading, kind: &str) -> Result<Option<String>, ModelError> {
    let name = text_of(root, "name");
    if name.is_none() && reading.redefine {
        return Err(ModelError::Invalid(format!(
            "a redefined {kind} must have a name"
        )));
    }
    Ok(name)
}

/// `string(./creationTime)` of a redefined moment, read as `virStrToLong_ll` reads it.
pub fn creation_time(root: &Element, kind: &str) -> Result<i64, ModelError> {
    text_of(root, "creationTime")
        .and_then(|t| {
            let t = t.trim_start();
            t.strip_prefix('+').unwrap_or(t).parse().ok()
        })
        .ok_or_else(|| ModelError::Internal(format!("missing creationTime from existing {kind}")))
}

/// `string(./parent/name)`.
pub fn parent(root: &Element) -> Option<String> {
    root.child("parent").and_then(|p| text_of(p, "name"))
}

/// A domain definition held by a moment document under `element` (`domain`,
/// `inactiveDomain`), read as a domain document is.
pub fn domain(e: &Element) -> Result<DomainDef, ModelError> {
    if e.name == "domain" {
        return DomainDef::from_element(e);
    }
    let mut renamed = e.clone();
    renamed.name = "domain".into();
    DomainDef::from_element(&renamed)
}

impl MomentDef {
    /// The common part of a new moment (libvirt's `virDomainMomentDefPostParse`): created
    /// now, and named by that time when the document gave no name.
    pub fn created(name: Option<String>, description: Option<String>, now: i64) -> MomentDef {
        MomentDef {
            name: name.unwrap_or_else(|| now.to_string()),
            description,
            parent: None,
            creation_time: now,
            dom: None,
            inactive_dom: None,
        }
    }

    /// `<name>` and `<description>`.
    pub fn write_names(&self, w: &mut XmlWriter) {
        w.text("name", &[], &self.name);
        if let Some(d) = &self.description {
            w.text("description", &[], d);
        }
    }

    /// `<parent>` and `<creationTime>`.
    pub fn write_lineage(&self, w: &mut XmlWriter) {
        if let Some(p) = &self.parent {
            w.open("parent", &[]);
            w.text("name", &[], p);
            w.close("parent");
        }
        if self.creation_time != 0 {
            w.text("creationTime", &[], &self.creation_time.to_string());
        }
    }

    /// The saved definitions, as inactive domain XML one level deeper.
    pub fn write_domains(&self, w: &mut XmlWriter) {
        if let Some(d) = &self.dom {
            w.element(&d.to_element(None), Style::Libvirt);
        }
        if let Some(d) = &self.inactive_dom {
            let mut e = d.to_element(None);
            e.name = "inactiveDomain".into();
            w.element(&e, Style::Libvirt);
        }
    }
}

/// The path of a domain disk's source (`virDomainDiskGetSource`): none for an empty disk or
/// a pool volume not yet resolved.
pub fn disk_source_path(disk: &Disk) -> Option<&str> {
    match &disk.source {
        DiskSource::File(p) | DiskSource::Block(p) => Some(p),
        DiskSource::None | DiskSource::Volume { .. } => None,
    }
}

/// `virDomainDiskByName`, as moments name disks: a name without a leading `/` is a target,
/// one with it a source path (that must name one disk only).
pub fn disk_by_name<'a>(dom: &'a DomainDef, name: &str) -> Option<&'a Disk> {
    let disks = &dom.devices.disks;
    if !name.starts_with('/') {
        return disks.iter().find(|d| d.target_dev == name);
    }
    let mut found = disks.iter().filter(|d| disk_source_path(d) == Some(name));
    match (found.next(), found.next()) {
        (Some(d), None) => Some(d),
        _ => None,
    }
}

/// Whether the disk has no medium (an empty cdrom).
pub fn disk_is_empty(disk: &Disk) -> bool {
    disk.source == DiskSource::None
}

/// What a child of a moment document's root must be, for `--validate`.
pub type ChildRule<'a> = (&'a str, &'a dyn Fn(&Element) -> bool);

/// The schema's verdict on a moment document, in libxml2's words: an attribute of the root,
/// a child the schema does not know, or a known child that is wrong (or given twice).
pub fn validate(root: &Element, rules: &[ChildRule]) -> Result<(), String> {
    let top = &root.name;
    if let Some(a) = root.attrs.iter().find(|a| !is_ns_decl(&a.name)) {
        return Err(format!("Invalid attribute {} for element {top}", a.name));
    }
    let mut seen: Vec<&str> = Vec::new();
    for child in root.elements().filter(|c| c.ns.is_none()) {
        let Some((name, valid)) = rules.iter().find(|(n, _)| *n == child.name) else {
            return Err(format!("Element {top} has extra content: {}", child.name));
        };
        if seen.contains(name) || !valid(child) {
            return Err(format!(
                "Extra element {name} in interleave\nElement {top} failed to validate content"
            ));
        }
        seen.push(name);
    }
    Ok(())
}

/// The element holds text only: no attribute, no child element.
pub fn text_only(e: &Element) -> bool {
    attrs_within(e, &[]) && e.elements().next().is_none()
}

/// The element's attributes are among `names`.
pub fn attrs_within(e: &Element, names: &[&str]) -> bool {
    e.attrs
        .iter()
        .all(|a| is_ns_decl(&a.name) || names.contains(&a.name.as_str()))
}

/// `<parent><name>NAME</name></parent>`, the name as `name_ok` allows.
pub fn parent_valid(e: &Element, name_ok: &dyn Fn(&str) -> bool) -> bool {
    let mut children = e.elements();
    let name = children.next();
    attrs_within(e, &[])
        && children.next().is_none()
        && name.is_some_and(|n| n.is("name") && text_only(n) && name_ok(&n.text()))
}

/// A full domain definition inside a moment document: the names of libvirt's domain schema.
pub fn domain_valid(e: &Element) -> bool {
    super::extra::validate(e).is_ok()
}

/// The schema's `absFilePath`: `/` or a drive (`C:\`), then at least one character.
pub fn abs_file_path(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0] == b'/')
        || (b.len() >= 4 && b[0].is_ascii_alphabetic() && &b[1..3] == b":\\")
}

/// The schema's `diskTargetDev`: `(ioemu:)?(fd|hd|sd|vd|xvd|ubd)[a-zA-Z0-9_]+`.
pub fn disk_target_dev(s: &str) -> bool {
    let s = s.strip_prefix("ioemu:").unwrap_or(s);
    ["fd", "hd", "sd", "vd", "xvd", "ubd"].iter().any(|p| {
        s.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
    })
}

/// A disk's `name` as the schemas take it: a target or an absolute path.
pub fn disk_name(s: &str) -> bool {
    disk_target_dev(s) || abs_file_path(s)
}

/// The schema's `unsignedLong`: digits.
pub fn unsigned_long(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The schema's `UUID`: 32 hex digits, or in groups of 8-4-4-4-12.
pub fn uuid(s: &str) -> bool {
    let hex = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_hexdigit());
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [whole] => hex(whole, 32),
        [a, b, c, d, e] => hex(a, 8) && hex(b, 4) && hex(c, 4) && hex(d, 4) && hex(e, 12),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dom::parse;

    #[test]
    fn validation_speaks_libxml2() {
        let rules: &[ChildRule] = &[("name", &text_only)];
        let check = |doc: &str| validate(&parse(doc).unwrap(), rules);
        assert_eq!(check("<m><name>a</name></m>"), Ok(()));
        assert_eq!(
            check("<m x='1'/>").unwrap_err(),
            "Invalid attribute x for element m"
        );
        assert_eq!(
            check("<m><bogus/></m>").unwrap_err(),
            "Element m has extra content: bogus"
        );
        assert_eq!(
            check("<m><name><b/></name></m>").unwrap_err(),
            "Extra element name in interleave\nElement m failed to validate content"
        );
        assert!(check("<m><name>a</name><name>b</name></m>").is_err());
    }

    #[test]
    fn schema_types() {
        assert!(disk_target_dev("vda") && disk_target_dev("ioemu:hdc"));
        assert!(!disk_target_dev("vd") && !disk_target_dev("nvme0"));
        assert!(abs_file_path("/x") && !abs_file_path("/") && !abs_file_path("x"));
        assert!(uuid("6695eb01-f6a4-8304-79aa-97f2502e193f"));
        assert!(!uuid("6695eb01"));
        assert!(unsigned_long(" 12 ") && !unsigned_long("-1"));
    }

    #[test]
    fn new_moments_are_named_by_their_time() {
        let m = MomentDef::created(None, None, 1234);
        assert_eq!((m.name.as_str(), m.creation_time), ("1234", 1234));
    }
}
